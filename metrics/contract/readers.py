"""Reading a steward's CSV and XLSX files into tables of text cells.

Every cell is read as text, exactly as typed, so that nothing is guessed
(no "007" turned into 7, no "1,234" silently read as 1234) and the validators
can say precisely what is wrong. Each row keeps the number Excel shows for it
(the header is row 1), which is what every problem message refers to.

A file comes from disk (a Path) or from memory (an `Upload`, as the app
receives it): uploads are never written to disk. Reading costs memory in
proportion to what a file holds, within the limits of `metrics.limits`,
checked before anything is allocated: a CSV is scanned once (size, lines,
encoding) before it is read, a workbook is read by `metrics.xlsx`, which
trusts nothing the file claims. Every cell a file holds goes through
`csvsafe.undo_excel_safe`, so a file written by `export` reads back exactly.
"""

from __future__ import annotations

import array
import codecs
import contextlib
import csv
import difflib
import gc
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from metrics.contract import xlsx
from metrics.contract.control_chars import make_visible
from metrics.contract.control_chars import problem_message as control_character_problem
from metrics.contract.csvsafe import undo_excel_safe_array
from metrics.contract.kinds import KINDS, Kind, kind_from_filename
from metrics.contract.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_PROBLEMS_PER_FILE, MAX_ROWS
from metrics.contract.limits import size_in_words as _size
from metrics.contract.problems import Problem
from metrics.contract.xlsx import cell_text  # noqa: F401  (the meaning of an Excel cell, used by dfe.py and the forms)

ROW = "_row"  # the Excel row number column added to every table

# A cell may be long (a lived-experience note) but not unbounded: Python's
# csv module keeps a cell in memory at 4 bytes a character while reading it.
csv.field_size_limit(MAX_CELL_CHARS)

MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xlam", ".xla")
SPLIT_FIX = "Split it into several files (e.g. one per year) and import them together."
_SCAN_BYTES = 4 * 1024 * 1024
PART_ROWS = 100_000  # rows of one part of a file read a part at a time (read_csv_parts)


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


@dataclass(frozen=True)
class Upload:
    """A file received in memory (the app's uploads): read from its bytes,
    never written to disk. `name` is the name the person's computer gave."""

    name: str
    data: bytes

    def __repr__(self) -> str:  # never the content (it may be private notes)
        return f"Upload({self.name!r}, {len(self.data):,} bytes)"


Source = Path | Upload


def source_name(source: str | Path | Upload) -> str:
    """The file name problems and the audit trail refer to (no folders)."""
    if isinstance(source, Upload):
        return Path(source.name.replace("\\", "/")).name or "(no name)"
    return Path(source).name


def _open(source: Source) -> IO[bytes]:
    return io.BytesIO(source.data) if isinstance(source, Upload) else source.open("rb")


def _source_size(source: Source) -> int:
    return len(source.data) if isinstance(source, Upload) else source.stat().st_size


