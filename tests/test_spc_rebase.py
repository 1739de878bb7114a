"""SPC change points: limits recalculated per phase, as NHSRplotthedots' `rebase`
(docs/methods.md, "When the process changed").

The expected values are NHSRplotthedots' own rebase examples:
- tests/testthat/test-ptd_spc_standard.R, "it sets the rebase_group field": 20
  daily points, rebase at the 11th, groups 0 x 10 then 1 x 10;
- tests/testthat/test-ptd_add_rebase_column.R: points on 2 to 11 January 2020,
  rebase dates 3 and 8 January, flags 0,1,0,0,0,0,1,0,0,0 (so groups
  0,1,1,1,1,1,2,2,2,2);
- tests/testthat/test-ptd_create_ggplot.R, "it breaks lines": the same 20
  points (set.seed(123); rnorm(20)) rebased at 2020-01-01 + 11, groups
  rep(0:1, each = 10);
- tests/testthat/_snaps/ptd_spc.md (summary): with the rebase date before the
  data (2020-01-01) there is one group with mean 0.142, limits -3.01 and 3.29;
  split into two groups of 10, mean 0.0746 with limits -2.60 and 2.75, and
  mean 0.209 with limits -3.28 and 3.70 (the per-group figures of that
  snapshot, which ptd_spc_standard computes by group exactly as for a rebase);
- R/ptd_calculate_point_type.R groups the special-cause rules by rebase group,
  and R/ptd_calculate_assurance_type.R takes the last row's limits.
"""

from __future__ import annotations

import datetime as dt

from metrics.methods.spc import phase_groups, xmr_chart

HIGHER = "higher_is_better"
LOWER = "lower_is_better"

# set.seed(123); rnorm(20) in R (the snapshot prints them to three figures:
# -0.560, -0.230, 1.56, 0.0705, ...).
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621, -1.26506123,
    -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113, 1.78691314,
    0.49785048, -1.96661716, 0.70135590, -0.47279141,
]
JAN_2020 = dt.date(2020, 1, 1)


def days(first: int, count: int) -> list[dt.date]:
    """as.Date("2020-01-01") + first, first + 1, ..."""
    return [JAN_2020 + dt.timedelta(days=first + i) for i in range(count)]


def test_rebase_at_the_11th_point_makes_groups_of_ten_nhsr():
    assert phase_groups(days(1, 20), [JAN_2020 + dt.timedelta(days=11)]) == [0] * 10 + [1] * 10


def test_rebase_dates_flag_the_points_on_those_dates_nhsr():
    assert phase_groups(days(1, 10), [dt.date(2020, 1, 3), dt.date(2020, 1, 8)]) == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2]


def test_no_change_point_is_one_group():
    assert phase_groups(days(1, 5), []) == [0] * 5


def test_a_change_point_before_the_data_changes_nothing_nhsr_summary():
    """Rebase on 2020-01-01, before the first point: one group, limits as without it."""
    groups = phase_groups(days(1, 20), [JAN_2020])
    assert len(set(groups)) == 1
    chart = xmr_chart(RNORM_123, HIGHER, groups=groups, min_points=2)
    (phase,) = chart.phases
    assert (round(phase.limits.centre, 3), round(phase.limits.lower, 2), round(phase.limits.upper, 2)) == (0.142, -3.01, 3.29)


def test_limits_are_recalculated_in_each_phase_nhsr_values():
    groups = phase_groups(days(1, 20), [JAN_2020 + dt.timedelta(days=11)])
    chart = xmr_chart(RNORM_123, HIGHER, groups=groups, min_points=2)
    first, second = chart.phases
    assert (first.start, first.end, second.start, second.end) == (0, 10, 10, 20)
    assert (round(first.limits.centre, 4), round(first.limits.lower, 2), round(first.limits.upper, 2)) == (0.0746, -2.60, 2.75)
    assert (round(second.limits.centre, 3), round(second.limits.lower, 2), round(second.limits.upper, 2)) == (0.209, -3.28, 3.70)
    assert chart.limits == second.limits  # the icons read the latest phase


def test_a_run_is_never_counted_across_a_change_point():
    """By eye: 8 points at 10, then 8 at 12 with small wiggles. As one series the
    second half is a run of 8 above the mean (special cause); rebased where the
    level changed, each phase is flat noise around its own mean."""
    values = [10, 10.2, 9.8, 10, 10.2, 9.8, 10, 10.1] * 2 + [12, 12.2, 11.8, 12, 12.2, 11.8, 12, 12.1] * 2
    whole = xmr_chart(values, HIGHER)
    assert whole.point_types[-1] == "improvement"
    rebased = xmr_chart(values, HIGHER, groups=[0] * 16 + [1] * 16)
    assert set(rebased.point_types) == {"common_cause"}
    assert rebased.variation == "common_cause"


def test_assurance_uses_the_limits_of_the_latest_phase():
    """Phase 1 sits around 80, phase 2 around 95. As one series: mean 87.5,
    mean moving range about 0.8 once the jump of 16 is screened out, so limits
    about 85.3 to 89.7 and a target of 90 looks consistently failed. Rebased where
    the process changed, phase 2's limits are about 94.3 to 95.7: the process as
    it is now consistently passes 90."""
    values = [80, 81, 79, 80, 81, 79, 80, 81, 79, 80, 81, 79, 80, 81, 79, 95, 95.2, 94.8, 95, 95.2, 94.8, 95, 95.2, 94.8, 95, 95.2, 94.8, 95, 95.2, 94.8]
    assert xmr_chart(values, HIGHER, target=90).assurance == "consistently_failing"
    rebased = xmr_chart(values, HIGHER, target=90, groups=[0] * 15 + [1] * 15)
    assert rebased.assurance == "consistently_passing"
    assert rebased.phases[1].limits.lower > 90


def test_a_latest_phase_shorter_than_the_minimum_has_no_limits_and_no_icons():
    """The methods' minimum of 15 points holds in each phase: the earlier
    phase keeps its limits; the icons, which read the latest phase, are not given."""
    values = [10, 11] * 8 + [20, 21, 20]
    chart = xmr_chart(values, LOWER, target=15, groups=[0] * 16 + [1] * 3)
    assert chart.phases[0].limits is not None and chart.phases[1].limits is None
    assert chart.variation is None and chart.assurance is None and chart.limits is None
    assert chart.point_types[16:] == ("", "", "")


def test_without_any_phase_long_enough_there_is_no_chart():
    assert xmr_chart([10, 11] * 5, HIGHER, groups=[0] * 5 + [1] * 5) is None
