"""Plain-English figures and status explanations (docs/methods.md, "How we decide a goal's status")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from metrics.methods.explain import format_month, format_value, status_explanation
from metrics.methods.status import GoalSpec, Point, goal_status

# From 92.0% (31 Jul 2025) to 95.0% by 31 Jul 2027, higher is better (as in test_status.py).
GOAL = GoalSpec(92.0, date(2025, 7, 31), 95.0, date(2027, 7, 31), "higher_is_better", "percent")
MARCH = date(2026, 3, 31)  # 243 days in: f = 243/730 = 0.3329, expected 92.0 + 3.0 x 0.3329 = 92.9986 -> "93.0%"
NAME = "Attendance rate"


def explain(value, end=MARCH, low=None, high=None, goal=GOAL):
    series = [] if value is None else [Point(end - timedelta(days=60), end, value, low, high)]
    return status_explanation(goal, goal_status(goal, series), NAME)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (93.6789, "percent", "93.7%"),
        (100.0, "percent", "100.0%"),
        (12.345, "rate_per_1000", "12.3 per 1,000"),
        (2090.0, "rate_per_1000", "2,090.0 per 1,000"),
        (42, "count", "42"),
        (1042.0, "count", "1,042"),
        (12.5, "count", "12.5"),
        (47.06, "score", "47.1"),
        (-0.04, "score", "0.0"),
        (None, "percent", "no figure"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def test_format_month():
    assert format_month(date(2026, 3, 31)) == "Mar 2026"
    assert format_month(date(2027, 7, 1)) == "Jul 2027"


def test_on_track_ahead_of_plan_explanation():
    # R = 1.7 / (3.0 x 0.3329) = 1.70: on track, and above the expected 93.0%
    assert explain(93.7) == (
        "Attendance rate is 93.7% (Mar 2026). To be on the straight line from 92.0% to 95.0% "
        "by Jul 2027 it would need to be 93.0%: ahead of plan."
    )


def test_on_track_just_behind_plan_explanation():
    # V = 92.96: R = 0.96 / 0.9986 = 0.961, on track; under the expected 92.9986 but both show as 93.0%
    assert explain(92.96).endswith("it would need to be 93.0%: on plan.")
    # V = 92.949: R = 0.949 / 0.9986 = 0.950, on track; shown as 92.9%, under the 93.0% expected
    assert explain(92.949).endswith(
        "it would need to be 93.0%: just behind plan, but close enough to be on track."
    )


def test_needs_acceleration_explanation():
    # V = 92.7: R = 0.7 / 0.9986 = 0.70
    assert explain(92.7) == (
        "Attendance rate is 92.7% (Mar 2026). To be on the straight line from 92.0% to 95.0% "
        "by Jul 2027 it would need to be 93.0%: progress, but it needs to speed up to reach the target."
    )


def test_limited_progress_explanation():
    # V = 92.3: R = 0.3 / 0.9986 = 0.30
    assert explain(92.3).endswith(
        "it would need to be 93.0%: it has moved only a little, or not at all, towards the target."
    )


def test_worsening_explanation_says_it_moved_away_from_the_target():
    # V = 91.4: R = -0.6 / 0.9986 < 0
    assert explain(91.4) == (
        "Attendance rate is 91.4% (Mar 2026), down from 92.0% at the baseline (Jul 2025). "
        "It has moved away from the target of 95.0% by Jul 2027: worsening."
    )


def test_worsening_explanation_for_a_rise_when_lower_is_better():
    fewer = GoalSpec(10.0, date(2025, 7, 31), 6.0, date(2027, 7, 31), "lower_is_better", "rate_per_1000")
    text = explain(11.2, goal=fewer)
    assert text.startswith("Attendance rate is 11.2 per 1,000 (Mar 2026), up from 10.0 per 1,000 at the baseline")
    assert "moved away from the target of 6.0 per 1,000" in text


def test_too_uncertain_explanation_gives_the_interval_and_both_values_inside_it():
    # interval 91.5..94.0 holds B = 92.0 and E = 93.0
    assert explain(92.8, low=91.5, high=94.0) == (
        "Attendance rate is 92.8% (Mar 2026), but the true figure could be anywhere from 91.5% to 94.0% "
        "(95% interval). That range holds both the baseline of 92.0% and the 93.0% expected by now, "
        "so it is too soon to judge."
    )


def test_met_explanation():
    assert explain(95.2) == (
        "Attendance rate is 95.2% (Mar 2026). That meets the target of 95.0% set for Jul 2027: target met."
    )


def test_missed_explanation():
    assert explain(94.1, end=date(2027, 7, 31)) == (
        "Attendance rate is 94.1% (Jul 2027). The target was 95.0% by Jul 2027, and it was not reached: "
        "target missed."
    )


def test_awaiting_data_explanation():
    assert explain(None) == (
        "Attendance rate has no figure yet for a period after the baseline of 92.0% (Jul 2025). "
        "We will judge progress when the first one arrives."
    )


def test_measure_name_starts_the_sentence_with_a_capital():
    goal_free = status_explanation(GOAL, goal_status(GOAL, []), "attendance rate")
    assert goal_free.startswith("Attendance rate has no figure yet")


def test_a_break_after_the_baseline_says_the_promise_compares_figures_from_either_side():
    from metrics.methods.explain import break_sentence
    from metrics.methods.series import BREAK, SeriesChange

    change = SeriesChange(date(2025, 9, 1), BREAK, "new_definition")
    plain = "The line stops before 1 September 2025: a new definition; figures either side are not joined."
    assert break_sentence(change) == plain
    assert break_sentence(change, baseline=date(2025, 10, 31)) == plain  # a baseline after the break: nothing to add
    assert break_sentence(change, baseline=date(2024, 12, 31)) == (
        plain + " The baseline (Dec 2024) is from before the break, so the promise compares figures from either side of it."
    )
