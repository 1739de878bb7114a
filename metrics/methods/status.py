"""Goal status: the headline judgement and the numbers beside it (docs/methods.md, "How we decide a goal's status").

A goal says "from B at t0 to T by t1". The expected path is the straight line
between them; the latest value V at t is judged against where that line is at
t, with Open SDG's thresholds, unless the target is already met or its date has
passed, or V's interval is too wide to tell progress from none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from metrics.methods.freshness import months_between
from metrics.methods.series import BREAK, SeriesChange, after_last_break, last_break
from metrics.methods.spc import XmrChart, phase_groups, xmr_chart
from metrics.vocab import STATUS_LABELS, UNIT_SCALE, direction_sign

ON_TRACK_RATIO = 0.95
ACCELERATION_RATIO = 0.6
# Comparisons against the thresholds and the target are made at this many
# decimal places, so floating-point noise (95.00000000000001) never flips a status.
COMPARE_DECIMALS = 9

# The keys of `status --json`, in order (docs/architecture.md, command line), after goal_id.
STATUS_JSON_KEYS: tuple[str, ...] = (
    "status",
    "latest_value",
    "latest_period_end",
    "expected_value",
    "progress_ratio",
    "gap_closed",
    "ci_low",
    "ci_high",
    "clear_change",
    "variation",
    "assurance",
    "vs_nation",
    "projected_value",
    "phase_start",
    "stale_months",
)


@dataclass(frozen=True)
class GoalSpec:
    """A goal's promise: from baseline_value at baseline_date to target_value by target_date."""

    baseline_value: float
    baseline_date: date
    target_value: float
    target_date: date
    direction: str
    unit: str
    min_value: float | None = None  # the measure's plausible range, which bounds a projection
    max_value: float | None = None


@dataclass(frozen=True, slots=True)
class Point:
    """One complete period of the goal's measure for its scope, with its 95% interval if any."""

    period_start: date
    period_end: date
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def has_interval(self) -> bool:
        """True when both ends of the 95% interval are known."""
        return self.ci_low is not None and self.ci_high is not None


@dataclass(frozen=True)
class GoalAssessment:
    """A goal's status and every number it rests on (the status JSON, plus what pages draw)."""

    status: str
    latest_value: float | None
    latest_period_end: date | None
    expected_value: float | None
    progress_ratio: float | None
    gap_closed: float | None
    ci_low: float | None
    ci_high: float | None
    clear_change: bool | None
    variation: str | None
    assurance: str | None
    vs_nation: str
    projected_value: float | None
    baseline_value: float
    target_value: float
    latest_period_start: date | None = None
    elapsed_fraction: float | None = None
    spc: XmrChart | None = None
    phase_start: date | None = None  # the start of the SPC phase the icons read
    stale_months: int | None = None  # whole months from V's period end to the as-of day

    @property
    def status_label(self) -> str:
        """The status in words, e.g. "On track" (metrics.vocab.STATUS_LABELS)."""
        return STATUS_LABELS[self.status]

    def status_json(self) -> dict[str, Any]:
        """This goal's object in `status --json` (goal_id aside): dates as ISO text, None where undefined."""
        record: dict[str, Any] = {key: getattr(self, key) for key in STATUS_JSON_KEYS}
        for key in ("latest_period_end", "phase_start"):
            if record[key] is not None:
                record[key] = record[key].isoformat()
        return record


def _at_least(a: float, b: float) -> bool:
    """a >= b, compared at COMPARE_DECIMALS decimal places."""
    return round(a - b, COMPARE_DECIMALS) >= 0


def elapsed_fraction(goal: GoalSpec, t: date) -> float:
    """f = (t - t0) / (t1 - t0), counted in days (docs/methods.md, "How we decide a goal's status")."""
    span = (goal.target_date - goal.baseline_date).days
    if span <= 0:
        raise ValueError(
            f"a goal's target_date ({goal.target_date}) must be after its baseline_date ({goal.baseline_date})"
        )
    return (t - goal.baseline_date).days / span


