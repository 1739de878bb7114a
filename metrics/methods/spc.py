"""XmR charts and the NHS "Making Data Count" icons (docs/methods.md, "Variation over time").

Each rule is its own function with the name of its NHSRplotthedots twin (the
NHS-R community's R package, files R/ptd_spc_standard.R,
R/ptd_calculate_point_type.R and R/ptd_calculate_assurance_type.R), so the two
can be read side by side:

- ptd_spc_standard: mean, moving ranges, one screening of moving ranges
  against 3.267 x their mean, limits mean -+ 2.66 mR, "close" beyond
  mean -+ (2/3) 2.66 mR; comparisons with the limits are strict.
- ptd_seven_point_one_side_mean / ptd_seven_point_trend find the point that
  completes a run; ptd_part_of_seven_trend then flags every point of the run,
  so a run of 7 flags all 7 points, not only the 7th.
- ptd_two_in_three flags a window of 3 consecutive points with at least 2
  close to a limit and all 3 on one side of the mean; ptd_part_of_two_in_three
  then keeps only the points that are themselves close to the limit.
- ptd_special_cause_type classes a flagged point in the order: outside the
  limits (above or below), part of a trend (increasing or decreasing), part of
  2-in-3 (above or below), part of a run on one side (above or below);
  ptd_point_type turns above/increasing into improvement when higher is better
  and concern when lower is better, and the reverse for below/decreasing.
- ptd_calculate_assurance_type: target above the upper limit fails where
  higher is better (passes where lower is better), below the lower limit the
  reverse, otherwise "inconsistent" (hit and miss).
- geom_ptd_icon: the variation icon is the point type of the last point.
- rebase (ptd_add_rebase_column, ptd_spc_standard's rebase_group): a change
  point starts a new phase; every limit and every rule is computed within a
  phase, never across one; the icons read the latest phase (its last point's
  type, its limits for assurance). A change point is only ever recorded by a
  steward with a reason (the `spc_phases` kind), never found automatically.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from metrics.vocab import direction_sign

LIMIT = 2.66
NEAR_LIMIT = 2 * LIMIT / 3
SCREEN_MULTIPLE = 3.267
RUN_LENGTH = 7
MIN_POINTS = 15


@dataclass(frozen=True)
class SpcLimits:
    """Centre line, mean moving range and the process limits of an XmR chart."""

    centre: float
    mean_moving_range: float
    lower: float
    upper: float
    lower_near: float
    upper_near: float


@dataclass(frozen=True)
class SpcPhase:
    """The points [start, end) of a series between two change points, with
    their own limits (None when the phase has fewer than the minimum points)."""

    start: int
    end: int
    limits: SpcLimits | None

    @property
    def size(self) -> int:
        return self.end - self.start


# The type of a point in a phase too short for limits: no judgement at all.
NO_TYPE = ""


@dataclass(frozen=True)
class XmrChart:
    """An XmR chart: its phases and their limits, each point's type and the
    two icons, which read the latest phase (docs/methods.md, "Variation over time"). A series with no
    change point has one phase."""

    phases: tuple[SpcPhase, ...]
    point_types: tuple[str, ...]
    variation: str | None
    assurance: str | None

    @property
    def limits(self) -> SpcLimits | None:
        """The latest phase's limits: what the icons are judged on."""
        return self.phases[-1].limits

    @property
    def latest_phase(self) -> SpcPhase:
        return self.phases[-1]


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def moving_ranges(values: Sequence[float]) -> list[float]:
    """|x_i - x_(i-1)| for each point after the first (docs/methods.md, "Variation over time")."""
    return [abs(b - a) for a, b in zip(values, values[1:])]


