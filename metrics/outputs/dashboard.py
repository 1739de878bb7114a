"""The internal dashboard's views of the judgements: what each card, rug cell
and grid cell says, computed once here so the pages only draw.

- the Overview's card per goal (NHS "Making Data Count" summary table: the
  promise, its status, a sparkline against the straight line to the target,
  latest and target, the SPC icons, and whether any figure arrived since the
  board last met);
- the Partnership page's neighbourhood-by-measure grid (Fingertips' "tartan
  rug"): each neighbourhood's latest figure compared with the partnership and
  with England, by the one comparison rule of docs/methods.md, "How we decide a goal's status"
  (`metrics.methods.status.benchmark_comparison`);
- the trustees' place-by-outcome grid, the most worrying status first
  (`metrics.outputs.trustees.STATUS_SEVERITY`).

Pure functions over what the pages already hold (goal results, partnerships,
places, series, and metrics.read.reviews.new_data_flags for the "no new data"
flag); scope names, dates and labels come from metrics.read.readmodel and
metrics.explain, like every other view's.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from metrics.methods.aggregate import derived_value, partnership_series
from metrics.methods.explain import assurance_label, break_sentence, format_day, format_month, format_value, phase_sentence, variation_label
from metrics.methods.intervals import INTERVAL_MODEL_LABELS
from metrics.methods.spc import MIN_POINTS
from metrics.methods.status import Point, benchmark_comparison, comparable
from metrics.outputs.charts import line_points
from metrics.outputs.trustees import OUTCOME_ORDER, OUTCOMES, STATUS_SEVERITY, TrustView
from metrics.read.health import BoardHealth, PromiseAge, promise_age
from metrics.read.readmodel import BenchmarkLine, Goal, GoalResult, Measure, SeriesPoint, scope_name, series_point
from metrics.read.views import Partnership
from metrics.vocab import BENCHMARK_LABELS, STATUS_LABELS

NOT_COMPARED = "not_compared"


def goal_href(goal_id: str) -> str:
    """The goal page's address, relative to any internal page."""
    return f"goal?goal={goal_id}"


def neighbourhood_href(place_id: str) -> str:
    return f"neighbourhood?place={place_id}"


def partnership_href(partnership_id: str) -> str:
    return f"partnership?partnership={partnership_id}"


# --- the Overview: one card per goal ---------------------------------------------------


@dataclass(frozen=True)
class GoalCard:
    """Everything a summary row or card shows for one goal, as text and numbers."""

    goal_id: str
    partnership_id: str
    statement: str
    where: str
    measure_name: str
    status: str
    status_label: str
    latest: str  # "92.6%" or "no figure"
    latest_month: str | None
    baseline: str
    baseline_month: str
    target: str
    target_month: str
    variation: str | None
    variation_label: str
    assurance: str | None
    assurance_label: str
    direction: str
    new_data: bool | None
    last_review: dt.date | None
    points: tuple[tuple[dt.date | None, float | None], ...]  # (None, None) where the series breaks
    baseline_point: tuple[dt.date, float]
    target_point: tuple[dt.date, float]
    summary: str
    href: str
    age: PromiseAge | None = None  # how old its latest figure is (metrics.read.health)

    @property
    def stale(self) -> bool:
        """True when the board has met and no figure has arrived since."""
        return self.new_data is False


def goal_card(
    result: GoalResult, place_names: Mapping[str, dict], partnership_names: Mapping[str, str],
    last_review: dt.date | None = None, new_data: bool | None = None,
) -> GoalCard:
    """One goal's card. `new_data` is metrics.read.reviews.new_data_flags's answer
    for it (the board pack's rule), None before the first review."""
    g, a, m = result.goal, result.assessment, result.measure
    unit = m.unit
    points = tuple(line_points(result.series, result.changes))  # a gap where the series breaks
    latest = format_value(a.latest_value, unit)
    latest_month = format_month(a.latest_period_end) if a.latest_period_end else None
    return GoalCard(
        goal_id=g.goal_id,
        partnership_id=g.partnership_id,
        statement=g.statement,
        where=scope_name(g, partnership_names, place_names),
        measure_name=m.name,
        status=a.status,
        status_label=STATUS_LABELS[a.status],
        latest=latest,
        latest_month=latest_month,
        baseline=format_value(g.baseline_value, unit),
        baseline_month=format_month(g.baseline_date),
        target=format_value(g.target_value, unit),
        target_month=format_month(g.target_date),
        variation=a.variation,
        variation_label=variation_label(a.variation, m.direction),
        assurance=a.assurance,
        assurance_label=assurance_label(a.assurance),
        direction=m.direction,
        new_data=new_data,
        last_review=last_review,
        points=points,
        baseline_point=(g.baseline_date, g.baseline_value),
        target_point=(g.target_date, g.target_value),
        summary=series_summary(m.name, result.series, unit, g.baseline_value, g.baseline_date, g.target_value, g.target_date),
        href=goal_href(g.goal_id),
        age=promise_age(result),
    )