def expected_value(goal: GoalSpec, t: date) -> float:
    """Where the straight line from B to T is at t: B + (T - B) min(f, 1) (docs/methods.md, "How we decide a goal's status").

    After the target date the expected value is the target. Before the
    baseline date (f < 0, outside the method) it is the baseline.
    """
    f = min(max(elapsed_fraction(goal, t), 0.0), 1.0)
    return goal.baseline_value + (goal.target_value - goal.baseline_value) * f


def progress_ratio(goal: GoalSpec, value: float, t: date) -> float:
    """R = s(V - B) / (s(T - B) f): progress made as a share of the progress due by t (docs/methods.md, "How we decide a goal's status").

    1 means exactly on the straight line; 0 no change; negative, a move away
    from the target. Undefined when T = B or t is not after the baseline date.
    """
    gap = goal.target_value - goal.baseline_value
    f = elapsed_fraction(goal, t)
    if gap == 0 or f <= 0:
        raise ValueError("the progress ratio needs target != baseline and a date after the baseline date")
    s = direction_sign(goal.direction)
    return s * (value - goal.baseline_value) / (s * gap * f)


def gap_closed(goal: GoalSpec, value: float) -> float:
    """The share of the gap from baseline to target closed so far: s(V - B) / s(T - B) (docs/methods.md, "How we decide a goal's status")."""
    gap = goal.target_value - goal.baseline_value
    if gap == 0:
        raise ValueError("the share of the gap closed needs target != baseline")
    s = direction_sign(goal.direction)
    return s * (value - goal.baseline_value) / (s * gap)


def status_from_ratio(r: float) -> str:
    """Open SDG's thresholds on R: 0.95 on track, 0.6 acceleration needed, 0 limited progress (docs/methods.md, "How we decide a goal's status")."""
    if _at_least(r, ON_TRACK_RATIO):
        return "on_track"
    if _at_least(r, ACCELERATION_RATIO):
        return "needs_acceleration"
    if _at_least(r, 0.0):
        return "limited_progress"
    return "worsening"


def is_met(goal: GoalSpec, value: float) -> bool:
    """s(V - T) >= 0: the target is met, whatever the date (docs/methods.md, "How we decide a goal's status", step 2)."""
    return _at_least(direction_sign(goal.direction) * (value - goal.target_value), 0.0)


def is_too_uncertain(goal: GoalSpec, point: Point) -> bool:
    """True when V's 95% interval holds both B and the expected value B + (T - B) f (docs/methods.md, "How we decide a goal's status", step 5).

    The data then cannot tell "no progress" from "on track". Inclusive at both
    ends. False when the point has no interval.
    """
    if not point.has_interval:
        return False
    low, high = point.ci_low, point.ci_high
    expected = expected_value(goal, point.period_end)
    return low <= goal.baseline_value <= high and low <= expected <= high  # type: ignore[operator]


def is_clear_change(goal: GoalSpec, point: Point) -> bool | None:
    """True when the baseline lies outside V's 95% interval; None without an interval (docs/methods.md, "How we decide a goal's status")."""
    if not point.has_interval:
        return None
    return not (point.ci_low <= goal.baseline_value <= point.ci_high)  # type: ignore[operator]


def comparable(unit: str | None) -> bool:
    """Whether figures in this unit can be compared between places: rates,
    percentages and mean scores can; a count cannot, since it grows with the
    size of the place (Fingertips compares rates, never counts)."""
    return unit != "count"


def benchmark_comparison(point: Point, benchmark_value: float | None, direction: str, unit: str | None = None) -> str:
    """'similar' when the benchmark lies inside V's 95% interval, else 'better' or 'worse' (docs/methods.md, "How we decide a goal's status").

    As Fingertips compares an area with England: 'better' when the whole
    interval is on the good side of the benchmark. 'not_compared' when the
    value, its interval or the benchmark is missing (Fingertips does not
    compare a value without an interval either), and for a count (`comparable`).
    """
    if not comparable(unit) or point.value is None or benchmark_value is None or not point.has_interval:
        return "not_compared"
    if point.ci_low <= benchmark_value <= point.ci_high:  # type: ignore[operator]
        return "similar"
    above = point.ci_low > benchmark_value  # type: ignore[operator]
    return "better" if above == (direction_sign(direction) > 0) else "worse"


