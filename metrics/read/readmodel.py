"""The read model: what every view shows of a goal, computed once.

A figure takes one path from the store to every chart, table, pack and
published page (docs/architecture.md): the row's judged figure (stored at
import as `figure`, by methods.aggregate) or a partnership's aggregate of its
neighbourhoods' rows -> its value and 95% interval (`series_point`) -> the
goal's series -> the judgement (methods.status) and the benchmark lines
(`benchmark_places`, `benchmark_series`). The goal's places (`goal_places`),
the name of its scope (`scope_name`), the date of its latest data
(`data_date`) and whether anything new arrived since the last review
(`new_data_since`) are defined here too, and nowhere else.

The SQL fetches only what a judgement needs, as of a time (docs/methods.md, "What did we know on that day?"), and lets DuckDB do the partnership aggregation (ratio of sums,
sums, weighted means) in one pass over every partnership goal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import duckdb

from metrics.methods.aggregate import Figure, derived_value
from metrics.methods.explain import status_explanation
from metrics.methods.intervals import figure_interval, interval_model
from metrics.methods.series import BREAK, PHASE, SeriesChange
from metrics.methods.status import GoalAssessment, GoalSpec, Point, benchmark_comparison, benchmark_comparisons, goal_status, latest_point
from metrics.store import as_of_day, as_of_filter, dict_rows, fetched_in_chunks
from metrics.vocab import DEFAULT_REVIEW_EVERY_WEEKS, UNIT_SCALE


@dataclass(frozen=True)
class Measure:
    measure_id: str
    name: str
    domain: str
    unit: str
    direction: str
    min_value: float | None
    max_value: float | None
    suppress_below: int | None
    definition: str
    source: str | None

    @property
    def interval_model(self) -> str:
        """How this measure's 95% intervals are worked out, the same for every
        one of its figures (methods.intervals.interval_model)."""
        return interval_model(self.unit, self.max_value)


@dataclass(frozen=True)
class Partnership:
    partnership_id: str
    name: str
    places: list[str]
    members: list[str]
    description: str | None
    review_every_weeks: int

    @property
    def cadence_weeks(self) -> int:
        return self.review_every_weeks


# What a partnership is, in the order make_partnership takes it.
PARTNERSHIP_COLUMNS = "partnership_id, name, places, members, description, review_every_weeks"


def make_partnership(
    partnership_id: str, name: str, places: list[str], members: list[str] | None, description: str | None, review_every_weeks: int | None
) -> Partnership:
    """A stored partnership row (PARTNERSHIP_COLUMNS) as a Partnership; a cadence left empty is the default one."""
    return Partnership(partnership_id, name, list(places), list(members or []), description, int(review_every_weeks or DEFAULT_REVIEW_EVERY_WEEKS))


@dataclass(frozen=True)
class Goal:
    goal_id: str
    partnership_id: str
    measure_id: str
    scope: str
    statement: str
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date
    stated_on: dt.date
    visibility: str
    owner: str | None
    recorded_at: dt.datetime
    change_reason: str | None

    @property
    def partnership_wide(self) -> bool:
        return self.scope == self.partnership_id

    def spec(self, measure: Measure) -> GoalSpec:
        return GoalSpec(
            self.baseline_value, self.baseline_date, self.target_value, self.target_date, measure.direction, measure.unit,
            measure.min_value, measure.max_value,
        )


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One period of a goal's scope: the figure (None when unavailable or the
    partnership period is incomplete), its interval and how complete it is."""

    period_start: dt.date
    period_end: dt.date
    value: float | None
    ci_low: float | None
    ci_high: float | None
    places_with_data: int = 1
    places_total: int = 1
    provisional: bool = False
    figure: Figure | None = None

    @property
    def complete(self) -> bool:
        return self.places_with_data == self.places_total

    def point(self) -> Point:
        return Point(self.period_start, self.period_end, self.value, self.ci_low, self.ci_high)


@dataclass
class GoalResult:
    goal: Goal
    measure: Measure
    assessment: GoalAssessment
    explanation: str
    series: list[SeriesPoint] = field(default_factory=list)
    nation_value: float | None = None
    local_area: str | None = None
    local_area_value: float | None = None
    vs_local_area: str = "not_compared"
    nation: str | None = None
    changes: list[SeriesChange] = field(default_factory=list)  # change points and breaks of its series, by date
    vs_nation_by_period: list[tuple[dt.date, str]] = field(default_factory=list)  # every period with both figures

    def status_json(self) -> dict[str, Any]:
        return {
            "goal_id": self.goal.goal_id,
            **self.assessment.status_json(),
            "vs_nation_by_period": [{"period_end": end.isoformat(), "vs_nation": vs} for end, vs in self.vs_nation_by_period],
        }


