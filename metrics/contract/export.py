"""Export the current data as CSV files in the import formats.

One file per kind, rows sorted by key, exactly the columns of docs/data-contract.md,
so that `init` followed by `import DIR/*.csv` rebuilds the same data. Numbers
are written in their shortest exact form (a stored 93.25 is written 93.25, a
whole number without ".0"), GSS symbols as stored, lists joined with ";".
Every cell goes through `csvsafe.excel_safe`, so a note reading "=HYPERLINK(...)"
cannot run when the file is opened in a spreadsheet; the importer undoes
exactly that escape, so the round trip is exact.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb

from metrics.contract.csvsafe import write_rows
from metrics.contract.kinds import KINDS
from metrics.store import VERSIONED_TABLES, as_of_filter


def format_cell(value: Any) -> str:
    """A stored value as the text a steward would type in the import file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def kind_rows(con: duckdb.DuckDBPyConnection, kind: str, as_of: dt.datetime | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of one kind, as text cells, sorted by key."""
    spec = KINDS[kind]
    columns = list(spec.column_names)
    select = []
    for c in spec.columns:
        if c.figure:
            # A figure cell that held a GSS symbol is written back as that symbol.
            select.append(f"{c.name}, {c.name}_symbol")
        else:
            select.append(c.name)
    key = ", ".join(VERSIONED_TABLES[kind])
    cur = con.execute(f"SELECT {', '.join(select)} FROM {kind} WHERE {as_of_filter(as_of)} ORDER BY {key}")
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        d = dict(zip(names, r))
        row = []
        for c in spec.columns:
            v = d[c.name]
            if c.figure and v is None:
                v = d[f"{c.name}_symbol"]
            row.append(format_cell(v))
        out.append(row)
    return columns, out


def export_csv(con: duckdb.DuckDBPyConnection, out_dir: str | Path, as_of: dt.datetime | None = None) -> dict[str, int]:
    """Write one CSV per kind into `out_dir`; returns rows written per kind."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind in KINDS:
        header, rows = kind_rows(con, kind, as_of)
        with (out / f"{kind}.csv").open("w", encoding="utf-8", newline="") as f:
            write_rows(f, [header, *rows])
        counts[kind] = len(rows)
    return counts
