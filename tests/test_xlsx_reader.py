"""The bounded workbook reader (metrics/contract/xlsx.py) reads what openpyxl reads.

The project read workbooks with openpyxl (`data_only=True`) before; the new
reader must give every cell the same text. Hypothesis writes workbooks with
openpyxl itself (text, whole and decimal numbers, booleans, dates and times in
date formats, durations, rich text, both calendars, blank rows, gaps) and the
two readers are compared cell by cell; openpyxl is the oracle.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings

import openpyxl
import pytest
from fixtures import hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from metrics.contract import xlsx
from metrics.contract.xlsx import Refused, Workbook, cell_text

TEXT = st.text(max_size=30).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))
VALUES = st.one_of(
    st.none(),
    TEXT,
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(dt.date(1905, 1, 1), dt.date(2099, 12, 31)),
    st.datetimes(dt.datetime(1905, 1, 1), dt.datetime(2099, 12, 31)).map(lambda d: d.replace(microsecond=0)),
    st.builds(lambda a, b: CellRichText([TextBlock(InlineFont(b=True), a), b]), TEXT.filter(bool), TEXT.filter(bool)),
)
FORMATS = st.sampled_from([None, "General", "0.00", "yyyy-mm-dd", "dd/mm/yyyy hh:mm", "[h]:mm:ss", "0%", '"£"#,##0.00'])


def oracle(data: bytes) -> dict[str, dict[int, dict[int, str]]]:
    """sheet -> row -> column -> text, as openpyxl (not read-only) gives them."""
    with warnings.catch_warnings():  # openpyxl warns of date serials beyond its calendar (read as #VALUE!)
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out = {}
    for ws in wb.worksheets:
        rows: dict[int, dict[int, str]] = {}
        for row in ws.iter_rows():
            for c in row:
                text = cell_text(c.value)
                if text != "":
                    rows.setdefault(c.row, {})[c.column] = text
        out[ws.title] = rows
    return out


def ours(data: bytes) -> dict[str, dict[int, dict[int, str]]]:
    out = {}
    with Workbook(io.BytesIO(data), len(data)) as book:
        for title in book.worksheets:
            cells = book.read_sheet(title)
            rows: dict[int, dict[int, str]] = {}
            if any(cells.header):
                rows[1] = {i + 1: h for i, h in enumerate(cells.header) if h != ""}
            numbers = cells.rows.to_pylist()
            for ci, column in enumerate(cells.columns):
                for r, text in zip(numbers, column.to_pylist()):
                    if text != "":
                        rows.setdefault(r, {})[ci + 1] = text
            out[title] = rows
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    sheets=st.lists(
        st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), VALUES, FORMATS), max_size=40),
        min_size=1, max_size=3,
    ),
    epoch1904=st.booleans(),
    write_only=st.booleans(),
)
def test_every_cell_reads_as_openpyxl_reads_it(sheets, epoch1904, write_only):
    wb = openpyxl.Workbook(write_only=write_only)
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    if not write_only:
        wb.remove(wb.active)
    for n, cells in enumerate(sheets):
        ws = wb.create_sheet(f"sheet{n}")
        grid: dict[int, dict[int, tuple]] = {}
        for r, c, value, fmt in cells:
            grid.setdefault(r, {})[c] = (value, fmt)
        if write_only:
            from openpyxl.cell import WriteOnlyCell

            for r in range(1, max(grid, default=0) + 1):
                row = []
                for c in range(1, max(grid.get(r, {0: None}), default=0) + 1):
                    value, fmt = grid.get(r, {}).get(c, (None, None))
                    cell = WriteOnlyCell(ws, value=value)
                    if fmt:
                        cell.number_format = fmt
                    row.append(cell)
                ws.append(row)
        else:
            for r, row in grid.items():
                for c, (value, fmt) in row.items():
                    cell = ws.cell(r, c, value)
                    if fmt:
                        cell.number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    assert ours(data) == oracle(data)


def test_the_project_template_reads_as_openpyxl_reads_it():
    from conftest import REPO

    data = (REPO / "data" / "templates" / "outcomes_templates.xlsx").read_bytes()
    assert ours(data) == oracle(data)


def test_phonetic_runs_are_not_part_of_a_text():
    """Japanese workbooks carry readings (<rPh>) beside the text; openpyxl leaves them out."""
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{hostile.MAIN}"><si><t>東京</t>'
        '<rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si></sst>'
    ).encode()
    data = hostile.workbook({"places": hostile.sheet_xml(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'])}, shared_strings=shared)
    with Workbook(io.BytesIO(data), len(data)) as book:
        assert book.read_sheet("places").header == ["東京"]


def test_cells_without_references_follow_on():
    rows = ['<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>', '<row><c><v>1</v></c><c r="D2"><v>2</v></c><c><v>3</v></c></row>']
    data = hostile.workbook({"s": hostile.sheet_xml(rows)})
    with Workbook(io.BytesIO(data), len(data)) as book:
        cells = book.read_sheet("s")
    assert cells.header == ["a", "b", "", "", ""]
    assert [c.to_pylist() for c in cells.columns] == [["1"], [""], [""], ["2"], ["3"]]
    assert cells.rows.to_pylist() == [2]


@pytest.mark.parametrize("ref", ["A", "1A", "AAAA1", "A-1"])
def test_a_broken_cell_reference_is_refused(ref):
    data = hostile.workbook({"s": hostile.sheet_xml([f'<row r="1"><c r="{ref}"><v>1</v></c></row>'])})
    with Workbook(io.BytesIO(data), len(data)) as book, pytest.raises(Refused, match="broken reference"):
        book.read_sheet("s")


def test_a_shared_text_that_is_not_there_is_refused():
    data = hostile.workbook({"s": hostile.sheet_xml(['<row r="1"><c r="A1" t="s"><v>7</v></c></row>'])}, shared_strings=hostile.shared_strings_xml(["only"]))
    with Workbook(io.BytesIO(data), len(data)) as book, pytest.raises(Refused, match="broken value"):
        book.read_sheet("s")


def test_a_file_that_is_not_a_zip_is_refused():
    with pytest.raises(Refused, match="not a zip"):
        Workbook(io.BytesIO(b"place_id,name\n"), 14)


def test_an_old_or_encrypted_excel_file_is_explained():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(Refused, match="password-protected"):
        Workbook(io.BytesIO(data), len(data))


def test_limits_are_read_when_used(monkeypatch):
    """Tests (and a deployment) may lower a limit in metrics.contract.limits."""
    monkeypatch.setattr(xlsx.limits, "MAX_ROWS", 2)
    rows = hostile.text_rows([["a"], ["1"], ["2"], ["3"]])
    data = hostile.workbook({"s": hostile.sheet_xml(rows)})
    with Workbook(io.BytesIO(data), len(data)) as book, pytest.raises(Refused, match="more than 2 rows"):
        book.read_sheet("s")