def measures(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> dict[str, Measure]:
    rows = dict_rows(con, f"SELECT * EXCLUDE (recorded_at, superseded_at, batch_id, change_reason) FROM measures WHERE {as_of_filter(as_of)}")
    return {r["measure_id"]: Measure(**r) for r in rows}


def goals(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None, partnership: str | None = None) -> list[Goal]:
    where = as_of_filter(as_of)
    params: list = []
    if partnership:
        where += " AND partnership_id = ?"
        params.append(partnership)
    # Sorted here, not by the statement: DuckDB's ORDER BY costs more than the few rows it sorts (a page's reads are small).
    rows = dict_rows(con, f"SELECT * EXCLUDE (superseded_at, batch_id) FROM goals WHERE {where}", params)
    return sorted((Goal(**r) for r in rows), key=lambda g: (g.partnership_id, g.goal_id))


def series_point(
    unit: str, start: dt.date, end: dt.date, fig: Figure | None, value: float | None,
    with_data: int = 1, total: int = 1, provisional: bool = False, model: str | None = None, interval: bool = True,
) -> SeriesPoint:
    """One period of a series: its figure, the value judged (a row's stored
    `figure`, or a partnership aggregate's derived value) and its 95% interval
    by the measure's model (`Measure.interval_model`; docs/methods.md, "Confidence intervals"). The one
    way a SeriesPoint is made. Without `interval`, for a line drawn without
    its interval, the interval is not worked out (both ends None)."""
    if fig is None or value is None:
        return SeriesPoint(start, end, None, None, None, with_data, total, provisional, fig)
    ci = figure_interval(unit, fig, model) if interval else None
    return SeriesPoint(start, end, value, ci[0] if ci else None, ci[1] if ci else None, with_data, total, provisional, fig)


def row_point(unit: str, r: Mapping[str, Any], interval: bool = True) -> SeriesPoint:
    """A stored observation row as a series point: its judged figure as
    stored at import (methods.aggregate.derived_value_sql), never recomputed;
    its interval by its measure's model (the row carries the measure's
    max_value, `place_series_rows`)."""
    fig = _figure_of(r)
    return series_point(
        unit, r["period_start"], r["period_end"], fig, r["figure"], 1 if fig is not None else 0, 1, r["provisional"],
        interval_model(unit, r["max_value"]), interval,
    )


# -- a goal's places, scope and benchmarks ---------------------------------------------


def goal_places(goal: Goal, partnership_places: Mapping[str, Sequence[str]]) -> list[str]:
    """The neighbourhoods a goal's figure rests on: every neighbourhood of its
    partnership for a partnership-wide goal, else its own neighbourhood."""
    return list(partnership_places.get(goal.partnership_id, [])) if goal.partnership_wide else [goal.scope]


def scope_name(goal: Goal, partnership_names: Mapping[str, str], places: Mapping[str, Mapping[str, Any]]) -> str:
    """What a goal covers, in words: its partnership's name for a
    partnership-wide goal, else its neighbourhood's name."""
    return scope_label(goal.scope, goal.partnership_id, partnership_names, places)


def scope_label(scope: str, partnership_id: str, partnership_names: Mapping[str, str], places: Mapping[str, Mapping[str, Any]]) -> str:
    """A scope (a partnership id or one of its neighbourhoods) in words, as
    `scope_name` writes it (for choosing a scope before there is a goal)."""
    if scope == partnership_id:
        return partnership_names.get(partnership_id, partnership_id)
    return str(places.get(scope, {}).get("name", scope))


def benchmark_places(result: GoalResult) -> list[str]:
    """The places a goal is compared with, in the order every chart, table and
    page draws them: England (the nation), then the goal's local area where it
    has one (a neighbourhood's local area, or the one all of a partnership's
    neighbourhoods share). The one rule for benchmark lines."""
    return [p for p in (result.nation, result.local_area) if p]


# A stored observation's columns as `row_point` reads them (and `_series_sql` returns them, after kind, key and measure_id).
ROW_COLUMNS = ("period_start", "period_end", "value", "numerator", "denominator", "sample_size", "std_dev", "ci_low", "ci_high", "provisional", "figure")
_FIGURE = ROW_COLUMNS.index("figure")


@dataclass(frozen=True)
class BenchmarkLine:
    """A benchmark place's series as a goal's chart draws it. Its points (each
    period's figure, and its interval unless `intervals` is off) are made from
    the stored rows when first asked for: a page that draws one line of a
    goal's two works out one."""

    place_id: str
    name: str
    measure: Measure
    rows: tuple[tuple, ...] = field(repr=False)  # stored rows, columns as ROW_COLUMNS
    intervals: bool = True

    @cached_property
    def points(self) -> list[SeriesPoint]:
        m = self.measure
        return [row_point(m.unit, dict(zip(ROW_COLUMNS, x), max_value=m.max_value), self.intervals) for x in self.rows]


def benchmark_series(
    con: duckdb.DuckDBPyConnection, results: Sequence[GoalResult], as_of: dt.datetime | None = None
) -> dict[str, list[BenchmarkLine]]:
    """Each goal's benchmark lines (`benchmark_places`), every period with its
    figure and interval, in one statement for all the goals given."""
    wanted = sorted({(place, r.measure.measure_id) for r in results for place in benchmark_places(r)})
    if not wanted:
        return {r.goal.goal_id: [] for r in results}
    rows: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for r in place_series_rows(con, PAIRS_SQL.format(key="place_id"), as_of, pairs_params(wanted)):
        rows[(r["place_id"], r["measure_id"])].append(tuple(r[c] for c in ROW_COLUMNS))
    return benchmark_lines(results, rows, place_names(con, [p for p, _ in wanted], as_of))


def benchmark_lines(
    results: Sequence[GoalResult], rows: Mapping[tuple[str, str], Sequence[tuple]], names: Mapping[str, str],
    intervals: bool = True,
) -> dict[str, list[BenchmarkLine]]:
    """Each goal's benchmark lines from the benchmark places' stored rows
    ((place_id, measure_id) -> rows, columns as ROW_COLUMNS): every period
    with its figure, and its interval unless the lines are drawn without
    (`intervals`). Goals of one measure share each place's line (England's
    is every goal's), so its points are made once."""
    lines: dict[tuple[str, str], BenchmarkLine] = {}

    def line(p: str, m: Measure) -> BenchmarkLine:
        key = (p, m.measure_id)
        if key not in lines:
            lines[key] = BenchmarkLine(p, names.get(p, p), m, tuple(rows.get(key, ())), intervals)
        return lines[key]

    return {r.goal.goal_id: [line(p, r.measure) for p in benchmark_places(r)] for r in results}


def place_names(con: duckdb.DuckDBPyConnection, place_ids: Sequence[str], as_of: dt.datetime | None = None) -> dict[str, str]:
    rows = con.execute(
        f"SELECT place_id, name FROM places WHERE place_id IN (SELECT unnest($1::VARCHAR[])) AND {as_of_filter(as_of)}", [list(place_ids)]
    ).fetchall()
    return dict(rows)


# -- what was recorded about a series, and what was done: changes and markers -----------------


def series_changes(
    con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str]], as_of: dt.datetime | None = None
) -> dict[tuple[str, str], list[SeriesChange]]:
    """For each (scope, measure_id), its recorded SPC change points (kind
    spc_phases, for that scope) and its measure's breaks (kind
    measure_breaks), as known at `as_of`, by date, each with who recorded it
    (its batch's actor) and when. The one reading of both kinds."""
    if not pairs:
        return {}
    places, measure_ids = sorted({p for p, _ in pairs}), sorted({m for _, m in pairs})
    rows = dict_rows(con, _changes_sql(as_of), [places, measure_ids])
    if rows:  # who recorded them: a second, small statement only when there is something to name
        actors = dict(con.execute("SELECT batch_id, actor FROM batches WHERE list_contains($1::INTEGER[], batch_id)",
                                  [sorted({r["batch_id"] for r in rows})]).fetchall())
        for r in rows:
            r["actor"] = actors.get(r["batch_id"])
    return changes_from_rows(rows, pairs)


