"""Reading a steward's CSV and XLSX files into tables of text cells.

Every cell is read as text, exactly as typed, so that nothing is guessed
(no "007" turned into 7, no "1,234" silently read as 1234) and the validators
can say precisely what is wrong. Each row keeps the number Excel shows for it
(the header is row 1), which is what every problem message refers to.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import difflib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from metrics.kinds import KINDS, Kind, kind_from_filename
from metrics.problems import Problem

ROW = "_row"  # the Excel row number column added to every table

# A lived-experience note can be long; Python's csv module refuses cells over
# 128 kB by default, while the fast path accepts them. One limit for both.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

MAX_FILE_BYTES = 2_000_000_000


@dataclass
class Sheet:
    """One file (or one sheet of a workbook) of one kind, as text cells."""

    file: str
    sheet: str | None
    kind: Kind
    table: pa.Table  # _row (int64) + every column of the kind (missing optional ones as "")
    present: tuple[str, ...] = ()  # the kind's columns the file actually has


@dataclass
class ReadResult:
    sheets: list[Sheet]
    problems: list[Problem]


def read_paths(paths: list[Path], kind: str | None = None) -> ReadResult:
    """Read every file given to an import. Problems with whole files (unknown
    kind, bad encoding, wrong columns) come back as problems, never raised."""
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    if kind is not None and kind not in KINDS:
        problems.append(
            Problem(file="--kind", message=f'"{kind}" is not an import kind.', fix=f"Use one of: {', '.join(KINDS)}.")
        )
        return ReadResult(sheets, problems)
    for path in paths:
        name = path.name
        if not path.exists():
            problems.append(Problem(file=name, message=f"There is no file at {path}.", fix="Check the path and the file name."))
            continue
        if path.is_dir():
            problems.append(
                Problem(file=name, message="This is a folder, not a file.", fix=f"Give the files inside it, e.g. {path}/*.csv")
            )
            continue
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    file=name,
                    message=f"The file is {_size(size)}, over the {_size(MAX_FILE_BYTES)} limit for one file.",
                    fix="Split it into several files (e.g. one per year) and import them together.",
                )
            )
            continue
        suffix = path.suffix.lower()
        if suffix == ".csv":
            k = kind or kind_from_filename(path.stem)
            if k is None:
                problems.append(
                    Problem(
                        file=name,
                        message="The file name does not say which kind of data it holds.",
                        fix=f"Name it after its kind (e.g. observations.csv or observations_2026.csv; kinds: {', '.join(KINDS)}) or pass --kind.",
                    )
                )
                continue
            result = read_csv(path, KINDS[k])
            if isinstance(result, Sheet):
                sheets.append(result)
            else:
                problems.extend(result)
        elif suffix in (".xlsx", ".xlsm"):
            got, probs = read_xlsx(path, kind)
            sheets.extend(got)
            problems.extend(probs)
        elif suffix == ".xls":
            problems.append(
                Problem(file=name, message="Old Excel (.xls) files cannot be read.", fix="In Excel, Save As 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.")
            )
        else:
            problems.append(
                Problem(file=name, message=f"Files of type '{path.suffix or '(none)'}' cannot be imported.", fix="Use .csv (UTF-8) or .xlsx.")
            )
    return ReadResult(sheets, problems)


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


# --- headers ----------------------------------------------------------------

def check_header(file: str, sheet: str | None, kind: Kind, header: list[str]) -> tuple[list[int | None], list[Problem]]:
    """Match a header row to the kind's columns.

    Returns, for each header cell, the index of the kind column it fills (None
    for ignored `_` columns), and the problems: unknown columns (usually typos:
    the nearest real name is suggested), repeated or missing columns.
    """
    names = kind.column_names
    problems: list[Problem] = []
    mapping: list[int | None] = []
    seen: dict[str, int] = {}

    def p(message: str, fix: str, column: str | None = None) -> Problem:
        return Problem(file=file, sheet=sheet, row=1, column=column, message=message, fix=fix, code="header")

    for pos, raw in enumerate(header):
        name = raw
        if name.startswith("_"):
            mapping.append(None)
            continue
        if name in names:
            if name in seen:
                problems.append(p("This column appears twice in the header.", "Delete one of the two columns.", name))
            seen[name] = pos
            mapping.append(names.index(name))
            continue
        mapping.append(None)
        if name == "":
            problems.append(
                p(
                    f"Column {_excel_column(pos)} has values but no name in the header.",
                    "Give it a column name from the format, start its name with _ to keep it as your own notes, or delete it.",
                )
            )
            continue
        close = difflib.get_close_matches(name.strip().lower(), names, n=1, cutoff=0.6)
        hint = f'Did you mean "{close[0]}"? ' if close else ""
        if ";" in name and not close:
            hint = "The header looks separated by semicolons; save the file as 'CSV UTF-8 (Comma delimited)'. "
        problems.append(
            p(
                f'"{name}" is not a column of {kind.name} files.',
                f"{hint}Columns are: {', '.join(names)}. Start a column name with _ to keep your own notes.",
                name,
            )
        )
    for c in kind.columns:
        if c.required and c.name not in seen:
            problems.append(p(f"The required column {c.name} is missing.", f"Add a column named {c.name} ({c.help}).", c.name))
    return mapping, problems


def _excel_column(index: int) -> str:
    """0 -> A, 26 -> AA: how Excel names a column."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _assemble(file: str, sheet: str | None, kind: Kind, header: list[str], columns: list[list[str]] | list[pa.Array], rows: list[int] | pa.Array) -> Sheet | list[Problem]:
    """Build the Sheet table from header + column data, dropping blank rows."""
    # A header cell that is empty over an empty column is Excel padding, not a column.
    keep = [i for i, h in enumerate(header) if h != "" or _has_values(columns[i])]
    header = [header[i] for i in keep]
    columns = [columns[i] for i in keep]
    mapping, problems = check_header(file, sheet, kind, header)
    if problems:
        return problems
    n = len(rows)
    arrays: dict[str, pa.Array] = {ROW: pa.array(rows, type=pa.int64())}
    present = []
    for ci, col in enumerate(kind.columns):
        if ci in mapping:
            arrays[col.name] = _as_string_array(columns[mapping.index(ci)])
            present.append(col.name)
        else:
            arrays[col.name] = pa.array([""] * n, type=pa.string())
    table = pa.table(arrays)
    # Skip rows where every cell (of the kind's columns) is empty: Excel's blank rows.
    if n:
        blank = None
        for col in kind.column_names:
            is_empty = pc.equal(table[col], "")
            blank = is_empty if blank is None else pc.and_(blank, is_empty)
        table = table.filter(pc.invert(blank))
    return Sheet(file=file, sheet=sheet, kind=kind, table=table, present=tuple(present))


