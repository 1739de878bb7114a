"""XmR charts and SPC icons (docs/methods.md, "Variation over time").

Vectors marked "NHSR" are NHSRplotthedots' own, from
tests/testthat/test-ptd_calculate_point_type.R, test-ptd_spc_standard.R and
test-ptd_calculate_assurance_type.R, translated to 0/1 and True/False.
"""

from __future__ import annotations

import pytest

from metrics.methods.spc import (
    SpcLimits,
    assurance_icon,
    close_to_limits,
    one_side_run_ends,
    outside_limits,
    part_of_run,
    point_types,
    seven_point_one_side,
    seven_point_trend,
    spc_limits,
    trend_directions,
    trend_run_ends,
    two_in_three,
    two_in_three_windows,
    xmr_chart,
)

HIGHER = "higher_is_better"
LOWER = "lower_is_better"


def _limits(centre: float, mr: float) -> SpcLimits:
    return SpcLimits(
        centre=centre,
        mean_moving_range=mr,
        lower=centre - 2.66 * mr,
        upper=centre + 2.66 * mr,
        lower_near=centre - 2 * 2.66 / 3 * mr,
        upper_near=centre + 2 * 2.66 / 3 * mr,
    )


# Limits


def test_limits_are_mean_plus_minus_2_66_mean_moving_range():
    # 1, 3, 2, 4: mean 2.5; moving ranges 2, 1, 2 -> mean 5/3; none above 3.267 x 5/3 = 5.445
    # limits 2.5 -+ 2.66 x 5/3 = 2.5 -+ 4.433333; near 2.5 -+ 1.773333 x 5/3 = 2.5 -+ 2.955556
    limits = spc_limits([1, 3, 2, 4])
    assert limits.centre == pytest.approx(2.5)
    assert limits.mean_moving_range == pytest.approx(5 / 3)
    assert (limits.lower, limits.upper) == (pytest.approx(-1.933333, abs=1e-6), pytest.approx(6.933333, abs=1e-6))
    assert limits.lower_near == pytest.approx(-0.455556, abs=1e-6)
    assert limits.upper_near == pytest.approx(5.455556, abs=1e-6)


def test_moving_ranges_above_3_267_mean_are_screened_once():
    # 10 11 10 11 10 11 10 40 10 11: moving ranges 1 1 1 1 1 1 30 30 1, mean 67/9 = 7.444
    # 3.267 x 7.444 = 24.32: leave out both 30s; mean of the seven 1s = 1
    # centre = (5 x 10 + 4 x 11 + 40) / 10 = 13.4; limits 13.4 -+ 2.66 = 10.74, 16.06
    limits = spc_limits([10, 11, 10, 11, 10, 11, 10, 40, 10, 11])
    assert limits.mean_moving_range == pytest.approx(1.0)
    assert limits.centre == pytest.approx(13.4)
    assert (limits.lower, limits.upper) == (pytest.approx(10.74), pytest.approx(16.06))
    assert limits.lower_near == pytest.approx(11.626667, abs=1e-6)
    assert limits.upper_near == pytest.approx(15.173333, abs=1e-6)


def test_flat_series_has_zero_width_limits_and_only_common_cause():
    # NHSRplotthedots screens with "<" and so has no limits here; docs/methods.md leaves out only ranges *above*
    limits = spc_limits([5.0] * 15)
    assert (limits.lower, limits.centre, limits.upper) == (5.0, 5.0, 5.0)
    assert point_types([5.0] * 15, HIGHER) == ["common_cause"] * 15


def test_limits_need_two_points():
    with pytest.raises(ValueError):
        spc_limits([1.0])


def test_outside_and_close_to_limits_are_strict():
    limits = _limits(0.0, 1.0)  # limits -+2.66, near -+1.773333
    values = [2.66, 2.67, 1.77, 1.78, -2.7, -1.8]
    assert outside_limits(values, limits) == [False, True, False, False, True, False]
    assert close_to_limits(values, limits) == [True, False, False, True, False, True]


# Runs on one side of the centre


def test_one_side_run_ends_nhsr_vectors():
    # NHSR ptd_seven_point_one_side_mean
    assert one_side_run_ends([]) == []
    assert one_side_run_ends([1] * 6) == [0] * 6
    assert one_side_run_ends([1] * 6 + [-1]) == [0] * 7
    assert one_side_run_ends([1] * 8 + [-1]) == [0] * 6 + [1, 1, 0]
    assert one_side_run_ends([-1] * 8 + [1]) == [0] * 6 + [1, 1, 0]


def test_part_of_run_flags_every_point_of_the_run_nhsr_vectors():
    # NHSR ptd_part_of_seven_trend
    assert part_of_run([]) == []
    assert part_of_run([0] * 6) == [False] * 6
    assert part_of_run([0] * 6 + [1, 0]) == [True] * 7 + [False]
    assert part_of_run([0] * 7 + [1, 0]) == [False] + [True] * 7 + [False]
    assert part_of_run([0] * 6 + [-1, 0]) == [True] * 7 + [False]


def test_eight_points_above_then_one_below_flags_the_eight():
    values = [2.0] * 8 + [0.0]
    assert seven_point_one_side(values, centre=1.0) == [True] * 8 + [False]


def test_six_points_above_is_not_a_run():
    assert seven_point_one_side([2.0] * 6 + [0.0], centre=1.0) == [False] * 7


def test_a_point_on_the_centre_breaks_a_run():
    values = [2.0, 2.0, 2.0, 1.0, 2.0, 2.0, 2.0, 2.0]
    assert seven_point_one_side(values, centre=1.0) == [False] * 8


# Trends


