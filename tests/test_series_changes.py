"""A goal's series with its recorded changes: SPC change points (phases) and
series breaks, and projections bounded by what the unit allows
(docs/methods.md, "When the process changed",
"When a series breaks" and "The trend line"). Expected values by hand.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from metrics.methods.series import SeriesChange, after_last_break, segments
from metrics.methods.status import GoalSpec, Point, goal_status, projected_value, projection_bounds

T0 = date(2025, 7, 31)
T1 = date(2027, 7, 31)
GOAL = GoalSpec(92.0, T0, 95.0, T1, "higher_is_better", "percent")


def month(year: int, m: int, value: float | None) -> Point:
    start = date(year, m, 1)
    end = (date(year + m // 12, m % 12 + 1, 1)) - timedelta(days=1)
    return Point(start, end, value)


def months(first: tuple[int, int], values: list[float]) -> list[Point]:
    y, m = first
    out = []
    for v in values:
        out.append(month(y, m, v))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


PHASE = SeriesChange(date(2025, 1, 1), "phase", "New attendance team from January 2025")
BREAK = SeriesChange(date(2026, 1, 1), "break", "new_definition")


# --- phases and breaks in a goal's series ------------------------------------------


def test_a_break_splits_the_series_into_segments_by_period_start():
    pts = months((2025, 11), [1, 2, 3, 4])  # Nov, Dec, Jan, Feb
    assert segments(pts, [BREAK]) == [0, 0, 1, 1]
    assert [p.period_end.month for p in after_last_break(pts, [BREAK])] == [1, 2]
    assert segments(pts, [PHASE]) == [0, 0, 0, 0]  # a phase is not a break


def test_the_icons_read_the_phase_after_the_recorded_change_point_and_say_when_it_began():
    """15 months around 90 (2024), then 15 around 94 from January 2025: one
    series would call the latest points special cause (a run above the mean);
    from the recorded change point the new phase is common cause, and its
    limits (about 93.7 to 94.3) put the target of 95 consistently out of reach."""
    before = months((2023, 10), [90.0, 90.2, 89.8] * 5)
    after = months((2025, 1), [94.0, 94.1, 93.9] * 5)
    plain = goal_status(GOAL, before + after)
    assert plain.variation == "improvement" and plain.phase_start == before[0].period_start
    a = goal_status(GOAL, before + after, changes=[PHASE])
    assert a.variation == "common_cause" and a.assurance == "consistently_failing"
    assert a.phase_start == date(2025, 1, 1)
    assert [(p.start, p.end) for p in a.spc.phases] == [(0, 15), (15, 30)]
    assert a.status_json()["phase_start"] == "2025-01-01"


def test_a_break_starts_a_new_phase_too():
    before = months((2024, 10), [90.0, 90.2, 89.8] * 5)
    after = months((2026, 1), [94.0, 94.1, 93.9] * 5)
    a = goal_status(GOAL, before + after, changes=[BREAK])
    assert len(a.spc.phases) == 2 and a.phase_start == date(2026, 1, 1)


def test_no_icons_no_phase_start():
    a = goal_status(GOAL, months((2025, 8), [92.5, 93.0]))
    assert a.variation is None and a.phase_start is None


def test_the_projection_never_spans_a_break():
    """Before the break (Aug-Dec 2025) the figures fall; after it (Jan-Mar 2026)
    they rise: 93.0, 93.5, 94.0 on 31 Jan, 28 Feb and 31 Mar 2026. The
    baseline (31 Jul 2025) is before the break, so it is left out too. By hand:
    x = 0, 28, 59 days after 31 Jan; mean x 29, mean y 93.5; Sxx = 841 + 1 + 900
    = 1742; Sxy = (-29)(-0.5) + (-1)(0) + 30(0.5) = 29.5; slope 0.016935 a day;
    31 Jul 2027 is 546 days after 31 Jan 2026: 93.5 + 0.016935 x (546 - 29) = 102.255,
    which a percentage cannot reach: bounded at 100."""
    falling = months((2025, 8), [91.0, 90.0, 89.0, 88.0, 87.0])
    rising = months((2026, 1), [93.0, 93.5, 94.0])
    unbounded = 93.5 + 29.5 / 1742 * (546 - 29)
    assert unbounded == pytest.approx(102.255, abs=1e-3)
    assert projected_value(GOAL, falling + rising, breaks=[BREAK]) == 100.0
    wide = GoalSpec(92.0, T0, 95.0, T1, "higher_is_better", "score")  # a score has no unit bound
    assert projected_value(wide, falling + rising, breaks=[BREAK]) == pytest.approx(unbounded)
    # Without the break, the line runs through everything, the baseline included (numpy as the check).
    xs = [T0.toordinal()] + [p.period_end.toordinal() for p in falling + rising]
    slope, intercept = np.polyfit(xs, [92.0] + [p.value for p in falling + rising], 1)
    assert projected_value(wide, falling + rising) == pytest.approx(slope * T1.toordinal() + intercept, abs=1e-6)


def test_a_projection_needs_three_points_after_the_last_break():
    rising = months((2026, 1), [93.0, 93.5])
    assert projected_value(GOAL, months((2025, 8), [91.0, 90.0]) + rising, breaks=[BREAK]) is None


def test_the_baseline_counts_when_it_is_after_the_last_break():
    """A break on 1 June 2025, before the baseline (31 Jul 2025): the line runs
    through the baseline and both later figures, as without a break (numpy's
    least squares as the second implementation)."""
    early = SeriesChange(date(2025, 6, 1), "break", "boundary_change")
    pts = months((2025, 8), [92.5, 93.0])
    score = GoalSpec(92.0, T0, 95.0, T1, "higher_is_better", "score")
    xs = [T0.toordinal(), date(2025, 8, 31).toordinal(), date(2025, 9, 30).toordinal()]
    slope, intercept = np.polyfit(xs, [92.0, 92.5, 93.0], 1)
    assert projected_value(score, pts, breaks=[early]) == pytest.approx(slope * T1.toordinal() + intercept, abs=1e-6)
    assert projected_value(GOAL, pts, breaks=[early]) == 100.0  # about 104 for a percentage: bounded


# --- projections bounded by the unit and the measure ------------------------------------


@pytest.mark.parametrize(
    "unit,low,high,expected",
    [
        ("percent", None, None, (0.0, 100.0)),
        ("percent", 50.0, 99.0, (50.0, 99.0)),  # the measure's own plausible range narrows it
        ("rate_per_1000", None, None, (0.0, None)),
        ("count", None, None, (0.0, None)),
        ("count", None, 500.0, (0.0, 500.0)),
        ("score", 7.0, 35.0, (7.0, 35.0)),
        ("score", None, None, (None, None)),
        ("percent", -5.0, 120.0, (0.0, 100.0)),  # a wider measure range never widens the unit's
    ],
)
def test_projection_bounds(unit, low, high, expected):
    assert projection_bounds(unit, low, high) == expected


def test_a_falling_count_is_never_projected_below_zero():
    """Incidents 4, 3, 2, 1 a month after a baseline of 5 (31 Jul 2025): the
    line falls about 1 a month, so by 31 Jul 2027 it would be far below 0."""
    goal = GoalSpec(5.0, T0, 2.0, T1, "lower_is_better", "count")
    pts = months((2025, 8), [4.0, 3.0, 2.0, 1.0])
    assert projected_value(goal, pts) == 0.0
    assert goal_status(goal, pts).projected_value == 0.0


def test_a_measures_range_bounds_its_projection():
    goal = GoalSpec(20.0, T0, 24.0, T1, "higher_is_better", "score", min_value=7.0, max_value=35.0)
    pts = months((2025, 8), [22.0, 24.0, 26.0])
    assert projected_value(goal, pts) == 35.0