def series_summary(
    measure_name: str, series: Sequence[SeriesPoint], unit: str,
    baseline: float, baseline_date: dt.date, target: float, target_date: dt.date,
) -> str:
    """A small chart in words (its text alternative): the span of the figures,
    the latest, the lowest and highest, and the promise it is drawn against."""
    known = [p for p in series if p.value is not None]
    promise = (
        f"the promise: from {format_value(baseline, unit)} ({format_month(baseline_date)}) "
        f"to {format_value(target, unit)} by {format_month(target_date)}"
    )
    if not known:
        return f"{measure_name}: no figures yet; {promise}."
    low = min(known, key=lambda p: p.value)
    high = max(known, key=lambda p: p.value)
    return (
        f"{measure_name}, {len(known)} figures from {format_month(known[0].period_end)} to {format_month(known[-1].period_end)}: "
        f"latest {format_value(known[-1].value, unit)}, lowest {format_value(low.value, unit)} ({format_month(low.period_end)}), "
        f"highest {format_value(high.value, unit)} ({format_month(high.period_end)}); {promise}."
    )


@dataclass(frozen=True)
class PartnershipCards:
    partnership: Partnership
    last_review: dt.date | None
    cards: list[GoalCard]
    counts: list[tuple[str, int]]
    board: BoardHealth | None = None  # is the board still meeting? (metrics.read.health)


def status_counts(statuses: Iterable[str]) -> list[tuple[str, int]]:
    """(status, how many) for each status present, in the order of metrics.vocab.STATUS_LABELS."""
    counts = Counter(statuses)
    return [(code, counts[code]) for code in STATUS_LABELS if counts[code]]


def worst_first(statuses: Iterable[str]) -> list[str]:
    """Statuses ordered by metrics.outputs.trustees.STATUS_SEVERITY, the most worrying first."""
    return sorted(statuses, key=STATUS_SEVERITY.index)


def overview_cards(
    partnerships: Sequence[Partnership],
    results: Sequence[GoalResult],
    place_names: Mapping[str, dict],
    last_reviews: Mapping[str, dt.date | None],
    new_data: Mapping[str, bool | None],
    boards: Mapping[str, BoardHealth] | None = None,
) -> list[PartnershipCards]:
    """Per partnership (in the order given), a card per goal, the most worrying
    status first and then by statement, as a board reads its summary table,
    with the board's health (metrics.read.health.board_health) where given."""
    by_partnership: dict[str, list[GoalResult]] = {p.partnership_id: [] for p in partnerships}
    for r in results:
        if r.goal.partnership_id in by_partnership:
            by_partnership[r.goal.partnership_id].append(r)
    out = []
    names = {p.partnership_id: p.name for p in partnerships}
    for p in partnerships:
        cards = goal_cards(by_partnership[p.partnership_id], place_names, names, last_reviews, new_data)
        out.append(PartnershipCards(p, last_reviews.get(p.partnership_id), cards, status_counts(c.status for c in cards), (boards or {}).get(p.partnership_id)))
    return out


def goal_cards(
    results: Sequence[GoalResult],
    place_names: Mapping[str, dict],
    partnership_names: Mapping[str, str],
    last_reviews: Mapping[str, dt.date | None],
    new_data: Mapping[str, bool | None],
) -> list[GoalCard]:
    """A card per goal, the most worrying status first, then by statement."""
    ordered = sorted(results, key=lambda r: (STATUS_SEVERITY.index(r.assessment.status), r.goal.statement))
    return [goal_card(r, place_names, partnership_names, last_reviews.get(r.goal.partnership_id), new_data.get(r.goal.goal_id)) for r in ordered]


