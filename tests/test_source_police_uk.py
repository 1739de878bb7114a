"""data.police.uk street-level crime, counted per neighbourhood and month
through LSOAs, on the real West Yorkshire file for July 2016 (LSOAs "Leeds
00*", tests/fixtures/real/police_uk). Expected counts are worked out here
with the csv module."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest
from conftest import REAL_POLICE, snapshot, write_files

from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source
from metrics.read.readmodel import goal_results

# Two neighbourhoods of real Leeds LSOAs; a third whose only LSOA has no row in
# July 2016's file (E01011703 is a Leeds LSOA between the file's E01011702 and
# E01011704); a fourth given by its own code.
SETUP = {
    "places.csv": """
        place_id,name,level,parent_id,code
        leeds,Leeds,local_area,,E08000035
        otley-north,Otley North,neighbourhood,leeds,
        otley-south,Otley South,neighbourhood,leeds,
        quiet-corner,Quiet Corner,neighbourhood,leeds,
        one-lsoa,One LSOA,neighbourhood,leeds,E01011712
        """,
    "place_areas.csv": """
        place_id,area_code,valid_from,valid_to
        otley-north,E01011704,,
        otley-north,E01011700,2011-03-27,
        otley-south,E01011697,,
        otley-south,E01011698,,
        otley-south,E01011699,,2016-06-30
        quiet-corner,E01011703,,
        """,
    "measures.csv": """
        measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
        crimes,Crimes and anti-social behaviour,safety,count,lower_is_better,0,,,"Rows of police.uk's street-level file in the month",data.police.uk
        violence,Violence and sexual offences,safety,count,lower_is_better,0,,,"Police.uk crime type Violence and sexual offences",data.police.uk
        attendance,Attendance,attendance,percent,higher_is_better,0,100,,Sessions attended,
        """,
    "partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members,description
        otley,Otley Board,otley-north;otley-south;quiet-corner,8,,
        """,
    "goals.csv": """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        fewer-crimes,otley,crimes,otley,Fewer crimes,200,2016-06-30,150,2018-06-30,2016-06-01,internal,
        """,
}
# otley-south's E01011699 left the neighbourhood on 30 June 2016: not counted in July.
AREAS = {"otley-north": {"E01011704", "E01011700"}, "otley-south": {"E01011697", "E01011698"}, "quiet-corner": {"E01011703"}, "one-lsoa": {"E01011712"}}


def published_rows() -> list[dict[str, str]]:
    with open(REAL_POLICE, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def leeds_db(fresh_db, tmp_path):
    result = import_paths(fresh_db, write_files(tmp_path / "setup", SETUP))
    assert result.ok, [str(p) for p in result.problems]
    return fresh_db


def counts(con, measure="crimes") -> dict[str, float]:
    return dict(con.execute("SELECT place_id, value FROM observations WHERE measure_id = ? AND superseded_at IS NULL", [measure]).fetchall())


def test_each_neighbourhood_counts_the_crimes_in_its_lsoas_and_a_covered_month_without_any_is_0(leeds_db):
    result = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "crimes")
    assert result.ok, [str(p) for p in result.problems]
    per_lsoa = Counter(r["LSOA code"] for r in published_rows())
    assert per_lsoa["E01011703"] == 0 and per_lsoa["E01011699"] > 0
    assert counts(leeds_db) == {place: float(sum(per_lsoa[c] for c in codes)) for place, codes in AREAS.items()}
    assert leeds_db.execute("SELECT DISTINCT period_start, period_end FROM observations").fetchall() == [(dt.date(2016, 7, 1), dt.date(2016, 7, 31))]
    assert any("0 written" in line and "quiet-corner 2016-07" in line for line in result.summary_lines())


def test_rows_without_an_lsoa_and_rows_in_no_place_are_counted_in_the_summary(leeds_db):
    result = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "crimes")
    rows = published_rows()
    no_lsoa = sum(1 for r in rows if r["LSOA code"] == "")
    used = set().union(*AREAS.values())
    elsewhere = [r for r in rows if r["LSOA code"] and r["LSOA code"] not in used]
    lsoas = {r["LSOA code"] for r in elsewhere}
    lines = result.summary_lines()
    assert f"Unallocated: {no_lsoa:,} rows have no LSOA code (police.uk could not place them), so they are in no place's count." in lines
    assert any(line.startswith(f"Unallocated: {len(elsewhere):,} rows ({len(elsewhere):,} crimes) in {len(lsoas)} LSOAs that belong to no place") for line in lines)
    # every row is accounted for
    allocated = sum(counts(leeds_db).values())
    assert allocated + no_lsoa + len(elsewhere) == len(rows)


def test_a_filter_keeps_one_crime_type_and_values_of_one_column_are_alternatives(leeds_db):
    rows = published_rows()
    result = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "violence", ["Crime type=Violence and sexual offences", "Crime type=Robbery"])
    assert result.ok
    kept = Counter(r["LSOA code"] for r in rows if r["Crime type"] in ("Violence and sexual offences", "Robbery"))
    assert counts(leeds_db, "violence") == {p: float(sum(kept[c] for c in codes)) for p, codes in AREAS.items()}
    # a second column must match too (AND)
    result = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "violence", ["Crime type=Violence and sexual offences", "Last outcome category=Unable to prosecute suspect"],
                           reason="Narrowed to one outcome")  # another filter on purpose: said, not silent
    assert result.ok
    kept = Counter(r["LSOA code"] for r in rows if r["Crime type"] == "Violence and sexual offences" and r["Last outcome category"] == "Unable to prosecute suspect")
    assert counts(leeds_db, "violence") == {p: float(sum(kept[c] for c in codes)) for p, codes in AREAS.items()}


