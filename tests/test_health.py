"""Accountability health as the read model gives it to the Overview and the
public gate (metrics.read.health): each partnership's last board review held,
when the next is due by its own cadence and whether it is overdue; each
promise's latest figure, how many months old, and the "no new figures" flag.
Expected dates by hand on a calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BASE_FILES, write_files

from metrics import edits
from metrics.access import LOCAL
from metrics.contract.importer import import_paths
from metrics.read import health, readmodel, reviews, views

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


@pytest.fixture
def board(fresh_db, tmp_path):
    """BASE (first goal stated 15 Oct 2024, reviews every 8 weeks) recorded on 20 Nov 2024."""
    assert import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), at=dt.datetime(2024, 11, 20, 9)).ok
    return fresh_db


def test_a_board_that_never_met_is_due_one_cadence_after_its_first_promise(board):
    (p,) = views.partnerships(board)
    h = health.board_health(board, [p], today=dt.date(2024, 12, 10))["shire-board"]
    assert (h.last_review, h.next_due, h.overdue) == (None, dt.date(2024, 12, 10), False)  # 15 Oct + 56 days
    late = health.board_health(board, [p], today=dt.date(2024, 12, 11))["shire-board"]
    assert late.overdue and late.days_overdue == 1


def test_the_next_review_is_due_one_cadence_after_the_last_one_held(board):
    (p,) = views.partnerships(board)
    edits.record_review(board, LOCAL, "shire-board", dt.date(2025, 1, 8), actor="test")
    edits.freeze_review(board, LOCAL, "shire-board", dt.date(2025, 3, 5), actor="test", now=dt.datetime(2025, 3, 5, 9))
    h = health.board_health(board, [p], today=dt.date(2025, 4, 30))["shire-board"]
    assert (h.last_review, h.next_due, h.overdue) == (dt.date(2025, 3, 5), dt.date(2025, 4, 30), False)  # 5 Mar + 56 days
    h = health.board_health(board, [p], today=dt.date(2025, 6, 1))["shire-board"]
    assert h.overdue and h.days_overdue == 32
    assert "overdue" in h.text and "30 April 2025" in h.text


def test_a_pack_made_ahead_for_a_later_review_is_not_a_review_held(board):
    (p,) = views.partnerships(board)
    edits.freeze_review(board, LOCAL, "shire-board", dt.date(2025, 2, 4), actor="test", now=dt.datetime(2025, 1, 30, 9))
    h = health.board_health(board, [p], today=dt.date(2025, 1, 31))["shire-board"]
    assert h.last_review is None


def test_the_overviews_last_review_is_the_last_one_held(board):
    """The calendar has review dates every 8 weeks whether or not the board met;
    "since the last review" counts from a review the board held."""
    (p,) = views.partnerships(board)
    assert reviews.last_reviews(board, [p], today=dt.date(2025, 3, 1))["shire-board"] is None
    edits.record_review(board, LOCAL, "shire-board", dt.date(2025, 1, 8), actor="test")
    assert reviews.last_reviews(board, [p], today=dt.date(2025, 3, 1))["shire-board"][0] == dt.date(2025, 1, 8)


def months_of(end_days: list[str], place: str = "north") -> str:
    rows = []
    for end in end_days:
        e = dt.date.fromisoformat(end)
        rows.append(f"incidents,{place},{e.replace(day=1)},{e},3,,,,,,")
    return "\n".join(rows)


def test_a_promise_with_monthly_figures_is_flagged_three_months_after_its_latest(board, tmp_path):
    """North End's incidents: monthly to 31 Jan 2025. On 30 Apr 2025 that is 3
    months old (31 Jan + 3 months = 30 Apr): one more than the usual gap of 1
    plus 2 months' grace, so flagged. On 29 Apr it is 2 months: not yet."""
    text = f"{OBS_HEAD}\n{months_of(['2024-10-31', '2024-11-30', '2024-12-31', '2025-01-31'])}\n"
    assert import_paths(board, write_files(tmp_path / "o", {"observations.csv": text}), at=dt.datetime(2025, 2, 14)).ok
    for day, months, stale in ((dt.date(2025, 4, 29), 2, False), (dt.date(2025, 4, 30), 3, True)):
        (r,) = readmodel.goal_results(board, goal_ids=["north-safer"], as_of=reviews.end_of_day(day))
        age = health.promise_age(r)
        assert (age.latest_period_end, age.months, age.usual_gap, age.stale) == (dt.date(2025, 1, 31), months, 1, stale)
    assert age.flag == "No new figures for 3 months"


def test_a_promise_awaiting_its_first_figure_is_not_flagged(board):
    (r,) = readmodel.goal_results(board, goal_ids=["attend-up"], as_of=reviews.end_of_day(dt.date(2026, 6, 1)))
    age = health.promise_age(r)
    assert r.assessment.status == "awaiting_data" and age.months is None and not age.stale and age.flag is None


def test_a_view_of_the_past_does_not_know_of_a_review_recorded_later(board):
    # The board met on 5 December 2024 but the steward recorded it on 20 January 2025.
    edits.record_review(board, LOCAL, "shire-board", dt.date(2024, 12, 5), actor="steward", now=dt.datetime(2025, 1, 20, 10))
    assert reviews.reviews_held(board, ["shire-board"], dt.date(2025, 1, 10), as_of=dt.datetime(2025, 1, 10, 12)) == {"shire-board": []}
    assert reviews.reviews_held(board, ["shire-board"], dt.date(2025, 1, 25), as_of=dt.datetime(2025, 1, 25, 12)) == {"shire-board": [dt.date(2024, 12, 5)]}
    (p,) = views.partnerships(board)
    # By hand: first promise stated 15 October 2024, every 8 weeks -> due 10 December 2024; on 10 January overdue.
    before = health.board_health(board, [p], dt.date(2025, 1, 10), as_of=dt.datetime(2025, 1, 10, 12))["shire-board"]
    assert before.last_review is None and before.next_due == dt.date(2024, 12, 10) and before.overdue