@dataclass(frozen=True)
class PartnershipGlance:
    """One line of the Overview when there are too many partnerships for cards."""

    partnership: Partnership
    goals: int
    worst: str | None
    counts: list[tuple[str, int]]
    href: str


def partnership_glance(partnerships: Sequence[Partnership], results: Sequence[GoalResult]) -> list[PartnershipGlance]:
    """Each partnership's goals counted by status, the partnerships with the
    most worrying goals first (then by name)."""
    statuses: dict[str, list[str]] = {p.partnership_id: [] for p in partnerships}
    for r in results:
        if r.goal.partnership_id in statuses:
            statuses[r.goal.partnership_id].append(r.assessment.status)
    rows = [
        PartnershipGlance(p, len(s), worst_first(s)[0] if s else None, status_counts(s), partnership_href(p.partnership_id))
        for p in partnerships
        for s in [statuses[p.partnership_id]]
    ]
    severity = {code: i for i, code in enumerate(STATUS_SEVERITY)}
    return sorted(rows, key=lambda row: (severity.get(row.worst, len(severity)), row.partnership.name))


# --- the Partnership page: the tartan rug ----------------------------------------------------


@dataclass(frozen=True)
class RugCell:
    place_id: str
    measure_id: str
    value: float | None
    text: str  # the figure as shown, or why there is none
    vs_partnership: str
    vs_england: str
    href: str | None
    goal_id: str | None



@dataclass(frozen=True)
class RugColumn:
    measure_id: str
    name: str
    unit: str
    period: tuple[dt.date, dt.date] | None
    period_text: str
    compared: bool
    partnership: RugCell
    england: str  # England's figure for the period, or "no figure"


@dataclass(frozen=True)
class RugRow:
    place_id: str
    name: str
    href: str
    cells: list[RugCell]


@dataclass(frozen=True)
class Rug:
    columns: list[RugColumn]
    rows: list[RugRow]


def _latest_period(by_place: Mapping[str, Sequence[SeriesPoint]]) -> tuple[dt.date, dt.date] | None:
    periods = [(p.period_end, p.period_start) for pts in by_place.values() for p in pts if p.value is not None]
    if not periods:
        return None
    end, start = max(periods)
    return start, end


def _compare(point: Point, benchmark: float | None, direction: str, unit: str) -> str:
    return benchmark_comparison(point, benchmark, direction, unit)


