"""The periods published files are written in, as inclusive dates.

Each publisher labels time its own way: police.uk `2016-07`, the Met's
`202401` columns, Fingertips' `2010/11` (a financial year, 1 April to
31 March) or `2021/22 - 23/24`, DfE's `202526` with a `time_identifier`.
Every reading is a pure function from the label to a `Period`, or None when
the label is not one this module knows; the adapters turn None into a
problem naming the file, row and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Period:
    """An inclusive date range with the label the publisher gave it."""

    start: dt.date
    end: dt.date
    label: str = ""

    @property
    def key(self) -> tuple[dt.date, dt.date]:
        return self.start, self.end


# The years a published figure can be dated in: the same bounds for every
# reader, so `0000` or `9999/00` is a label this module cannot date (a row
# problem), never a date the calendar cannot hold (an internal error).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _dated_in_known_years(read: Callable[..., Period | None]) -> Callable[..., Period | None]:
    """A reader whose answer is None unless the period lies within
    FIRST_YEAR..LAST_YEAR; a label naming year 0 or 10000 is None too."""

    @functools.wraps(read)
    def checked(*labels: str) -> Period | None:
        try:
            period = read(*labels)
        except ValueError:  # dt.date refuses the year (0, or 10,000 for the year after 9999)
            return None
        if period is None or period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
            return None
        return period

    return checked


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def month_period(year: int, month: int, label: str = "") -> Period | None:
    """A calendar month, first to last day; None for a month outside 1-12."""
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), label)


def calendar_year(year: int, label: str = "") -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), label)


def financial_year(year: int, label: str = "") -> Period:
    """The UK government's financial year starting in `year`: 1 April to 31 March."""
    return Period(dt.date(year, 4, 1), dt.date(year + 1, 3, 31), label)


def academic_year(year: int, label: str = "") -> Period:
    """DfE's academic year starting in `year`: 1 September to 31 July (as the
    attendance statistics count it; August is the holiday)."""
    return Period(dt.date(year, 9, 1), dt.date(year + 1, 7, 31), label)


def tax_year(year: int, label: str = "") -> Period:
    """The UK tax year starting in `year`: 6 April to 5 April."""
    return Period(dt.date(year, 4, 6), dt.date(year + 1, 4, 5), label)


def _next_two_digits(first: int, two: str) -> int | None:
    """The year after `first` whose last two digits are `two` ("2010/11" -> 2011)."""
    year = first - first % 100 + int(two)
    if year <= first:
        year += 100
    return year if year - first < 100 else None


@_dated_in_known_years
def police_month(text: str) -> Period | None:
    """data.police.uk's `Month`: `2016-07`."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text)
    return month_period(int(m.group(1)), int(m.group(2)), text) if m else None


@_dated_in_known_years
def met_month(text: str) -> Period | None:
    """A month column of the Met's ward-level file: `202401`."""
    m = re.fullmatch(r"(\d{4})(\d{2})", text)
    return month_period(int(m.group(1)), int(m.group(2)), text) if m else None


@_dated_in_known_years
def fingertips_period(text: str) -> Period | None:
    """Fingertips' `Time period`.

    `2010/11` is a financial year (1 April 2010 to 31 March 2011); `2021` a
    calendar year; `2021/22 - 23/24` the financial years 2021/22 to 2023/24;
    `2019 - 21` the calendar years 2019 to 2021; `2023/24 Q1` a financial
    quarter (Q1 = April to June); `2023 Q1` a calendar quarter.
    """
    t = text.strip()
    if m := re.fullmatch(r"(\d{4})", t):
        return calendar_year(int(m.group(1)), text)
    if m := re.fullmatch(r"(\d{4})/(\d{2})", t):
        first = int(m.group(1))
        if _next_two_digits(first, m.group(2)) != first + 1:
            return None
        return financial_year(first, text)
    if m := re.fullmatch(r"(\d{4})/(\d{2}) - (\d{2})/(\d{2})", t):
        first = int(m.group(1))
        if _next_two_digits(first, m.group(2)) != first + 1:
            return None
        last_start = _next_two_digits(first - 1, m.group(3))  # the first year from `first` ending in those digits
        if last_start is None or _next_two_digits(last_start, m.group(4)) != last_start + 1:
            return None
        return Period(dt.date(first, 4, 1), dt.date(last_start + 1, 3, 31), text)
    if m := re.fullmatch(r"(\d{4}) - (\d{2})", t):
        first = int(m.group(1))
        last = _next_two_digits(first, m.group(2))
        if last is None:
            return None
        return Period(dt.date(first, 1, 1), dt.date(last, 12, 31), text)
    if m := re.fullmatch(r"(\d{4})/(\d{2}) Q([1-4])", t):
        first = int(m.group(1))
        if _next_two_digits(first, m.group(2)) != first + 1:
            return None
        q = int(m.group(3))
        start_month = 4 + 3 * (q - 1)
        year = first if start_month <= 12 else first + 1
        start_month = start_month if start_month <= 12 else start_month - 12
        return _quarter(year, start_month, text)
    if m := re.fullmatch(r"(\d{4}) Q([1-4])", t):
        return _quarter(int(m.group(1)), 1 + 3 * (int(m.group(2)) - 1), text)
    return None


def _quarter(year: int, start_month: int, label: str) -> Period:
    end_month = start_month + 2
    return Period(dt.date(year, start_month, 1), dt.date(year, end_month, calendar.monthrange(year, end_month)[1]), label)


@_dated_in_known_years
def ees_period(time_period: str, time_identifier: str) -> Period | None:
    """An explore-education-statistics `time_period` with its `time_identifier`.

    Academic year `202526` (1 September 2025 to 31 July 2026), Financial year
    `202425` (1 April to 31 March), Tax year `202425` (6 April to 5 April),
    Calendar year `2024`, their quarters (`Calendar year Q1` ... ; a financial
    Q1 is April to June), and months (`January` with a calendar year `2024`,
    or with an academic year `202425`). Terms and reporting years have no
    fixed dates: None, and the caller says the dates.
    """
    label = f"{time_period} {time_identifier}"
    one = re.fullmatch(r"(\d{4})", time_period)
    two = re.fullmatch(r"(\d{4})(\d{2})", time_period)
    first = int(two.group(1)) if two else None
    if two and _next_two_digits(first, two.group(2)) != first + 1:  # type: ignore[arg-type]
        two = None
    yearly = {"Academic year": academic_year, "Financial year": financial_year, "Tax year": tax_year}
    if time_identifier in yearly and two:
        return yearly[time_identifier](first, label)  # type: ignore[arg-type]
    if time_identifier == "Calendar year" and one:
        return calendar_year(int(one.group(1)), label)
    if m := re.fullmatch(r"(Calendar|Financial) year Q([1-4])", time_identifier):
        q = int(m.group(2))
        if m.group(1) == "Calendar" and one:
            return _quarter(int(one.group(1)), 1 + 3 * (q - 1), label)
        if m.group(1) == "Financial" and two:
            start = 4 + 3 * (q - 1)
            return _quarter(first + (start > 12), start - 12 * (start > 12), label)  # type: ignore[operator]
        return None
    if time_identifier in MONTHS:
        month = MONTHS.index(time_identifier) + 1
        if one:
            return month_period(int(one.group(1)), month, label)
        if two:
            return month_period(first + (month < 9), month, label)  # type: ignore[operator]
    return None