def benchmark_comparisons(
    points: Sequence[Point], benchmark_by_period: Mapping[tuple[date, date], float | None], direction: str, unit: str | None = None,
) -> list[tuple[date, str]]:
    """(period_end, comparison) for every period with both a value and the
    benchmark's figure, in period order: `benchmark_comparison` at each, so a
    board can see how the comparison with England moved over the years, not
    only at the latest period (`status --json`'s `vs_nation_by_period`)."""
    out = []
    for p in _ordered(points):
        bench = benchmark_by_period.get((p.period_start, p.period_end))
        if p.value is None or bench is None:
            continue
        out.append((p.period_end, benchmark_comparison(p, bench, direction, unit)))
    return out


def _ols_prediction(xs: Sequence[float], ys: Sequence[float], at: float) -> float:
    """The ordinary least-squares line through (xs, ys), evaluated at `at`."""
    n = len(xs)
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
    slope = sxy / sxx
    return mean_y + slope * (at - mean_x)


def projection_bounds(unit: str, min_value: float | None = None, max_value: float | None = None) -> tuple[float | None, float | None]:
    """What a projection may reach: the unit's own range (a percentage 0 to
    100; a rate or a count at least 0; a score unbounded), narrowed by the
    measure's plausible range (min_value, max_value) where it has one."""
    low = 0.0 if unit in UNIT_SCALE or unit == "count" else None
    high = UNIT_SCALE["percent"] if unit == "percent" else None  # a share of its whole
    if min_value is not None:
        low = min_value if low is None else max(low, min_value)
    if max_value is not None:
        high = max_value if high is None else min(high, max_value)
    return low, high


def _bounded(value: float, bounds: tuple[float | None, float | None]) -> float:
    low, high = bounds
    if low is not None and value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def projected_value(goal: GoalSpec, series: Sequence[Point], breaks: Sequence[SeriesChange] = ()) -> float | None:
    """On the current trend, the value at the target date (docs/methods.md, "The trend line").

    An OLS line through the baseline point (t0, B) and every observation after
    t0 with a value, dates as day numbers (date.toordinal), evaluated at t1,
    and held within what the measure can be (`projection_bounds`: no 103%
    attendance, no negative count). Never across a series break: only the
    figures after the last break count, and the baseline only when it is after
    it too. Needs at least 3 points. It never changes the status.
    """
    after = [p for p in series if p.period_end > goal.baseline_date and p.value is not None]
    breaks = [b for b in breaks if b.kind == BREAK]
    cut = last_break(breaks)
    after = after_last_break(after, breaks)
    with_baseline = cut is None or goal.baseline_date >= cut.date
    xs = [float(p.period_end.toordinal()) for p in after]
    ys = [p.value for p in after]
    if with_baseline:
        xs.insert(0, float(goal.baseline_date.toordinal()))
        ys.insert(0, goal.baseline_value)
    if len(xs) < 3:
        return None
    value = _ols_prediction(xs, ys, float(goal.target_date.toordinal()))  # type: ignore[arg-type]
    return _bounded(value, projection_bounds(goal.unit, goal.min_value, goal.max_value))


def _ordered(series: Sequence[Point]) -> list[Point]:
    """The series in period_end order (then period_start), one point per period.

    Two points for the same period with different figures are an error; the
    caller passes one row per period. Sorting here is what makes the status
    independent of the order the series is given in.
    """
    by_period: dict[tuple[date, date], Point] = {}
    for p in series:
        key = (p.period_start, p.period_end)
        if key in by_period and by_period[key] != p:
            raise ValueError(
                f"two different points for the period {p.period_start} to {p.period_end}; pass one per period"
            )
        by_period[key] = p
    return sorted(by_period.values(), key=lambda p: (p.period_end, p.period_start))


def latest_point(goal: GoalSpec, ordered: Sequence[Point]) -> Point | None:
    """V: the point with a value and the greatest period_end after the baseline date (docs/methods.md, "How we decide a goal's status").

    Points without a value (stored as unavailable, or an incomplete
    partnership period) are skipped. Of two periods ending on the same day the
    one starting later wins.
    """
    candidates = [p for p in ordered if p.value is not None and p.period_end > goal.baseline_date]
    return candidates[-1] if candidates else None