def screened_mean_moving_range(values: Sequence[float]) -> float:
    """The mean moving range after leaving out, once, moving ranges above 3.267 x their mean.

    docs/methods.md, "Variation over time", as ptd_spc_standard with screen_outliers: one jump (a data
    error or a one-off event) should not widen the limits for every other
    point. 3.267 is the D4 constant, the upper limit of a moving-range chart.
    NHSRplotthedots keeps ranges strictly below 3.267 x mean; we leave out
    those strictly above, as docs/methods.md says, so a range exactly at the bound is
    kept and a flat series has a mean moving range of 0 rather than none.
    """
    ranges = moving_ranges(values)
    if not ranges:
        raise ValueError("an XmR chart needs at least 2 points")
    first_mean = math.fsum(ranges) / len(ranges)
    kept = [r for r in ranges if r <= SCREEN_MULTIPLE * first_mean]
    return math.fsum(kept) / len(kept)


def spc_limits(values: Sequence[float]) -> SpcLimits:
    """Centre = mean; limits = centre -+ 2.66 x screened mean mR; near = centre -+ (2/3) 2.66 mR.

    docs/methods.md, "Variation over time" and ptd_spc_standard. 2.66 = 3 / d2 (d2 = 1.128 for ranges
    of 2), so the limits sit 3 estimated standard deviations from the centre.
    """
    mean_mr = screened_mean_moving_range(values)
    centre = math.fsum(values) / len(values)
    return SpcLimits(
        centre=centre,
        mean_moving_range=mean_mr,
        lower=centre - LIMIT * mean_mr,
        upper=centre + LIMIT * mean_mr,
        lower_near=centre - NEAR_LIMIT * mean_mr,
        upper_near=centre + NEAR_LIMIT * mean_mr,
    )


def relative_to_mean(values: Sequence[float], centre: float) -> list[int]:
    """+1 above the centre line, -1 below, 0 on it (ptd_spc_standard's relative_to_mean)."""
    return [_sign(v - centre) for v in values]


def outside_limits(values: Sequence[float], limits: SpcLimits) -> list[bool]:
    """A point strictly beyond a process limit is special cause (docs/methods.md, "Variation over time"; ptd_spc_standard)."""
    return [v > limits.upper or v < limits.lower for v in values]


def close_to_limits(values: Sequence[float], limits: SpcLimits) -> list[bool]:
    """Strictly beyond the near limits but not outside the limits (docs/methods.md, "Variation over time"; ptd_spc_standard)."""
    outside = outside_limits(values, limits)
    return [
        not out and (v < limits.lower_near or v > limits.upper_near)
        for v, out in zip(values, outside)
    ]


def part_of_run(run_ends: Sequence[int], run_length: int = RUN_LENGTH) -> list[bool]:
    """Flag every point of a run, given the points that complete one (ptd_part_of_seven_trend).

    A point belongs to a run when it, or one of the next run_length - 1 points,
    completes a run: so all 7 points of a run of 7 are special cause.
    """
    flags = [False] * len(run_ends)
    next_end = None  # the nearest point at or after i that completes a run
    for i in range(len(run_ends) - 1, -1, -1):
        if run_ends[i] != 0:
            next_end = i
        flags[i] = next_end is not None and next_end < i + run_length
    return flags


def one_side_run_ends(signs: Sequence[int], run_length: int = RUN_LENGTH) -> list[int]:
    """1 where a point completes run_length points on one side of the centre (ptd_seven_point_one_side_mean).

    A point on the centre (sign 0) is on neither side, so it breaks the run.
    """
    ends, run, previous = [], 0, 0
    for s in signs:
        run = 0 if s == 0 else (run + 1 if s == previous else 1)
        previous = s
        ends.append(int(run >= run_length))
    return ends


def seven_point_one_side(values: Sequence[float], centre: float, run_length: int = RUN_LENGTH) -> list[bool]:
    """Points in a run of 7 or more consecutive points on the same side of the centre (docs/methods.md, "Variation over time").

    Every point of the run is flagged (ptd_seven_point_one_side_mean followed by
    ptd_part_of_seven_trend); a point exactly on the centre breaks the run.
    """
    return part_of_run(one_side_run_ends(relative_to_mean(values, centre), run_length), run_length)


