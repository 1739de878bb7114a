"""Goal status (docs/methods.md, "How we decide a goal's status"): every status code by hand calculation.

The goal used throughout: attendance from B = 92.0% on 31 Jul 2025 (t0) to
T = 95.0% by 31 Jul 2027 (t1), higher is better. t1 - t0 = 730 days; a figure
for the period ending 31 Jul 2026 is 365 days in, so f = 365 / 730 = 0.5 and
the expected value is 92.0 + 3.0 x 0.5 = 93.5.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from metrics.methods.status import (
    GoalSpec,
    Point,
    benchmark_comparison,
    elapsed_fraction,
    expected_value,
    gap_closed,
    goal_status,
    is_too_uncertain,
    progress_ratio,
    projected_value,
    status_from_ratio,
)
from metrics.vocab import STATUS_LABELS

T0 = date(2025, 7, 31)
T1 = date(2027, 7, 31)
HALFWAY = date(2026, 7, 31)
GOAL = GoalSpec(
    baseline_value=92.0, baseline_date=T0, target_value=95.0, target_date=T1,
    direction="higher_is_better", unit="percent",
)
# Exclusions per 1,000 pupils, from 10.0 down to 6.0 over the same dates.
FEWER = GoalSpec(
    baseline_value=10.0, baseline_date=T0, target_value=6.0, target_date=T1,
    direction="lower_is_better", unit="rate_per_1000",
)


def point(end: date, value: float | None, low: float | None = None, high: float | None = None) -> Point:
    return Point(period_start=end - timedelta(days=90), period_end=end, value=value, ci_low=low, ci_high=high)


def status_of(goal: GoalSpec, value: float | None, end: date = HALFWAY, low=None, high=None):
    return goal_status(goal, [point(end, value, low, high)])


# The pieces


def test_elapsed_fraction_counts_days():
    # 365 / 730; 184 / 730 for 31 Jan 2026
    assert elapsed_fraction(GOAL, HALFWAY) == 0.5
    assert elapsed_fraction(GOAL, date(2026, 1, 31)) == pytest.approx(184 / 730)


def test_expected_value_is_the_straight_line():
    # 92 + 3 x 0.5 = 93.5
    assert expected_value(GOAL, HALFWAY) == pytest.approx(93.5)


def test_expected_value_after_the_target_date_is_the_target():
    assert expected_value(GOAL, date(2027, 12, 31)) == 95.0


def test_progress_ratio_by_hand():
    # (93.0 - 92.0) / (3.0 x 0.5) = 1 / 1.5 = 0.6667
    assert progress_ratio(GOAL, 93.0, HALFWAY) == pytest.approx(2 / 3)
    # lower is better: -(8.0 - 10.0) / (-(6.0 - 10.0) x 0.5) = 2 / 2 = 1
    assert progress_ratio(FEWER, 8.0, HALFWAY) == pytest.approx(1.0)


def test_gap_closed_by_hand():
    # (93.0 - 92.0) / (95.0 - 92.0) = 1/3;  -(9.0 - 10.0) / -(6.0 - 10.0) = 1/4
    assert gap_closed(GOAL, 93.0) == pytest.approx(1 / 3)
    assert gap_closed(FEWER, 9.0) == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("ratio", "status"),
    [
        (1.2, "on_track"),
        (0.95, "on_track"),
        (0.9499, "needs_acceleration"),
        (0.6, "needs_acceleration"),
        (0.5999, "limited_progress"),
        (0.0, "limited_progress"),
        (-0.0001, "worsening"),
    ],
)
def test_status_from_ratio_thresholds(ratio, status):
    assert status_from_ratio(ratio) == status


def test_target_date_must_follow_baseline_date():
    bad = GoalSpec(92.0, T1, 95.0, T0, "higher_is_better", "percent")
    with pytest.raises(ValueError, match="after its baseline_date"):
        elapsed_fraction(bad, HALFWAY)


# Every status code


def test_no_figure_after_the_baseline_is_awaiting_data():
    # a point on the baseline date is not after it; a point after it without a value is skipped
    a = goal_status(GOAL, [point(T0, 92.0), point(HALFWAY, None)])
    assert a.status == "awaiting_data"
    assert a.latest_value is None and a.expected_value is None and a.progress_ratio is None
    assert a.vs_nation == "not_compared"


def test_target_reached_before_the_target_date_is_met():
    # s(V - T) = 95.0 - 95.0 = 0 >= 0
    a = status_of(GOAL, 95.0)
    assert a.status == "met"
    assert a.progress_ratio is None
    assert a.gap_closed == pytest.approx(1.0)
    assert a.expected_value == pytest.approx(93.5)


def test_lower_is_better_target_beaten_is_met():
    # s(V - T) = -(5.5 - 6.0) = 0.5 >= 0
    assert status_of(FEWER, 5.5).status == "met"


def test_met_ignores_floating_point_noise():
    assert status_of(GOAL, 95.0 - 1e-12).status == "met"


def test_target_date_passed_without_meeting_it_is_missed():
    # t = t1 and 94.0 < 95.0
    a = status_of(GOAL, 94.0, end=T1)
    assert a.status == "missed"
    assert a.progress_ratio is None
    assert a.expected_value == 95.0
    assert status_of(GOAL, 94.0, end=date(2027, 12, 31)).status == "missed"


def test_on_the_straight_line_is_on_track():
    # R = (93.5 - 92.0) / (3.0 x 0.5) = 1.0
    a = status_of(GOAL, 93.5)
    assert a.status == "on_track"
    assert a.progress_ratio == pytest.approx(1.0)


def test_ratio_of_exactly_0_95_is_on_track():
    # V = 92.0 + 0.95 x 1.5 = 93.425: R = 1.425 / 1.5 = 0.95
    assert status_of(GOAL, 93.425).status == "on_track"


def test_two_thirds_of_the_way_is_needs_acceleration():
    # R = 1.0 / 1.5 = 0.667
    a = status_of(GOAL, 93.0)
    assert a.status == "needs_acceleration"
    assert a.progress_ratio == pytest.approx(2 / 3)


def test_ratio_of_exactly_0_6_is_needs_acceleration():
    # V = 92.9: R = 0.9 / 1.5 = 0.6
    assert status_of(GOAL, 92.9).status == "needs_acceleration"


def test_a_third_of_the_way_is_limited_progress():
    # R = 0.5 / 1.5 = 0.333
    assert status_of(GOAL, 92.5).status == "limited_progress"


def test_no_change_is_limited_progress():
    # R = 0 / 1.5 = 0
    assert status_of(GOAL, 92.0).status == "limited_progress"


def test_moving_away_from_the_target_is_worsening():
    # R = (91.5 - 92.0) / 1.5 = -0.333
    a = status_of(GOAL, 91.5)
    assert a.status == "worsening"
    assert a.progress_ratio == pytest.approx(-1 / 3)
    assert a.gap_closed == pytest.approx(-1 / 6)


def test_lower_is_better_rising_is_worsening():
    # R = -(11.0 - 10.0) / (4.0 x 0.5) = -0.5
    assert status_of(FEWER, 11.0).status == "worsening"


def test_interval_holding_baseline_and_expected_value_is_too_uncertain():
    # V = 93.0, interval 91.8 to 94.2 holds B = 92.0 and E = 93.5; R is still reported (2/3)
    a = status_of(GOAL, 93.0, low=91.8, high=94.2)
    assert a.status == "too_uncertain"
    assert a.progress_ratio == pytest.approx(2 / 3)
    assert a.clear_change is False


def test_too_uncertain_includes_the_ends_of_the_interval():
    assert is_too_uncertain(GOAL, point(HALFWAY, 93.0, 92.0, 93.5))
    assert not is_too_uncertain(GOAL, point(HALFWAY, 93.0, 92.01, 93.5))
    assert not is_too_uncertain(GOAL, point(HALFWAY, 93.0))


def test_too_uncertain_replaces_worsening_too():
    # V = 91.5 with interval 90.0 to 94.0 holds B = 92.0 and E = 93.5
    assert status_of(GOAL, 91.5, low=90.0, high=94.0).status == "too_uncertain"


def test_too_uncertain_never_replaces_met_or_missed():
    assert status_of(GOAL, 95.5, low=90.0, high=99.0).status == "met"
    # at t1 the expected value is 95.0; 94.0 in 91.0..96.0 would hold both B and E
    assert status_of(GOAL, 94.0, end=T1, low=91.0, high=96.0).status == "missed"


def test_interval_holding_only_the_expected_value_is_a_clear_change():
    # 92.5..93.5 holds E = 93.5 but not B = 92.0: not too uncertain, and the change is clear
    a = status_of(GOAL, 93.0, low=92.5, high=93.5)
    assert a.status == "needs_acceleration"
    assert a.clear_change is True
    assert (a.ci_low, a.ci_high) == (92.5, 93.5)


def test_clear_change_is_unknown_without_an_interval():
    assert status_of(GOAL, 93.0).clear_change is None


def test_every_status_code_is_a_vocab_code():
    values = [None, 95.0, 93.5, 93.0, 92.5, 91.5]
    statuses = {status_of(GOAL, v).status for v in values}
    statuses.add(status_of(GOAL, 94.0, end=T1).status)
    statuses.add(status_of(GOAL, 93.0, low=91.0, high=95.0).status)
    assert statuses == set(STATUS_LABELS)


# The latest value


def test_latest_value_is_the_greatest_period_end_with_a_figure():
    series = [point(date(2026, 3, 31), 93.0), point(HALFWAY, None), point(date(2025, 12, 31), 92.2)]
    a = goal_status(GOAL, series)
    assert a.latest_value == 93.0
    assert a.latest_period_end == date(2026, 3, 31)


def test_status_never_depends_on_row_order():
    series = [point(date(2024, 7, 31) + timedelta(days=30 * i), 91.0 + 0.1 * (i % 5)) for i in range(20)]
    series.append(point(HALFWAY, 93.0, 92.5, 93.5))
    forward = goal_status(GOAL, series, nation_value_at_latest=93.2)
    backward = goal_status(GOAL, list(reversed(series)), nation_value_at_latest=93.2)
    shuffled = goal_status(GOAL, series[::2] + series[1::2], nation_value_at_latest=93.2)
    assert forward == backward == shuffled


def test_two_different_points_for_one_period_are_an_error():
    with pytest.raises(ValueError, match="one per period"):
        goal_status(GOAL, [point(HALFWAY, 93.0), point(HALFWAY, 93.1)])


# Benchmarks


@pytest.mark.parametrize(
    ("benchmark", "direction", "expected"),
    [
        (93.0, "higher_is_better", "similar"),
        (92.5, "higher_is_better", "similar"),
        (92.0, "higher_is_better", "better"),
        (94.0, "higher_is_better", "worse"),
        (92.0, "lower_is_better", "worse"),
        (94.0, "lower_is_better", "better"),
        (None, "higher_is_better", "not_compared"),
    ],
)
def test_benchmark_comparison_uses_the_interval(benchmark, direction, expected):
    assert benchmark_comparison(point(HALFWAY, 93.0, 92.5, 93.5), benchmark, direction) == expected


def test_benchmark_is_not_compared_without_an_interval_or_a_value():
    assert benchmark_comparison(point(HALFWAY, 93.0), 92.0, "higher_is_better") == "not_compared"
    assert benchmark_comparison(point(HALFWAY, None), 92.0, "higher_is_better") == "not_compared"


def test_goal_status_compares_with_the_nation():
    assert goal_status(GOAL, [point(HALFWAY, 93.0, 92.5, 93.5)], nation_value_at_latest=92.0).vs_nation == "better"


# Projection


def test_projection_is_ols_through_baseline_and_later_points():
    # days after t0 and values: (0, 92.0), (365, 93.0), (548, 93.2)
    # mean x = 913/3 = 304.333, mean y = 1391/15 = 92.7333
    # Sxx = 467018/3 = 155672.67, Sxy = 5296/15 = 353.0667, slope = 0.00226801 per day
    # at t1 (730 days): 92.7333 + 0.00226801 x (730 - 304.333) = 93.6987
    series = [point(date(2024, 7, 31), 80.0), point(HALFWAY, 93.0), point(date(2027, 1, 30), 93.2)]
    assert projected_value(GOAL, series) == pytest.approx(93.69875, abs=1e-5)
    assert goal_status(GOAL, series).projected_value == pytest.approx(93.69875, abs=1e-5)


def test_projection_needs_three_points():
    assert projected_value(GOAL, [point(HALFWAY, 93.0)]) is None
    assert projected_value(GOAL, [point(HALFWAY, 93.0), point(date(2026, 9, 30), None)]) is None


def test_projection_never_changes_the_status():
    # on the current trend 92.0 -> 92.1 -> 92.2 would miss, yet R for 92.2 at t is what counts
    series = [point(date(2026, 1, 31), 92.1), point(HALFWAY, 92.2)]
    assert goal_status(GOAL, series).status == status_of(GOAL, 92.2).status == "limited_progress"


# SPC alongside the status


def test_spc_icons_need_15_points_with_values():
    series = [point(date(2024, 1, 31) + timedelta(days=30 * i), 92.0 + 0.1 * (i % 2)) for i in range(14)]
    a = goal_status(GOAL, series + [point(HALFWAY, None)])
    assert a.variation is None and a.assurance is None and a.spc is None


def test_spc_icons_use_the_target():
    # 14 points alternating 92.0 / 92.1, then 93.0: moving ranges 13 x 0.1 and 0.9, mean 2.2/14 = 0.157;
    # 0.9 > 3.267 x 0.157 = 0.513 is screened out, leaving mR = 0.1;
    # centre (7 x 92.0 + 7 x 92.1 + 93.0) / 15 = 1381.7 / 15 = 92.113, limits 92.113 -+ 0.266 = 91.847 .. 92.379:
    # 93.0 is above the upper limit (improvement),
    # and the target 95.0 lies above the upper limit: consistently failing
    series = [point(date(2024, 1, 31) + timedelta(days=30 * i), 92.0 + 0.1 * (i % 2)) for i in range(14)]
    a = goal_status(GOAL, series + [point(HALFWAY, 93.0)])
    assert a.variation == "improvement"
    assert a.assurance == "consistently_failing"


def test_status_json_has_exactly_the_contract_keys():
    record = status_of(GOAL, 93.0, low=92.5, high=93.5).status_json()
    assert list(record) == [
        "status", "latest_value", "latest_period_end", "expected_value", "progress_ratio", "gap_closed",
        "ci_low", "ci_high", "clear_change", "variation", "assurance", "vs_nation", "projected_value",
        "phase_start", "stale_months",
    ]
    assert record["latest_period_end"] == "2026-07-31"


def test_comparisons_with_england_over_time_take_every_period_with_both_figures():
    from metrics.methods.status import benchmark_comparisons

    a, b, c, d = date(2024, 7, 31), date(2025, 7, 31), date(2026, 7, 31), date(2027, 7, 31)
    points = [point(c, 93.0, 92.5, 93.5), point(a, 90.0, 89.0, 91.0), point(b, 91.0, 90.5, 91.5), point(d, None)]
    england = {(p.period_start, p.period_end): v for p, v in zip(points, (92.0, 90.4, 92.0, 93.0))}
    # 2024: 90.4 inside 89-91 -> similar; 2025: 92 above 90.5-91.5 -> worse; 2026: 92 below 92.5-93.5 -> better; 2027: no value
    assert benchmark_comparisons(points, england, "higher_is_better", "percent") == [(a, "similar"), (b, "worse"), (c, "better")]
    del england[(points[2].period_start, points[2].period_end)]
    assert [end for end, _ in benchmark_comparisons(points, england, "higher_is_better", "percent")] == [a, c]
    assert benchmark_comparisons(points, england, "higher_is_better", "count") == [(a, "not_compared"), (c, "not_compared")]
