"""Every validation rule of docs/data-contract.md, each broken by one small file.

Each case imports one hostile file into a database that already holds a
valid partnership, and checks that the import fails, that a problem names the
row as Excel shows it (header = row 1) and the column, and that nothing at all
was written.
"""

from __future__ import annotations

import pytest
from conftest import snapshot, write_files

from metrics.contract.importer import import_paths

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"
GOAL_HEAD = "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner"
NOTE_HEAD = "note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on"
ACTION_HEAD = "action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status"
PLACE_HEAD = "place_id,name,level,parent_id,code"
MEASURE_HEAD = "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source"
PARTNER_HEAD = "partnership_id,name,places,review_every_weeks,members,description"
OK_OBS = "attendance,north,2025-01-01,2025-01-31,,950,1000,,,,"

# (case id, file name, file text, expected row, expected column, words the message must contain)
CASES = [
    # --- places ---
    ("place id not a slug", "places.csv", f"{PLACE_HEAD}\nEast End,East,neighbourhood,shire,", 2, "place_id", "not a valid id"),
    ("place level unknown", "places.csv", f"{PLACE_HEAD}\neast,East,ward,shire,", 2, "level", "not one of"),
    ("place parent unknown", "places.csv", f"{PLACE_HEAD}\neast,East,neighbourhood,nowhere,", 2, "parent_id", "not a known place"),
    ("place parent below it", "places.csv", f"{PLACE_HEAD}\nwide,Wide,local_area,north,", 2, "parent_id", "cannot enclose"),
    ("place its own parent", "places.csv", f"{PLACE_HEAD}\neast,East,neighbourhood,east,", 2, "parent_id", "cannot enclose itself"),
    ("nation with a parent", "places.csv", f"{PLACE_HEAD}\nuk,UK,nation,england,", 2, "parent_id", "top of the tree"),
    ("place name missing", "places.csv", f"{PLACE_HEAD}\neast,,neighbourhood,shire,", 2, "name", "required"),
    ("place key repeated with other values", "places.csv", f"{PLACE_HEAD}\neast,East,neighbourhood,shire,\neast,East Side,neighbourhood,shire,", 3, "place_id", "repeats"),
    ("unknown column is a typo", "places.csv", "place_id,nmae,level,parent_id,code\neast,East,neighbourhood,shire,", 1, "nmae", 'Did you mean "name"'),
    ("required column missing", "places.csv", "place_id,level,parent_id\neast,neighbourhood,shire", 1, "name", "required column name is missing"),
    ("neighbourhood made a local area while a partnership uses it", "places.csv", f"{PLACE_HEAD}\nnorth,North End,local_area,england,", 2, "level", "lists it as a neighbourhood"),
    # --- measures ---
    ("measure unit unknown", "measures.csv", f"{MEASURE_HEAD}\nreading,Reading,achievement,ratio,higher_is_better,,,,Reading age,", 2, "unit", "not one of"),
    ("measure direction unknown", "measures.csv", f"{MEASURE_HEAD}\nreading,Reading,achievement,score,up,,,,Reading age,", 2, "direction", "not one of"),
    ("measure range upside down", "measures.csv", f"{MEASURE_HEAD}\nreading,Reading,achievement,score,higher_is_better,50,10,,Reading age,", 2, "max_value", "greater than min_value"),
    ("measure suppression threshold zero", "measures.csv", f"{MEASURE_HEAD}\nreading,Reading,achievement,score,higher_is_better,,,0,Reading age,", 2, "suppress_below", "at least 1"),
    ("measure definition missing", "measures.csv", f"{MEASURE_HEAD}\nreading,Reading,achievement,score,higher_is_better,,,,,", 2, "definition", "required"),
    ("measure unit changed under stored figures", "measures.csv", f"{MEASURE_HEAD}\nattendance,Attendance rate,attendance,rate_per_1000,higher_is_better,0,1000,,Sessions,", 2, "unit", "stored figures"),
    # --- partnerships ---
    ("partnership place unknown", "partnerships.csv", f"{PARTNER_HEAD}\nnew-board,New,north;west,8,,", 2, "places", '"west"'),
    ("partnership place not a neighbourhood", "partnerships.csv", f"{PARTNER_HEAD}\nnew-board,New,north;shire,8,,", 2, "places", "not a neighbourhood"),
    ("partnership places list has an empty item", "partnerships.csv", f"{PARTNER_HEAD}\nnew-board,New,north;;south,8,,", 2, "places", "empty item"),
    ("partnership cadence zero", "partnerships.csv", f"{PARTNER_HEAD}\nnew-board,New,north,0,,", 2, "review_every_weeks", "between 1 and 52"),
    ("partnership drops a goal's neighbourhood", "partnerships.csv", f"{PARTNER_HEAD}\nshire-board,Shire Delivery Board,south,8,,", 2, "places", "drops north, the scope of goal north-safer"),
    # --- observations ---
    ("percent sign in a figure", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,95%,,,,,,", 2, "value", "% sign"),
    ("thousands separator", "observations.csv", f'{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,,"1,950",2000,,,,', 2, "numerator", "comma"),
    ("spaces around a number", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,, 950,1000,,,,", 2, "numerator", "spaces"),
    ("date not ISO", "observations.csv", f"{OBS_HEAD}\nattendance,north,01/01/2025,2025-01-31,,950,1000,,,,", 2, "period_start", "YYYY-MM-DD"),
    ("date not real", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-02-01,2025-02-30,,950,1000,,,,", 2, "period_end", "not a real date"),
    ("period ends before it starts", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-02-01,2025-01-31,,950,1000,,,,", 2, "period_end", "before period_start"),
    ("numerator above denominator", "observations.csv", f"{OBS_HEAD}\n{OK_OBS}\nattendance,south,2025-01-01,2025-01-31,,1100,1000,,,,", 3, "numerator", "greater than the denominator"),
    ("value disagrees with numerator and denominator", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,95.2,950,1000,,,,", 2, "value", "does not agree"),
    ("numerator without denominator", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,,950,,,,,", 2, "denominator", "numerator is filled"),
    ("zero denominator", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,,0,0,,,,", 2, "denominator", "is 0"),
    ("percent value over 100", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,101,,,,,,", 2, "value", "outside 0-100"),
    ("row with no figure", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,,,,,,,", 2, "value", "no figure"),
    ("sample size on a percent", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,,950,1000,40,,,", 2, "sample_size", "not used for percent"),
    ("count not whole", "observations.csv", f"{OBS_HEAD}\nincidents,north,2025-01-01,2025-01-31,2.5,,,,,,", 2, "value", "whole number"),
    ("count negative", "observations.csv", f"{OBS_HEAD}\nincidents,north,2025-01-01,2025-01-31,-1,,,,,,", 2, "value", "whole number of 0 or more"),
    ("score without sample size", "observations.csv", f"{OBS_HEAD}\nwellbeing,north,2025-01-01,2025-03-31,24.5,,,,,,", 2, "sample_size", "respondents"),
    ("score outside the measure's range", "observations.csv", f"{OBS_HEAD}\nwellbeing,north,2025-01-01,2025-03-31,40,,,50,4,,", 2, "value", "plausible range"),
    ("negative standard deviation", "observations.csv", f"{OBS_HEAD}\nwellbeing,north,2025-01-01,2025-03-31,24,,,50,-4,,", 2, "std_dev", "negative"),
    ("provisional not a boolean", "observations.csv", f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,,950,1000,,,,yes", 2, "provisional", "true or false"),
    ("unknown measure", "observations.csv", f"{OBS_HEAD}\nreading,north,2025-01-01,2025-01-31,5,,,,,,", 2, "measure_id", "not a known measure"),
    ("unknown place", "observations.csv", f"{OBS_HEAD}\nattendance,west,2025-01-01,2025-01-31,,950,1000,,,,", 2, "place_id", "not a known place"),
    ("observation key repeated with other figures", "observations.csv", f"{OBS_HEAD}\n{OK_OBS}\nattendance,north,2025-01-01,2025-01-31,,951,1000,,,,", 3, "measure_id", "repeats"),
    ("blank line keeps Excel's row numbers", "observations.csv", f"{OBS_HEAD}\n{OK_OBS}\n\nattendance,west,2025-01-01,2025-01-31,,950,1000,,,,", 4, "place_id", "not a known place"),
    ("ragged row", "observations.csv", f"{OBS_HEAD}\n{OK_OBS}\nattendance,north,2025-02-01,2025-02-28,,950,1000,,,,,,extra", 3, None, "cells but the header has"),
    # --- goals ---
    ("target not an improvement", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,attendance,north,Up,92,2024-09-30,90,2026-07-31,2024-10-01,public,", 2, "target_value", "not an improvement"),
    ("target not an improvement when lower is better", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,incidents,north,Down,10,2024-09-30,12,2026-07-31,2024-10-01,public,", 2, "target_value", "lower is better"),
    ("target date before baseline", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,attendance,north,Up,92,2024-09-30,95,2024-07-31,2024-10-01,public,", 2, "target_date", "after the baseline_date"),
    ("goal scope outside the partnership", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,attendance,shire,Up,92,2024-09-30,95,2026-07-31,2024-10-01,public,", 2, "scope", "neither"),
    ("goal measure unknown", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,reading,north,Up,92,2024-09-30,95,2026-07-31,2024-10-01,public,", 2, "measure_id", "not a known measure"),
    ("goal partnership unknown", "goals.csv", f"{GOAL_HEAD}\ng2,other-board,attendance,north,Up,92,2024-09-30,95,2026-07-31,2024-10-01,public,", 2, "partnership_id", "not a known partnership"),
    ("goal visibility unknown", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,attendance,north,Up,92,2024-09-30,95,2026-07-31,2024-10-01,private,", 2, "visibility", "not one of"),
    ("goal target outside the measure's range", "goals.csv", f"{GOAL_HEAD}\ng2,shire-board,attendance,north,Up,92,2024-09-30,101,2026-07-31,2024-10-01,public,", 2, "target_value", "plausible range"),
    ("goal target changed without a reason", "goals.csv", f"{GOAL_HEAD}\nattend-up,shire-board,attendance,shire-board,Attendance rises to 95% by July 2026,90.75,2024-09-30,96,2026-07-31,2024-10-15,public,Shire Council", 2, "target_value", "--reason"),
    # --- notes ---
    ("approval on a note without public consent", "notes.csv", f"{NOTE_HEAD}\nn3,2024-10-20,shire-board,,,safety,resident,Words,,internal,Words,Chair,2024-11-01", 2, "approved_wording", "consent is internal"),
    ("approval half filled", "notes.csv", f"{NOTE_HEAD}\nn3,2024-10-20,shire-board,,,safety,resident,Words,,public,Words,,2024-11-01", 2, "approved_by", "all three"),
    ("note voice unknown", "notes.csv", f"{NOTE_HEAD}\nn3,2024-10-20,shire-board,,,safety,child,Words,,none,,,", 2, "voice", "not one of"),
    ("note goal unknown", "notes.csv", f"{NOTE_HEAD}\nn3,2024-10-20,shire-board,,nope,safety,resident,Words,,none,,,", 2, "goal_id", "not a known goal"),
    ("note place unknown", "notes.csv", f"{NOTE_HEAD}\nn3,2024-10-20,shire-board,west,,safety,resident,Words,,none,,,", 2, "place_id", "not a known place"),
    # --- actions ---
    ("action due before agreed", "actions.csv", f"{ACTION_HEAD}\na2,shire-board,,Do it,Council,2024-11-01,2024-10-01,open", 2, "due_on", "before the action was agreed"),
    ("action status unknown", "actions.csv", f"{ACTION_HEAD}\na2,shire-board,,Do it,Council,2024-11-01,2024-12-01,late", 2, "status", "not one of"),
    ("action owner missing", "actions.csv", f"{ACTION_HEAD}\na2,shire-board,,Do it,,2024-11-01,2024-12-01,open", 2, "owner", "required"),
    ("action partnership unknown", "actions.csv", f"{ACTION_HEAD}\na2,nope,,Do it,Council,2024-11-01,2024-12-01,open", 2, "partnership_id", "not a known partnership"),
]


@pytest.mark.parametrize("name,text,row,column,words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_is_reported_at_row_and_column_and_nothing_is_written(seeded_db, tmp_path, name, text, row, column, words):
    before = snapshot(seeded_db)
    (path,) = write_files(tmp_path / "bad", {name: text})
    result = import_paths(seeded_db, [path])
    assert not result.ok
    matches = [p for p in result.problems if p.file == name and p.row == row and p.column == column]
    assert matches, f"expected a problem at row {row}, column {column}; got: {[str(p) for p in result.problems]}"
    if words:
        assert any(words in str(p) for p in matches), [str(p) for p in matches]
    assert all(p.fix or p.code == "ragged" or p.fix == "" for p in matches)
    assert snapshot(seeded_db) == before


def test_every_problem_says_how_to_fix_it(seeded_db, tmp_path):
    files = {f"case{i}_{c[1]}": c[2] for i, c in enumerate(CASES)}
    problems = []
    for name, text in files.items():
        (path,) = write_files(tmp_path / name, {name.split("_", 1)[1]: text})
        problems += import_paths(seeded_db, [path]).problems
    assert problems
    assert [str(p) for p in problems if not p.fix] == []


def test_all_problems_of_all_files_are_reported_together(seeded_db, tmp_path):
    paths = write_files(
        tmp_path / "two",
        {
            "observations.csv": f"{OBS_HEAD}\nattendance,north,2025-01-01,2025-01-31,95%,,,,,,\nattendance,west,2025-01-01,2025-01-31,,950,1000,,,,",
            "actions.csv": f"{ACTION_HEAD}\na2,shire-board,,Do it,Council,2024-11-01,2024-10-01,open",
        },
    )
    result = import_paths(seeded_db, paths)
    where = {(p.file, p.row, p.column) for p in result.problems}
    assert {("observations.csv", 2, "value"), ("observations.csv", 3, "place_id"), ("actions.csv", 2, "due_on")} <= where


def test_gss_symbols_are_stored_as_unavailable_not_errors(seeded_db, tmp_path):
    text = f"{OBS_HEAD}\n" + "\n".join(
        f"attendance,south,2025-0{i}-01,2025-0{i}-28,{s},{s},{s},,,," for i, s in enumerate(["c", "x", "z", "low", ":", "~", "[c]"], start=1)
    )
    (path,) = write_files(tmp_path / "sym", {"observations.csv": text})
    result = import_paths(seeded_db, [path])
    assert result.ok, [str(p) for p in result.problems]
    rows = seeded_db.execute(
        "SELECT value, value_symbol, numerator_symbol, figure FROM observations WHERE place_id = 'south' AND period_start >= '2025-01-01' ORDER BY period_start"
    ).fetchall()
    assert [r[1] for r in rows] == ["c", "x", "z", "low", ":", "~", "[c]"]
    assert all(r[0] is None and r[3] is None for r in rows)


def test_underscore_columns_are_the_stewards_own_and_ignored(seeded_db, tmp_path):
    (path,) = write_files(tmp_path / "u", {"observations.csv": f"{OBS_HEAD},_checked_by\n{OK_OBS},Sam"})
    assert import_paths(seeded_db, [path]).ok


def test_optional_columns_may_be_left_out(seeded_db, tmp_path):
    (path,) = write_files(tmp_path / "o", {"observations.csv": "measure_id,place_id,period_start,period_end,numerator,denominator\nattendance,north,2025-01-01,2025-01-31,950,1000"})
    result = import_paths(seeded_db, [path])
    assert result.ok and result.changes["observations"].added == 1


def test_kind_comes_from_the_file_name_stem(seeded_db, tmp_path):
    paths = write_files(tmp_path / "k", {"observations_2025_spring.csv": f"{OBS_HEAD}\n{OK_OBS}", "observations-june.csv": f"{OBS_HEAD}\nattendance,south,2025-01-01,2025-01-31,,950,1000,,,,"})
    result = import_paths(seeded_db, paths)
    assert result.ok and result.changes["observations"].added == 2


def test_unrecognised_file_name_asks_for_kind(seeded_db, tmp_path):
    (path,) = write_files(tmp_path / "k", {"figures.csv": f"{OBS_HEAD}\n{OK_OBS}"})
    result = import_paths(seeded_db, [path])
    assert not result.ok and "--kind" in result.problems[0].fix
    assert import_paths(seeded_db, [path], kind="observations").ok


def test_csv_with_bom_and_windows_line_endings_imports(seeded_db, tmp_path):
    path = tmp_path / "observations.csv"
    path.write_bytes(("\ufeff" + f"{OBS_HEAD}\r\n{OK_OBS}\r\n").encode("utf-8"))
    assert import_paths(seeded_db, [path]).ok


def test_file_not_utf8_gets_a_save_as_hint(seeded_db, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(f"{NOTE_HEAD}\nn3,2024-10-20,shire-board,,,safety,resident,Caf\xe9 closed,,none,,,\n".encode("latin-1"))
    result = import_paths(seeded_db, [path])
    assert not result.ok
    assert result.problems[0].row == 2 and "CSV UTF-8" in result.problems[0].fix


def test_semicolon_separated_header_is_explained(seeded_db, tmp_path):
    (path,) = write_files(tmp_path / "s", {"observations.csv": OBS_HEAD.replace(",", ";") + "\n"})
    result = import_paths(seeded_db, [path])
    assert not result.ok and any("semicolons" in p.fix for p in result.problems)


def test_an_oversized_file_is_refused_with_the_limit_and_what_to_do(seeded_db, tmp_path, monkeypatch):
    from metrics.contract import readers

    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    (path,) = write_files(tmp_path / "big", {"observations.csv": f"{OBS_HEAD}\n" + f"{OK_OBS}\n" * 10})
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, [path])
    assert not result.ok
    assert "over the" in result.problems[0].message and "Split it" in result.problems[0].fix
    assert snapshot(seeded_db) == before


def test_notes_with_markup_are_stored_as_text(seeded_db, tmp_path):
    text = f"{NOTE_HEAD}\nn9,2024-10-20,shire-board,,,safety,resident,<script>alert(1)</script> and <b>bold</b>,,none,,,"
    (path,) = write_files(tmp_path / "m", {"notes.csv": text})
    assert import_paths(seeded_db, [path]).ok
    assert seeded_db.execute("SELECT text FROM notes WHERE note_id = 'n9'").fetchall() == [("<script>alert(1)</script> and <b>bold</b>",)]


@pytest.mark.parametrize("kind, head, row, column", [
    ("events", "event_id,partnership_id,goal_id,date,title,visibility", "e1,shire-board,attend-up,9999-03-01,Breakfast club,public", "date"),
    ("events", "event_id,partnership_id,goal_id,date,title,visibility", "e1,shire-board,attend-up,0001-01-01,Breakfast club,public", "date"),
    ("observations", OBS_HEAD, "incidents,north,2099-12-01,2100-01-31,3,,,,,,", "period_end"),
    ("observations", OBS_HEAD, "incidents,north,1899-12-01,1900-01-31,3,,,,,,", "period_start"),
])
def test_a_date_outside_1900_to_2099_is_refused_with_its_row_and_nothing_is_written(seeded_db, tmp_path, kind, head, row, column):
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, write_files(tmp_path / "f", {f"{kind}.csv": f"{head}\n{row}\n"}))
    assert not result.ok and snapshot(seeded_db) == before
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column) == (f"{kind}.csv", 2, column)
    assert "1900 to 2099" in problem.message and "year" in problem.fix


def test_an_area_may_stay_valid_until_9999_as_official_lookups_write_it(seeded_db, tmp_path):
    result = import_paths(seeded_db, write_files(tmp_path / "f", {"place_areas.csv": "place_id,area_code,valid_from,valid_to\nnorth,E05000001,2020-01-01,9999-12-31\n"}))
    assert result.ok, [str(p) for p in result.problems]
