"""The bulk SQL check of observations agrees with the row-by-row rules.

`metrics.observations_sql` marks a row *clean* in DuckDB; only rows that are
not clean get the careful pydantic check. That is safe only if a clean row
always passes `ObservationRow` (no bad row slips through), and it is fast only
if an ordinary good row is clean. Hypothesis throws awkward cells at both.
"""

from __future__ import annotations

import itertools

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from metrics.contract import observations_sql as obs_sql
from metrics.contract.kinds import OBSERVATIONS
from metrics.contract.models import ObservationRow
from metrics.vocab import GSS_SYMBOL_CELLS

MEASURES = {
    "pct": {"measure_id": "pct", "unit": "percent", "min_value": None, "max_value": None},
    "pct-narrow": {"measure_id": "pct-narrow", "unit": "percent", "min_value": 80.0, "max_value": 99.0},
    "rate": {"measure_id": "rate", "unit": "rate_per_1000", "min_value": None, "max_value": None},
    "r10k": {"measure_id": "r10k", "unit": "rate_per_10000", "min_value": None, "max_value": None},
    "r100k": {"measure_id": "r100k", "unit": "rate_per_100000", "min_value": None, "max_value": 50.0},
    "cnt": {"measure_id": "cnt", "unit": "count", "min_value": None, "max_value": 50.0},
    "scr": {"measure_id": "scr", "unit": "score", "min_value": 7.0, "max_value": 35.0},
}
HOSTILE = ["", "-1", "60.5",  "2.5", " 5", "5%", "1,000", "abc", "c", "x", "low", "[c]", "2025-02-30", "01/02/2025", "Bad Id", "yes", "  ", "nope", "1e3",
           "MIS\u202e", "\x00", "5\x1b", "Survey \u2066A\u2069", "\x85"]  # control characters: never clean (control_chars.py)
# Numbers at the edges of each unit's rules (ranges, tolerance 0.05, zero, whole numbers).
EDGES = {
    "pct": {"value": ["", "95", "95.04", "95.06", "100", "100.5", "0"], "numerator": ["", "0", "950", "1000", "1000.0"], "denominator": ["", "1000", "950", "0"],
            "ci_low": ["", "94", "95.05"], "ci_high": ["", "95.05", "96"]},
    "pct-narrow": {"value": ["", "79.9", "80", "95", "99", "99.1"], "numerator": ["800", "950", "990", "995"], "denominator": ["1000"]},
    "rate": {"value": ["", "5", "5.04", "5.06", "1500", "-2"], "numerator": ["", "0", "5", "1500"], "denominator": ["", "1000", "0"]},
    "r10k": {"value": ["", "59.07065", "59.1", "59.2"], "numerator": ["", "9345"], "denominator": ["", "1582004", "0"],
             "ci_low": ["", "57.87899", "59.2"], "ci_high": ["", "60.28066", "59.0"]},
    "r100k": {"value": ["", "5", "5.06", "60"], "numerator": ["", "5", "60"], "denominator": ["", "100000", "0"]},
    "cnt": {"value": ["0", "3", "50", "51", "2.5", "-1"], "ci_low": ["", "2", "5"], "ci_high": ["", "4", "60"]},
    "scr": {"value": ["", "6.9", "7", "24", "35", "35.1"], "sample_size": ["", "0", "1", "40", "2.5"], "std_dev": ["", "0", "4.2", "-0.1"]},
}


@st.composite
def cells(draw) -> dict:
    """A row that is plausible for its unit, then up to two cells made hostile:
    most rows are near the edge of the rules, where the two paths could differ."""
    measure = draw(st.sampled_from(sorted(MEASURES)))
    row = {
        "measure_id": measure,
        "place_id": "north",
        "period_start": draw(st.sampled_from(["2025-01-01", "2025-01-31"])),
        "period_end": draw(st.sampled_from(["2025-01-31", "2025-01-01"])),
        "value": "", "numerator": "", "denominator": "", "sample_size": "", "std_dev": "", "ci_low": "", "ci_high": "",
        "source": draw(st.sampled_from(["", "MIS"])),
        "provisional": draw(st.sampled_from(["", "true", "FALSE"])),
    }
    for col, choices in EDGES[measure].items():
        row[col] = draw(st.sampled_from(choices))
    for col in draw(st.lists(st.sampled_from(list(row)), max_size=2)):
        row[col] = draw(st.sampled_from(HOSTILE))
    return row