def judge_latest(goal: GoalSpec, latest: Point | None) -> tuple[str, float | None]:
    """The status code and, when step 4 computed it, R: the steps of docs/methods.md, "How we decide a goal's status" in order.

    1 no V: awaiting_data; 2 s(V - T) >= 0: met (also before the target date);
    3 t >= t1: missed; 4 otherwise by the progress ratio R; 5 too_uncertain
    replaces the step-4 result (only) when V's interval holds both B and the
    expected value. A target equal to its baseline (which the importer rejects)
    has no R; not met, it has been moved away from: worsening.
    """
    if latest is None or latest.value is None:
        return "awaiting_data", None
    if is_met(goal, latest.value):
        return "met", None
    if latest.period_end >= goal.target_date:
        return "missed", None
    ratio = None
    if goal.target_value == goal.baseline_value:
        step_four = "worsening"
    else:
        ratio = progress_ratio(goal, latest.value, latest.period_end)
        step_four = status_from_ratio(ratio)
    return ("too_uncertain" if is_too_uncertain(goal, latest) else step_four), ratio


def phase_start(chart: XmrChart | None, points: Sequence[Point], changes: Sequence[SeriesChange]) -> date | None:
    """The start of the SPC phase the icons read: the date of the recorded
    change point (or break) that began it, else its first period's start;
    None when there are no icons."""
    if chart is None or chart.variation is None:
        return None
    start = chart.latest_phase.start
    first = points[start].period_start
    if start == 0:
        return first  # a change dated before the first figure began nothing the chart shows
    return max((c.date for c in changes if c.date <= first), default=first)


def goal_status(
    goal: GoalSpec, series: Sequence[Point], nation_value_at_latest: float | None = None,
    changes: Sequence[SeriesChange] = (), as_of: date | None = None,
) -> GoalAssessment:
    """The status of a goal and every number beside it (docs/methods.md, "How we decide a goal's status"), with its SPC icons ("Variation over time").

    `series` is every complete period of the goal's measure for its scope,
    before and after the baseline, each point with its 95% interval where one
    exists. The status follows `judge_latest`; the SPC icons come from every
    point with a value, in period order, split into phases at the recorded
    change points and breaks in `changes` (each phase its own limits, the
    icons from the latest), with the target as the assurance target. The
    projection never spans a break. `as_of` (the day the judgement is made
    for) gives how many months old the latest figure is. The result does not
    depend on the order of `series`.
    """
    ordered = _ordered(series)
    valued = [p for p in ordered if p.value is not None]
    groups = phase_groups([p.period_start for p in valued], [c.date for c in changes])
    chart = xmr_chart([p.value for p in valued], goal.direction, target=goal.target_value, groups=groups)  # type: ignore[misc]
    latest = latest_point(goal, ordered)
    status, ratio = judge_latest(goal, latest)
    value = latest.value if latest else None
    t = latest.period_end if latest else None
    has_gap = goal.target_value != goal.baseline_value
    return GoalAssessment(
        status=status,
        latest_value=value,
        latest_period_end=t,
        expected_value=expected_value(goal, t) if t else None,
        progress_ratio=ratio,
        gap_closed=gap_closed(goal, value) if value is not None and has_gap else None,
        ci_low=latest.ci_low if latest else None,
        ci_high=latest.ci_high if latest else None,
        clear_change=is_clear_change(goal, latest) if latest else None,
        variation=chart.variation if chart else None,
        assurance=chart.assurance if chart else None,
        vs_nation=(
            benchmark_comparison(latest, nation_value_at_latest, goal.direction, goal.unit) if latest else "not_compared"
        ),
        projected_value=projected_value(goal, ordered, changes),
        baseline_value=goal.baseline_value,
        target_value=goal.target_value,
        latest_period_start=latest.period_start if latest else None,
        elapsed_fraction=elapsed_fraction(goal, t) if t else None,
        spc=chart,
        phase_start=phase_start(chart, valued, changes),
        stale_months=months_between(t, as_of) if t is not None and as_of is not None else None,
    )
