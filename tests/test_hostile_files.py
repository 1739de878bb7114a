"""Hostile files cost little and lose nothing (issue 12, findings 12 to 17).

- Control and bidirectional formatting characters are refused in every kind,
  on every path (files read by the careful and the fast path, workbooks, the
  bulk observation check in SQL, the app's forms), with file, row and column.
- Reading any file stays under 500 MB of memory whatever it claims, measured
  in a child process by the kernel's own accounting; files over a limit are
  refused with a message saying which limit and what to do.
- A formula with no saved value is refused with its cell named.
- Two files of one name in one import are refused, naming the name.
- An upload is read from memory, never copied to disk.
- Macro-enabled workbooks are refused.

The hostile files are built by hand in `fixtures.hostile` (the small ones are
kept in tests/fixtures/hostile/, one folder per failure mode).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile

import pytest
import tomllib
from conftest import REPO, snapshot, write_files
from fixtures import hostile

from metrics.contract import readers
from metrics.contract.importer import import_paths, import_sheets
from metrics.contract.readers import read_paths, sheet_from_records

MEMORY_BUDGET_MB = 500
FIXTURES = hostile.HERE

NOTE_HEAD = "note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on"
OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


def problems_text(result) -> str:
    return "\n".join(str(p) for p in result.problems)


def test_kept_fixtures_are_exactly_what_the_builders_make():
    """Every byte of tests/fixtures/hostile is explained by fixtures/hostile/__init__.py."""
    fixtures = hostile._fixtures()
    assert fixtures and {rel for rel in fixtures} == {str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*") if p.is_file() and p.name not in ("__init__.py", "README.md") and "__pycache__" not in p.parts}
    for rel, data in fixtures.items():
        assert (FIXTURES / rel).read_bytes() == data, f"{rel}: rebuild with write_fixtures()"


# --- 12. control characters ------------------------------------------------------------

REFUSED = {
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
    "\x00": "NULL",
    "\x01": "START OF HEADING",
    "\x08": "BACKSPACE",
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\x1b": "ESCAPE",
    "\x1f": "INFORMATION SEPARATOR ONE",
    "\x7f": "DELETE",
    "\x85": "NEXT LINE",
    "\x9b": "CONTROL SEQUENCE INTRODUCER",
}


@pytest.mark.parametrize("char", list(REFUSED), ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_a_control_character_in_a_note_is_refused_with_row_and_column(seeded_db, tmp_path, char):
    text = f"{NOTE_HEAD}\nn9,2024-10-20,shire-board,,,safety,resident,Paid {char}0001 pounds,,none,,,\n"
    path = tmp_path / "notes.csv"
    path.write_bytes(text.encode("utf-8"))
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, [path])
    assert not result.ok
    (p,) = result.problems
    assert (p.file, p.row, p.column) == ("notes.csv", 2, "text")
    assert f"U+{ord(char):04X}" in p.message and REFUSED[char] in p.message
    assert char not in str(p), "the problem shows the character by its name, not the character itself"
    assert p.fix
    assert snapshot(seeded_db) == before


# One free-text column of every kind, with a right-to-left override in it.
EVERY_KIND = {
    "places.csv": ("place_id,name,level,parent_id,code\nx1,Ash\u202eton,neighbourhood,shire,\n", "name"),
    "place_areas.csv": ("place_id,area_code\nnorth,E02\u202e000001\n", "area_code"),
    "partnerships.csv": ("partnership_id,name,places,members\nshire-board,Shire Delivery Board,north;south,Shire\u202e Council\n", "members"),
    "measures.csv": ("measure_id,name,domain,unit,direction,definition\nm9,M,other,count,higher_is_better,Counted \u2066here\u2069\n", "definition"),
    "goals.csv": (
        "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility\n"
        "g9,shire-board,incidents,north,Fewer \u202eincidents,4,2024-09-30,2,2026-07-31,2024-10-15,public\n",
        "statement",
    ),
    "observations.csv": (f"{OBS_HEAD}\nincidents,north,2024-11-01,2024-11-30,3,,,,,Police\u202e,\n", "source"),
    "notes.csv": (f"{NOTE_HEAD}\nn9,2024-10-20,shire-board,,,safety,resident,Fine,Forum\x00,none,,,\n", "source"),
    "actions.csv": ("action_id,partnership_id,description,owner,agreed_on,due_on,status\na9,shire-board,Call \u202ethe bus company,Council,2024-11-01,2024-12-31,open\n", "description"),
}


@pytest.mark.parametrize("name", list(EVERY_KIND))
def test_control_characters_are_refused_in_every_kind(seeded_db, tmp_path, name):
    text, column = EVERY_KIND[name]
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    result = import_paths(seeded_db, [path])
    assert not result.ok, f"{name} was imported with a control character in {column}"
    assert [(p.row, p.column) for p in result.problems] == [(2, column)], problems_text(result)


def test_a_control_character_is_refused_by_the_bulk_observation_check(seeded_db, tmp_path):
    """Over 1 MB, an observations file takes the fast path: Arrow, then DuckDB's
    bulk check, which must not call a row with a control character clean."""
    good = "incidents,north,2024-{m:02d}-01,2024-{m:02d}-28,{v},,,,,Police,\n"
    rows = [good.format(m=1 + i % 12, v=i) for i in range(30_000)]
    rows[20_000] = rows[20_000].replace("Police", "Pol\u202eice")
    path = tmp_path / "observations.csv"
    path.write_text(OBS_HEAD + "\n" + "".join(rows), encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    result = import_paths(seeded_db, [path], dry_run=True)
    codes = {(p.row, p.column) for p in result.problems if p.code != "duplicate_key"}
    assert (20_002, "source") in codes, problems_text(result)[:2000]


def test_a_control_character_in_a_workbook_cell_is_refused(seeded_db, tmp_path):
    header = hostile.row(1, [hostile.inline(f"{c}1", h) for c, h in zip("ABCDEFGH", hostile.NOTES_HEADER)])
    cells = ["n9", "2024-10-20", "shire-board", "safety", "resident", "Fine \u2067text", "", "none"]
    body = hostile.row(2, [hostile.inline(f"{c}2", v) for c, v in zip("ABCDEFGH", cells) if v])
    path = tmp_path / "book.xlsx"
    path.write_bytes(hostile.workbook({"notes": hostile.sheet_xml([header, body])}))
    result = import_paths(seeded_db, [path])
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("notes", 2, "text")], problems_text(result)


def test_a_control_character_typed_into_a_form_is_refused(seeded_db):
    record = {"action_id": "a9", "partnership_id": "shire-board", "description": "Call\u202e", "owner": "Council",
              "agreed_on": dt.date(2024, 11, 1), "due_on": dt.date(2024, 12, 31), "status": "open"}
    result = import_sheets(seeded_db, [sheet_from_records("actions", [record], file="actions form")], ["actions form"])
    assert [(p.file, p.column) for p in result.problems] == [("actions form", "description")]


def test_the_kept_control_character_fixture_is_refused(seeded_db):
    result = import_paths(seeded_db, [FIXTURES / "control_characters" / "notes.csv"])
    assert [(p.row, p.column) for p in result.problems] == [(2, "text")]
    assert "U+202E" in problems_text(result)


def test_a_file_name_with_a_direction_override_is_refused(seeded_db, tmp_path):
    """The name goes into the audit trail and every message: "notes\u202evsc.csv" shows as "notescsv.csv"."""
    path = tmp_path / "notes\u202evsc.csv"
    path.write_text(f"{NOTE_HEAD}\nn7,2024-10-20,shire-board,,,safety,resident,Fine,,none,,,\n", encoding="utf-8")
    result = import_paths(seeded_db, [path])
    assert not result.ok
    assert "U+202E" in str(result.problems[0]) and "\u202e" not in str(result.problems[0])


@pytest.mark.parametrize(
    "text",
    ["\u0645\u0631\u062d\u0628\u0627\u200f (hello)", "Line one\nline two", "Tabbed\there", "Windows\r\nline", "Caf\xe9 \U0001f642 \u200d"],
    ids=["right-to-left-mark", "newline", "tab", "crlf", "accents-emoji-zwj"],
)
def test_ordinary_text_in_any_script_is_kept_exactly(seeded_db, tmp_path, text):
    """Marks that only shape the order of punctuation (U+200E, U+200F, U+061C)
    are needed to write Arabic, Hebrew or Urdu beside English and are kept, as
    are tab, newlines and joiners."""
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([NOTE_HEAD.split(","), ["n9", "2024-10-20", "shire-board", "", "", "safety", "resident", text, "", "none", "", "", ""]])
    path = tmp_path / "notes.csv"
    path.write_bytes(buf.getvalue().encode("utf-8"))
    result = import_paths(seeded_db, [path])
    assert result.ok, problems_text(result)
    assert seeded_db.execute("SELECT text FROM notes WHERE note_id = 'n9'").fetchone()[0] == text


# --- 13. memory and time, whatever the file claims -----------------------------------------


def _assert_within_budget(measured, what: str) -> None:
    print(f"{what}: peak {measured.peak_mb:.0f} MB, {measured.seconds:.1f} s")
    assert measured.killed is None, f"{what}: {measured.killed}"
    assert measured.output is not None, f"{what}: the reader crashed:\n{measured.stderr}"
    assert measured.peak_mb < MEMORY_BUDGET_MB, f"{what}: peak {measured.peak_mb:.0f} MB"


def test_a_workbook_claiming_every_cell_of_a_sheet_is_read_as_what_it_holds():
    measured = hostile.measure_read([FIXTURES / "dimension_claim" / "places.xlsx"])
    _assert_within_budget(measured, "dimension claim")
    assert measured.output == {"sheets": [["places.xlsx", 1]], "problems": []}


def test_a_value_in_the_last_cell_of_a_sheet_costs_nothing_and_is_refused():
    measured = hostile.measure_read([FIXTURES / "dimension_claim" / "places_far_cell.xlsx"])
    _assert_within_budget(measured, "dimension claim and a far cell")
    (problem,) = measured.output["problems"]
    assert "XFD1048576" in problem and "column" in problem


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    """The large hostile files, built once for the module."""
    root = tmp_path_factory.mktemp("hostile")
    return root


def test_a_200_mb_csv_is_refused_at_once(big_files):
    path = hostile.write_csv_of_size(big_files / "observations_200mb.csv", 200_000_000, blank_line=True)
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, "200 MB CSV")
    (problem,) = measured.output["problems"]
    assert re.search(r"The file is 19\d(\.\d)? MB, over the 100 MB limit for one file", problem) and "Split it" in problem


def test_a_csv_just_under_the_size_limit_is_read_within_the_budget(big_files):
    """The careful (streaming) path: a blank line after the header keeps Excel's row numbers."""
    size = readers.MAX_FILE_BYTES - 2_000_000
    path = hostile.write_csv_of_size(big_files / "observations_near_limit.csv", size, blank_line=True)
    rows = (path.stat().st_size - len(hostile.OBS_HEADER) - 1) // len(hostile.OBS_ROW)
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, "CSV near the size limit, careful path")
    assert measured.output == {"sheets": [["observations_near_limit.csv", rows]], "problems": []}


