"""Accountability health: is the partnership still holding itself to account?
(docs/methods.md, "Is the partnership still holding itself to account?")

Per partnership, the last board review it held, when the next is due by its
own cadence and whether that day has passed; per promise, its latest figure,
how many months old it is and the plain "no new figures for N months" flag.
The rules are metrics.methods.freshness; this module reads the dates they
need, once, for every view: the internal Overview, the public gate (and so
the static site, the live public page and the snapshot).

A review "held" is one in the review calendar's table (metrics.read.reviews):
a date the board recorded that it met, or a review whose pack was made, on
or before the day asked about. The calendar's planned dates (every cadence
from the first promise) are when reviews are due, not evidence that one
happened, so they never count here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from metrics.methods.explain import format_day, format_month
from metrics.methods.freshness import is_overdue, is_stale, next_review_due, stale_text, usual_gap_months
from metrics.read import reviews
from metrics.read.readmodel import GoalResult
from metrics.read.views import Partnership
from metrics.store import as_of_filter


@dataclass(frozen=True)
class BoardHealth:
    """Whether a partnership's board is meeting by its own cadence, on `today`."""

    partnership_id: str
    cadence_weeks: int
    last_review: dt.date | None
    next_due: dt.date | None
    overdue: bool
    today: dt.date

    @property
    def days_overdue(self) -> int:
        return (self.today - self.next_due).days if self.overdue and self.next_due else 0

    @property
    def last_text(self) -> str:
        return format_day(self.last_review) if self.last_review else "none recorded yet"

    @property
    def next_text(self) -> str:
        if self.next_due is None:
            return "not yet: no promise made"
        return f"{format_day(self.next_due)}, {self.days_overdue} day{'s' if self.days_overdue != 1 else ''} overdue" if self.overdue else format_day(self.next_due)

    @property
    def text(self) -> str:
        """The board's health in one plain sentence."""
        last = f"Last board review: {self.last_text}."
        if self.next_due is None:
            return last
        due = f"The next was due by {format_day(self.next_due)} (every {self.cadence_weeks} weeks)"
        if self.overdue:
            return f"{last} {due}: overdue by {self.days_overdue} day{'s' if self.days_overdue != 1 else ''}."
        return f"{last} Next review due by {format_day(self.next_due)} (every {self.cadence_weeks} weeks)."


def board_health(
    con: duckdb.DuckDBPyConnection, partnerships: Sequence[Partnership], today: dt.date,
    as_of: dt.datetime | None = None, public_only: bool = False,
) -> dict[str, BoardHealth]:
    """Each partnership's board health on `today`, from what was known at
    `as_of` (now, without one): its current goals' first stated_on (never a
    superseded version's) and the reviews recorded by then. With
    `public_only` (the public pages), only public promises count: an internal
    goal's date must not show, nor its existence."""
    held = reviews.reviews_held(con, [p.partnership_id for p in partnerships], today, as_of)
    first = dict(con.execute(
        f"""SELECT partnership_id, min(stated_on) FROM goals
            WHERE partnership_id IN (SELECT unnest($1::VARCHAR[])) AND {as_of_filter(as_of)}
              AND (NOT $2 OR visibility = 'public')
            GROUP BY 1""",
        [[p.partnership_id for p in partnerships], public_only],
    ).fetchall())
    out = {}
    for p in partnerships:
        days = held.get(p.partnership_id, [])
        last = days[-1] if days else None
        due = next_review_due(last, first.get(p.partnership_id), p.cadence_weeks)
        out[p.partnership_id] = BoardHealth(p.partnership_id, p.cadence_weeks, last, due, is_overdue(due, today), today)
    return out


@dataclass(frozen=True)
class PromiseAge:
    """How old a promise's latest figure is (its status's latest figure, V)."""

    latest_period_end: dt.date | None
    months: int | None
    usual_gap: int
    stale: bool

    @property
    def flag(self) -> str | None:
        """"No new figures for 7 months" when the promise is stale, else None."""
        return stale_text(self.months) if self.stale and self.months is not None else None

    @property
    def text(self) -> str:
        """The age in words, flagged or not."""
        if self.latest_period_end is None:
            return "No figure yet"
        if self.flag:
            return f"{self.flag} (latest: {format_month(self.latest_period_end)})"
        return f"Latest figure: {format_month(self.latest_period_end)}"


def promise_age(result: GoalResult) -> PromiseAge:
    """A goal's latest figure and its age at the judgement's as-of day
    (GoalAssessment.stale_months), against the usual gap between its
    periods (every period of its series, with a figure or not)."""
    a = result.assessment
    gap = usual_gap_months([p.period_end for p in result.series])
    return PromiseAge(a.latest_period_end, a.stale_months, gap, is_stale(a.stale_months, gap))