def read_paths(paths: Iterable[str | Path | Upload], kind: str | None = None) -> ReadResult:
    """Read every file given to an import (paths on disk, or uploads in
    memory). Problems with whole files (unknown kind, bad encoding, wrong
    columns, a limit exceeded, two files of one name) come back as problems,
    never raised."""
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    if kind is not None and kind not in KINDS:
        problems.append(
            Problem(file="--kind", message=f'"{kind}" is not an import kind.', fix=f"Use one of: {', '.join(KINDS)}.")
        )
        return ReadResult(sheets, problems)
    seen: dict[str, str] = {}
    for given in paths:
        source: Source = given if isinstance(given, Upload) else Path(given)
        name = source_name(source)
        if name.casefold() in seen:
            first = seen[name.casefold()]
            same = name if first == name else f"{first} and {name} (one name to Windows and macOS)"
            problems.append(
                Problem(
                    file=name,
                    message=f"Two of the files have the same name, {same}: problems could not say which file they "
                    "are in, and in the app one file would replace the other.",
                    fix="Rename one of them (e.g. notes_june.csv), or leave one out, and import again.",
                    code="duplicate_file",
                )
            )
            continue
        seen[name.casefold()] = name
        if (hidden := control_character_problem(name)) is not None:
            # The name is kept in the audit trail and shown in messages: it must read as it is.
            problems.append(Problem(file=name, message=f"The file name {hidden[0]}", fix="Rename the file and import again.", code="control_character"))
            continue
        if isinstance(source, Path):
            if not source.exists():
                problems.append(Problem(file=name, message=f"There is no file at {source}.", fix="Check the path and the file name."))
                continue
            if source.is_dir():
                problems.append(
                    Problem(file=name, message="This is a folder, not a file.", fix=f"Give the files inside it, e.g. {source}/*.csv")
                )
                continue
        size = _source_size(source)
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    file=name,
                    message=f"The file is {_size(size)}, over the {_size(MAX_FILE_BYTES)} limit for one file.",
                    fix=SPLIT_FIX + " An observations CSV of any size imports in one go on the command line: python -m metrics import FILE.",
                )
            )
            continue
        suffix = Path(name).suffix.lower()
        if suffix == ".csv":
            k = kind or kind_from_filename(Path(name).stem)
            if k is None:
                problems.append(
                    Problem(
                        file=name,
                        message="The file name does not say which kind of data it holds.",
                        fix=f"Name it after its kind (e.g. observations.csv or observations_2026.csv; kinds: {', '.join(KINDS)}) or pass --kind.",
                    )
                )
                continue
            result = read_csv(source, KINDS[k], size)
            if isinstance(result, Sheet):
                sheets.append(result)
            else:
                problems.extend(result)
        elif suffix == ".xlsx":
            got, probs = read_xlsx(source, kind, size)
            sheets.extend(got)
            problems.extend(probs)
        elif suffix in MACRO_SUFFIXES:
            problems.append(
                Problem(
                    file=name,
                    message=f"This is a macro-enabled or binary Excel file ({suffix}): {xlsx.MACROS_REFUSED}",
                    fix=xlsx.MACRO_FIX,
                    code="macros",
                )
            )
        elif suffix == ".xls":
            problems.append(
                Problem(file=name, message="Old Excel (.xls) files cannot be read.", fix="In Excel, Save As 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.")
            )
        else:
            problems.append(
                Problem(file=name, message=f"Files of type '{Path(name).suffix or '(none)'}' cannot be imported.", fix="Use .csv (UTF-8) or .xlsx.")
            )
    return ReadResult(sheets, problems)


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
                    f"Column {xlsx.column_letter(pos + 1)} has values but no name in the header.",
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
                f'"{make_visible(name)}" is not a column of {kind.name} files.',
                f"{hint}Columns are: {', '.join(names)}. Start a column name with _ to keep your own notes.",
                name,
            )
        )
    for c in kind.columns:
        if c.required and c.name not in seen:
            problems.append(p(f"The required column {c.name} is missing.", f"Add a column named {c.name} ({c.help}).", c.name))
    return mapping, problems


def _assemble(file: str, sheet: str | None, kind: Kind, header: list[str], columns: list, rows: pa.Array) -> Sheet | list[Problem]:
    """Build the Sheet table from header + column data (Arrow arrays, chunked
    or not), dropping blank rows and undoing the export's formula escape."""
    # A header cell that is empty over an empty column is Excel padding, not a column.
    keep = [i for i, h in enumerate(header) if h != "" or _has_values(columns[i])]
    header = [header[i] for i in keep]
    columns = [columns[i] for i in keep]
    mapping, problems = check_header(file, sheet, kind, header)
    if problems:
        return problems
    n = len(rows)
    arrays: dict[str, pa.Array | pa.ChunkedArray] = {ROW: rows}
    present = []
    for ci, col in enumerate(kind.columns):
        if ci in mapping:
            arrays[col.name] = undo_excel_safe_array(columns[mapping.index(ci)])
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
        if pc.any(blank).as_py():
            table = table.filter(pc.invert(blank))
    return Sheet(file=file, sheet=sheet, kind=kind, table=table, present=tuple(present))


def _has_values(col) -> bool:
    return bool(pc.any(pc.not_equal(col, "")).as_py() or False)


def _too_many_cells(file: str, rows: int, width: int, about: bool = False) -> Problem:
    return Problem(
        file=file,
        message=f"The file has {'about ' if about else ''}{rows:,} rows of {width} columns, {rows * width:,} cells: "
        f"over the {MAX_CELLS:,} cells one file may hold.",
        fix=SPLIT_FIX,
        code="limit",
    )


def _too_many_columns(file: str, width: int) -> Problem:
    return Problem(
        file=file, row=1, message=f"The header has {width:,} columns, over the {MAX_COLUMNS} one file may have.",
        fix="Delete the columns that are not in the format (or keep your own notes in a few columns starting with _).", code="limit",
    )