def test_a_csv_just_under_the_size_limit_takes_the_fast_path_within_the_budget(big_files):
    size = readers.MAX_FILE_BYTES - 2_000_000
    path = hostile.write_csv_of_size(big_files / "observations_fast.csv", size)
    rows = (path.stat().st_size - len(hostile.OBS_HEADER)) // len(hostile.OBS_ROW)
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, "CSV near the size limit, fast path")
    assert measured.output == {"sheets": [["observations_fast.csv", rows]], "problems": []}


def test_a_csv_of_empty_cells_is_refused_before_it_is_read(big_files):
    """Eleven empty cells per line: a few bytes each on disk, but each needs
    room in memory once read. The cell count is known before anything is read."""
    path = hostile.write_csv_of_size(big_files / "observations_commas.csv", readers.MAX_FILE_BYTES - 2_000_000, body=b",,,,,,,,,,\n")
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, "CSV of empty cells")
    (problem,) = measured.output["problems"]
    assert "cells" in problem and "Split it" in problem


def test_ragged_rows_without_end_are_reported_within_the_budget(big_files):
    path = hostile.write_csv_of_size(big_files / "observations_ragged.csv", 40_000_000, body=b"a,b,c,d,e,f,g,h,i,j\n", blank_line=True)
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, "ragged rows")
    problems = measured.output["problems"]
    assert "row 3" in problems[0] and "10 cells but the header has 11 columns" in problems[0]
    assert any("more rows" in p for p in problems), problems[-3:]