def _changes_sql(as_of: dt.datetime | None) -> str:
    """Both kinds of recorded change in one statement: the SPC change points
    of the places in $1 (the caller keeps its own (place, measure) pairs) and
    the breaks of the measures in $2, each with its batch."""
    return f"""SELECT 'phase' AS kind, place_id, measure_id, start_date AS day, reason, batch_id, recorded_at FROM spc_phases
            WHERE {as_of_filter(as_of)} AND list_contains($1::VARCHAR[], place_id)
            UNION ALL
            SELECT 'break', NULL, measure_id, date, reason, batch_id, recorded_at FROM measure_breaks
            WHERE {as_of_filter(as_of)} AND list_contains($2::VARCHAR[], measure_id)"""


def changes_from_rows(rows: Sequence[Mapping[str, Any]], pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], list[SeriesChange]]:
    """The rows of `_changes_sql` as each (scope, measure_id)'s changes: its
    own change points and every break of its measure, by date."""
    out: dict[tuple[str, str], list[SeriesChange]] = {pair: [] for pair in pairs}
    by_measure: dict[str, list[SeriesChange]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "phase":
            if (r["place_id"], r["measure_id"]) in out:
                out[(r["place_id"], r["measure_id"])].append(SeriesChange(r["day"], PHASE, r["reason"], r["actor"], r["recorded_at"]))
        else:
            by_measure[r["measure_id"]].append(SeriesChange(r["day"], BREAK, r["reason"], r["actor"], r["recorded_at"]))
    for (scope, measure_id), found in out.items():
        found.extend(by_measure.get(measure_id, []))
        found.sort(key=lambda c: (c.date, c.kind))
    return out


def measure_breaks(
    con: duckdb.DuckDBPyConnection, measure_ids: Sequence[str], as_of: dt.datetime | None = None
) -> dict[str, list[SeriesChange]]:
    """Each measure's series breaks, by date (read by `series_changes`, for a
    scope no change point names), for charts of a measure at any place."""
    changes = series_changes(con, [("", m) for m in measure_ids], as_of)
    return {m: [c for c in changes[("", m)] if c.kind == BREAK] for m in measure_ids}


@dataclass(frozen=True)
class Marker:
    """Something done or something that happened, drawn on a goal's chart at
    its date: an action agreed (always internal) or an event (public or
    internal, as recorded)."""

    date: dt.date
    kind: str  # action | event
    title: str
    public: bool


def goal_markers(
    con: duckdb.DuckDBPyConnection, results: Sequence[GoalResult], as_of: dt.datetime | None = None
) -> dict[str, list[Marker]]:
    """Each goal's markers, by date: the actions linked to it (at the day they
    were agreed), the events linked to it and its partnership's events linked
    to no goal, as known at `as_of`. Actions are never public; an event is
    public only when recorded so (the public gate keeps only those)."""
    out: dict[str, list[Marker]] = {r.goal.goal_id: [] for r in results}
    if not results:
        return out
    goal_ids = sorted(out)
    partnership_ids = sorted({r.goal.partnership_id for r in results})
    by_partnership: dict[str, list[Marker]] = defaultdict(list)
    for r in dict_rows(
        con,
        f"""SELECT goal_id, partnership_id, date AS day, title, visibility FROM events
            WHERE partnership_id IN (SELECT unnest($1::VARCHAR[])) AND {as_of_filter(as_of)}
            ORDER BY date, event_id""",
        [partnership_ids],
    ):
        marker = Marker(r["day"], "event", r["title"], r["visibility"] == "public")
        if r["goal_id"] is None:
            by_partnership[r["partnership_id"]].append(marker)
        elif r["goal_id"] in out:
            out[r["goal_id"]].append(marker)
    for r in dict_rows(
        con,
        f"""SELECT goal_id, agreed_on, description FROM actions
            WHERE goal_id IN (SELECT unnest($1::VARCHAR[])) AND {as_of_filter(as_of)} ORDER BY agreed_on, action_id""",
        [goal_ids],
    ):
        out[r["goal_id"]].append(Marker(r["agreed_on"], "action", r["description"], False))
    for result in results:
        found = out[result.goal.goal_id] + by_partnership.get(result.goal.partnership_id, [])
        out[result.goal.goal_id] = sorted(found, key=lambda m: (m.date, m.kind != "action", m.title))
    return out


# -- dates: the latest data, and what arrived since a review -------------------------------


def data_date(points: Sequence[SeriesPoint]) -> dt.date | None:
    """The end of the latest period with a figure: how current a series is."""
    return max((p.period_end for p in points if p.value is not None), default=None)


def new_data_since(
    con: duckdb.DuckDBPyConnection,
    goals: Sequence[Goal],
    partnership_places: Mapping[str, Sequence[str]],
    since: Mapping[str, dt.datetime | None],
    until: dt.datetime | None = None,
) -> dict[str, dt.date | None]:
    """For each goal, the latest period of new data recorded after its
    partnership's `since` time (its last review's as-of time) and by `until`
    (now when None): a period of the goal's measure for one of its places that
    was not known at `since`. A revision of a figure already known is not new
    data (it is listed as a revision); a goal whose partnership has no `since`
    (no review yet) gets None. One statement for every goal given.

    The board pack's "no new data since the last review" and the Overview's
    flag are both this."""
    rows = [(g.goal_id, g.measure_id, place, since[g.partnership_id]) for g in goals if since.get(g.partnership_id) is not None
            for place in goal_places(g, partnership_places)]
    out: dict[str, dt.date | None] = {g.goal_id: None for g in goals}
    if not rows:
        return out
    upper = "" if until is None else "AND o.recorded_at <= $5"
    params: list = [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]]
    if until is not None:
        params.append(until)
    for goal_id, latest in con.execute(
        f"""WITH want AS (
                SELECT unnest($1::VARCHAR[]) AS goal_id, unnest($2::VARCHAR[]) AS measure_id,
                       unnest($3::VARCHAR[]) AS place_id, unnest($4::TIMESTAMP[]) AS since)
            SELECT want.goal_id, max(o.period_end)
            FROM observations o JOIN want ON want.measure_id = o.measure_id AND want.place_id = o.place_id
            WHERE o.recorded_at > want.since {upper}
              AND NOT EXISTS (SELECT 1 FROM observations k
                  WHERE k.measure_id = o.measure_id AND k.place_id = o.place_id AND k.period_start = o.period_start
                    AND k.period_end = o.period_end AND k.recorded_at <= want.since)
            GROUP BY want.goal_id""",
        params,
    ).fetchall():
        out[goal_id] = latest
    return out


