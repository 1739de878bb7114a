"""The internal Overview's accountability health (issue 17, item 5): each
partnership's last board review held and whether the next is overdue, each
promise's "no new figures for N months" flag, from the one rule in
metrics.read.health (the public pages read the same)."""

from __future__ import annotations

import datetime as dt

from builders import D, goal, measure, point

from app_pages.common import html
from metrics.methods.status import goal_status
from metrics.outputs import dashboard
from metrics.read.health import BoardHealth
from metrics.read.readmodel import GoalResult
from metrics.read.views import Partnership

P = Partnership("p", "The Partnership", ["a"], [], None, 8)


def judged(series, as_of: dt.date) -> GoalResult:
    g, m = goal(), measure()
    spec = g.spec(m)
    return GoalResult(g, m, goal_status(spec, [p.point() for p in series], as_of=as_of), "Why.", series)


def test_a_card_carries_the_promises_age_and_its_flag():
    series = [point(D(2025, 1, 31), 92.0), point(D(2025, 2, 28), 92.5)]
    fresh = dashboard.goal_card(judged(series, D(2025, 4, 27)), {}, {})  # 28 Feb + 1 month = 28 Mar <= 27 Apr < 28 Apr: 1 month
    assert (fresh.age.months, fresh.age.flag) == (1, None)
    old = dashboard.goal_card(judged(series, D(2025, 5, 28)), {}, {})  # 3 months: the usual gap (1) + 2
    assert old.age.flag == "No new figures for 3 months"


def test_the_overview_says_whether_the_board_is_still_meeting_and_flags_stale_promises():
    series = [point(D(2025, 1, 31), 92.0), point(D(2025, 2, 28), 92.5)]
    board = BoardHealth("p", 8, D(2025, 3, 1), D(2025, 4, 26), True, D(2025, 5, 28))
    (block,) = dashboard.overview_cards([P], [judged(series, D(2025, 5, 28))], {}, {"p": D(2025, 3, 1)}, {"g1": False}, boards={"p": board})
    page = html.render("overview_partnership.html", block=block)
    assert "Last board review: 1 March 2025. The next was due by 26 April 2025 (every 8 weeks): overdue by 32 days." in page
    assert 'class="od-health od-overdue"' in page
    assert "No new figures for 3 months" in page


def test_a_board_meeting_on_time_is_said_plainly():
    board = BoardHealth("p", 8, D(2025, 3, 1), D(2025, 4, 26), False, D(2025, 4, 1))
    (block,) = dashboard.overview_cards([P], [], {}, {"p": D(2025, 3, 1)}, {}, boards={"p": board})
    page = html.render("overview_partnership.html", block=block)
    assert "Next review due by 26 April 2025 (every 8 weeks)." in page and "od-overdue" not in page


def test_the_goal_page_states_the_interval_method_the_phase_and_the_age():
    """Beside the chart: how the intervals are worked out (the measure's one
    model), where the SPC phase the icons read began, and how old the latest figure is."""
    from metrics.methods.series import SeriesChange

    series = [point(D(2023 + i // 12, i % 12 + 1, 28), 90.0 + (i % 3) * 0.2) for i in range(18)]  # Jan 2023 - Jun 2024
    g, m = goal(), measure()
    change = SeriesChange(series[2].period_start, "phase", "New register system")
    a = goal_status(g.spec(m), [p.point() for p in series], changes=[change], as_of=D(2024, 7, 1))
    numbers = dashboard.goal_numbers(GoalResult(g, m, a, "Why.", series, changes=[change]), {})
    facts = " ".join(numbers.facts)
    assert "95% intervals by Wilson's score method (a share of its base), the same for every period of this measure." in facts
    assert "The variation and assurance icons read the SPC phase from 1 March 2023 (a change point recorded: New register system)." in facts
    assert "Latest figure: Jun 2024" in facts