def trend_run_ends(values: Sequence[float], run_length: int = RUN_LENGTH) -> list[int]:
    """+1 (-1) where a point completes run_length points each higher (lower) than the one before.

    ptd_seven_point_trend: 7 points means 6 rises in a row; an unchanged value
    (a tie) is neither a rise nor a fall, so it breaks the trend.
    """
    ends = [0] * min(len(values), 1)
    rises = falls = 0  # consecutive steps up (down) ending at this point
    for a, b in zip(values, values[1:]):
        rises = rises + 1 if b > a else 0
        falls = falls + 1 if b < a else 0
        ends.append(1 if run_length > 1 and rises >= run_length - 1 else -1 if run_length > 1 and falls >= run_length - 1 else 0)
    return ends


def seven_point_trend(values: Sequence[float], run_length: int = RUN_LENGTH) -> list[bool]:
    """Points in a trend of 7 or more consecutive points each higher (or each lower) than the one before.

    docs/methods.md, "Variation over time". Every point of the trend is flagged (ptd_seven_point_trend
    followed by ptd_part_of_seven_trend); a tie breaks the trend.
    """
    return part_of_run(trend_run_ends(values, run_length), run_length)


def two_in_three_windows(close: Sequence[bool], signs: Sequence[int]) -> list[bool]:
    """Points in some window of 3 consecutive points with 2+ close to a limit and all 3 on one side.

    ptd_two_in_three: "all 3 on that side of the centre" is |sum of the 3
    signs| = 3, which also makes the close points close to the same limit.
    """
    n = len(close)
    hits = [False] * n
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(close[i] for i in window) >= 2 and abs(sum(signs[i] for i in window)) == 3:
            for i in window:
                hits[i] = True
    return hits


def two_in_three(values: Sequence[float], limits: SpcLimits) -> list[bool]:
    """Special cause: 2 of 3 consecutive points close to the same limit, all 3 on that side (docs/methods.md, "Variation over time").

    As ptd_two_in_three then ptd_part_of_two_in_three: only the points that are
    themselves close to the limit are flagged, not the third point of the window.
    """
    close = close_to_limits(values, limits)
    in_window = two_in_three_windows(close, relative_to_mean(values, limits.centre))
    return [w and c for w, c in zip(in_window, close)]


def trend_directions(values: Sequence[float], in_trend: Sequence[bool]) -> list[int]:
    """For each point in a trend, +1 if the trend rises there and -1 if it falls.

    ptd_special_cause_type: a point uses the step to the next point when that
    point is in a trend too ("use right side"), else the step from the previous
    point; so the peak shared by a rise and a fall belongs to the fall.
    """
    n = len(values)
    directions = []
    for i in range(n):
        if i + 1 < n and in_trend[i] and in_trend[i + 1]:
            directions.append(_sign(values[i + 1] - values[i]))
        elif i > 0:
            directions.append(_sign(values[i] - values[i - 1]))
        else:
            directions.append(0)
    return directions


def special_cause_sides(values: Sequence[float], limits: SpcLimits) -> list[int]:
    """+1 for a special-cause point that is high or rising, -1 low or falling, 0 for common cause.

    ptd_special_cause_type and ptd_point_type, rules tried in this order:
    outside the limits (by side of the centre), part of a trend (by the trend's
    direction), part of 2-in-3, part of a run on one side (by side of the centre).
    """
    signs = relative_to_mean(values, limits.centre)
    outside = outside_limits(values, limits)
    trend = seven_point_trend(values)
    directions = trend_directions(values, trend)
    two_of_three = two_in_three(values, limits)
    one_side = seven_point_one_side(values, limits.centre)
    sides = []
    for i in range(len(values)):
        if outside[i]:
            sides.append(1 if signs[i] == 1 else -1)
        elif trend[i]:
            sides.append(1 if directions[i] == 1 else -1)
        elif two_of_three[i] or one_side[i]:
            sides.append(1 if signs[i] > 0 else -1)
        else:
            sides.append(0)
    return sides


