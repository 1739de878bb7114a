"""Bulk validation of observations in DuckDB.

A partnership network's observations file can hold a million rows; checking
each row with pydantic takes tens of seconds. Here DuckDB classifies every
row at once as *clean* (every cell well formed and every figure rule of
docs/data-contract.md met, written as SQL) or not. Only the rows that are not clean
go through `ObservationRow`, the row-by-row statement of the same rules, which
also words the messages. Rows holding GSS symbols are never "clean" here, so
the rarely used paths stay in the one Python implementation.

tests/test_observations_bulk.py checks, on generated rows, that a row is
clean here exactly when the Python rules find nothing wrong with it.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from metrics.contract.control_chars import REFUSED_RE2
from metrics.contract.kinds import OBSERVATIONS
from metrics.contract.models import EARLIEST_DATE, LATEST_DATE, VALUE_TOLERANCE
from metrics.methods.aggregate import derived_value_sql
from metrics.store import scalar
from metrics.vocab import GSS_SYMBOL_CELLS, SLUG_PATTERN, UNIT_SCALE

NUM = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
SYMBOLS_SQL = "(" + ", ".join("'" + s + "'" for s in sorted(GSS_SYMBOL_CELLS)) + ")"
RATIO_UNITS_SQL = "(" + ", ".join(f"'{u}'" for u in UNIT_SCALE) + ")"
SCALE_SQL = "CASE unit " + " ".join(f"WHEN '{u}' THEN {scale!r}" for u, scale in UNIT_SCALE.items()) + " END"
# Free-text cells are clean only without control characters (control_chars.py);
# every other cell must match a pattern that leaves them out already.
NO_CONTROL_CHARACTERS = " AND ".join(
    f"NOT regexp_matches({c.name}, '{REFUSED_RE2}')" for c in OBSERVATIONS.columns if c.type in ("text", "list")
)


def _num(col: str) -> str:
    """The cell as a DOUBLE when it is a well-formed number, else NULL."""
    return f"CASE WHEN regexp_full_match({col}, '{NUM}') AND isfinite(CAST({col} AS DOUBLE)) THEN CAST({col} AS DOUBLE) END"


def stage_observations(con: duckdb.DuckDBPyConnection, table: pa.Table, measures_sql: str, places_sql: str) -> None:
    """Create temp table `obs_stage`: every raw cell, the parsed figures, the
    measure's unit and range, and flags `clean`, `known_measure`, `known_place`.

    `measures_sql` / `places_sql` are queries giving the measures (measure_id,
    unit, min_value, max_value) and place ids known after this import.
    """
    # Registered as a stream of batches, read once: a registered table would
    # be held until the transaction ends, one per part of a file read in parts.
    con.register("obs_raw", pa.RecordBatchReader.from_batches(table.schema, table.to_batches()))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE obs_stage AS
        WITH p AS (
            SELECT r.*,
                {_num('r.value')} AS v, {_num('r.numerator')} AS n, {_num('r.denominator')} AS d,
                {_num('r.sample_size')} AS ss, {_num('r.std_dev')} AS sd,
                {_num('r.ci_low')} AS lo, {_num('r.ci_high')} AS hi,
                m.unit, m.min_value, m.max_value,
                m.measure_id IS NOT NULL AS known_measure,
                pl.place_id IS NOT NULL AS known_place
            FROM obs_raw r
            LEFT JOIN ({measures_sql}) m ON m.measure_id = r.measure_id
            LEFT JOIN ({places_sql}) pl ON pl.place_id = r.place_id
        ), f AS (
            SELECT *,
                {derived_value_sql("unit", "v", "n", "d", "lo", "hi")} AS fig,
                regexp_full_match(measure_id, '{SLUG_PATTERN}')
                AND regexp_full_match(place_id, '{SLUG_PATTERN}')
                AND regexp_full_match(period_start, '{DATE}') AND TRY_CAST(period_start AS DATE) IS NOT NULL
                AND regexp_full_match(period_end, '{DATE}') AND TRY_CAST(period_end AS DATE) IS NOT NULL
                AND TRY_CAST(period_end AS DATE) >= TRY_CAST(period_start AS DATE)
                AND TRY_CAST(period_start AS DATE) >= DATE '{EARLIEST_DATE.isoformat()}'
                AND TRY_CAST(period_end AS DATE) <= DATE '{LATEST_DATE.isoformat()}'
                AND (source = '' OR trim(source) <> '')
                AND {NO_CONTROL_CHARACTERS}
                AND lower(provisional) IN ('', 'true', 'false')
                AND ((ci_low = '' AND ci_high = '')
                     OR (lo IS NOT NULL AND hi IS NOT NULL AND lo <= hi AND v IS NOT NULL AND v BETWEEN lo AND hi))
                AS cells_ok
            FROM p
        )
        SELECT *,
            coalesce(cells_ok AND known_measure AND (
                CASE
                WHEN unit = 'percent' THEN
                    sample_size = '' AND std_dev = '' AND (
                        (n IS NOT NULL AND d IS NOT NULL AND n >= 0 AND d > 0 AND n <= d
                         AND (value = '' OR (v IS NOT NULL AND abs(v - n / d * 100.0) <= {VALUE_TOLERANCE})))
                        OR (numerator = '' AND denominator = '' AND v IS NOT NULL))
                    AND fig BETWEEN 0 AND 100
                WHEN unit IN {RATIO_UNITS_SQL} THEN
                    sample_size = '' AND std_dev = '' AND (
                        (n IS NOT NULL AND d IS NOT NULL AND n >= 0 AND d > 0
                         AND (value = '' OR (v IS NOT NULL AND abs(v - n / d * ({SCALE_SQL})) <= {VALUE_TOLERANCE})))
                        OR (numerator = '' AND denominator = '' AND v IS NOT NULL))
                    AND fig >= 0
                WHEN unit = 'count' THEN
                    numerator = '' AND denominator = '' AND sample_size = '' AND std_dev = ''
                    AND v IS NOT NULL AND v >= 0 AND v = floor(v)
                WHEN unit = 'score' THEN
                    numerator = '' AND denominator = ''
                    AND v IS NOT NULL AND ss IS NOT NULL AND ss >= 1 AND ss = floor(ss)
                    AND (std_dev = '' OR (sd IS NOT NULL AND sd >= 0))
                ELSE false END
            ) AND (min_value IS NULL OR fig >= min_value)
              AND (max_value IS NULL OR fig <= max_value), false) AS clean
        FROM f
        """
    )
    con.unregister("obs_raw")