def exact_sums(sql: str) -> str:
    """Rewrite exact_sum(x) as a sum that does not depend on the order DuckDB's
    threads add in.

    A floating-point sum taken in parallel can differ in its last bits from run
    to run, and a board pack must reprint byte for byte. Each term is rounded
    to 12 decimal places and summed exactly as a DECIMAL (a 128-bit integer
    underneath), then turned back into a double.
    """
    out, i, token = [], 0, "exact_sum("
    while (start := sql.find(token, i)) != -1:
        out.append(sql[i:start])
        depth, j = 1, start + len(token)
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[j], 0)
            j += 1
        inner = sql[start + len(token) : j - 1]
        out.append(f"CAST(sum(CAST({inner} AS DECIMAL(38, 12))) AS DOUBLE)")
        i = j
    out.append(sql[i:])
    return "".join(out)


def _aggregate_figure(unit: str, r: Mapping[str, Any]) -> Figure | None:
    """The partnership figure of one complete period, from the SQL sums
    (`_series_sql`), by the same rules as `metrics.methods.aggregate.aggregate_figures`.

    A score's pooled SD adds the spread within neighbourhoods to the spread
    between their means: between = sum(n * x^2) - (sum(n * x))^2 / sum(n),
    from sums taken in one pass (each exact, `exact_sums`)."""
    if unit in UNIT_SCALE:
        if not r["has_parts"]:
            return None
        scale = UNIT_SCALE[unit]
        return Figure(value=r["numerator"] / r["denominator"] * scale, numerator=r["numerator"], denominator=r["denominator"])
    if unit == "count":
        return Figure(value=r["value_sum"]) if r["has_values"] else None
    if not (r["has_values"] and r["has_sizes"]) or not r["sample_size"]:
        return None
    n, weighted = r["sample_size"], r["weighted_sum"]
    mean = weighted / n
    sd = None
    if r["has_sds"] and n > 1:
        between = r["weighted_squares"] - weighted * weighted / n
        sd = math.sqrt(max(r["within_ss"] + between, 0.0) / (n - 1))
    return Figure(value=mean, sample_size=n, std_dev=sd)


