"""Reading an XLSX workbook at a cost that does not depend on what it claims.

An .xlsx file is a zip of XML parts. A general-purpose reader trusts it: it
unpacks what the zip says, believes the sheet's `<dimension>` (a 1.7 kB file
claiming A1:XFD1048576 made the old reader fill in 17 billion cells), builds
every tag with all its attributes, and keeps every shared text as an object.
This reader trusts nothing it has not counted:

- the zip's own directory is checked first: the number of files, and the
  unpacked size of every part to be read (a zip bomb is refused before it is
  inflated; a part longer than it said fails its checksum);
- macro-enabled workbooks (a VBA project, Excel 4 macro or dialog sheets, the
  macro-enabled content type) are refused whatever the file is called;
- the XML is parsed as a stream (expat), with no document type (so no entity
  expansion), no tag or comment longer than `MAX_XML_TOKEN_BYTES`, and only
  the cells actually present: the declared dimension is ignored;
- rows, columns, cells, characters per cell, text in all, and different
  shared texts are counted as they arrive and refused over the limits of
  `metrics.limits`, before more is allocated;
- cells are kept as Arrow text columns, a chunk at a time.

What a cell means follows openpyxl's reading (`data_only=True`), which this
project used before: shared and inline strings, numbers (whole numbers
without ".0"), booleans, errors, ISO dates, and numbers in date formats as
dates (1900 or 1904 calendar). One difference is deliberate: a formula with
no saved value (a file written by a program that does not calculate) is
reported with its cell, where openpyxl gives an empty cell.
"""

from __future__ import annotations

import array
import datetime as dt
import posixpath
import struct
import xml.parsers.expat as expat
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

import pyarrow as pa
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from metrics.contract import limits
from metrics.contract.limits import size_in_words as _size

EXCEL_LAST_ROW = 1_048_576
CANNOT_READ_FIX = "Open it in Excel and save it again as an Excel Workbook (.xlsx), or save each sheet as 'CSV UTF-8'."
SPLIT_FIX = "Save each sheet as 'CSV UTF-8', or split the rows over several files, and import them together."
MACRO_FIX = "In Excel, choose File > Save As > 'Excel Workbook (.xlsx)', which leaves the macros out, and import that file."
MACROS_REFUSED = "macro-enabled files are not imported, because a macro can run code on the computer of whoever opens the file next."
_SMALL_PART_BYTES = 4 * 1024 * 1024  # workbook.xml, relationships, content types
_FEED_BYTES = 256 * 1024
_FLUSH_CELLS = 100_000


class Refused(Exception):
    """The workbook (or one sheet of it) is not read: what is wrong and what to do."""

    def __init__(self, message: str, fix: str = CANNOT_READ_FIX, sheet: str | None = None):
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.sheet = sheet