def tartan_rug(
    partnership: Partnership,
    measures: Mapping[str, Measure],
    series: Mapping[str, Mapping[str, Sequence[SeriesPoint]]],
    nation_series: Mapping[str, Sequence[SeriesPoint]],
    place_names: Mapping[str, dict],
    goals: Sequence[Goal],
) -> Rug:
    """The neighbourhood-by-measure grid of one partnership (Fingertips' tartan rug).

    Per measure, the latest period any neighbourhood has a figure for; each
    neighbourhood's figure for exactly that period, compared with the
    partnership's figure (docs/methods.md, "Figures for a whole partnership", only when every neighbourhood
    reported) and with England's, by `benchmark_comparison` (similar when the
    benchmark lies inside the neighbourhood's 95% interval). Counts are not
    compared. A cell links to that neighbourhood's goal for the measure when
    the partnership has one, else to the neighbourhood's page.

    `series` is {measure_id: {place_id: points}} for the partnership's
    neighbourhoods; `nation_series` {measure_id: England's points}.
    """
    own_goals = {(g.scope, g.measure_id): g.goal_id for g in goals if g.partnership_id == partnership.partnership_id}
    columns: list[RugColumn] = []
    grid: dict[str, list[RugCell]] = {h: [] for h in partnership.places}
    for measure_id in sorted(series, key=lambda k: measures[k].name):
        m = measures[measure_id]
        unit, direction = m.unit, m.direction
        by_place = series[measure_id]
        period = _latest_period(by_place)
        nation_value = None
        if period is not None:
            nation_value = next((p.value for p in nation_series.get(measure_id, []) if (p.period_start, p.period_end) == period), None)
        whole = None
        if period is not None:
            rows = [(place, p.period_start, p.period_end, p.figure) for place, pts in by_place.items() for p in pts
                    if (p.period_start, p.period_end) == period and p.figure is not None]
            made = partnership_series(unit, rows, partnership.places)
            whole = made[0] if made else None
        whole_point = (
            series_point(unit, period[0], period[1], whole.figure, derived_value(unit, whole.figure), model=m.interval_model).point()
            if period and whole and whole.complete and whole.figure is not None else None
        )
        wide_goal = own_goals.get((partnership.partnership_id, measure_id))
        if whole_point is not None and whole_point.value is not None:
            whole_text = format_value(whole_point.value, unit)
        elif whole is not None and not whole.complete:
            whole_text = f"incomplete ({whole.places_with_data} of {whole.places_total})"
        else:
            whole_text = "no figure"
        whole_cell = RugCell(
            partnership.partnership_id, measure_id, whole_point.value if whole_point else None, whole_text, NOT_COMPARED,
            _compare(whole_point, nation_value, direction, unit) if whole_point else NOT_COMPARED,
            goal_href(wide_goal) if wide_goal else None, wide_goal,
        )
        columns.append(RugColumn(
            measure_id, m.name, unit, period, format_month(period[1]) if period else "no figures",
            comparable(unit), whole_cell, format_value(nation_value, unit),
        ))
        for place in partnership.places:
            pt = next((p for p in by_place.get(place, []) if period and (p.period_start, p.period_end) == period), None)
            point = pt.point() if pt is not None else None
            if point is not None and point.value is not None:
                text = format_value(point.value, unit)
                vs_p = _compare(point, whole_point.value if whole_point else None, direction, unit)
                vs_e = _compare(point, nation_value, direction, unit)
            else:
                text = "not available" if pt is not None else "no figure"
                vs_p = vs_e = NOT_COMPARED
            goal_id = own_goals.get((place, measure_id))
            grid[place].append(RugCell(
                place, measure_id, point.value if point else None, text, vs_p, vs_e,
                goal_href(goal_id) if goal_id else neighbourhood_href(place), goal_id,
            ))
    rows = [RugRow(h, place_names.get(h, {}).get("name", h), neighbourhood_href(h), grid[h]) for h in partnership.places]
    return Rug(columns, rows)


# --- the Trustees' view: place by outcome ---------------------------------------------------------


@dataclass(frozen=True)
class TrusteeItem:
    goal_id: str
    status: str
    status_label: str
    measure_name: str
    statement: str
    href: str


@dataclass(frozen=True)
class TrusteeGrid:
    outcomes: list[str]
    rows: list[tuple[str, dict[str, list[TrusteeItem]]]]


def trustee_grid(view: TrustView) -> TrusteeGrid:
    """The place-by-outcome matrix of a trust's goals; in each cell the goals
    with the most worrying status first (metrics.outputs.trustees.STATUS_SEVERITY),
    then by measure."""
    cells: dict[str, dict[str, list[TrusteeItem]]] = {}
    for r in view.results:
        place, outcome = view.place_of(r), OUTCOMES[r.measure.domain]
        cells.setdefault(place, {}).setdefault(outcome, []).append(TrusteeItem(
            r.goal.goal_id, r.assessment.status, STATUS_LABELS[r.assessment.status], r.measure.name, r.goal.statement, goal_href(r.goal.goal_id),
        ))
    outcomes = [o for o in OUTCOME_ORDER if any(o in c for c in cells.values())]
    rows = [
        (place, {o: sorted(items, key=lambda i: (STATUS_SEVERITY.index(i.status), i.measure_name, i.goal_id)) for o, items in by.items()})
        for place, by in sorted(cells.items())
    ]
    return TrusteeGrid(outcomes, rows)


# --- the Partnership page: small multiples of every goal ------------------------------------------


@dataclass(frozen=True)
class GoalPanel:
    """One goal's small chart on the Partnership page, with its table."""

    card: GoalCard
    band: list[tuple[dt.date, float | None, float | None]]
    benchmark: list[tuple[dt.date, float]]
    benchmark_name: str
    rows: list[tuple[str, str, str]]  # period, figure as shown, 95% interval as shown