def place_series_rows(con: duckdb.DuckDBPyConnection, pairs: str, as_of: dt.datetime | None, params: list | None = None) -> list[dict]:
    """Observations of (place_id, measure_id) pairs, every period, as known at as_of."""
    return dict_rows(con, _place_series_sql(pairs, as_of), params)


def _place_series_sql(pairs: str, as_of: dt.datetime | None) -> str:
    """The one statement for stored observations of (place_id, measure_id)
    pairs (`pairs`, a query of the two columns), every period in order."""
    return f"""SELECT ob.place_id, ob.measure_id, ob.period_start, ob.period_end, ob.value, ob.numerator, ob.denominator,
                   ob.sample_size, ob.std_dev, ob.ci_low, ob.ci_high, ob.provisional, ob.figure, m.max_value
            FROM observations ob JOIN ({pairs}) want ON want.place_id = ob.place_id AND want.measure_id = ob.measure_id
            LEFT JOIN (SELECT measure_id, max_value FROM measures WHERE {as_of_filter(as_of)}) m ON m.measure_id = ob.measure_id
            WHERE {as_of_filter(as_of, 'ob')}
            ORDER BY ob.place_id, ob.measure_id, ob.period_end, ob.period_start"""


def pair_series(
    con: duckdb.DuckDBPyConnection, pairs: Sequence[tuple[str, str]], units: Mapping[str, str], as_of: dt.datetime | None = None,
) -> dict[tuple[str, str], list[SeriesPoint]]:
    """Each (place_id, measure_id) pair's figures, every period in order, with
    their 95% intervals (`row_point`): one statement for any number of pairs,
    its rows read a few thousand at a time and each day kept once (a national
    site's neighbourhood series are some 350,000 rows)."""
    out: dict[tuple[str, str], list[SeriesPoint]] = {pair: [] for pair in pairs}
    if not pairs:
        return out
    cur = con.execute(_place_series_sql(PAIRS_SQL.format(key="place_id"), as_of), pairs_params(list(out)))
    names = [d[0] for d in cur.description]
    days: dict[dt.date, dt.date] = {}
    for t in fetched_in_chunks(cur):
        r = dict(zip(names, t))
        r["period_start"] = days.setdefault(r["period_start"], r["period_start"])
        r["period_end"] = days.setdefault(r["period_end"], r["period_end"])
        out[(r["place_id"], r["measure_id"])].append(row_point(units[r["measure_id"]], r))
    return out


# (key, measure_id) pairs as two list parameters: one short statement
# whatever the number of goals, where literal SELECT ... UNION ALL pairs made a
# 100 KB statement that took DuckDB over a second to plan for 2,000 goals.
PAIRS_SQL = "SELECT unnest($1::VARCHAR[]) AS {key}, unnest($2::VARCHAR[]) AS measure_id"


def pairs_params(pairs: list[tuple[str, str]]) -> list[list[str]]:
    return [[k for k, _ in pairs], [m for _, m in pairs]]


def _figure_of(r: dict) -> Figure | None:
    if r["figure"] is None:
        return None
    return Figure(r["value"], r["numerator"], r["denominator"], r["sample_size"], r["std_dev"], r["ci_low"], r["ci_high"])


def nation_place(con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None) -> str | None:
    """The nation benchmark place (England); the first one if several."""
    rows = con.execute(f"SELECT place_id FROM places WHERE level = 'nation' AND {as_of_filter(as_of)} ORDER BY place_id LIMIT 1").fetchall()
    return rows[0][0] if rows else None


