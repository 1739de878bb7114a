"""A place_areas code no source has named is said at import (issue 26,
finding 1): the steward's E05009739, a ward code that exists nowhere, was
accepted and found only when its neighbourhood got no figure. It is a
warning in the summary, not a refusal: a code can be right before the first
file that holds it is imported."""

from __future__ import annotations

import csv

from conftest import REAL_MET_2025_12, REAL_POLICE, snapshot, write_files
from fixtures.camden import import_release, set_up_partnership

from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source

TYPO = "E05009739"  # the steward's: no such ward
KENTISH_TOWN_SOUTH = "E05013664"  # a real Camden ward in the Met's release


def areas_file(tmp_path, *codes: str, name="place_areas.csv"):
    rows = "".join(f"somers-town,{c},,\n" for c in codes)
    return write_files(tmp_path / "pa", {name: "place_id,area_code,valid_from,valid_to\n" + rows})


def codes_in(path, column: str) -> set[str]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r[column] for r in csv.DictReader(f) if r[column]}


def test_a_code_no_source_has_named_is_a_warning_and_is_still_imported(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    assert TYPO not in codes_in(REAL_MET_2025_12, "WardCode")
    result = import_paths(fresh_db, areas_file(tmp_path, TYPO))
    assert result.ok
    assert result.changes["place_areas"].added == 1
    [warning] = result.warnings
    assert warning.startswith(f"place_areas.csv, row 2: area {TYPO} (for somers-town) is not seen in any source yet")
    assert "python -m metrics areas" in warning
    assert f"Warning: {warning}" in result.summary_lines()


def test_a_code_the_imported_release_names_is_not_warned_about_and_the_typo_still_is(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    assert import_release(fresh_db, REAL_MET_2025_12).ok
    assert KENTISH_TOWN_SOUTH in codes_in(REAL_MET_2025_12, "WardCode")
    result = import_paths(fresh_db, areas_file(tmp_path, KENTISH_TOWN_SOUTH, TYPO), dry_run=True)
    assert result.ok
    assert [w.split(" is not seen")[0] for w in result.warnings] == [f"place_areas.csv, row 3: area {TYPO} (for somers-town)"]


def test_every_ward_of_the_release_is_recorded_once_with_its_name(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    assert import_release(fresh_db, REAL_MET_2025_12).ok
    with open(REAL_MET_2025_12, encoding="utf-8-sig", newline="") as f:
        wards = {r["WardCode"]: r["WardName"] for r in csv.DictReader(f)}
    stored = dict(fresh_db.execute("SELECT area_code, name FROM source_areas WHERE source = 'met-ward-crime'").fetchall())
    assert stored == wards
    before = snapshot(fresh_db)
    again = import_release(fresh_db, REAL_MET_2025_12)
    assert again.ok and "Nothing changed" in "\n".join(again.summary_lines())
    assert snapshot(fresh_db) == before


def test_a_dry_run_records_no_areas(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    assert import_release(fresh_db, REAL_MET_2025_12, dry_run=True).ok
    assert fresh_db.execute("SELECT count(*) FROM source_areas").fetchone() == (0,)


def test_police_uk_lsoas_are_recorded_and_a_place_s_own_code_counts_as_seen(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    assert import_paths(fresh_db, write_files(tmp_path / "m", {
        "measures.csv": "measure_id,name,domain,unit,direction,definition\ncrime,Crime,safety,count,lower_is_better,Crimes\n",
        "places.csv": "place_id,name,level,parent_id,code\nleeds-001,Leeds 001,neighbourhood,,\n",
        "place_areas.csv": "place_id,area_code,valid_from,valid_to\nleeds-001,E01011698,,\n",
    })).ok
    assert import_source(fresh_db, "police-uk-street", [REAL_POLICE], "crime").ok
    lsoas = codes_in(REAL_POLICE, "LSOA code")
    assert {c for (c,) in fresh_db.execute("SELECT area_code FROM source_areas WHERE source = 'police-uk-street'").fetchall()} == lsoas
    camden = "E09000007"  # the Camden place's own code (fixtures.camden)
    result = import_paths(fresh_db, write_files(tmp_path / "pa2", {
        "place_areas.csv": f"place_id,area_code,valid_from,valid_to\nleeds-001,{sorted(lsoas)[1]},,\nsomers-town,{camden},2030-01-01,\n",
    }), dry_run=True)
    assert result.ok and result.warnings == []