def test_a_zip_bomb_is_refused_before_it_is_inflated(big_files):
    path = hostile.deflate_bomb(big_files / "bomb.xlsx", 2 * 1024**3)
    assert path.stat().st_size < 3_000_000
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, "zip bomb")
    (problem,) = measured.output["problems"]
    assert "2 GB" in problem and "CSV" in problem


@pytest.mark.parametrize(
    "build,expected",
    [
        (lambda p: hostile.many_shared_strings(p, 3_000_000), "different texts"),
        (lambda p: hostile.shared_string_amplification(p, 200_000), "text"),
        (lambda p: hostile.huge_start_tag(p, 3_000_000), "cannot be read"),
        (lambda p: hostile.huge_text_cell(p, 150_000_000), "characters"),
        (lambda p: hostile.huge_comment(p, 150_000_000), "cannot be read"),
        (lambda p: hostile.many_zip_entries(p, 70_000), "files"),
        (hostile.entity_expansion, "cannot be read"),
    ],
    ids=["many-shared-strings", "shared-string-amplification", "huge-start-tag", "huge-text-cell", "huge-comment", "many-zip-entries", "entity-expansion"],
)
def test_a_hostile_workbook_is_refused_within_the_budget(big_files, build, expected, request):
    path = build(big_files / f"{request.node.callspec.id}.xlsx")
    measured = hostile.measure_read([path])
    _assert_within_budget(measured, request.node.callspec.id)
    assert measured.output["sheets"] == []
    problems = measured.output["problems"]
    assert problems and expected in problems[0], problems