def test_the_partnership_count_is_the_sum_of_its_neighbourhoods(leeds_db):
    assert import_source(leeds_db, "police-uk-street", [REAL_POLICE], "crimes").ok
    [r] = goal_results(leeds_db)
    c = counts(leeds_db)
    assert r.assessment.latest_value == c["otley-north"] + c["otley-south"] + c["quiet-corner"]


def test_importing_twice_changes_nothing_and_a_dry_run_writes_nothing(leeds_db):
    before = snapshot(leeds_db)
    dry = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "crimes", dry_run=True)
    assert dry.ok and dry.changes["observations"].added == 4
    assert snapshot(leeds_db) == before
    assert import_source(leeds_db, "police-uk-street", [REAL_POLICE], "crimes").ok
    after = snapshot(leeds_db)
    again = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "crimes")
    assert again.ok and again.batch_id is None and snapshot(leeds_db) == after


@pytest.mark.parametrize(
    ("change", "column", "words"),
    [
        (("2016-07,", "July 2016,"), "Month", "not a month"),
        ((",E01011698,", ",E0101169X,"), "LSOA code", "not an LSOA code"),
    ],
    ids=["a month written otherwise", "a broken LSOA code"],
)
def test_a_hostile_row_names_the_file_row_and_column_and_nothing_is_written(leeds_db, tmp_path, change, column, words):
    lines = REAL_POLICE.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if change[0] in line)
    lines[row] = lines[row].replace(change[0], change[1], 1)
    bad = tmp_path / "street.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(leeds_db)
    result = import_source(leeds_db, "police-uk-street", [bad], "crimes")
    assert not result.ok
    assert [(p.file, p.row, p.column) for p in result.problems] == [("street.csv", row + 1, column)]
    assert words in result.problems[0].message and result.problems[0].fix
    assert snapshot(leeds_db) == before


def test_a_percent_measure_is_refused_naming_the_unit_it_needs(leeds_db):
    result = import_source(leeds_db, "police-uk-street", [REAL_POLICE], "attendance")
    assert not result.ok
    assert "it needs a measure in count" in result.problems[0].message


def test_a_file_that_is_not_a_street_level_file_is_a_problem(leeds_db, tmp_path):
    other = tmp_path / "outcomes.csv"
    other.write_text("Crime ID,Month,Outcome type\nabc,2016-07,Local resolution\n", encoding="utf-8")
    result = import_source(leeds_db, "police-uk-street", [other], "crimes")
    assert not result.ok
    assert {p.column for p in result.problems} >= {"LSOA code", "Crime type"}
    assert all(p.row == 1 and p.file == "outcomes.csv" for p in result.problems)


def wide_copy(path, folder, extra: int, target_bytes: int):
    """The real file with `extra` empty columns added to the header and every
    row, its rows repeated until the file is about `target_bytes`."""
    with REAL_POLICE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    pad = [""] * extra
    out = folder / "wide.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(rows[0] + [f"extra {i}" for i in range(extra)])
        i = 0
        while f.tell() < target_bytes:
            w.writerow(rows[1 + i % (len(rows) - 1)] + pad)
            i += 1
    return out


def test_a_file_with_200000_extra_columns_is_refused_before_its_rows_are_read(leeds_db, tmp_path):
    """Issue 23, finding 6: a 19.5 MB police.uk file with 200,000 extra
    columns peaked at 733 MB. Now its header is enough to refuse it."""
    import tracemalloc

    wide = wide_copy(REAL_POLICE, tmp_path, 200_000, 19_500_000)
    before = snapshot(leeds_db)
    tracemalloc.start()
    try:
        result = import_source(leeds_db, "police-uk-street", [wide], "violence", ["Crime type=Violence and sexual offences"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.ok
    problem = result.problems[0]
    assert (problem.file, problem.row, problem.code) == ("wide.csv", 1, "too_many_columns")
    assert "200,012 columns" in problem.message
    assert snapshot(leeds_db) == before
    assert peak < 5 * wide.stat().st_size, f"peak {peak / 1e6:.0f} MB reading a {wide.stat().st_size / 1e6:.1f} MB file"


def test_a_few_extra_columns_beside_the_publishers_still_import(leeds_db, tmp_path):
    narrow = wide_copy(REAL_POLICE, tmp_path, 20, REAL_POLICE.stat().st_size)
    result = import_source(leeds_db, "police-uk-street", [narrow], "violence", ["Crime type=Violence and sexual offences"])
    assert result.ok, [str(p) for p in result.problems]


def test_a_byte_that_is_not_utf8_deep_in_the_file_is_refused_as_a_whole_file_problem(leeds_db, tmp_path):
    """The file is read as a stream: a re-saved row far past the first
    buffer still gives the encoding message, not a traceback, and nothing is written."""
    raw = REAL_POLICE.read_bytes()
    cut = raw.rindex(b"\n", 0, len(raw) - 10) + 1  # the start of the last row
    bad = tmp_path / "resaved.csv"
    bad.write_bytes(raw[:cut] + raw[cut:].replace(b",", b",\xe9", 1))  # one Latin-1 e-acute in the last row
    assert cut > 64 * 1024  # beyond what a decoder reads at first
    before = snapshot(leeds_db)
    result = import_source(leeds_db, "police-uk-street", [bad], "violence", ["Crime type=Violence and sexual offences"])
    assert not result.ok
    assert (result.problems[0].file, result.problems[0].code) == ("resaved.csv", "encoding")
    assert "not UTF-8" in result.problems[0].message
    assert snapshot(leeds_db) == before