# -- reading what goals are judged on: two reads, then pure Python ---------------------------
#
# A page's statements were most of its time (DuckDB plans each afresh), so
# everything a set of goals is judged on is read in two steps:
# `read_goal_inputs` (the goals, the measures, their partnerships, the places
# they rest on and are compared with, their recorded changes: small
# statements) and `read_goal_series` (every observation they need, with the
# partnership sums, in one statement `_series_sql`), whose lists of places and
# pairs come from the first. Judging (`judge_goals`) is pure Python over what
# they return.


@dataclass(frozen=True)
class GoalInputs:
    """What judging a set of goals reads before any observation (`read_goal_inputs`)."""

    goals: list[Goal]
    measures: dict[str, Measure]
    partnerships: list[Partnership]  # the goals' partnerships (and the one asked for), by name
    places: dict[str, dict[str, Any]]  # their neighbourhoods, the goals' scopes, every local area and nation
    changes: dict[tuple[str, str], list[SeriesChange]]

    @property
    def members(self) -> dict[str, list[str]]:
        return {p.partnership_id: p.places for p in self.partnerships}

    @property
    def nation(self) -> str | None:
        """The nation benchmark place (England); the first by id if several, as `nation_place`."""
        return min((k for k, v in self.places.items() if v["level"] == "nation"), default=None)

    def local_areas(self) -> dict[str, str]:
        """Each goal's local area, when it has one: a neighbourhood's parent
        local area, or the one local area all of a partnership's
        neighbourhoods share (`local_area_of`)."""
        return local_area_of(self.goals, self.members, self.places)