def unclean_rows(con: duckdb.DuckDBPyConnection, limit: int | None = None, offset: int = 0) -> list[dict]:
    """The rows (as text cells, with _row) that need the careful Python check."""
    sql = "SELECT * EXCLUDE (v, n, d, ss, sd, lo, hi, unit, min_value, max_value, known_measure, known_place, fig, cells_ok, clean) FROM obs_stage WHERE NOT clean ORDER BY _row, _sheet"
    if limit is not None:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    cur = con.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def count_unclean(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "SELECT count(*) FROM obs_stage WHERE NOT clean")


def unknown_references(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple[int, int, str, str]]:
    """(sheet, row, column, value) for well-formed ids that name nothing known."""
    return con.execute(
        f"""
        SELECT _sheet, _row, 'measure_id', measure_id FROM obs_stage
            WHERE NOT known_measure AND regexp_full_match(measure_id, '{SLUG_PATTERN}')
        UNION ALL
        SELECT _sheet, _row, 'place_id', place_id FROM obs_stage
            WHERE NOT known_place AND regexp_full_match(place_id, '{SLUG_PATTERN}')
        ORDER BY 1, 2, 3 LIMIT {int(limit)}
        """
    ).fetchall()


def conflicting_duplicates(con: duckdb.DuckDBPyConnection, limit: int) -> list[tuple[int, int, int, int]]:
    """Rows repeating an earlier row's measure, place and period with other
    figures: (sheet, row, first_sheet, first_row). Figures are compared as
    numbers, so 93.5 and 93.50 are the same figure."""
    return con.execute(
        f"""
        WITH repeated AS (
            SELECT measure_id, place_id, period_start, period_end FROM obs_stage
            GROUP BY ALL HAVING count(*) > 1
        ), k AS (
            SELECT _sheet, _row,
                   first_value(_sheet) OVER w AS first_sheet, first_value(_row) OVER w AS first_row,
                   row_number() OVER w AS nth,
                   count(DISTINCT (v, n, d, ss, sd, lo, hi,
                       CASE WHEN v IS NULL THEN value END, CASE WHEN n IS NULL THEN numerator END,
                       CASE WHEN d IS NULL THEN denominator END, CASE WHEN ss IS NULL THEN sample_size END,
                       CASE WHEN sd IS NULL THEN std_dev END, CASE WHEN lo IS NULL THEN ci_low END,
                       CASE WHEN hi IS NULL THEN ci_high END, source, lower(provisional)))
                       OVER (PARTITION BY measure_id, place_id, period_start, period_end) AS variants
            FROM obs_stage SEMI JOIN repeated USING (measure_id, place_id, period_start, period_end)
            WINDOW w AS (PARTITION BY measure_id, place_id, period_start, period_end ORDER BY _sheet, _row)
        )
        SELECT _sheet, _row, first_sheet, first_row FROM k WHERE variants > 1 AND nth > 1
        ORDER BY 1, 2 LIMIT {int(limit)}
        """
    ).fetchall()


