"""The ledger of published cells (issue 22, finding 4; docs/methods.md,
"Stopping hidden figures being worked out").

Suppression is worked out for each publication, and a change anywhere (a
goal turning public, a revision, one more month of a year-to-date series)
can move a secondary suppression from one cell to another. An intruder who
kept the earlier site then holds both cells, and their difference gives the
hidden figure. So every publication records what it showed, and the next one
treats those figures as known: `disclosure.linked_suppression(cells, earlier)`.

A cell is recorded when it is first shown with these figures: publishing the
same thing again adds nothing, so a publish that changes little costs little.
The table is in the database, so backups carry it like everything else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.methods.aggregate import Figure
from metrics.methods.disclosure import Cell, LinkedCell
from metrics.store import write_batch

COLUMNS = ("measure_id", "kind", "place_id", "period_start", "period_end", "places", "unit",
           "value", "numerator", "denominator", "sample_size", "suppress_below")


WRITE_CHUNK = 20_000

# Ledger rows are made from the C library's allocator, not Arrow's default
# (mimalloc), which keeps what each measure's temporary arrays freed: measured
# on a national publish, 470 MB at peak against 491 MB (issue 23, finding 9).
POOL = pa.system_memory_pool()


def earlier_cells(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> list[LinkedCell]:
    """Every cell an earlier publication showed (up to `as_of`), each with the
    figures it was last shown with."""
    where, params = "", []
    if as_of is not None:
        where, params = "WHERE b.happened_at <= ?", [as_of]
    rows = con.execute(
        f"""SELECT {', '.join('c.' + c for c in COLUMNS)} FROM published_cells c JOIN batches b USING (batch_id) {where}
        QUALIFY row_number() OVER (PARTITION BY c.measure_id, c.kind, c.place_id, c.period_start, c.period_end ORDER BY c.batch_id DESC) = 1""",
        params,
    ).fetchall()
    out = []
    same: dict[frozenset[str], frozenset[str]] = {}  # one set of places shared by every cell that adds it up
    for measure, kind, place, start, end, places, unit, value, num, den, n, below in rows:
        places = frozenset(places)
        out.append(LinkedCell(Cell(measure, place, (start, end), kind), same.setdefault(places, places), unit,
                              Figure(value, numerator=num, denominator=den, sample_size=n), below))
    return out


def cells_table(cells: Sequence[LinkedCell]) -> pa.Table:
    """Cells as ledger rows (columns `COLUMNS`): a few dozen bytes a cell,
    where the cells themselves take several hundred (a national site's first
    publication records 350,000)."""
    def num(x: float | None) -> float | None:
        return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

    def column(values: list, kind: pa.DataType) -> pa.Array:
        return pa.array(values, kind, memory_pool=POOL)

    def repeated(values: list[str]) -> pa.Array:  # a measure's id, kinds and unit: a few values, many rows
        return pc.dictionary_encode(column(values, pa.string()), memory_pool=POOL)

    return pa.table({
        "measure_id": repeated([c.cell.measure_id for c in cells]),
        "kind": repeated([c.cell.kind for c in cells]),
        "place_id": column([c.cell.place_id for c in cells], pa.string()),
        "period_start": column([c.cell.period[0] for c in cells], pa.date32()),
        "period_end": column([c.cell.period[1] for c in cells], pa.date32()),
        "places": column([sorted(c.places) for c in cells], pa.list_(pa.string())),
        "unit": repeated([c.unit for c in cells]),
        "value": column([num(c.figure.value if c.figure else None) for c in cells], pa.float64()),
        "numerator": column([num(c.figure.numerator if c.figure else None) for c in cells], pa.float64()),
        "denominator": column([num(c.figure.denominator if c.figure else None) for c in cells], pa.float64()),
        "sample_size": column([num(c.figure.sample_size if c.figure else None) for c in cells], pa.float64()),
        "suppress_below": column([c.suppress_below for c in cells], pa.int32()),
    })


def write_cells(con: duckdb.DuckDBPyConnection, tables: Iterable[pa.Table], batch_id: int) -> None:
    """Add ledger rows (`cells_table`) inside the caller's batch, `WRITE_CHUNK`
    at a time (a national site's 350,000 as one table took 150 MB more)."""
    for table in tables:
        for i in range(0, table.num_rows, WRITE_CHUNK):
            chunk = table.slice(i, WRITE_CHUNK)
            con.register("ledger_new", chunk)
            try:
                con.execute(
                    f"INSERT INTO published_cells (batch_id, {', '.join(COLUMNS)}) SELECT ?, {', '.join(COLUMNS)} FROM ledger_new", [batch_id]
                )
            finally:
                con.unregister("ledger_new")


def record_publication(con: duckdb.DuckDBPyConnection, fresh: Sequence[pa.Table], *, actor: str, action: str, files: str | None = None) -> int:
    """Record what a publication showed that the ledger did not hold
    (`public.public_gate` gives it, as ledger rows), as its own audited batch;
    nothing, not even a batch, when it showed nothing new. Returns the cells added."""
    added = sum(t.num_rows for t in fresh)
    if not added:
        return 0
    with write_batch(con, actor=actor, action=action, files=files, reason="the figures a publication showed", partnerships=["*"]) as batch:
        write_cells(con, fresh, batch.batch_id)
    return added
