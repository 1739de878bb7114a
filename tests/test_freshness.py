"""Accountability health: how old a promise's latest figure is, and whether
the board is still meeting by its own cadence (docs/methods.md, "Is the
partnership still holding itself to account?"). Expected values by hand on a
calendar."""

from __future__ import annotations

from datetime import date

import pytest

from metrics.methods.freshness import (
    add_months,
    is_stale,
    months_between,
    next_review_due,
    stale_text,
    usual_gap_months,
)


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # a leap year
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # counted from the start, not step by step
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 7, 15), 0, date(2026, 7, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "end,as_of,expected",
    [
        (date(2026, 10, 31), date(2026, 11, 23), 0),  # October's figure in November: not a month old
        (date(2026, 10, 31), date(2026, 11, 30), 1),  # 31 Oct + 1 month = 30 Nov (no 31 Nov)
        (date(2026, 7, 31), date(2026, 11, 23), 3),  # 31 Oct <= 23 Nov < 30 Nov
        (date(2026, 3, 31), date(2026, 11, 23), 7),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 12, 31), date(2026, 11, 23), 0),  # a period ending later than the as-of date
    ],
)
def test_months_between(end, as_of, expected):
    assert months_between(end, as_of) == expected


def test_the_usual_gap_is_the_median_of_the_gaps_between_period_ends():
    monthly = [date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 9, 30)]  # no August: gaps 1, 1, 2
    assert usual_gap_months(monthly) == 1
    termly = [date(2025, 3, 31), date(2025, 7, 31), date(2025, 12, 31), date(2026, 3, 31), date(2026, 7, 31)]  # 4, 5, 3, 4
    assert usual_gap_months(termly) == 4
    assert usual_gap_months([date(2026, 3, 31)]) == 1  # one figure: assume monthly
    assert usual_gap_months([]) == 1


@pytest.mark.parametrize(
    "months,gap,stale",
    [(2, 1, False), (3, 1, True), (5, 4, False), (6, 4, True), (None, 1, False)],
)
def test_a_promise_is_stale_two_months_after_its_next_figure_was_due(months, gap, stale):
    assert is_stale(months, gap) is stale


def test_stale_text_is_plain():
    assert stale_text(7) == "No new figures for 7 months"
    assert stale_text(1) == "No new figures for 1 month"


def test_next_review_due_follows_the_last_review_held():
    # every 8 weeks = 56 days: 17 Sep 2026 + 56 days = 12 Nov 2026
    assert next_review_due(date(2026, 9, 17), date(2024, 10, 15), 8) == date(2026, 11, 12)
    # never met: one cadence after the first promise was stated
    assert next_review_due(None, date(2024, 10, 15), 8) == date(2024, 12, 10)
    assert next_review_due(None, None, 8) is None