def python_ok(row: dict) -> bool:
    """The row rules pass. (Unknown places are reported by a separate set query
    for every row, so they are not part of "clean"; an unknown measure is,
    because the unit rules need the measure.)"""
    if row["measure_id"] not in MEASURES:
        return False
    try:
        ObservationRow.model_validate(row, context={"measures": MEASURES})
    except ValidationError:
        return False
    return True


def sql_clean(rows: list[dict]) -> list[bool]:
    con = duckdb.connect()
    table = pa.table({"_row": list(range(2, len(rows) + 2)), "_sheet": [0] * len(rows), **{c: [r[c] for r in rows] for c in OBSERVATIONS.column_names}})
    con.register("m", pa.Table.from_pylist(list(MEASURES.values())))
    con.register("p", pa.table({"place_id": ["north"]}))
    obs_sql.stage_observations(con, table, "SELECT * FROM m", "SELECT * FROM p")
    return [r[0] for r in con.execute("SELECT clean FROM obs_stage ORDER BY _row").fetchall()]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells(), min_size=1, max_size=40))
def test_clean_in_sql_exactly_when_the_row_rules_pass(rows):
    for row, clean in zip(rows, sql_clean(rows)):
        has_symbol = any(row[c] in GSS_SYMBOL_CELLS for c in ("value", "numerator", "denominator", "sample_size", "std_dev"))
        ok = python_ok(row)
        if clean:
            assert ok, f"SQL passed a row the rules reject: {row}"
        elif not has_symbol:
            assert not ok, f"SQL sent a good row to the slow path: {row}"


def test_ordinary_rows_of_every_unit_are_clean():
    rows = [
        {"measure_id": "pct", "place_id": "north", "period_start": "2025-01-01", "period_end": "2025-01-31", "value": "95", "numerator": "950", "denominator": "1000", "sample_size": "", "std_dev": "", "source": "", "provisional": ""},
        {"measure_id": "rate", "place_id": "north", "period_start": "2025-01-01", "period_end": "2025-01-31", "value": "", "numerator": "5", "denominator": "1000", "sample_size": "", "std_dev": "", "source": "MIS", "provisional": "true"},
        {"measure_id": "cnt", "place_id": "north", "period_start": "2025-01-01", "period_end": "2025-01-31", "value": "9", "numerator": "", "denominator": "", "sample_size": "", "std_dev": "", "source": "", "provisional": "false"},
        {"measure_id": "scr", "place_id": "north", "period_start": "2025-01-01", "period_end": "2025-01-31", "value": "24", "numerator": "", "denominator": "", "sample_size": "40", "std_dev": "2.5", "source": "", "provisional": ""},
        # Fingertips' London row for 2023/24: a rate per 10,000 with its published interval
        {"measure_id": "r10k", "place_id": "north", "period_start": "2023-04-01", "period_end": "2024-03-31", "value": "59.07065", "numerator": "9345", "denominator": "1582004", "sample_size": "", "std_dev": "", "ci_low": "57.87899", "ci_high": "60.28066", "source": "", "provisional": ""},
        {"measure_id": "r100k", "place_id": "north", "period_start": "2025-01-01", "period_end": "2025-01-31", "value": "", "numerator": "5", "denominator": "100000", "sample_size": "", "std_dev": "", "source": "", "provisional": ""},
    ]
    for row in rows:
        row.setdefault("ci_low", "")
        row.setdefault("ci_high", "")
    assert sql_clean(rows) == [True] * 6
    assert all(python_ok(r) for r in rows)


def test_every_combination_of_edge_figures_agrees():
    """Exhaustive over the edge numbers of each unit: deterministic, so a rule
    dropped from either path fails here even when random search misses it."""
    rows = []
    for measure, columns in EDGES.items():
        names = list(columns)
        for combo in itertools.product(*(columns[n] for n in names)):
            row = {"measure_id": measure, "place_id": "north", "period_start": "2025-01-01", "period_end": "2025-01-31",
                   "value": "", "numerator": "", "denominator": "", "sample_size": "", "std_dev": "", "ci_low": "", "ci_high": "",
                   "source": "", "provisional": ""}
            row.update(dict(zip(names, combo)))
            rows.append(row)
    assert len(rows) > 250
    disagreements = [row for row, clean in zip(rows, sql_clean(rows)) if clean != python_ok(row)]
    assert disagreements == []