def _has_values(col) -> bool:
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        return bool(pc.any(pc.not_equal(col, "")).as_py() or False)
    return any(v != "" for v in col)


def _as_string_array(col) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        return col.combine_chunks()
    if isinstance(col, pa.Array):
        return col
    return pa.array(col, type=pa.string())


# --- CSV --------------------------------------------------------------------

def read_csv(path: Path, kind: Kind) -> Sheet | list[Problem]:
    """Read a CSV file (UTF-8, with or without BOM) as text cells.

    Large files without blank lines take Arrow's parallel reader; anything
    unusual (blank lines, which shift Excel's row numbers, bad encoding, ragged
    rows) takes the careful path, which finds the exact row."""
    raw = path.read_bytes()
    if len(raw) > 1_000_000 and b"\n\n" not in raw and b"\n\r\n" not in raw and _is_utf8(raw):
        first_line = raw[: raw.find(b"\n")].decode("utf-8-sig", errors="replace")
        try:
            header = next(csv.reader([first_line]), [])
        except csv.Error:  # e.g. old Mac line ends (CR only): the careful path explains
            header = []
        if header and len(set(header)) == len(header) and "\r" not in first_line.rstrip("\r"):
            result = _read_csv_arrow(path.name, raw, kind, header)
            if result is not None:
                return result
    return _read_csv_python(path.name, raw, kind)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _read_csv_arrow(name: str, raw: bytes, kind: Kind, header: list[str]) -> Sheet | list[Problem] | None:
    """The fast path for large files: Arrow's parallel CSV reader, every column
    as text. Returns None (use the careful path) when a row is malformed, so
    the steward still gets the exact row number."""
    bad: list[int] = []

    def on_invalid(_row) -> str:
        bad.append(1)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(block_size=16 << 20),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if bad:
        return None
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return _assemble(name, None, kind, header, [table.column(i) for i in range(len(header))], rows)