def point_type_from_side(side: int, direction: str) -> str:
    """'improvement' when a special cause moves the way the measure should go, else 'concern' (docs/methods.md, "Variation over time")."""
    if side == 0:
        return "common_cause"
    return "improvement" if side * direction_sign(direction) > 0 else "concern"


def point_types(values: Sequence[float], direction: str) -> list[str]:
    """'common_cause', 'improvement' or 'concern' for every point (docs/methods.md, "Variation over time"; ptd_calculate_point_type)."""
    limits = spc_limits(values)
    return [point_type_from_side(side, direction) for side in special_cause_sides(values, limits)]


def assurance_icon(limits: SpcLimits, target: float | None, direction: str) -> str | None:
    """Whether the process will meet the target: consistently passing, failing, or hit and miss.

    docs/methods.md, "Variation over time" and ptd_calculate_assurance_type. A target beyond the limits
    on the good side is consistently passed (every point the process produces
    beats it), on the bad side consistently failed; a target within the limits
    (inclusive) is hit and miss. None without a target.
    """
    if target is None:
        return None
    higher_is_better = direction_sign(direction) > 0
    if target > limits.upper:
        return "consistently_failing" if higher_is_better else "consistently_passing"
    if target < limits.lower:
        return "consistently_passing" if higher_is_better else "consistently_failing"
    return "hit_and_miss"


def phase_groups(dates: Sequence[date], change_points: Sequence[date]) -> list[int]:
    """For each point (by its date, in order), the number of its phase: how
    many change points fall on or before it.

    As ptd_add_rebase_column then ptd_spc_standard's cumsum(rebase): a change
    point starts a new phase at the first point on or after its date (for a
    period, its period_start, so a period that began before the change stays
    in the old phase); one before the first point changes nothing. Phases are
    numbered from 0 in order, so two change points with no point between them
    make one boundary."""
    raw = [sum(1 for c in change_points if c <= d) for d in dates]
    out, seen = [], {}
    for g in raw:
        out.append(seen.setdefault(g, len(seen)))
    return out


def _phases(groups: Sequence[int]) -> list[tuple[int, int]]:
    """[start, end) of each run of equal group numbers."""
    bounds, start = [], 0
    for i in range(1, len(groups) + 1):
        if i == len(groups) or groups[i] != groups[start]:
            bounds.append((start, i))
            start = i
    return bounds


def xmr_chart(
    values: Sequence[float], direction: str, target: float | None = None, min_points: int = MIN_POINTS,
    groups: Sequence[int] | None = None,
) -> XmrChart | None:
    """The XmR chart of a series in period order, phase by phase (docs/methods.md, "Variation over time").

    `groups` (from `phase_groups`) splits the series at its recorded change
    points; without it the series is one phase. Each phase with at least
    `min_points` points gets its own limits and its points their types by the
    rules within that phase only; a shorter phase gets neither (its points'
    type is NO_TYPE). The variation icon is the type of the last point and the
    assurance icon compares the target with the latest phase's limits, so
    both are None when the latest phase is too short. None when no phase is
    long enough: the page then draws a plain run chart and says why, since
    limits from a short series are too unstable to call anything special cause.
    """
    groups = list(groups) if groups is not None else [0] * len(values)
    if len(groups) != len(values):
        raise ValueError(f"groups has {len(groups)} entries for {len(values)} values")
    phases, types = [], []
    for start, end in _phases(groups):
        part = values[start:end]
        if len(part) < min_points or len(part) < 2:
            phases.append(SpcPhase(start, end, None))
            types += [NO_TYPE] * len(part)
            continue
        limits = spc_limits(part)
        phases.append(SpcPhase(start, end, limits))
        types += [point_type_from_side(side, direction) for side in special_cause_sides(part, limits)]
    if not any(p.limits is not None for p in phases):
        return None
    latest = phases[-1].limits
    return XmrChart(
        phases=tuple(phases),
        point_types=tuple(types),
        variation=types[-1] if latest is not None else None,
        assurance=assurance_icon(latest, target, direction) if latest is not None else None,
    )