def test_trend_run_ends_nhsr_vectors():
    # NHSR ptd_seven_point_trend
    assert trend_run_ends([]) == []
    assert trend_run_ends([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert trend_run_ends([1, 2, 3, 3, 4, 5, 6]) == [0] * 7
    assert trend_run_ends([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert trend_run_ends([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert trend_run_ends([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert trend_run_ends([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]


def test_a_rise_from_1_to_7_is_a_trend_at_the_7th_point():
    assert seven_point_trend([1, 2, 3, 4, 5, 6]) == [False] * 6
    assert seven_point_trend([1, 2, 3, 4, 5, 6, 7]) == [True] * 7


def test_a_tie_breaks_a_trend():
    assert seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [False] * 7


def test_trend_flags_its_points_not_those_around_it():
    assert seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [False] + [True] * 7 + [False]


def test_peak_shared_by_a_rise_and_a_fall_takes_the_direction_of_the_fall():
    values = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    in_trend = seven_point_trend(values)
    assert in_trend == [True] * 13
    assert trend_directions(values, in_trend) == [1] * 6 + [-1] * 7


# Two in three


def test_two_in_three_windows_nhsr_vectors():
    # NHSR ptd_two_in_three
    same_side = [1, 1, 1]
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert two_in_three_windows(close, same_side) == [True] * 3
    assert two_in_three_windows([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [False, False, True, True, True, False, False]
    assert two_in_three_windows([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [False, True, True, True, True, False, False]


def test_two_in_three_needs_all_three_on_one_side_nhsr_vectors():
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert two_in_three_windows(close, [1, -1, 1]) == [False] * 3
    assert two_in_three_windows([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1]) == [False] * 7
    assert two_in_three_windows([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1]) == [False] * 7


def test_two_in_three_flags_only_the_points_close_to_the_limit():
    # NHSR ptd_part_of_two_in_three: close 1 0 0 1 1 -> only the last two are special
    limits = _limits(0.0, 1.0)  # near limit 1.773333, limit 2.66
    values = [2.0, 0.5, 0.5, 2.0, 2.0]
    assert two_in_three(values, limits) == [False, False, False, True, True]


def test_two_of_three_close_to_the_upper_limit_is_special_cause():
    limits = _limits(0.0, 1.0)
    values = [0.5, 2.0, 0.3, 2.1, -1.0]
    assert two_in_three(values, limits) == [False, True, False, True, False]


def test_two_points_close_to_opposite_limits_are_common_cause():
    # NHSR test-ptd_spc_standard.R: 1, -1 repeated, then 5.5 and -5.5
    values = [1.0, -1.0] * 8
    values[14], values[15] = 5.5, -5.5
    assert point_types(values, HIGHER)[-2:] == ["common_cause", "common_cause"]


# Point types and icons


def test_point_types_by_eye():
    # limits 10.74 .. 16.06, centre 13.4 (see the screening test above)
    # 10s are below the lower limit; the 11s are part of 7 points below the centre (indices 0-6);
    # 40 is above the upper limit; the last 11 is in no rule
    values = [10, 11, 10, 11, 10, 11, 10, 40, 10, 11]
    assert point_types(values, HIGHER) == ["concern"] * 7 + ["improvement", "concern", "common_cause"]
    assert point_types(values, LOWER) == ["improvement"] * 7 + ["concern", "improvement", "common_cause"]


def test_trend_points_are_classed_by_the_trend_direction_not_the_side_of_the_centre():
    # centre 49/13 = 3.769, mean mR 1, limits 1.109 .. 6.429
    # 1 (first and last) below the lower limit, 7 above the upper limit;
    # 2..6 rising (improvement even below the centre), 6..2 falling (concern even above it)
    values = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    assert point_types(values, HIGHER) == ["concern"] + ["improvement"] * 6 + ["concern"] * 6


def test_variation_icon_is_the_type_of_the_last_point():
    # [10, 11] x 7 then 30: mR 1 after screening the 19; centre 177/15 = 11.8; upper limit 14.46
    values = [10, 11] * 7 + [30]
    assert xmr_chart(values, HIGHER).variation == "improvement"
    assert xmr_chart(values, LOWER).variation == "concern"


def test_variation_icon_needs_15_points():
    assert xmr_chart([10, 11] * 7, HIGHER) is None


@pytest.mark.parametrize(
    ("lower", "upper", "higher_is_better", "lower_is_better"),
    [
        (1, 3, "consistently_failing", "consistently_passing"),
        (5, 7, "consistently_passing", "consistently_failing"),
        (1, 5, "hit_and_miss", "hit_and_miss"),
    ],
)
def test_assurance_with_target_4_nhsr_vectors(lower, upper, higher_is_better, lower_is_better):
    # NHSR test-ptd_calculate_assurance_type.R: limits (1,3), (5,7), (1,5) and target 4
    limits = SpcLimits(centre=(lower + upper) / 2, mean_moving_range=1, lower=lower, upper=upper,
                       lower_near=lower, upper_near=upper)
    assert assurance_icon(limits, 4, HIGHER) == higher_is_better
    assert assurance_icon(limits, 4, LOWER) == lower_is_better


def test_assurance_needs_a_target():
    assert assurance_icon(_limits(0, 1), None, HIGHER) is None


def test_target_on_a_limit_is_hit_and_miss():
    limits = SpcLimits(centre=2, mean_moving_range=1, lower=1, upper=3, lower_near=1.5, upper_near=2.5)
    assert assurance_icon(limits, 3, HIGHER) == "hit_and_miss"


def test_xmr_chart_needs_15_points():
    assert xmr_chart([10, 11] * 7, HIGHER) is None
    chart = xmr_chart([10, 11] * 7 + [30], HIGHER, target=20)
    assert chart.variation == "improvement"
    assert chart.assurance == "consistently_failing"  # 20 > upper limit 14.46
    assert len(chart.point_types) == 15
