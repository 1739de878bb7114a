"""Plain-English explanations of figures and statuses (docs/methods.md, "How we decide a goal's status").

Every sentence is built from the same numbers as the status, so the words can
never disagree with the badge. Aimed at a reading age of about 12: short
sentences, everyday words, one idea each.
"""

from __future__ import annotations

import functools
from datetime import date

from metrics.methods.series import SeriesChange
from metrics.methods.spc import MIN_POINTS
from metrics.methods.status import GoalAssessment, GoalSpec
from metrics.vocab import ASSURANCE_LABELS, UNIT_SUFFIX, VARIATION_LABELS, direction_sign

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NO_FIGURE = "no figure"


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    # -0.04 rounds to "-0.0"; a reader should see 0.
    return text[1:] if text.startswith("-") and float(text[1:].replace(",", "")) == 0 else text


@functools.lru_cache(maxsize=2**16)  # pure, and a national site formats half a million figures, a few thousand distinct
def format_value(value: float | None, unit: str) -> str:
    """A figure as a reader sees it: '93.7%', '12.3 per 1,000', '59.1 per 10,000', '1,042', '47.1'; None is 'no figure'.

    Percentages, rates and scores to one decimal place; counts as whole numbers
    (one decimal place if a count is not whole). Thousands separated by commas.
    """
    if value is None:
        return NO_FIGURE
    if unit in UNIT_SUFFIX:
        return f"{_number(value, 1)}{UNIT_SUFFIX[unit]}"
    if unit == "count":
        return _number(value, 0 if float(value).is_integer() else 1)
    return _number(value, 1)


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def format_month(d: date) -> str:
    """'Mar 2026': month and year, the same in every locale."""
    return f"{MONTHS[d.month - 1]} {d.year}"


def format_day(d: date) -> str:
    """'5 March 2026': a day as GOV.UK writes it, the same in every locale
    (strftime's month names follow the server's locale)."""
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def break_text(change: SeriesChange) -> str:
    """Why a line stops, for a chart's legend: "Series break: a new definition"."""
    return f"Series break: {change.reason_text}"


def _about(subject: str | None, sentence: str) -> str:
    return f"{subject}: {sentence}" if subject else sentence[:1].upper() + sentence[1:]


def break_sentence(change: SeriesChange, subject: str | None = None, baseline: date | None = None) -> str:
    """A break in a sentence, for the pages: "The line stops before 1 September
    2025: a new definition; figures either side are not joined." (or, about a
    subject, "Feeling safe: the line stops before ..."). Given a goal's
    baseline date from before the break, it says so: the promise itself then
    compares figures either side of the break, which a reader must know."""
    text = f"the line stops before {format_day(change.date)}: {change.reason_text}; figures either side are not joined."
    if baseline is not None and baseline < change.date:
        text += f" The baseline ({format_month(baseline)}) is from before the break, so the promise compares figures from either side of it."
    return _about(subject, text)


def phase_sentence(change: SeriesChange, subject: str | None = None) -> str:
    """An SPC change point in a sentence, with its reason and who recorded it
    (internal views only: the reason is the board's record)."""
    who = f", recorded by {change.recorded_by}" if change.recorded_by else ""
    return _about(subject, f"process limits worked out afresh from {format_day(change.date)}: {change.reason}{who}.")


def variation_high(code: str, direction: str) -> bool:
    """Whether a special cause sits on the high side: improvement where higher
    is better, concern where lower is better (Making Data Count's H and L)."""
    return (code == "improvement") == (direction == "higher_is_better")


def variation_label(code: str | None, direction: str | None = None) -> str:
    """The SPC variation icon in words (docs/methods.md, "Variation over time"), with the side of a
    special cause when the measure's direction is given, or why there is none."""
    if code is None:
        return f"No SPC icon: fewer than {MIN_POINTS} points"
    if code == "common_cause" or direction is None:
        return VARIATION_LABELS[code]
    return f"{VARIATION_LABELS[code]} ({'high' if variation_high(code, direction) else 'low'} values)"


def assurance_label(code: str | None) -> str:
    """The SPC assurance icon in words, or why there is none."""
    return ASSURANCE_LABELS[code] if code else f"No assurance icon: fewer than {MIN_POINTS} points"


def table_number(value: float | None, unit: str) -> float | None:
    """A figure for a table or a download: the precision the pages show
    (format_value's decimals), as a number a spreadsheet can sort."""
    if value is None:
        return None
    return round(value, 0 if unit == "count" and float(value).is_integer() else 1)


def _interval_text(a: GoalAssessment, unit: str) -> str:
    return f"{format_value(a.ci_low, unit)} to {format_value(a.ci_high, unit)}"


def _straight_line_sentence(goal: GoalSpec, a: GoalAssessment) -> str:
    """'To be on the straight line from B to T by <month> it would need to be E'."""
    unit = goal.unit
    return (
        f"To be on the straight line from {format_value(goal.baseline_value, unit)} "
        f"to {format_value(goal.target_value, unit)} by {format_month(goal.target_date)} "
        f"it would need to be {format_value(a.expected_value, unit)}"
    )


def _on_track_ending(goal: GoalSpec, a: GoalAssessment) -> str:
    unit = goal.unit
    if format_value(a.latest_value, unit) == format_value(a.expected_value, unit):
        return "on plan"
    ahead = direction_sign(goal.direction) * (a.latest_value - a.expected_value) > 0  # type: ignore[operator]
    return "ahead of plan" if ahead else "just behind plan, but close enough to be on track"


def status_explanation(goal: GoalSpec, a: GoalAssessment, measure_name: str) -> str:
    """One or two plain sentences saying why the goal has its status (docs/methods.md, "How we decide a goal's status").

    For example: "Attendance rate is 93.7% (Mar 2026). To be on the straight
    line from 92.0% to 95.0% by Jul 2027 it would need to be 93.0%: ahead of plan."
    """
    unit = goal.unit
    name = measure_name[:1].upper() + measure_name[1:]
    baseline = format_value(goal.baseline_value, unit)
    target = format_value(goal.target_value, unit)
    by_target = format_month(goal.target_date)

    if a.status == "awaiting_data" or a.latest_period_end is None:
        return (
            f"{name} has no figure yet for a period after the baseline of {baseline} "
            f"({format_month(goal.baseline_date)}). We will judge progress when the first one arrives."
        )

    latest = f"{name} is {format_value(a.latest_value, unit)} ({format_month(a.latest_period_end)})"
    if a.status == "met":
        return f"{latest}. That meets the target of {target} set for {by_target}: target met."
    if a.status == "missed":
        return f"{latest}. The target was {target} by {by_target}, and it was not reached: target missed."
    if a.status == "too_uncertain":
        return (
            f"{latest}, but the true figure could be anywhere from {_interval_text(a, unit)} "
            f"(95% interval). That range holds both the baseline of {baseline} and the "
            f"{format_value(a.expected_value, unit)} expected by now, so it is too soon to judge."
        )
    if a.status == "worsening":
        moved = "down" if a.latest_value < goal.baseline_value else "up"  # type: ignore[operator]
        return (
            f"{latest}, {moved} from {baseline} at the baseline ({format_month(goal.baseline_date)}). "
            f"It has moved away from the target of {target} by {by_target}: worsening."
        )
    endings = {
        "needs_acceleration": "progress, but it needs to speed up to reach the target",
        "limited_progress": "it has moved only a little, or not at all, towards the target",
    }
    ending = _on_track_ending(goal, a) if a.status == "on_track" else endings[a.status]
    return f"{latest}. {_straight_line_sentence(goal, a)}: {ending}."