@dataclass
class SheetCells:
    """One sheet as text: row 1 (the header), the columns of rows 2 and on
    (blank rows left out), their Excel row numbers, and the cells holding a
    formula with no saved value, as (row, column from 1, reference)."""

    title: str
    header: list[str]
    columns: list[pa.ChunkedArray]
    rows: pa.Array
    unsaved_formulas: list[tuple[int, int, str]] = field(default_factory=list)


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


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA: how Excel names a column."""
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _column_index(ref: str) -> int | None:
    """"AB12" -> 28; None when the reference is not a cell reference."""
    index = 0
    for i, ch in enumerate(ref.upper()):
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
            if i >= 3:
                return None
        elif ch.isdigit() and i > 0:
            return index
        else:
            return None
    return None


# --- the zip ---------------------------------------------------------------------------


def _zip_entry_count(file: IO[bytes], size: int) -> int | None:
    """The number of files the zip's end record announces, read without
    listing them (zipfile builds an object per entry); None if not a zip."""
    tail_len = min(size, 22 + 65535)
    file.seek(size - tail_len)
    tail = file.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return struct.unpack("<H", tail[at + 10 : at + 12])[0]


class Workbook:
    """An opened workbook: its worksheets by title, read one at a time.

    Raises `Refused` when the file is not a workbook that may be read."""

    def __init__(self, file: IO[bytes], size: int):
        head = file.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise Refused(
                "The file is not an .xlsx workbook: it is an older Excel file (.xls) or a password-protected workbook.",
                "In Excel, remove the password if there is one, then Save As 'Excel Workbook (.xlsx)' or 'CSV UTF-8'.",
            )
        entries = _zip_entry_count(file, size)
        if entries is None:
            raise Refused("The file cannot be opened as an Excel workbook (it is not a zip package, as .xlsx files are).")
        if entries > limits.MAX_ZIP_ENTRIES:
            many = "65,535 or more" if entries == 0xFFFF else f"{entries:,}"
            raise Refused(f"The workbook holds {many} files inside it; an Excel workbook holds a few dozen at most (the limit is {limits.MAX_ZIP_ENTRIES:,}).")
        file.seek(0)
        try:
            self._zip = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
            raise Refused(f"The file cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}).") from None
        try:
            self._open()
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- structure ------------------------------------------------------------------

    def _open(self) -> None:
        self._parts = {info.filename: info for info in self._zip.infolist()}
        for name in self._parts:
            low = name.lower()
            if low.endswith("vbaproject.bin") or low.startswith(("xl/macrosheets/", "xl/dialogsheets/")):
                raise Refused(f"The workbook carries macros ({name}): {MACROS_REFUSED}", MACRO_FIX)
        types = self._small_part("[Content_Types].xml", required=False) or b""
        if b"macroenabled" in types.lower():  # .xlsm, .xltm, .xlam saved under another name
            raise Refused(f"The workbook is marked as macro-enabled: {MACROS_REFUSED}", MACRO_FIX)
        package = _relationships(self._small_part("_rels/.rels", required=False), "")
        book = next((target for kind, target in package.values() if kind == "officeDocument"), "xl/workbook.xml")
        folder = posixpath.dirname(book)
        book_xml = self._small_part(book)
        sheets, date1904 = _workbook(book_xml)
        rels = _relationships(
            self._small_part(posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels"), required=False), folder
        )
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        self._shared_path = next((t for k, t in rels.values() if k == "sharedStrings"), None)
        self._styles_path = next((t for k, t in rels.values() if k == "styles"), None)
        self.worksheets: dict[str, str] = {}
        for title, rid in sheets:
            kind, target = rels.get(rid, ("", ""))
            if kind in ("xlMacrosheet", "macrosheet", "dialogsheet"):
                raise Refused(f"The workbook carries macros (the sheet {title} is a macro or dialog sheet): {MACROS_REFUSED}", MACRO_FIX)
            if kind == "worksheet" and target in self._parts:
                self.worksheets[title] = target
            elif kind == "worksheet":
                raise Refused(f"The workbook names a sheet {title} whose part ({target}) is missing.")
        self._shared: list[str] | None = None
        self._date_styles: frozenset[int] = frozenset()
        self._timedelta_styles: frozenset[int] = frozenset()
        self._styles_read = False
        self._text_chars = 0

    def _small_part(self, name: str, required: bool = True) -> bytes | None:
        info = self._parts.get(name)
        if info is None:
            if required:
                raise Refused(f"The workbook has no {name} part.")
            return None
        if info.file_size > _SMALL_PART_BYTES:
            raise Refused(f"The workbook's {name} part unpacks to {_size(info.file_size)}, far more than Excel writes.")
        return self._read(info)

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        try:
            with self._zip.open(info) as f:
                return f.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError, EOFError) as exc:
            raise Refused(f"The workbook is damaged: {info.filename} cannot be unpacked ({exc}).") from None

    def check_size(self, titles: list[str]) -> None:
        """Refuse before reading when the parts these sheets need unpack to more
        than `MAX_XML_BYTES` (the sizes come from the zip's directory and are
        enforced while unpacking: a part longer than it says fails its checksum)."""
        parts = [self.worksheets[t] for t in titles] + [p for p in (self._shared_path, self._styles_path) if p and p in self._parts]
        total = sum(self._parts[p].file_size for p in parts)
        if total > limits.MAX_XML_BYTES:
            raise Refused(
                f"The workbook unpacks to {_size(total)} of sheets and texts, over the {_size(limits.MAX_XML_BYTES)} "
                "one workbook may hold.",
                SPLIT_FIX,
            )

    # -- shared strings and styles ------------------------------------------------------

    def _prepare(self) -> None:
        if self._styles_read:
            return
        self._styles_read = True
        if self._styles_path and self._styles_path in self._parts:
            self._date_styles, self._timedelta_styles = _styles(self._stream(self._styles_path))
        self._shared = _shared_strings(self._stream(self._shared_path)) if self._shared_path and self._shared_path in self._parts else []

    def _stream(self, name: str) -> IO[bytes]:
        try:
            return self._zip.open(self._parts[name])
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError) as exc:
            raise Refused(f"The workbook is damaged: {name} cannot be unpacked ({exc}).") from None

    # -- a sheet -----------------------------------------------------------------------------

    def read_sheet(self, title: str) -> SheetCells:
        """The sheet's cells as text (see SheetCells); Refused over a limit."""
        self._prepare()
        try:
            return _SheetReader(self, title).read(self._stream(self.worksheets[title]))
        except Refused as exc:
            exc.sheet = exc.sheet or title
            raise