def goal_panel(
    result: GoalResult, place_names: Mapping[str, dict], partnership_names: Mapping[str, str], benchmarks: Sequence[BenchmarkLine] = ()
) -> GoalPanel:
    """A goal's series, 95% interval band, its first benchmark line
    (readmodel.benchmark_places: England; none for a count, which is not
    compared between places) and the figures as a table, for a small multiple."""
    unit = result.measure.unit
    band = [(p.period_end, p.ci_low, p.ci_high) for p in result.series if p.ci_low is not None and p.ci_high is not None]
    rows = []
    for p in result.series:
        if p.value is not None:
            shown = format_value(p.value, unit)
        elif not p.complete:
            shown = f"incomplete ({p.places_with_data} of {p.places_total} neighbourhoods)"
        else:
            shown = "not available"
        interval = f"{format_value(p.ci_low, unit)} to {format_value(p.ci_high, unit)}" if p.ci_low is not None and p.ci_high is not None else ""
        rows.append((format_month(p.period_end), shown, interval))
    # England's count would flatten a neighbourhood's to the axis: counts are not compared.
    first = benchmarks[0] if benchmarks and comparable(unit) else None
    benchmark = [(p.period_end, p.value) for p in first.points if p.value is not None] if first else []
    return GoalPanel(goal_card(result, place_names, partnership_names), band, benchmark, first.name if first else "", rows)


# --- the Goal page: the numbers beside the chart ----------------------------------------------------


@dataclass(frozen=True)
class GoalNumbers:
    """The goal page's figures: four headline numbers (label, figure, note)
    and the facts beside them in sentences."""

    headline: list[tuple[str, str, str]]
    facts: list[str]
    chart_summary: str


def goal_numbers(result: GoalResult, place_names: Mapping[str, dict]) -> GoalNumbers:
    """What the goal page writes beside its chart (docs/methods.md, "How we decide a goal's status"): the latest
    figure, the baseline, the target and where the straight line is by now;
    the interval, progress ratio, share of the gap closed, projection and the
    comparisons with England and the local area, each in words."""
    g, a, m = result.goal, result.assessment, result.measure
    unit = m.unit
    headline = [
        ("Latest", format_value(a.latest_value, unit) if a.latest_value is not None else "–",
         f"period ending {format_day(a.latest_period_end)}" if a.latest_period_end else "no figure yet"),
        ("Baseline", format_value(g.baseline_value, unit), f"period ending {format_day(g.baseline_date)}"),
        ("Target", format_value(g.target_value, unit), f"by {format_day(g.target_date)}"),
        ("Expected by now", format_value(a.expected_value, unit) if a.expected_value is not None else "–",
         "on the straight line from the baseline to the target"),
    ]
    facts = []
    if a.ci_low is not None and a.ci_high is not None:
        facts.append(
            f"95% interval of the latest value: {format_value(a.ci_low, unit)} to {format_value(a.ci_high, unit)}"
            + (" (a clear change from the baseline)." if a.clear_change else " (not clearly different from the baseline).")
        )
    if a.progress_ratio is not None:
        facts.append(f"Progress ratio: {a.progress_ratio:.2f} (1 = exactly on the straight line).")
    if a.gap_closed is not None:
        facts.append(f"Share of the gap closed: {a.gap_closed:.0%}.")
    if a.projected_value is not None:
        facts.append(f"On the current trend: {format_value(a.projected_value, unit)} by {format_month(g.target_date)} (a projection; it does not change the status).")
    facts.append(f"95% intervals by {INTERVAL_MODEL_LABELS[m.interval_model]}, the same for every period of this measure.")
    if a.phase_start is not None:
        began = next((c for c in result.changes if c.date == a.phase_start), None)
        why = f" (a change point recorded: {began.reason})" if began is not None and began.kind == "phase" else (
            f" (a series break: {began.reason_text})" if began is not None else "")
        facts.append(f"The variation and assurance icons read the SPC phase from {format_day(a.phase_start)}{why}.")
    facts.append(f"{promise_age(result).text}.")
    facts.append(
        f"Compared with England: {BENCHMARK_LABELS[a.vs_nation]}"
        + (f" (England {format_value(result.nation_value, unit)})." if result.nation_value is not None else ".")
    )
    over_time = [vs for _, vs in result.vs_nation_by_period if vs != "not_compared"]
    if len(over_time) > 1:
        counts = ", ".join(f"{BENCHMARK_LABELS[k].lower()} in {over_time.count(k)}" for k in ("better", "similar", "worse") if over_time.count(k))
        facts.append(f"Compared with England over time, {len(over_time)} periods with both figures: {counts} (the table below gives each period).")
    if result.local_area:
        area = place_names.get(result.local_area, {}).get("name", result.local_area)
        facts.append(
            f"Compared with {area}: {BENCHMARK_LABELS[result.vs_local_area]}"
            + (f" ({area} {format_value(result.local_area_value, unit)})." if result.local_area_value is not None else ".")
        )
    summary = series_summary(m.name, result.series, unit, g.baseline_value, g.baseline_date, g.target_value, g.target_date)
    return GoalNumbers(headline, facts, f"{summary} {result.explanation}")


