"""Whether the accountability is alive: how old a promise's latest figure is,
and when the board's next review is due by its own cadence (docs/methods.md,
"Is the partnership still holding itself to account?").

Baltimore's CitiStat stopped meeting without anyone saying so; Clear Impact
scores how current a scorecard is. These are the rules both the internal
Overview and the public pages read (metrics.read.health gathers the dates).
Pure functions on dates: months are calendar months, counted the way a
reader counts them ("31 January to 28 February is a month").
"""

from __future__ import annotations

import calendar
import datetime as dt
import statistics
from collections.abc import Sequence

# A promise is flagged when no figure has arrived for this many months longer
# than the usual gap between its figures: figures reach the steward some weeks
# after their period ends, and a month's slip is not yet a sign of neglect.
STALE_GRACE_MONTHS = 2


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, or that month's last day
    when it has no such day (31 January + 1 month = 28 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later`: the largest n with
    add_months(earlier, n) on or before `later` (0 when `later` is earlier).

    A figure for the period ending 31 October is 0 months old on 23 November
    and 1 month old on 30 November."""
    if later <= earlier:
        return 0
    n = (later.year - earlier.year) * 12 + later.month - earlier.month
    while n > 0 and add_months(earlier, n) > later:
        n -= 1
    return n


def usual_gap_months(period_ends: Sequence[dt.date]) -> int:
    """How often a series usually has a new figure: the median (the lower one
    of an even count) of the whole months between consecutive period ends, at
    least 1. One monthly series with a summer gap is 1; termly surveys are 4."""
    ends = sorted(set(period_ends))
    gaps = [months_between(a, b) for a, b in zip(ends, ends[1:])]
    return max(1, statistics.median_low(gaps)) if gaps else 1


def is_stale(months: int | None, usual_gap: int) -> bool:
    """No new figure for two months longer than the usual gap between figures
    (for monthly figures: 3 months). False when there is no figure yet (the
    promise is awaiting its first, which the status says)."""
    return months is not None and months >= usual_gap + STALE_GRACE_MONTHS


def stale_text(months: int) -> str:
    """The flag in words: "No new figures for 7 months"."""
    return f"No new figures for {months} month{'s' if months != 1 else ''}"


def next_review_due(last_held: dt.date | None, first_stated: dt.date | None, cadence_weeks: int) -> dt.date | None:
    """When the board should next meet: one cadence after the last review it
    held, or, before the first, one cadence after its first promise was
    stated. None for a partnership with no promise yet."""
    start = last_held or first_stated
    return None if start is None else start + dt.timedelta(weeks=cadence_weeks)


def is_overdue(next_due: dt.date | None, today: dt.date) -> bool:
    """The next review is overdue once its due day has passed without one."""
    return next_due is not None and today > next_due