def typed_observations_sql() -> str:
    """The staged rows as stored: numbers, GSS symbols, the judged figure.
    Identical repeated rows collapse to one (importing them twice is no change)."""
    cols = []
    for c in ("value", "numerator", "denominator", "sample_size", "std_dev"):
        short = {"value": "v", "numerator": "n", "denominator": "d", "sample_size": "ss", "std_dev": "sd"}[c]
        cols.append(f"{short} AS {c}")
    symbols = [
        f"CASE WHEN {c} IN {SYMBOLS_SQL} THEN {c} END AS {c}_symbol"
        for c in ("value", "numerator", "denominator", "sample_size", "std_dev")
    ]
    return f"""
        SELECT DISTINCT
            measure_id, place_id,
            CAST(period_start AS DATE) AS period_start, CAST(period_end AS DATE) AS period_end,
            {', '.join(cols)},
            {', '.join(symbols)},
            lo AS ci_low, hi AS ci_high,
            nullif(source, '') AS source,
            lower(provisional) = 'true' AS provisional,
            fig AS figure
        FROM obs_stage
    """


def first_rows_of(con: duckdb.DuckDBPyConnection, keys: list[tuple]) -> list[int]:
    """The first staged row of each (measure_id, place_id, period_start,
    period_end) given (the periods as dates), in row order."""
    if not keys:
        return []
    wanted = pa.table({
        "measure_id": pa.array([k[0] for k in keys], pa.string()), "place_id": pa.array([k[1] for k in keys], pa.string()),
        "period_start": pa.array([k[2] for k in keys], pa.date32()), "period_end": pa.array([k[3] for k in keys], pa.date32()),
    })
    con.register("obs_wanted", wanted)
    try:
        return [r for (r,) in con.execute(
            """SELECT min(o._row) AS r FROM obs_stage o JOIN obs_wanted w
               ON o.measure_id = w.measure_id AND o.place_id = w.place_id
              AND CAST(o.period_start AS DATE) = w.period_start AND CAST(o.period_end AS DATE) = w.period_end
            GROUP BY w.measure_id, w.place_id, w.period_start, w.period_end ORDER BY r"""
        ).fetchall()]
    finally:
        con.unregister("obs_wanted")