def lines_summary(title: str, unit: str, lines: Mapping[str, Sequence[tuple[dt.date, float | None]]]) -> str:
    """A chart of several places' series in words: its span and each place's latest figure."""
    known = {name: [(d, v) for d, v in pts if v is not None] for name, pts in lines.items()}
    ends = [d for pts in known.values() for d, _ in pts]
    if not ends:
        return f"{title}: no figures yet."
    latest = "; ".join(
        f"{name} {format_value(pts[-1][1], unit)} ({format_month(pts[-1][0])})" if pts else f"{name} no figure"
        for name, pts in known.items()
    )
    return f"{title}, {format_month(min(ends))} to {format_month(max(ends))}. Latest: {latest}."


def neighbourhoods_by_area(hoods: Mapping[str, str], places: Mapping[str, dict]) -> dict[str | None, list[str]]:
    """Neighbourhoods grouped by their local area (areas and neighbourhoods by
    name; those without a local area last, under None), for a two-step choice."""
    groups: dict[str | None, list[str]] = {}
    for h in sorted(hoods, key=lambda h: hoods[h]):
        parent = places.get(h, {}).get("parent_id")
        key = parent if parent in places and places[parent].get("level") == "local_area" else None
        groups.setdefault(key, []).append(h)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] is None, places.get(kv[0], {}).get("name", "") if kv[0] else "")))


def lines_table(unit: str, lines: Mapping[str, Sequence[tuple[dt.date, float | None]]]) -> tuple[list[str], list[list[str]]]:
    """A chart of several places' series as a table: a row per period, a column
    per place, figures as shown ('no figure' where a place has none)."""
    names = list(lines)
    by_period: dict[dt.date, dict[str, float | None]] = {}
    for name, pts in lines.items():
        for d, v in pts:
            if d is not None:  # a gap where a series breaks (charts.line_points) is no period
                by_period.setdefault(d, {})[name] = v
    rows = [[format_month(d)] + [format_value(by_period[d].get(n), unit) for n in names] for d in sorted(by_period, reverse=True)]
    return ["Period ending"] + names, rows


def chart_captions(result: GoalResult) -> list[str]:
    """What the goal chart's caption says beside the picture: each break (and
    whether the baseline is from before it) and change point, why there are no
    process limits or icons when there are not, and the incomplete
    partnership periods (k of n neighbourhoods, 0 of n included)."""
    a = result.assessment
    captions = [
        break_sentence(c, baseline=result.goal.baseline_date) if c.kind == "break" else phase_sentence(c) for c in result.changes
    ]
    if a.spc is None:
        n = sum(1 for p in result.series if p.value is not None)
        captions.append(f"Process limits need at least {MIN_POINTS} points in a phase; this series has {n}, so it is shown as a plain run chart.")
    elif a.variation is None:
        n = a.spc.latest_phase.size
        captions.append(f"The latest SPC phase has {n} point{'s' if n != 1 else ''}, fewer than {MIN_POINTS}: no variation or assurance icon until it has enough.")
    incomplete = [p for p in result.series if not p.complete]
    if incomplete:
        captions.append(
            "Incomplete periods (not every neighbourhood reported, so no partnership figure): "
            + ", ".join(f"{format_month(p.period_end)} ({p.places_with_data} of {p.places_total})" for p in incomplete)
        )
    return captions