# --- CSV --------------------------------------------------------------------


@dataclass
class _Scan:
    """What one pass over a CSV's bytes learns, holding one block at a time."""

    lines: int  # an upper bound on the records (a line break inside quotes counts too)
    blank_line: bool
    first_line: str | None  # decoded, without its line end; None when not in the first block
    empty: bool


def _scan_csv(source: Source, name: str) -> _Scan | Problem:
    """Size up a CSV before reading it: line count, blank lines, the header
    line, and whether it is UTF-8 (the row of the first bad byte if not)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = crs = crlfs = 0
    blank = False
    empty = True
    first_line: str | None = None
    tail = b""
    at = 0
    with _open(source) as f:
        while True:
            chunk = f.read(_SCAN_BYTES)
            final = not chunk
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError as exc:
                offset = at - (len(exc.object) - len(chunk)) + exc.start
                row = newlines + chunk[: max(0, offset - at)].count(b"\n") + 1
                return Problem(
                    file=name,
                    row=row,
                    message="The file is not UTF-8 text (it was probably saved in an older Excel or Windows encoding).",
                    fix="In Excel choose Save As 'CSV UTF-8 (Comma delimited) (*.csv)' and import that file.",
                    code="encoding",
                )
            if final:
                break
            if at == 0:
                end = text.find("\n")
                first_line = text[:end].removeprefix("\ufeff") if end >= 0 else None
            if empty and text.removeprefix("\ufeff" if at == 0 else "").strip():
                empty = False
            seam = tail + chunk[:2]  # where this block meets the last one
            blank = blank or b"\n\n" in chunk or b"\n\r\n" in chunk or b"\n\n" in seam or b"\n\r\n" in seam
            newlines += chunk.count(b"\n")
            cr = chunk.count(b"\r")
            if cr:
                crs += cr
                crlfs += chunk.count(b"\r\n") + (tail[-1:] == b"\r" and chunk[:1] == b"\n")
            tail = chunk[-2:]
            at += len(chunk)
    return _Scan(lines=newlines + crs - crlfs + 1, blank_line=blank, first_line=first_line, empty=empty)


def read_csv(source: Source, kind: Kind, size: int | None = None) -> Sheet | list[Problem]:
    """Read a CSV file (UTF-8, with or without BOM) as text cells.

    Large files without blank lines take Arrow's parallel reader; anything
    unusual (blank lines, which shift Excel's row numbers, bad encoding, ragged
    rows) takes the careful path, which finds the exact row. Both hold the
    cells as Arrow text, never the whole file as Python objects."""
    name = source_name(source)
    if size is None:
        size = _source_size(source)
    scan = _scan_csv(source, name)
    if isinstance(scan, Problem):
        return [scan]
    if scan.empty:
        return [Problem(file=name, message="The file is empty.", fix=f"Add a header row with the {kind.name} columns and your rows.")]
    header: list[str] = []
    if scan.first_line is not None:
        try:
            header = next(csv.reader([scan.first_line]), [])
        except csv.Error:  # e.g. old Mac line ends (CR only), or a huge header cell: the careful path explains
            header = []
    width = max(len(header), 1)
    if width > MAX_COLUMNS:
        return [_too_many_columns(name, width)]
    if scan.lines * width > MAX_CELLS:
        return [_too_many_cells(name, scan.lines, width, about=True)]
    if size > 1_000_000 and not scan.blank_line and header and len(set(header)) == len(header) and "\r" not in scan.first_line.rstrip("\r"):
        result = _read_csv_arrow(source, name, kind, header)
        if result is not None:
            return result
    return _read_csv_python(source, name, kind)


def _read_csv_arrow(source: Source, name: str, kind: Kind, header: list[str]) -> Sheet | list[Problem] | None:
    """The fast path for large files: Arrow's parallel CSV reader, every column
    as text, straight from the file (or the upload's bytes). Returns None (use
    the careful path) when a row is malformed, so the steward still gets the
    exact row number."""
    bad: list[int] = []

    def on_invalid(_row) -> str:
        bad.append(1)
        return "skip"

    data = pa.BufferReader(pa.py_buffer(source.data)) if isinstance(source, Upload) else str(source)
    try:
        table = pacsv.read_csv(
            data,
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
    if bad or table.num_columns != len(header):
        return None
    if table.num_rows > MAX_ROWS:
        return [Problem(file=name, message=f"The file has {table.num_rows:,} rows, over the {MAX_ROWS:,} one file may hold.", fix=SPLIT_FIX, code="limit")]
    columns = [table.column(i) for i in range(len(header))]
    for i, col in enumerate(columns):
        if col.type != pa.string():
            return None
        if (pc.max(pc.binary_length(col)).as_py() or 0) > MAX_CELL_CHARS:
            long = pc.greater(pc.utf8_length(col), MAX_CELL_CHARS)
            if pc.any(long).as_py():
                first = pc.index(long, True).as_py()
                return [_long_cell(name, first + 2, header[i], pc.utf8_length(col[first]).as_py())]
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return _assemble(name, None, kind, header, columns, rows)


def _long_cell(name: str, row: int, column: str | None, chars: int | None) -> Problem:
    count = f"{chars:,} characters" if chars else "more characters"
    return Problem(
        file=name, row=row, column=column,
        message=f"A cell has {count}, over the {MAX_CELL_CHARS:,} one cell may hold.",
        fix="Shorten the text (or look for an unclosed quote (\") that runs many rows together), and import again.",
        code="limit",
    )


class _Columns:
    """Rows of text cells gathered into Arrow columns a block at a time, so
    that a large file is never held as millions of Python strings."""

    BLOCK = 50_000

    def __init__(self, width: int):
        self.width = width
        self.block: list[list[str]] = []
        self.chunks: list[list[pa.Array]] = [[] for _ in range(width)]
        self.rows = array.array("q")
        self.count = 0

    def add(self, row: int, cells: list[str]) -> None:
        self.block.append(cells)
        self.rows.append(row)
        self.count += 1
        if len(self.block) == self.BLOCK:
            self._flush()

    def _flush(self) -> None:
        if self.block:
            for chunks, column in zip(self.chunks, zip(*self.block)):
                chunks.append(pa.array(list(column), type=pa.string()))  # from a tuple, Arrow is 15x slower
            self.block = []

    def columns(self) -> list[pa.ChunkedArray]:
        self._flush()
        return [pa.chunked_array(chunks, type=pa.string()) for chunks in self.chunks]

    def row_numbers(self) -> pa.Array:
        return pa.array(self.rows, type=pa.int64())


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while rows are read: each row is a new
    list, and the collector would otherwise walk every row kept so far again
    and again (half the time of a large file). Reading makes no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_csv_python(source: Source, name: str, kind: Kind) -> Sheet | list[Problem]:
    """The careful path: Python's csv module, streaming, which counts every
    record (blank lines included) as Excel does and finds ragged rows."""
    (only,) = _csv_parts(source, name, kind, part_rows=None)
    return only


def read_csv_parts(path: Path, kind: Kind, part_rows: int | None = None) -> Iterator[Sheet | list[Problem]]:
    """A CSV of any size read a part at a time, for the command line: Sheets
    of at most `part_rows` rows each, with the row numbers of the whole file,
    and, if anything is wrong, a last item that is the list of problems (no
    Sheet comes after a problem is found). Memory is one part's cells, not the
    file's size, so the row and cell limits of one file do not apply; the
    caller must write nothing unless every part came through."""
    name = source_name(path)
    scan = _scan_csv(path, name)
    if isinstance(scan, Problem):
        yield [scan]
        return
    if scan.empty:
        yield [Problem(file=name, message="The file is empty.", fix=f"Add a header row with the {kind.name} columns and your rows.")]
        return
    yield from _csv_parts(path, name, kind, part_rows or PART_ROWS)


def _csv_parts(source: Source, name: str, kind: Kind, part_rows: int | None) -> Iterator[Sheet | list[Problem]]:
    """Read rows with Python's csv module. With `part_rows` None, the whole
    file within the limits of one file, as one Sheet or one list of problems;
    otherwise a Sheet every `part_rows` rows and, when anything is wrong, the
    problems last (see `read_csv_parts`)."""
    problems: list[Problem] = []
    ragged = 0
    last_ragged = 0
    with _open(source) as raw, _no_cycle_collection():
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        try:
            header = next(reader, [])
            width = len(header)
            if width > MAX_COLUMNS:
                yield [_too_many_columns(name, width)]
                return
            built = _Columns(width)
            i = 1
            for rec in reader:
                i += 1
                if not any(rec):
                    continue
                if len(rec) != width:
                    if len(rec) > width and not any(rec[width:]):
                        rec = rec[:width]
                    else:
                        ragged += 1
                        last_ragged = i
                        if len(problems) < MAX_PROBLEMS_PER_FILE:
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
                if problems:
                    continue  # nothing will be imported: keep counting, keep no cells
                if part_rows is None:
                    if built.count >= MAX_ROWS:
                        yield [Problem(file=name, message=f"The file has more than {MAX_ROWS:,} rows, over the limit for one file.", fix=SPLIT_FIX, code="limit")]
                        return
                    if (built.count + 1) * width > MAX_CELLS:
                        yield [_too_many_cells(name, built.count + 1, width)]
                        return
                elif built.count == part_rows:
                    part = _assemble(name, None, kind, header, built.columns(), built.row_numbers())
                    yield part
                    if not isinstance(part, Sheet):
                        return
                    built = _Columns(width)
                built.add(i, rec)
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                yield [_long_cell(name, reader.line_num, None, None)]
                return
            yield [
                Problem(
                    file=name,
                    row=reader.line_num,
                    message=f"The file cannot be read as CSV ({exc}).",
                    fix="Check for an unclosed quote (\") in or near this row, or save the file again from Excel as CSV UTF-8.",
                    code="csv",
                )
            ]
            return
    if ragged > len(problems):
        problems.append(
            Problem(
                file=name,
                message=f"{ragged - len(problems):,} more rows have the wrong number of cells (the last is row {last_ragged:,}).",
                fix="Check for commas inside values that are not in quotes; the rows above show the pattern.",
                code="ragged",
            )
        )
    if problems:
        yield problems
        return
    yield _assemble(name, None, kind, header, built.columns(), built.row_numbers())


# --- XLSX -------------------------------------------------------------------

UNSAVED_FORMULA_FIX = "The file was saved by a program that does not calculate formulas: open the file in Excel, save it, and import again."


def read_xlsx(source: Source, kind: str | None = None, size: int | None = None) -> tuple[list[Sheet], list[Problem]]:
    """Read a workbook: one sheet per kind, each sheet named like its kind.

    Sheets whose name starts with _ are the steward's own (the templates'
    _guide sheet) and are skipped unread; any other sheet is an error, because
    a misspelt sheet name would otherwise be silently ignored. The workbook is
    read by `metrics.xlsx`, within the limits of `metrics.limits`; over one,
    the workbook gives that one problem and no sheets."""
    name = source_name(source)
    try:
        with _open(source) as f, xlsx.Workbook(f, _source_size(source) if size is None else size) as book:
            return _read_book(name, book, kind)
    except xlsx.Refused as exc:
        return [], [Problem(file=name, sheet=exc.sheet, message=exc.message, fix=exc.fix, code="workbook")]
    except Exception as exc:  # a damaged file this reader did not foresee: a message, never a traceback
        return [], [Problem(file=name, message=f"The workbook cannot be read ({type(exc).__name__}).", fix=xlsx.CANNOT_READ_FIX, code="workbook")]


def _read_book(name: str, book: xlsx.Workbook, kind: str | None) -> tuple[list[Sheet], list[Problem]]:
    sheets: list[Sheet] = []
    problems: list[Problem] = []
    titles = list(book.worksheets)
    wanted: list[tuple[str, str]] = []
    for title in titles:
        if title.startswith("_"):
            continue
        k = kind if kind is not None and len(titles) == 1 else kind_from_filename(title)
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
        wanted.append((title, k))
    book.check_size([t for t, _ in wanted])
    for title, k in wanted:
        cells = book.read_sheet(title)
        if not any(cells.header):
            problems.append(Problem(file=name, sheet=title, row=1, message="The sheet has no header row.", fix=f"Put the {k} column names in row 1."))
            continue
        header = cells.header
        unsaved = [
            Problem(
                file=name, sheet=title, row=row, column=header[col - 1] if col <= len(header) and header[col - 1] else None,
                message=f"Cell {ref} is a formula with no saved value, so its value is unknown.", fix=UNSAVED_FORMULA_FIX, code="unsaved_formula",
            )
            for row, col, ref in cells.unsaved_formulas
            if not (col <= len(header) and header[col - 1].startswith("_"))  # the steward's own columns are not read
        ]
        problems.extend(unsaved)
        result = _assemble(name, title, KINDS[k], header, cells.columns, cells.rows)
        if not isinstance(result, Sheet):
            problems.extend(result)
        elif not unsaved:
            sheets.append(result)
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