def local_area_of(goals: Sequence[Goal], members: Mapping[str, Sequence[str]], places: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The one rule for a goal's local area (see `GoalInputs.local_areas`);
    `places` holds each neighbourhood's row and its parent's."""
    def parent(h: str) -> str | None:
        up = places.get(h, {}).get("parent_id")
        return up if up is not None and places.get(up, {}).get("level") == "local_area" else None

    out = {}
    for g in goals:
        found = {parent(h) for h in goal_places(g, members)}
        if len(found) == 1 and None not in found:
            out[g.goal_id] = found.pop()
    return out


def read_goal_inputs(
    con: duckdb.DuckDBPyConnection, as_of: dt.datetime | None = None, partnership: str | None = None, goal_ids: Sequence[str] | None = None,
    known: Sequence[Partnership] = (),
) -> GoalInputs:
    """The goals (of one partnership, or those named, or all), every measure,
    the goals' partnerships (and the one asked for), the places they name and
    the goals' recorded changes, as known at `as_of`. Partnerships already
    read (`known`, as of the same time) are not read again. A few small
    statements: measured, one statement gathering the same lists took longer
    (DuckDB plans every part of a statement; README, "Scale and speed")."""
    gs = goals(con, as_of, partnership)
    if goal_ids is not None:
        wanted = set(goal_ids)
        gs = [g for g in gs if g.goal_id in wanted]
    asked = {g.partnership_id for g in gs} | ({partnership} if partnership else set())
    have = {p.partnership_id: p for p in known if p.partnership_id in asked}
    if asked - have.keys():
        rows = con.execute(
            f"SELECT {PARTNERSHIP_COLUMNS} FROM partnerships WHERE {as_of_filter(as_of)} AND list_contains($1::VARCHAR[], partnership_id)",
            [sorted(asked - have.keys())],
        ).fetchall()
        have.update((r[0], make_partnership(*r)) for r in rows)
    parts = sorted(have.values(), key=lambda p: (p.name, p.partnership_id))
    shown = sorted({h for p in parts for h in p.places} | {g.scope for g in gs if not g.partnership_wide})
    # The places named and every benchmark place (each nation and local area, a few hundred at most), in one scan.
    places = dict_rows(
        con,
        f"""SELECT place_id, name, level, parent_id, code FROM places
            WHERE {as_of_filter(as_of)} AND (level IN ('nation', 'local_area') OR list_contains($1::VARCHAR[], place_id))""",
        [shown],
    )
    return GoalInputs(
        gs, measures(con, as_of), parts, {r["place_id"]: r for r in places},
        series_changes(con, sorted({(g.scope, g.measure_id) for g in gs}), as_of),
    )


def _latest_period_only() -> str:
    """A QUALIFY clause keeping, per measure, only the latest period (end,
    then start) any of the rows has a figure for, or all of a measure's rows
    when none has one: what the partnership page's grid compares, so nothing
    else is fetched or given an interval."""
    at = "{'e': period_end, 's': period_start}"
    latest = f"max(CASE WHEN figure IS NOT NULL THEN {at} END) OVER (PARTITION BY measure_id)"
    return f"\n            QUALIFY {latest} IS NULL OR {at} = {latest}"


def _series_sql(as_of: dt.datetime | None) -> str:
    """Every observation a set of goals (and a page's grid) needs, in one
    statement, tagged by `kind`: 'wide' (per partnership, measure and exact
    period: how many neighbourhoods have a figure and the sums its figure is
    built from; docs/methods.md, "Figures for a whole partnership"), 'local'
    (a neighbourhood goal's rows), 'bench' (a benchmark's rows), 'grid' (the
    grid's places, each measure's latest period with a figure, or all of a
    measure's rows when none has one) and 'england' (the nation's rows at
    those periods), in no order. Parameters: $1 every place read; $2, $3 (partnership,
    place); $4, $5, $6 (partnership, measure, places_total) to aggregate;
    $7, $8 and $9, $10 the (place, measure) pairs read as 'local' and
    'bench'; $11 the grid's places; $12 the nation, for 'england'."""
    pairs = "SELECT unnest(${}::VARCHAR[]) AS place_id, unnest(${}::VARCHAR[]) AS measure_id"
    rows = ", ".join(ROW_COLUMNS)
    no_sums = "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
    return exact_sums(f"""
        WITH ob AS MATERIALIZED (
            SELECT place_id, measure_id, {rows}
            FROM observations WHERE {as_of_filter(as_of)} AND place_id IN (SELECT unnest($1::VARCHAR[]))
        ), pp AS (
            SELECT unnest($2::VARCHAR[]) AS partnership_id, unnest($3::VARCHAR[]) AS place_id
        ), wide AS (
            SELECT unnest($4::VARCHAR[]) AS partnership_id, unnest($5::VARCHAR[]) AS measure_id, unnest($6::BIGINT[]) AS places_total
        ), agg AS (
            SELECT partnership_id, measure_id, period_start, period_end,
                count(figure) AS places_with_data, any_value(places_total) AS places_total,
                bool_or(provisional) AS provisional,
                bool_and(numerator IS NOT NULL AND denominator IS NOT NULL AND denominator > 0) AS has_parts,
                bool_and(value IS NOT NULL) AS has_values,
                bool_and(sample_size IS NOT NULL) AS has_sizes,
                bool_and(std_dev IS NOT NULL) AS has_sds,
                exact_sum(numerator) AS numerator, exact_sum(denominator) AS denominator,
                exact_sum(value) AS value_sum, exact_sum(sample_size) AS sample_size,
                exact_sum(sample_size * value) AS weighted_sum,
                exact_sum(sample_size * value * value) AS weighted_squares,
                exact_sum((sample_size - 1) * std_dev * std_dev) AS within_ss
            FROM ob JOIN pp USING (place_id) JOIN wide USING (partnership_id, measure_id)
            GROUP BY ALL
        ), grid AS (
            SELECT * FROM ob WHERE place_id IN (SELECT unnest($11::VARCHAR[])){_latest_period_only()}
        )
        SELECT 'wide' AS kind, partnership_id AS key, measure_id, period_start, period_end, NULL::DOUBLE AS value, numerator, denominator,
               sample_size, NULL::DOUBLE AS std_dev, NULL::DOUBLE AS ci_low, NULL::DOUBLE AS ci_high, provisional, NULL::DOUBLE AS figure,
               places_with_data, places_total, has_parts, has_values, has_sizes, has_sds, value_sum, weighted_sum, weighted_squares, within_ss
        FROM agg
        UNION ALL SELECT 'local', place_id, measure_id, {rows}, {no_sums} FROM ob JOIN ({pairs.format(7, 8)}) USING (place_id, measure_id)
        UNION ALL SELECT 'bench', place_id, measure_id, {rows}, {no_sums} FROM ob JOIN ({pairs.format(9, 10)}) USING (place_id, measure_id)
        UNION ALL SELECT 'grid', place_id, measure_id, {rows}, {no_sums} FROM grid
        UNION ALL SELECT 'england', place_id, measure_id, {rows}, {no_sums}
        FROM ob JOIN (SELECT DISTINCT measure_id, period_start, period_end FROM grid) USING (measure_id, period_start, period_end)
        WHERE place_id = $12::VARCHAR""")


@dataclass
class GoalSeries:
    """What `_series_sql` returned, as series: each goal scope's points
    (intervals worked out), the benchmark places' rows (their intervals only
    when a chart draws them, `benchmark_lines`), a grid's points by measure
    and place, and England's at the grid's periods."""

    series: dict[tuple[str, str], list[SeriesPoint]]
    bench_rows: dict[tuple[str, str], list[tuple]]  # columns as ROW_COLUMNS
    grid: dict[str, dict[str, list[SeriesPoint]]]
    england: dict[str, list[SeriesPoint]]


def read_goal_series(
    con: duckdb.DuckDBPyConnection, inputs: GoalInputs, as_of: dt.datetime | None = None,
    grid_places: Sequence[str] = (), england: bool = False,
) -> GoalSeries:
    """Every observation `inputs`' goals are judged on, in one statement
    (`_series_sql`): the partnership-wide series from their sums, each
    neighbourhood goal's series, the benchmark places' rows; with
    `grid_places`, those places' latest period of each measure, and with
    `england` the nation's figures at those periods."""
    gs, ms, members = inputs.goals, inputs.measures, inputs.members
    nation, areas = inputs.nation, inputs.local_areas()
    wide = sorted({(g.partnership_id, g.measure_id) for g in gs if g.partnership_wide})
    local = sorted({(g.scope, g.measure_id) for g in gs if not g.partnership_wide})
    bench = sorted({(p, g.measure_id) for g in gs for p in (nation, areas.get(g.goal_id)) if p})
    pp = [(pid, place) for pid in sorted({p for p, _ in wide}) for place in members.get(pid, [])]
    england_place = nation if england and grid_places else None
    read = sorted({h for _, h in pp} | {h for h, _ in local} | {h for h, _ in bench} | set(grid_places) | ({england_place} if england_place else set()))
    out = GoalSeries(defaultdict(list), defaultdict(list), {}, {})
    if not read:
        return out
    params = [
        read, [p for p, _ in pp], [h for _, h in pp],
        [p for p, _ in wide], [m for _, m in wide], [len(members.get(p, [])) for p, _ in wide],
        [h for h, _ in local], [m for _, m in local], [h for h, _ in bench], [m for _, m in bench],
        list(grid_places), england_place,
    ]
    cur = con.execute(_series_sql(as_of), params)
    names = [d[0] for d in cur.description]
    end = 3 + len(ROW_COLUMNS)
    for t in fetched_in_chunks(cur):
        kind, key, measure_id = t[0], t[1], t[2]
        m = ms.get(measure_id)
        if m is None:
            continue  # a measure no longer current (as_of) has nothing to judge
        if kind == "wide":
            r = dict(zip(names, t))
            complete = r["places_with_data"] == r["places_total"]
            fig = _aggregate_figure(m.unit, r) if complete else None
            out.series[(key, measure_id)].append(
                series_point(m.unit, r["period_start"], r["period_end"], fig, derived_value(m.unit, fig) if fig else None,
                             r["places_with_data"], r["places_total"], r["provisional"], m.interval_model)
            )
            continue
        if kind == "bench":  # a benchmark's rows stay as stored until a line is drawn (BenchmarkLine.points)
            out.bench_rows[(key, measure_id)].append(t[3:end])
            continue
        r = dict(zip(ROW_COLUMNS, t[3:end]), max_value=m.max_value)
        if kind == "local":
            out.series[(key, measure_id)].append(row_point(m.unit, r))
        elif kind == "grid":
            out.grid.setdefault(measure_id, {h: [] for h in grid_places})[key].append(row_point(m.unit, r))
        else:
            out.england.setdefault(measure_id, []).append(row_point(m.unit, r))
    # Each series by period (end, then start); sorted here, not by the statement (see `goals`).
    for points in [*out.series.values(), *out.england.values(), *(pts for by_place in out.grid.values() for pts in by_place.values())]:
        points.sort(key=lambda p: (p.period_end, p.period_start))
    for rows in out.bench_rows.values():
        rows.sort(key=lambda r: (r[1], r[0]))
    out.grid = dict(sorted(out.grid.items()))
    return out


def judge_goals(inputs: GoalInputs, read: GoalSeries, day: dt.date) -> list[GoalResult]:
    """Every goal's judgement (docs/methods.md, "How we decide a goal's
    status" and "Variation over time") from what the two statements read. A
    benchmark is compared only at a goal's latest period: its judged figure
    (docs/methods.md, "Units", stored as `figure`)."""
    nation, areas = inputs.nation, inputs.local_areas()
    bench_value = {key: {(r[0], r[1]): r[_FIGURE] for r in rows} for key, rows in read.bench_rows.items()}
    results = []
    for g in inputs.goals:
        m = inputs.measures[g.measure_id]
        s = read.series.get((g.scope, g.measure_id), [])
        points = [p.point() for p in s if p.complete]
        spec = g.spec(m)
        latest = latest_point(spec, sorted(points, key=lambda p: (p.period_end, p.period_start)))
        period = (latest.period_start, latest.period_end) if latest else None
        nation_value = bench_value.get((nation, g.measure_id), {}).get(period) if latest and nation else None
        found = inputs.changes.get((g.scope, g.measure_id), [])
        a = goal_status(spec, points, nation_value, changes=found, as_of=day)
        area = areas.get(g.goal_id)
        area_value = bench_value.get((area, g.measure_id), {}).get(period) if latest and area else None
        vs_area = benchmark_comparison(latest, area_value, m.direction, m.unit) if latest else "not_compared"
        over_time = benchmark_comparisons(points, bench_value.get((nation, g.measure_id), {}), m.direction, m.unit) if nation else []
        results.append(GoalResult(g, m, a, status_explanation(spec, a, m.name), s, nation_value, area, area_value, vs_area, nation, list(found), over_time))
    return results


def goal_results(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.datetime | None = None,
    partnership: str | None = None,
    goal_ids: list[str] | None = None,
) -> list[GoalResult]:
    """Every goal's judgement as known at `as_of` (`judge_goals`), of one
    partnership or the goals named when asked: two statements whatever the
    number of goals."""
    inputs = read_goal_inputs(con, as_of, partnership, goal_ids)
    if not inputs.goals:
        return []
    return judge_goals(inputs, read_goal_series(con, inputs, as_of), as_of_day(as_of))