def _read_csv_python(name: str, raw: bytes, kind: Kind) -> Sheet | list[Problem]:
    """The careful path: Python's csv module, which counts every record
    (blank lines included) as Excel does and finds ragged rows."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        return [
            Problem(
                file=name,
                row=row,
                message="The file is not UTF-8 text (it was probably saved in an older Excel or Windows encoding).",
                fix="In Excel choose Save As 'CSV UTF-8 (Comma delimited) (*.csv)' and import that file.",
                code="encoding",
            )
        ]
    if not text.strip():
        return [Problem(file=name, message="The file is empty.", fix=f"Add a header row with the {kind.name} columns and your rows.")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        return [
            Problem(
                file=name,
                row=reader.line_num,
                message=f"The file cannot be read as CSV ({exc}).",
                fix="Check for an unclosed quote (\") in or near this row, or save the file again from Excel as CSV UTF-8.",
                code="csv",
            )
        ]
    header = records[0]
    width = len(header)
    problems: list[Problem] = []
    rows: list[int] = []
    data: list[list[str]] = []
    for i, rec in enumerate(records[1:], start=2):
        if not rec or all(c == "" for c in rec):
            continue
        if len(rec) != width:
            extra = rec[width:]
            if len(rec) > width and all(c == "" for c in extra):
                rec = rec[:width]
            else:
                problems.append(
                    Problem(
                        file=name,
                        row=i,
                        message=f"This row has {len(rec)} cells but the header has {width} columns.",
                        fix="Check for a comma inside a value that is not in quotes, or a missing or extra cell.",
                        code="ragged",
                    )
                )
                continue
        rows.append(i)
        data.append(rec)
    if problems:
        return problems
    columns = [list(col) for col in zip(*data)] if data else [[] for _ in header]
    return _assemble(name, None, kind, header, columns, rows)


# --- XLSX -------------------------------------------------------------------

def cell_text(value: object) -> str:
    """An Excel cell as the text a steward would have typed.

    Dates become ISO dates, whole numbers lose Excel's ".0", other numbers keep
    every digit Excel stored (shortest round-trip form).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def read_xlsx(path: Path, kind: str | None = None) -> tuple[list[Sheet], list[Problem]]:
    """Read a workbook: one sheet per kind, each sheet named like its kind.

    Sheets whose name starts with _ are the steward's own (the templates'
    _guide sheet) and are skipped; any other sheet is an error, because a
    misspelt sheet name would otherwise be silently ignored.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = path.name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        return [], [
            Problem(file=name, message=f"The file cannot be opened as an Excel workbook ({exc}).", fix="Open it in Excel and save it again as .xlsx.")
        ]
    except Exception as exc:  # zipfile.BadZipFile and friends from a corrupt file
        return [], [
            Problem(file=name, message=f"The file cannot be opened as an Excel workbook ({type(exc).__name__}).", fix="Open it in Excel and save it again as .xlsx.")
        ]
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    try:
        for ws in wb.worksheets:
            title = ws.title
            if title.startswith("_"):
                continue
            k = kind if kind is not None and len(wb.worksheets) == 1 else kind_from_filename(title)
            if k is None:
                problems.append(
                    Problem(
                        file=name,
                        sheet=title,
                        message="The sheet name does not say which kind of data it holds.",
                        fix=f"Rename the sheet to its kind ({', '.join(KINDS)}), or start its name with _ to keep it as your own notes.",
                    )
                )
                continue
            records = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
            if not records or all(c == "" for c in records[0]):
                problems.append(
                    Problem(file=name, sheet=title, row=1, message="The sheet has no header row.", fix=f"Put the {k} column names in row 1.")
                )
                continue
            header = records[0]
            width = len(header)
            rows = []
            data = []
            for i, rec in enumerate(records[1:], start=2):
                rec = (rec + [""] * width)[:width] if len(rec) != width else rec
                if all(c == "" for c in rec):
                    continue
                rows.append(i)
                data.append(rec)
            columns = [list(col) for col in zip(*data)] if data else [[] for _ in header]
            result = _assemble(name, title, KINDS[k], header, columns, rows)
            if isinstance(result, Sheet):
                sheets.append(result)
            else:
                problems.extend(result)
    finally:
        wb.close()
    return sheets, problems


def sheet_from_records(kind: str, records: list[dict[str, object]], file: str = "form") -> Sheet:
    """Rows typed into the app, as a Sheet, so they take exactly the path (and
    the validation and messages) of an imported file. Values are turned into
    the text a steward would type (dates as ISO, numbers in full)."""
    spec = KINDS[kind]
    arrays: dict[str, pa.Array] = {ROW: pa.array(list(range(1, len(records) + 1)), type=pa.int64())}
    for c in spec.columns:
        arrays[c.name] = pa.array([cell_text(r.get(c.name)) if not isinstance(r.get(c.name), list) else ";".join(r[c.name]) for r in records], type=pa.string())
    return Sheet(file=file, sheet=None, kind=spec, table=pa.table(arrays), present=spec.column_names)
