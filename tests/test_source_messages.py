"""Messages that leave the steward guessing nothing (issue 26, finding 5), on
the real files: a filter value in the wrong case is corrected, a file given to
the wrong adapter is named for the right one, a summary speaks only of the
partnerships the file reaches, and merged duplicate rows are counted."""

from __future__ import annotations

import csv
import io

from conftest import REAL_FINGERTIPS, REAL_MET_2025_12, REAL_POLICE, write_files
from fixtures.camden import VIOLENCE, set_up_partnership

from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source

LEEDS = {
    "places.csv": "place_id,name,level,parent_id,code\nleeds-001,Leeds 001,neighbourhood,,\n",
    "place_areas.csv": "place_id,area_code,valid_from,valid_to\nleeds-001,E01011698,,\nleeds-001,E01011699,,\n",
    "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nleeds-board,Leeds Board,leeds-001,8,,\n",
}


def test_a_filter_value_in_the_wrong_case_suggests_the_value_as_published(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    result = import_source(fresh_db, "met-ward-crime", [REAL_MET_2025_12], "violence", ["MajorText=Violence against the person"], dry_run=True)
    assert not result.ok
    [p] = [p for p in result.problems if p.file == "--filter"]
    assert f'Did you mean "{VIOLENCE}"?' in p.fix


def test_a_filter_value_with_a_near_miss_and_other_case_suggests_the_right_one(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    result = import_source(fresh_db, "met-ward-crime", [REAL_MET_2025_12], "violence", ["MinorText=violence with injry"], dry_run=True)
    [p] = [p for p in result.problems if p.file == "--filter"]
    assert 'Did you mean "VIOLENCE WITH INJURY"?' in p.fix


def test_a_file_given_to_the_wrong_adapter_names_the_right_one_once(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    result = import_source(fresh_db, "met-ward-crime", [REAL_POLICE], "violence", [f"MajorText={VIOLENCE}"], dry_run=True)
    assert not result.ok
    about_file = [p for p in result.problems if p.file == REAL_POLICE.name]
    assert len(about_file) == 1, [str(p) for p in about_file]
    assert "this looks like a police-uk-street file" in about_file[0].message
    assert "import-source police-uk-street" in about_file[0].fix


def test_the_summary_speaks_only_of_the_partnerships_the_file_reaches(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")
    assert import_paths(fresh_db, write_files(tmp_path / "leeds", LEEDS)).ok
    result = import_source(fresh_db, "met-ward-crime", [REAL_MET_2025_12], "violence", [f"MajorText={VIOLENCE}"], dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    text = "\n".join(result.summary_lines())
    assert "leeds-001" not in text
    assert "Not listed: 1 neighbourhood of partnerships these files do not reach (leeds-board)." in text


def test_a_file_that_reaches_no_partnership_still_says_why_each_got_nothing(fresh_db, tmp_path):
    assert import_paths(fresh_db, write_files(tmp_path / "leeds", {
        **LEEDS,
        "measures.csv": "measure_id,name,domain,unit,direction,definition\nviolence,Violence,safety,count,lower_is_better,Crimes\n",
    })).ok
    result = import_source(fresh_db, "met-ward-crime", [REAL_MET_2025_12], "violence", [f"MajorText={VIOLENCE}"], dry_run=True)
    text = "\n".join(result.summary_lines())
    assert "leeds-001 (24 periods" in text and "none of its 2 areas is in the files" in text


def test_fingertips_says_how_many_repeated_rows_it_merged(fresh_db, tmp_path):
    """Fingertips exports can list one area twice (under two area types) with the
    same figure; the summary says how many were merged, so kept and written add up."""
    text = REAL_FINGERTIPS.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    persons = [r for r in rows[1:] if r[header.index("Sex")] == "Persons" and r[header.index("Category Type")] == ""
               and r[header.index("Area Code")] == "E12000007"]
    repeats = persons[:3]
    path = tmp_path / "fingertips_with_repeats.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows[1:], *repeats])
    assert import_paths(fresh_db, write_files(tmp_path / "m", {
        "measures.csv": "measure_id,name,domain,unit,direction,definition\ninjuries,Injuries,health,rate_per_10000,lower_is_better,Admissions\n",
    })).ok
    result = import_source(fresh_db, "fingertips", [path], "injuries", dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    kept = sum(1 for r in rows[1:] if r[header.index("Sex")] == "Persons" and r[header.index("Category Type")] == "") + 3
    text = "\n".join(result.summary_lines())
    assert f"kept {kept:,}" in text
    assert "Merged 3 rows that repeat another row's figure exactly" in text
    assert f"so {kept - 3:,} of the {kept:,} rows kept give figures" in text
    assert result.changes["observations"].added == kept - 3