def test_the_upload_limit_of_the_app_is_the_readers_limit():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == readers.MAX_FILE_BYTES


# --- 14. formulas without a saved value ---------------------------------------------------


def test_a_formula_with_no_saved_value_is_refused_with_its_cell(seeded_db):
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, [FIXTURES / "formula_without_value" / "notes.xlsx"])
    assert not result.ok
    (p,) = result.problems
    assert (p.sheet, p.row, p.column) == ("notes", 2, "source")
    assert "G2" in p.message and "formula with no saved value" in p.message
    assert "open the file in Excel, save it, and import again" in p.fix
    assert snapshot(seeded_db) == before


def test_a_formula_saved_with_its_value_imports_the_value(seeded_db):
    result = import_paths(seeded_db, [FIXTURES / "formula_without_value" / "notes_saved.xlsx"])
    assert result.ok, problems_text(result)
    assert seeded_db.execute("SELECT source FROM notes WHERE note_id = 'n-formula'").fetchone() == ("A",)


# --- 15. two files of one name ------------------------------------------------------------


def test_two_files_with_the_same_name_are_refused_naming_it(seeded_db, tmp_path):
    a = write_files(tmp_path / "a", {"notes.csv": f"{NOTE_HEAD}\nn7,2024-10-20,shire-board,,,safety,resident,First,,none,,,\n"})
    b = write_files(tmp_path / "b", {"notes.csv": f"{NOTE_HEAD}\nn8,2024-10-20,shire-board,,,safety,resident,Second,,none,,,\n"})
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, a + b)
    assert not result.ok
    assert any(p.file == "notes.csv" and "same name" in p.message for p in result.problems), problems_text(result)
    assert snapshot(seeded_db) == before


