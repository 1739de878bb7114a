"""What a whole page reads, in the fewest statements the page needs.

A page's time was mostly its statements, each planned afresh by DuckDB, more
than the rows they returned; so a page that shows many things asks for them
together here, through the read model's two reads (readmodel.read_goal_inputs
and readmodel.read_goal_series), and every figure is still made by the read
model's one path (readmodel.judge_goals, series_point, benchmark_lines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from metrics.read import readmodel
from metrics.read.readmodel import BenchmarkLine, GoalResult, Measure, Partnership, SeriesPoint
from metrics.store import as_of_day


@dataclass(frozen=True)
class PartnershipPage:
    """Everything the partnership page draws."""

    partnership: Partnership
    places: dict[str, dict[str, Any]]  # every place the page names: its neighbourhoods, every local area and nation
    measures: dict[str, Measure]
    results: list[GoalResult]  # its goals, judged
    benchmark_lines: dict[str, list[BenchmarkLine]]  # each goal's benchmark lines, values only: a small multiple draws no benchmark interval
    grid: dict[str, dict[str, list[SeriesPoint]]]  # {measure_id: {neighbourhood: points}}, each measure's latest period
    england: dict[str, list[SeriesPoint]]  # {measure_id: England's points at the grid's period}


def partnership_page(con: duckdb.DuckDBPyConnection, partnership: Partnership, as_of: dt.datetime | None = None) -> PartnershipPage:
    """The partnership page's reads: its goals judged, each goal's benchmark
    lines, and the neighbourhood-by-measure grid with England's figures at the
    grid's periods. `partnership` is the one the page's chooser read (as of
    the same time), so it is not read again."""
    inputs = readmodel.read_goal_inputs(con, as_of, partnership.partnership_id, known=[partnership])
    read = readmodel.read_goal_series(con, inputs, as_of, grid_places=partnership.places, england=True)
    results = readmodel.judge_goals(inputs, read, as_of_day(as_of))
    names = {k: v["name"] for k, v in inputs.places.items()}
    return PartnershipPage(
        partnership, inputs.places, inputs.measures, results,
        readmodel.benchmark_lines(results, read.bench_rows, names, intervals=False), read.grid, read.england,
    )