# --- XML, as a bounded stream ---------------------------------------------------------------


def _parse(stream: IO[bytes], start, end=None, text=None, part: str = "") -> None:
    """Feed `stream` to expat with these handlers (local tag names, attributes
    without namespaces for plain attributes). Refused on a document type, a
    tag or comment longer than MAX_XML_TOKEN_BYTES, or broken XML."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    last = [0]

    def no_doctype(*_args: Any) -> None:
        raise Refused(f"The workbook cannot be read: {part} declares a document type, which Excel never writes.")

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    names: dict[str, str] = {}

    def on_start(name: str, attrs: dict[str, str]) -> None:
        last[0] = parser.CurrentByteIndex
        local = names.get(name)
        if local is None:
            local = names[name] = name[name.rfind(" ") + 1 :]
        start(local, attrs)

    def on_end(name: str) -> None:
        last[0] = parser.CurrentByteIndex
        if end is not None:
            end(names.get(name) or name[name.rfind(" ") + 1 :])

    def on_text(data: str) -> None:
        last[0] = parser.CurrentByteIndex
        if text is not None:
            text(data)

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.CharacterDataHandler = on_text
    fed = 0
    try:
        with stream:
            while True:
                chunk = stream.read(_FEED_BYTES)
                if not chunk:
                    break
                parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - last[0] > limits.MAX_XML_TOKEN_BYTES:
                    raise Refused(
                        f"The workbook cannot be read: {part} has a tag or comment of more than "
                        f"{_size(limits.MAX_XML_TOKEN_BYTES)}, which Excel never writes."
                    )
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise Refused(f"The workbook cannot be read: the XML of {part} is broken ({expat.errors.messages.get(exc.code, exc)}).") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise Refused(f"The workbook is damaged: {part} cannot be unpacked ({exc}).") from None


def _relationships(xml: bytes | None, folder: str) -> dict[str, tuple[str, str]]:
    """Id -> (type's last word, part path) of a .rels part."""
    out: dict[str, tuple[str, str]] = {}
    if not xml:
        return out

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], path)

    _parse(_BytesStream(xml), start, part="a relationships part")
    return out


def _workbook(xml: bytes) -> tuple[list[tuple[str, str]], bool]:
    """[(sheet title, relationship id)] in order, and whether dates count from 1904."""
    sheets: list[tuple[str, str]] = []
    date1904 = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if k.endswith(" id")), "")
            sheets.append((attrs.get("name", ""), rid))
        elif tag == "workbookPr":
            date1904[0] = attrs.get("date1904", "").lower() in ("1", "true")

    _parse(_BytesStream(xml), start, part="workbook.xml")
    return sheets, date1904[0]


def _styles(stream: IO[bytes]) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles (indexes of cellXfs) whose number format is a date, and
    those that are a duration, as openpyxl decides them."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_xfs = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt":
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                pass
        elif tag == "cellXfs":
            in_xfs[0] = True
        elif tag == "xf" and in_xfs[0]:
            try:
                formats.append(int(attrs.get("numFmtId", 0)))
            except ValueError:
                formats.append(0)

    def end(tag: str) -> None:
        if tag == "cellXfs":
            in_xfs[0] = False

    _parse(stream, start, end, part="styles.xml")
    dates: dict[int, tuple[bool, bool]] = {}
    for fid in set(formats):
        code = custom[fid] if fid in custom else BUILTIN_FORMATS.get(fid)
        dates[fid] = (is_date_format(code), is_timedelta_format(code))
    return (
        frozenset(i for i, fid in enumerate(formats) if dates[fid][0]),
        frozenset(i for i, fid in enumerate(formats) if dates[fid][1]),
    )