def test_one_file_given_twice_is_refused(seeded_db, tmp_path):
    (path,) = write_files(tmp_path, {"notes.csv": f"{NOTE_HEAD}\nn7,2024-10-20,shire-board,,,safety,resident,First,,none,,,\n"})
    result = import_paths(seeded_db, [path, path])
    assert not result.ok and "same name" in problems_text(result)


# --- 16. uploads never touch the disk -------------------------------------------------------


def test_an_upload_is_imported_from_memory_without_a_copy_on_disk(seeded_db, tmp_path, monkeypatch):
    """Private note text in an upload must not be left in (or even pass
    through) the temporary folder."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    secret = "A private note about a named child"
    data = f"{NOTE_HEAD}\nn7,2024-10-20,shire-board,,,safety,resident,{secret},,none,,,\n".encode()
    preview = import_paths(seeded_db, [readers.Upload("notes.csv", data)], dry_run=True)
    result = import_paths(seeded_db, [readers.Upload("notes.csv", data)])
    assert preview.ok and result.ok, problems_text(result)
    assert result.files == ["notes.csv"]
    assert seeded_db.execute("SELECT text FROM notes WHERE note_id = 'n7'").fetchone() == (secret,)
    assert list(temp.rglob("*")) == []


def test_an_uploaded_workbook_is_read_from_memory(seeded_db):
    result = import_paths(seeded_db, [readers.Upload("book.xlsx", (FIXTURES / "formula_without_value" / "notes_saved.xlsx").read_bytes())])
    assert result.ok, problems_text(result)


# --- 17. macros -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["places.xlsm", "places.xltm", "places.xlam", "places.xlsb", "places_vba_inside.xlsx"])
def test_a_macro_enabled_workbook_is_refused(seeded_db, name):
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, [FIXTURES / "macros" / name])
    assert not result.ok
    (p,) = result.problems
    assert p.file == name and "macro" in p.message.lower()
    assert "Excel Workbook (.xlsx)" in p.fix
    assert snapshot(seeded_db) == before


def test_a_macro_enabled_upload_is_refused_too(seeded_db):
    data = (FIXTURES / "macros" / "places_vba_inside.xlsx").read_bytes()
    result = import_paths(seeded_db, [readers.Upload("places.xlsx", data)])
    assert not result.ok and "macro" in problems_text(result).lower()


def test_nothing_is_left_in_the_temporary_folder_by_reading(tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    read_paths([FIXTURES / "dimension_claim" / "places.xlsx", FIXTURES / "control_characters" / "notes.csv"])
    assert list(temp.rglob("*")) == []
    assert os.listdir(temp) == []


def test_no_source_file_of_the_project_holds_a_direction_override():
    """Trojan Source (CVE-2021-42574) in our own code: the only file allowed one is the fixture that tests it."""
    from metrics.contract.control_chars import REFUSED_RE

    allowed = {FIXTURES / "control_characters" / "notes.csv"}
    found = []
    for folder in ("metrics", "app_pages", "tests", "data", ".streamlit"):
        for path in (REPO / folder).rglob("*"):
            skip = {"node_modules", "artifacts", "__pycache__", ".hypothesis"}
            if path.is_file() and path not in allowed and not skip & set(path.parts) and path.suffix in (".py", ".md", ".toml", ".csv", ".sql", ".html", ".css", ".json", ".mjs", ".txt"):
                if REFUSED_RE.search(path.read_text(encoding="utf-8", errors="ignore")):
                    found.append(str(path.relative_to(REPO)))
    for path in REPO.glob("*.*"):
        if path.is_file() and REFUSED_RE.search(path.read_text(encoding="utf-8", errors="ignore")):
            found.append(path.name)
    assert found == []
