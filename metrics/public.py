"""The one gate for everything public (METHODS.md section 7).

The public progress page, the static site and published_figures.csv read
only what `public_site` returns: public goals, their measures' series for the
goal's scope (with the neighbourhood breakdown for partnership goals),
benchmark series, notes with public consent that a steward approved (in the
approved wording only), the methods, the goals' history and the date of the
data, every figure after disclosure control. Nothing else reaches public
output: no internal goals, no unapproved or non-public notes, no actions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

import duckdb

from metrics import queries, views
from metrics.aggregate import Figure
from metrics.disclosure import Cell, complementary_suppression, figure_base, is_primary_suppressed
from metrics.explain import format_month, format_value
from metrics.queries import GoalResult, SeriesPoint
from metrics.store import as_of_filter, dict_rows
from metrics.vocab import STATUS_LABELS, status_text


@dataclass(frozen=True)
class PublicFigure:
    place_id: str
    place_name: str
    period_start: dt.date
    period_end: dt.date
    value: float | None  # None when suppressed or not available
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    provisional: bool
    note: str = ""  # e.g. "incomplete (2 of 3 neighbourhoods)"


@dataclass(frozen=True)
class PublicSeries:
    role: str  # scope | neighbourhood | benchmark
    place_id: str
    place_name: str
    figures: list[PublicFigure]


@dataclass(frozen=True)
class PublicNote:
    wording: str
    voice: str
    recorded_on: dt.date
    place_name: str | None


@dataclass
class PublicGoal:
    goal_id: str
    partnership_id: str
    statement: str
    stated_on: dt.date
    scope_name: str
    owner: str | None
    measure_id: str
    measure_name: str
    unit: str
    direction: str
    definition: str
    source: str | None
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date
    status: str
    status_label: str
    status_text: str
    explanation: str
    latest: PublicFigure | None
    expected_value: float | None
    series: list[PublicSeries]
    notes: list[PublicNote]
    changes: list[str]
    original_promise: str | None
    latest_data: dt.date | None
    chart: GoalResult = field(repr=False, default=None)  # published numbers only (sanitised_result), for the chart builders

    @property
    def scope_series(self) -> PublicSeries:
        return next(s for s in self.series if s.role == "scope")


@dataclass
class PublicPartnership:
    partnership_id: str
    name: str
    description: str | None
    members: list[str]
    neighbourhoods: list[str]
    goals: list[PublicGoal]


@dataclass
class PublicSite:
    partnerships: list[PublicPartnership]
    data_date: dt.date | None
    as_of: dt.datetime | None
    illustrative: bool

    @property
    def goals(self) -> list[PublicGoal]:
        return [g for p in self.partnerships for g in p.goals]


def _figure_point(p: SeriesPoint, place_id: str, place_name: str, hidden: bool) -> PublicFigure:
    note = ""
    if not p.complete:
        note = f"incomplete ({p.places_with_data} of {p.places_total} neighbourhoods)"
    elif p.value is None:
        note = "not available"
    return PublicFigure(
        place_id, place_name, p.period_start, p.period_end,
        None if hidden else p.value,
        None if hidden else p.ci_low,
        None if hidden else p.ci_high,
        hidden, p.provisional, note,
    )


def public_notes(con: duckdb.DuckDBPyConnection, goal_id: str, places: dict, as_of: dt.datetime | None = None) -> list[PublicNote]:
    """Notes a steward approved for publication, with public consent: only the
    approved wording leaves the database, never the original text."""
    rows = dict_rows(
        con,
        f"""SELECT approved_wording, voice, recorded_on, place_id FROM notes
            WHERE goal_id = ? AND consent = 'public' AND approved_wording IS NOT NULL
              AND approved_by IS NOT NULL AND approved_on IS NOT NULL AND {as_of_filter(as_of)}
            ORDER BY recorded_on DESC, note_id""",
        [goal_id],
    )
    return [PublicNote(r["approved_wording"], r["voice"], r["recorded_on"], places.get(r["place_id"], {}).get("name") if r["place_id"] else None) for r in rows]


def public_site(con: duckdb.DuckDBPyConnection, partnership: str | None = None, as_of: dt.datetime | None = None) -> PublicSite:
    """Everything the public may see, as of a time, after disclosure control."""
    from metrics.demo import is_demo

    results = [r for r in queries.goal_results(con, as_of=as_of, partnership=partnership) if r.goal.visibility == "public"]
    places = views.places(con, as_of)
    parts = {p.partnership_id: p for p in views.partnerships(con, as_of)}
    nation = queries.nation_place(con, as_of)

    # Gather every series a public goal shows, keyed by published cell.
    raw: dict[Cell, tuple[str, Figure | None]] = {}
    series_by_goal: dict[str, list[tuple[str, str, list[SeriesPoint]]]] = {}
    groups: list[tuple[Cell | None, list[Cell]]] = []
    suppress_below = {m.measure_id: m.suppress_below for m in queries.measures(con, as_of).values()}
    for r in results:
        g, m = r.goal, r.measure
        entries: list[tuple[str, str, list[SeriesPoint]]] = [("scope", g.scope, r.series)]
        if g.partnership_wide:
            hoods = parts[g.partnership_id].places
            by_place = views.place_series(con, hoods, m.measure_id, m.unit, as_of)
            entries += [("neighbourhood", h, by_place.get(h, [])) for h in hoods]
            for p in r.series:
                period = (p.period_start, p.period_end)
                total = Cell(m.measure_id, g.scope, period) if p.value is not None else None
                groups.append((total, [Cell(m.measure_id, h, period) for h in hoods if any((q.period_start, q.period_end) == period for q in by_place.get(h, []))]))
        for bench in (r.local_area, nation):
            if bench:
                entries.append(("benchmark", bench, views.place_series(con, [bench], m.measure_id, m.unit, as_of).get(bench, [])))
        for _, place_id, points in entries:
            for p in points:
                raw[Cell(m.measure_id, place_id, (p.period_start, p.period_end))] = (m.unit, p.figure)
        series_by_goal[g.goal_id] = entries

    primary = {cell for cell, (unit, fig) in raw.items() if is_primary_suppressed(unit, fig, suppress_below.get(cell.measure_id))}
    bases = {cell: (figure_base(unit, fig) if fig is not None else None) for cell, (unit, fig) in raw.items()}
    hidden = complementary_suppression(groups, primary, bases)

    by_partnership: dict[str, list[PublicGoal]] = defaultdict(list)
    for r in results:
        g, m, a = r.goal, r.measure, r.assessment
        series = []
        for role, place_id, points in series_by_goal[g.goal_id]:
            name = parts[g.partnership_id].name if place_id == g.partnership_id else places.get(place_id, {}).get("name", place_id)
            figs = [_figure_point(p, place_id, name, Cell(m.measure_id, place_id, (p.period_start, p.period_end)) in hidden) for p in points]
            series.append(PublicSeries(role, place_id, name, figs))
        scope = series[0]
        latest = next((f for f in scope.figures if (f.period_start, f.period_end) == (a.latest_period_start, a.latest_period_end)), None)
        explanation = r.explanation
        if latest is not None and latest.suppressed:
            explanation = (
                f"The latest figure ({format_month(latest.period_end)}) rests on too few people to publish safely, so it is shown as c. "
                f"The judgement above uses it; the number itself stays private."
            )
        history = views.goal_history(con, g.goal_id)
        if as_of is not None:
            history = history[history["recorded_at"] <= as_of]
        original = None
        if len(history) > 1:
            first = history.iloc[0]
            original = (
                f"From {format_value(first['baseline_value'], m.unit)} ({format_month(first['baseline_date'])}) "
                f"to {format_value(first['target_value'], m.unit)} by {format_month(first['target_date'])}, "
                f"stated on {first['recorded_at']:%d %B %Y}"
            )
        shown = [f for s in series for f in s.figures if f.value is not None]
        by_partnership[g.partnership_id].append(
            PublicGoal(
                goal_id=g.goal_id, partnership_id=g.partnership_id, statement=g.statement, stated_on=g.stated_on,
                scope_name=scope.place_name, owner=g.owner, measure_id=m.measure_id, measure_name=m.name, unit=m.unit,
                direction=m.direction, definition=m.definition, source=m.source, baseline_value=g.baseline_value,
                baseline_date=g.baseline_date, target_value=g.target_value, target_date=g.target_date,
                status=a.status, status_label=STATUS_LABELS[a.status], status_text=status_text(a.status),
                explanation=explanation, latest=latest, expected_value=a.expected_value, series=series,
                notes=public_notes(con, g.goal_id, places, as_of), changes=views.goal_changes(history),
                original_promise=original, latest_data=max((f.period_end for f in shown), default=None),
                chart=sanitised_result(r, scope, latest),
            )
        )
    site_parts = []
    for pid, goals in by_partnership.items():
        p = parts[pid]
        site_parts.append(
            PublicPartnership(pid, p.name, p.description, p.members, [places.get(h, {}).get("name", h) for h in p.places], goals)
        )
    site_parts.sort(key=lambda p: p.name)
    data_date = max((g.latest_data for g in (g for p in site_parts for g in p.goals) if g.latest_data), default=None)
    return PublicSite(site_parts, data_date, as_of, is_demo(con))


def sanitised_result(r: GoalResult, scope: PublicSeries, latest: PublicFigure | None) -> GoalResult:
    """The goal's result with only published numbers left in it, for the chart
    builders: suppressed points have no value or interval; the SPC overlay
    goes when any point is suppressed (its markers would sit on hidden values);
    the projection and the latest value go when the latest figure is hidden."""
    hidden_periods = {(f.period_start, f.period_end) for f in scope.figures if f.suppressed}
    series = [
        replace(p, value=None, ci_low=None, ci_high=None, figure=None) if (p.period_start, p.period_end) in hidden_periods else replace(p, figure=None)
        for p in r.series
    ]
    a = r.assessment
    if hidden_periods:
        a = replace(a, spc=None)
    if latest is not None and latest.suppressed:
        a = replace(a, latest_value=None, ci_low=None, ci_high=None, projected_value=None, progress_ratio=None, gap_closed=None)
    return replace(r, series=series, assessment=a, nation_value=None, local_area_value=None)