def _shared_strings(stream: IO[bytes]) -> list[str]:
    """The shared texts, each the runs of its <t> elements (phonetic runs left out)."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"si": False, "t": False, "rph": 0, "chars": 0}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "si":
            state["si"] = True
            parts.clear()
            state["chars"] = 0
        elif tag == "t" and state["si"] and not state["rph"]:
            state["t"] = True
        elif tag == "rPh":
            state["rph"] += 1

    def end(tag: str) -> None:
        if tag == "t":
            state["t"] = False
        elif tag == "rPh":
            state["rph"] -= 1
        elif tag == "si":
            state["si"] = False
            strings.append("".join(parts))
            if len(strings) > limits.MAX_SHARED_STRINGS:
                raise Refused(
                    f"The workbook holds more than {limits.MAX_SHARED_STRINGS:,} different texts, more than one import may read.",
                    SPLIT_FIX,
                )

    def text(data: str) -> None:
        if state["t"]:
            parts.append(data)
            state["chars"] += len(data)
            if state["chars"] > limits.MAX_CELL_CHARS:
                raise Refused(f"The workbook holds a text of more than {limits.MAX_CELL_CHARS:,} characters (Excel's own limit is 32,767).")

    _parse(stream, start, end, text, part="sharedStrings.xml")
    return strings


class _BytesStream:
    """A bytes part as a stream for `_parse`."""

    def __init__(self, data: bytes):
        self._data = data
        self._at = 0

    def read(self, n: int) -> bytes:
        chunk = self._data[self._at : self._at + n]
        self._at += len(chunk)
        return chunk

    def __enter__(self) -> _BytesStream:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _SheetReader:
    """The cells of one worksheet, counted against the limits as they arrive."""

    def __init__(self, book: Workbook, title: str):
        self.book = book
        self.title = title
        self.shared = book._shared or []
        self.dates = book._date_styles
        self.durations = book._timedelta_styles
        # The row being read, and the cell.
        self.row = 0
        self.row_cells: dict[int, str] = {}
        self.col = 0
        self.ref = ""
        self.type = "n"
        self.style = 0
        self.formula = False
        self.value: list[str] | None = None  # the <v> text, when there is a <v>
        self.inline: list[str] | None = None  # the <is> text, when there is an <is>
        self.collect: list[str] | None = None  # where text goes now
        self.chars = 0
        self.rph = 0
        # What has been read.
        self.header: dict[int, str] = {}
        self.pending: list[tuple[int, dict[int, str]]] = []
        self.pending_cells = 0
        self.chunks: list[list[pa.Array]] = []  # per column, one array per flushed chunk
        self.chunk_lengths: list[int] = []
        self.row_numbers = array.array("q")
        self.width = 0
        self.unsaved: list[tuple[int, int, str]] = []

    def read(self, stream: IO[bytes]) -> SheetCells:
        _parse(stream, self.start, self.end, self.text, part=f"the sheet {self.title}")
        self.flush()
        width = max([self.width, *self.header.keys()], default=0)
        header = [self.header.get(c, "") for c in range(1, width + 1)]
        columns = []
        for c in range(width):
            chunks = self.chunks[c] if c < len(self.chunks) else []
            chunks = chunks + [pa.array([""] * n, type=pa.string()) for n in self.chunk_lengths[len(chunks) :]]
            columns.append(pa.chunked_array(chunks, type=pa.string()))
        rows = pa.array(self.row_numbers, type=pa.int64())
        return SheetCells(self.title, header, columns, rows, self.unsaved)

    # -- expat handlers --------------------------------------------------------------------

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "c":
            ref = attrs.get("r")
            if ref is not None:
                col = _column_index(ref)
                if col is None:
                    raise Refused(f"The sheet {self.title} has a cell with a broken reference ({ref[:20]}).")
                self.col, self.ref = col, ref
            else:
                self.col += 1
                self.ref = f"{column_letter(self.col)}{self.row}"
            self.type = attrs.get("t", "n")
            style = attrs.get("s")
            self.style = int(style) if style and style.isdigit() else 0
            self.formula = False
            self.value = None
            self.inline = None
            self.collect = None
            self.chars = 0
        elif tag == "v":
            self.value = self.collect = []
        elif tag == "t":
            if self.inline is not None and not self.rph:
                self.collect = self.inline
        elif tag == "is":
            self.inline = []
        elif tag == "f":
            self.formula = True
        elif tag == "rPh":
            self.rph += 1
        elif tag == "row":
            r = attrs.get("r")
            if r is None:
                self.row += 1
            elif r.isdigit() and 1 <= int(r) <= EXCEL_LAST_ROW:
                self.row = int(r)
            else:
                raise Refused(f"The sheet {self.title} has a row numbered {r[:20]}, outside Excel's rows 1 to {EXCEL_LAST_ROW:,}.")
            self.col = 0

    def end(self, tag: str) -> None:
        if tag == "c":
            self.end_cell()
        elif tag in ("v", "t"):
            self.collect = None
        elif tag == "rPh":
            self.rph -= 1
        elif tag == "row":
            self.end_row()

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.append(data)
            self.chars += len(data)
            if self.chars > limits.MAX_CELL_CHARS:
                raise Refused(
                    f"Cell {self.ref} of the sheet {self.title} has more than {limits.MAX_CELL_CHARS:,} characters "
                    "(Excel's own limit is 32,767).",
                    "Shorten the text in that cell, and import again.",
                )

    # -- cells and rows -------------------------------------------------------------------------

    def end_cell(self) -> None:
        text = self.cell_value()
        if text == "":
            return
        if self.col > limits.MAX_COLUMNS:
            raise Refused(
                f"Cell {self.ref} of the sheet {self.title} has a value, beyond column "
                f"{column_letter(limits.MAX_COLUMNS)} (the {limits.MAX_COLUMNS}th), the last one an import reads.",
                "Move the values into the columns of the format (or delete them), and import again.",
            )
        if len(text) > limits.MAX_CELL_CHARS:
            raise Refused(
                f"Cell {self.ref} of the sheet {self.title} has more than {limits.MAX_CELL_CHARS:,} characters.",
                "Shorten the text in that cell, and import again.",
            )
        book = self.book
        book._text_chars += len(text)
        if book._text_chars > limits.MAX_TEXT_CHARS:
            raise Refused(f"The workbook's cells hold more than {_size(limits.MAX_TEXT_CHARS)} of text, more than one import may read.", SPLIT_FIX)
        self.row_cells[self.col] = text

    def cell_value(self) -> str:
        kind = self.type
        if kind == "inlineStr":
            return "".join(self.inline) if self.inline is not None else ""
        raw = "".join(self.value) if self.value is not None else None
        if self.formula and (raw is None or (raw == "" and kind != "str")):
            if len(self.unsaved) < limits.MAX_PROBLEMS_PER_FILE:
                self.unsaved.append((self.row, self.col, self.ref))
            return ""
        if not raw:
            return ""
        try:
            if kind == "s":
                return self.shared[int(raw)]
            if kind in ("str", "e"):
                return raw
            if kind == "b":
                return cell_text(bool(int(raw)))
            if kind == "d":
                return cell_text(from_ISO8601(raw))
            number: int | float = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
        except (ValueError, IndexError, TypeError):
            raise Refused(f"Cell {self.ref} of the sheet {self.title} holds a broken value ({raw[:40]!r} as type {kind[:10]}).") from None
        if self.style in self.dates:
            try:
                return cell_text(from_excel(number, self.book.epoch, timedelta=self.style in self.durations))
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date serial outside the calendar
        return cell_text(number)

    def end_row(self) -> None:
        cells = self.row_cells
        if not cells:
            return
        self.row_cells = {}
        if self.row == 1:
            self.header.update(cells)
            return
        self.width = max(self.width, max(cells))
        n = len(self.row_numbers) + len(self.pending) + 1
        if n > limits.MAX_ROWS:
            raise Refused(f"The sheet {self.title} has more than {limits.MAX_ROWS:,} rows, more than one import may read.", SPLIT_FIX)
        if n * self.width > limits.MAX_CELLS:
            raise Refused(
                f"The sheet {self.title} has more than {limits.MAX_CELLS:,} cells ({n:,} rows of {self.width} columns), "
                "more than one import may read.",
                SPLIT_FIX,
            )
        self.pending.append((self.row, cells))
        self.pending_cells += len(cells)
        if self.pending_cells >= _FLUSH_CELLS:
            self.flush()

    def flush(self) -> None:
        """Turn the rows read so far into Arrow columns (one chunk each)."""
        if not self.pending:
            return
        n = len(self.pending)
        width = max(max(cells) for _, cells in self.pending)
        while len(self.chunks) < width:
            self.chunks.append([pa.array([""] * m, type=pa.string()) for m in self.chunk_lengths])
        for c in range(1, len(self.chunks) + 1):
            self.chunks[c - 1].append(pa.array([cells.get(c, "") for _, cells in self.pending], type=pa.string()))
        self.chunk_lengths.append(n)
        self.row_numbers.extend(r for r, _ in self.pending)
        self.pending = []
        self.pending_cells = 0
