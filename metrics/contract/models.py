"""pydantic models of the import rows of docs/data-contract.md, one per kind.

Each model takes a row of text cells exactly as the steward typed them and
either gives typed values or errors that say what is wrong and how to fix it.
Rules that need more than one row (references, the place tree, duplicate keys)
live in `metrics.importer`; rules that need the measure (units, ranges,
directions) read it from the validation context.

Observations are validated in bulk by SQL (`metrics.observations_sql`) for
speed; `ObservationRow` is the same rule set written row by row, used for
single edits in the app and as the oracle the bulk path is tested against.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from metrics.contract.control_chars import problem_message as control_character_problem
from metrics.methods.aggregate import Figure as MethodsFigure
from metrics.methods.aggregate import derived_value
from metrics.vocab import (
    ACTION_STATUSES,
    BREAK_REASONS,
    CONSENTS,
    DIRECTIONS,
    DOMAINS,
    GSS_SYMBOL_CELLS,
    LEVELS,
    UNIT_SCALE,
    UNITS,
    VISIBILITIES,
    VOICES,
    area_type,
    is_gss_code,
    is_slug,
)

NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# How far a stated value may be from numerator / denominator x scale (docs/data-contract.md).
VALUE_TOLERANCE = 0.05


class CellError(ValueError):
    """A cell that cannot be read, with what to do about it."""

    def __init__(self, code: str, message: str, fix: str = "", column: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
        self.column = column


# --- cell parsers: text as typed -> value, or CellError ----------------------

def parse_text(raw: str) -> str:
    if raw.strip() == "":
        raise CellError("blank", "is blank (only spaces).", "Type the text, or leave the cell completely empty if it is optional.")
    return raw


def parse_slug(raw: str) -> str:
    if not is_slug(raw):
        hint = ""
        if raw.strip() != raw:
            hint = "Delete the spaces around it. "
        elif raw.lower() != raw and is_slug(raw.lower()):
            hint = f'Use lower case: "{raw.lower()}". '
        raise CellError(
            "bad_id",
            "is not a valid id.",
            hint + "Ids use lower-case letters a-z, digits, - and _ only, start with a letter or digit and are at most 63 characters (e.g. brookfield-north).",
        )
    return raw


# The dates a record may carry: a year outside these is a typing slip (9999
# for 2025), and one such date would stretch or break every chart it is on.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def parse_date(raw: str) -> dt.date:
    day = parse_any_date(raw)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise CellError(
            "date_out_of_range",
            f"is outside the dates a record may carry ({EARLIEST_DATE.year} to {LATEST_DATE.year}).",
            "Check the year (a typing slip such as 9999 or 0001 for this year?).",
        )
    return day


def parse_any_date(raw: str) -> dt.date:
    """A date in the form YYYY-MM-DD, any year: for an area's valid_from and
    valid_to, where official lookups write 9999-12-31 for "still valid"."""
    if not DATE_RE.fullmatch(raw):
        raise CellError(
            "bad_date",
            "is not a date in the form YYYY-MM-DD.",
            "Write dates as 2026-03-31 (in Excel, format the column as a Date or as yyyy-mm-dd).",
        )
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise CellError("bad_date", "is not a real date.", "Check the day and month (e.g. there is no 2026-02-30).") from None


def parse_number(raw: str) -> float:
    if NUMBER_RE.fullmatch(raw):
        value = float(raw)
        if not math.isfinite(value):
            raise CellError("bad_number", "is too large to be a figure.", "Check the number; write it in full digits.")
        return value
    if raw.strip() != raw and NUMBER_RE.fullmatch(raw.strip()):
        raise CellError("bad_number", "has spaces around the number.", "Delete the spaces.")
    if "%" in raw:
        raise CellError("bad_number", "has a % sign.", "Write the number alone (93.5, not 93.5%): the unit comes from the measure.")
    if "," in raw and NUMBER_RE.fullmatch(raw.replace(",", "")):
        raise CellError("bad_number", "has a comma in it.", "Write numbers without thousands separators and with . as the decimal point (1234.5, not 1,234.5 or 1234,5).")
    raise CellError("bad_number", "is not a number.", "Write a number with . as the decimal point (e.g. 93.5), or a GSS symbol such as c where the figure is not available.")


def parse_whole(raw: str) -> int:
    x = parse_number(raw)
    if not x.is_integer():
        raise CellError("bad_whole", "is not a whole number.", "Write a whole number (e.g. 120).")
    return int(x)


def parse_bool(raw: str) -> bool:
    low = raw.lower()
    if low in ("true", "false"):
        return low == "true"
    raise CellError("bad_bool", "must be true or false.", "Write true or false (or leave it empty for false).")


def enum_parser(choices: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw in choices:
            return raw
        near = [c for c in choices if c == raw.strip().lower().replace(" ", "_").replace("-", "_")]
        hint = f'Did you mean "{near[0]}"? ' if near else ""
        raise CellError("bad_choice", f"is not one of: {', '.join(choices)}.", f"{hint}Use one of the listed words exactly.")

    return parse


def parse_slug_list(raw: str) -> list[str]:
    items = raw.split(";")
    if any(i == "" for i in items):
        raise CellError("bad_list", "has an empty item (two ; together, or ; at either end).", "Separate ids with a single ; (e.g. north-end;riverside).")
    for item in items:
        if not is_slug(item):
            raise CellError(
                "bad_list",
                f'has "{item}", which is not a valid id.',
                "Separate place ids with ; and no spaces (e.g. north-end;riverside); ids use lower-case letters, digits, - and _.",
            )
    if len(set(items)) != len(items):
        raise CellError("bad_list", "names the same id twice.", "List each id once.")
    return items


def parse_text_list(raw: str) -> list[str]:
    items = raw.split(";")
    if any(i.strip() == "" for i in items):
        raise CellError("bad_list", "has an empty item (two ; together, or ; at either end).", "Separate the names with a single ;.")
    return items


def parse_area_code(raw: str) -> str:
    """An official area's GSS code, of a type a place can be made of (docs/data-contract.md, place_areas)."""
    if area_type(raw) is not None:
        return raw
    kinds = "output area (E00/W00), LSOA (E01/W01), MSOA (E02/W02), ward (E05/W05) or local authority (E06-E10/W06)"
    if raw.strip() != raw and area_type(raw.strip()) is not None:
        raise CellError("bad_area_code", "has spaces around the code.", "Delete the spaces.")
    if raw != raw.upper() and area_type(raw.upper()) is not None:
        raise CellError("bad_area_code", "is in lower case.", f'Write GSS codes in capitals: "{raw.upper()}".')
    if is_gss_code(raw):
        raise CellError(
            "bad_area_code",
            f"is a GSS code, but not of an {kinds}.",
            "A place is made of these small areas; a region or a country is a benchmark place of its own (add it to places with its code).",
        )
    raise CellError(
        "bad_area_code",
        f"is not the GSS code of an {kinds}.",
        "Write the area's ONS code: a capital letter and eight digits, e.g. E01011698 (an LSOA) or E05013666 (a ward).",
    )


def parse_interval_end(raw: str) -> float:
    """One end of a publisher's 95% interval: a number, never a GSS symbol."""
    if raw in GSS_SYMBOL_CELLS:
        raise CellError(
            "bad_number",
            "is a GSS symbol, but an interval cell holds a number or nothing.",
            "Leave ci_low and ci_high empty when the figure is not available.",
        )
    return parse_number(raw)


def figure_cell(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A figure cell holds a number, or a GSS symbol meaning "not available"."""

    def parse_figure(raw: str) -> Any:
        if raw in GSS_SYMBOL_CELLS:
            return raw
        return parse(raw)

    return parse_figure


# --- pydantic glue ----------------------------------------------------------

def _to_pydantic(parse: Callable[[str], Any], required: bool) -> Callable[[Any], Any]:
    def validate(raw: Any) -> Any:
        if isinstance(raw, str) and (refused := control_character_problem(raw)) is not None:
            raise PydanticCustomError("control_character", refused[0], {"fix": refused[1]})
        if raw is None or raw == "":
            if required:
                raise PydanticCustomError("missing", "is required but empty.", {"fix": "Fill in this cell."})
            return None
        if not isinstance(raw, str):  # typed values from the app's forms pass straight through
            return raw
        try:
            return parse(raw)
        except CellError as e:
            raise PydanticCustomError(e.code, e.message, {"fix": e.fix}) from None

    return validate


def Req(parse: Callable[[str], Any]) -> BeforeValidator:
    return BeforeValidator(_to_pydantic(parse, True))


def Opt(parse: Callable[[str], Any]) -> BeforeValidator:
    return BeforeValidator(_to_pydantic(parse, False))


def row_error(code: str, column: str, message: str, fix: str) -> PydanticCustomError:
    """An error found by looking at several cells of a row, pinned to one column."""
    return PydanticCustomError(code, message, {"fix": fix, "column": column})


class ImportRow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Slug = Annotated[str, Req(parse_slug)]
OptSlug = Annotated[str | None, Opt(parse_slug)]
Text = Annotated[str, Req(parse_text)]
OptText = Annotated[str | None, Opt(parse_text)]
Date = Annotated[dt.date, Req(parse_date)]
OptDate = Annotated[dt.date | None, Opt(parse_date)]
OptAnyDate = Annotated[dt.date | None, Opt(parse_any_date)]
Number = Annotated[float, Req(parse_number)]
OptNumber = Annotated[float | None, Opt(parse_number)]
OptWhole = Annotated[int | None, Opt(parse_whole)]


def Choice(choices: tuple[str, ...]) -> Any:
    return Annotated[Literal[choices], Req(enum_parser(choices))]  # type: ignore[valid-type]


# --- the kinds ----------------------------------------------------------------

class PlaceRow(ImportRow):
    place_id: Slug
    name: Text
    level: Choice(LEVELS)
    parent_id: OptSlug = None
    code: OptText = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> PlaceRow:
        if self.parent_id == self.place_id:
            raise row_error("cycle", "parent_id", "is the place itself: a place cannot enclose itself.", "Give the enclosing place, or leave parent_id empty.")
        if self.level == "nation" and self.parent_id:
            raise row_error("bad_parent", "parent_id", "is given for a nation, the top of the tree.", "Leave parent_id empty for a nation.")
        return self


class PlaceAreaRow(ImportRow):
    place_id: Slug
    area_code: Annotated[str, Req(parse_area_code)]
    valid_from: OptAnyDate = None
    valid_to: OptAnyDate = None

    @model_validator(mode="after")
    def _dates(self) -> PlaceAreaRow:
        if self.valid_from is not None and self.valid_to is not None and self.valid_to < self.valid_from:
            raise row_error("bad_dates", "valid_to", f"is before valid_from ({self.valid_from}).", "Check both dates: the area belongs to the place from valid_from to valid_to.")
        return self


class PartnershipRow(ImportRow):
    partnership_id: Slug
    name: Text
    places: Annotated[list[str], Req(parse_slug_list)]
    review_every_weeks: OptWhole = None
    members: Annotated[list[str] | None, Opt(parse_text_list)] = None
    description: OptText = None

    @model_validator(mode="after")
    def _cadence(self) -> PartnershipRow:
        if self.review_every_weeks is not None and not 1 <= self.review_every_weeks <= 52:
            raise row_error("out_of_range", "review_every_weeks", "must be between 1 and 52 weeks.", "Use 8 for a review every two months.")
        return self


class MeasureRow(ImportRow):
    measure_id: Slug
    name: Text
    domain: Choice(DOMAINS)
    unit: Choice(UNITS)
    direction: Choice(DIRECTIONS)
    min_value: OptNumber = None
    max_value: OptNumber = None
    suppress_below: OptWhole = None
    definition: Text
    source: OptText = None

    @model_validator(mode="after")
    def _range(self) -> MeasureRow:
        if self.min_value is not None and self.max_value is not None and self.min_value >= self.max_value:
            raise row_error("bad_range", "max_value", f"must be greater than min_value ({self.min_value:g}).", "Swap them, or correct the one that is wrong.")
        if self.suppress_below is not None and self.suppress_below < 1:
            raise row_error("out_of_range", "suppress_below", "must be at least 1.", "Use 10 (the usual threshold) unless your data owner says otherwise.")
        return self


class GoalRow(ImportRow):
    goal_id: Slug
    partnership_id: Slug
    measure_id: Slug
    scope: Slug
    statement: Text
    baseline_value: Number
    baseline_date: Date
    target_value: Number
    target_date: Date
    stated_on: Date
    visibility: Choice(VISIBILITIES)
    owner: OptText = None

    @model_validator(mode="after")
    def _promise(self, info: ValidationInfo) -> GoalRow:
        if self.target_date <= self.baseline_date:
            raise row_error("bad_dates", "target_date", f"must be after the baseline_date ({self.baseline_date}).", "Check both dates.")
        measure = (info.context or {}).get("measures", {}).get(self.measure_id)
        if measure is not None:
            sign = 1 if measure["direction"] == "higher_is_better" else -1
            if sign * (self.target_value - self.baseline_value) <= 0:
                better = "higher" if sign > 0 else "lower"
                raise row_error(
                    "not_improvement",
                    "target_value",
                    f"is not an improvement on the baseline ({self.baseline_value:g}): for {self.measure_id} {better} is better.",
                    f"Set a target {better} than the baseline, or check the measure's direction.",
                )
            for col in ("baseline_value", "target_value"):
                check_range(measure, col, getattr(self, col))
        return self


class NoteRow(ImportRow):
    note_id: Slug
    recorded_on: Date
    partnership_id: Slug
    place_id: OptSlug = None
    goal_id: OptSlug = None
    domain: Choice(DOMAINS)
    voice: Choice(VOICES)
    text: Text
    source: OptText = None
    consent: Choice(CONSENTS)
    approved_wording: OptText = None
    approved_by: OptText = None
    approved_on: OptDate = None

    @model_validator(mode="after")
    def _approval(self) -> NoteRow:
        approval = {"approved_wording": self.approved_wording, "approved_by": self.approved_by, "approved_on": self.approved_on}
        filled = [k for k, v in approval.items() if v is not None]
        if filled and self.consent != "public":
            raise row_error(
                "approval_without_consent",
                filled[0],
                f"is filled but consent is {self.consent}: only notes with public consent can be approved for publication.",
                "Empty the approval columns, or set consent to public if the person agreed to publication.",
            )
        if filled and len(filled) < 3:
            missing = [k for k in approval if k not in filled][0]
            raise row_error(
                "approval_incomplete",
                missing,
                "is empty, but the other approval columns are filled.",
                "Fill in all three of approved_wording, approved_by and approved_on, or none of them.",
            )
        if self.approved_on is not None and self.approved_on < self.recorded_on:
            raise row_error("bad_dates", "approved_on", f"is before the note was recorded ({self.recorded_on}).", "Check both dates.")
        return self


class ActionRow(ImportRow):
    action_id: Slug
    partnership_id: Slug
    goal_id: OptSlug = None
    description: Text
    owner: Text
    agreed_on: Date
    due_on: Date
    status: Choice(ACTION_STATUSES)

    @model_validator(mode="after")
    def _dates(self) -> ActionRow:
        if self.due_on < self.agreed_on:
            raise row_error("bad_dates", "due_on", f"is before the action was agreed ({self.agreed_on}).", "Check both dates.")
        return self


class EventRow(ImportRow):
    event_id: Slug
    partnership_id: Slug
    goal_id: OptSlug = None
    date: Date
    title: Text
    visibility: Choice(VISIBILITIES)


class SpcPhaseRow(ImportRow):
    measure_id: Slug
    place_id: Slug
    start_date: Date
    reason: Text


class MeasureBreakRow(ImportRow):
    measure_id: Slug
    date: Date
    reason: Choice(BREAK_REASONS)


Figure = Annotated[float | str | None, Opt(figure_cell(parse_number))]


class ObservationRow(ImportRow):
    """One figure. The unit-dependent rules need the measure in the context:
    `ObservationRow.model_validate(cells, context={"measures": {id: {...}}})`."""

    measure_id: Slug
    place_id: Slug
    period_start: Date
    period_end: Date
    value: Figure = None
    numerator: Figure = None
    denominator: Figure = None
    sample_size: Figure = None
    std_dev: Figure = None
    ci_low: Annotated[float | None, Opt(parse_interval_end)] = None
    ci_high: Annotated[float | None, Opt(parse_interval_end)] = None
    source: OptText = None
    provisional: Annotated[bool | None, Opt(parse_bool)] = None

    @model_validator(mode="after")
    def _figures(self, info: ValidationInfo) -> ObservationRow:
        if self.period_end < self.period_start:
            raise row_error("bad_dates", "period_end", f"is before period_start ({self.period_start}).", "Check both dates: periods are inclusive, so a one-day period has the same start and end.")
        measure = (info.context or {}).get("measures", {}).get(self.measure_id)
        if measure is not None:
            for problem in observation_figure_problems(measure, self.cells()):
                raise row_error(*problem)
        return self

    def cells(self) -> dict[str, float | str | None]:
        return {c: getattr(self, c) for c in FIGURE_COLUMNS + INTERVAL_COLUMNS}


FIGURE_COLUMNS = ("value", "numerator", "denominator", "sample_size", "std_dev")
# A publisher's own 95% interval (e.g. Fingertips), used as given with its value.
INTERVAL_COLUMNS = ("ci_low", "ci_high")
UNIT_FIGURES = {
    **{unit: ("value", "numerator", "denominator") for unit in UNIT_SCALE},
    "count": ("value",),
    "score": ("value", "sample_size", "std_dev"),
}


def interval_problems(cells: dict[str, float | str | None]) -> list[tuple[str, str, str, str]]:
    """The rules of a publisher's interval (docs/data-contract.md, observations: ci_low,
    ci_high): both ends or neither, in order, around a stated value."""
    low, high, value = cells.get("ci_low"), cells.get("ci_high"), cells.get("value")
    if low is None and high is None:
        return []
    if low is None or high is None:
        empty, filled = ("ci_low", "ci_high") if low is None else ("ci_high", "ci_low")
        return [("needs_both", empty, f"is empty, but {filled} is filled.", "Give both ends of the publisher's 95% interval, or neither.")]
    if low > high:
        return [("bad_interval", "ci_high", f"is below ci_low ({low:g}).", "Check that the two ends are not swapped.")]
    if not isinstance(value, float):
        return [("interval_without_value", "value", "is not a number, but the row gives an interval.", "An interval belongs to a published value: fill in value, or leave ci_low and ci_high empty.")]
    if not low <= value <= high:
        return [("outside_interval", "value", f"lies outside its own interval ({low:g} to {high:g}).", "Check the three figures against the publisher's file.")]
    return []


def observation_figure_problems(measure: dict, cells: dict[str, float | str | None]) -> list[tuple[str, str, str, str]]:
    """The figure rules of docs/data-contract.md for one row, given its measure.

    `cells` holds numbers (float), GSS symbols (str) or None (empty). Returns
    (code, column, message, fix) tuples in a fixed order; the SQL bulk path
    implements the same list and is tested against this function.
    """
    unit = measure["unit"]
    out: list[tuple[str, str, str, str]] = []
    figures = {k: cells.get(k) for k in FIGURE_COLUMNS}
    num = {k: v for k, v in figures.items() if isinstance(v, float)}
    sym = {k: v for k, v in figures.items() if isinstance(v, str)}
    allowed = UNIT_FIGURES[unit]
    for col in FIGURE_COLUMNS:
        if col not in allowed and cells.get(col) is not None:
            out.append(("not_for_unit", col, f"is not used for {unit} measures.", f"Leave {col} empty for this measure ({', '.join(allowed)} only)."))
    if out:
        return out
    if not num and not sym:
        need = "value" if unit == "count" else "value and sample_size" if unit == "score" else "numerator and denominator (or value)"
        return [("no_figure", "value", f"The row has no figure: a {unit} row needs {need}.", "Fill in the figures, or a GSS symbol such as c (suppressed) or x (not available).")]
    out = interval_problems(cells)
    if out:
        return out
    for col in ("numerator", "denominator", "sample_size", "std_dev"):
        if col in num and num[col] < 0:
            out.append(("negative", col, "is negative.", "Counts, sample sizes and standard deviations cannot be below 0."))
    if unit in UNIT_SCALE:
        n, d = cells.get("numerator"), cells.get("denominator")
        if n is not None and d is None:
            out.append(("needs_both", "denominator", "is empty, but numerator is filled.", "Give both numerator and denominator (or neither and only value)."))
        if d is not None and n is None:
            out.append(("needs_both", "numerator", "is empty, but denominator is filled.", "Give both numerator and denominator (or neither and only value)."))
        if "denominator" in num and num["denominator"] == 0:
            out.append(("zero_denominator", "denominator", "is 0: a rate needs a base above 0.", "Check the figure, or write x if there was nothing to measure."))
        if unit == "percent" and "numerator" in num and "denominator" in num and num["numerator"] > num["denominator"]:
            out.append(("numerator_exceeds_denominator", "numerator", f"is greater than the denominator ({num['denominator']:g}), so the percentage would be over 100.", "Check that the two columns are not swapped."))
        if out:
            return out
        if "numerator" in num and "denominator" in num and "value" in num:
            derived = num["numerator"] / num["denominator"] * UNIT_SCALE[unit]
            if abs(num["value"] - derived) > VALUE_TOLERANCE:
                out.append(("disagrees", "value", f"does not agree with numerator / denominator ({derived:.2f}).", "Correct value, numerator or denominator, or leave value empty and it is worked out for you."))
                return out
    elif unit == "count":
        if "value" in num and (num["value"] < 0 or not num["value"].is_integer()):
            out.append(("bad_count", "value", "is not a whole number of 0 or more.", "A count is a whole number (e.g. 12)."))
            return out
    elif unit == "score":
        if cells.get("value") is None:
            out.append(("needs_value", "value", "is empty: a score row needs the mean score.", "Fill in value (the mean of the respondents' scores), or a GSS symbol such as c."))
        if "value" in num and cells.get("sample_size") is None:
            out.append(("needs_sample_size", "sample_size", "is empty: a score needs the number of respondents.", "Fill in sample_size (how many people answered)."))
        if "sample_size" in num and (num["sample_size"] < 1 or not num["sample_size"].is_integer()):
            out.append(("bad_sample_size", "sample_size", "is not a whole number of 1 or more.", "Give the number of respondents (e.g. 84)."))
        if out:
            return out
    figure = derived_figure(unit, cells)
    if figure is not None:
        if unit == "percent" and not 0 <= figure <= 100:
            out.append(("out_of_range", "value", "is outside 0-100, so it cannot be a percentage.", "Check the figure."))
        elif unit in UNIT_SCALE and figure < 0:
            out.append(("out_of_range", "value", "is negative, so it cannot be a rate.", "Check the figure."))
        elif (problem := range_problem(measure, figure)) is not None:
            out.append(("out_of_range", "value", *problem))
    return out


def derived_figure(unit: str, cells: dict[str, float | str | None]) -> float | None:
    """The value judged for a row's cells (a GSS symbol is no figure): the one
    rule in metrics.methods.aggregate.derived_value, so the row checks, the
    importer's SQL and the methods never differ (docs/methods.md, "Units")."""

    def number(column: str) -> float | None:
        v = cells.get(column)
        return v if isinstance(v, float) else None

    fig = MethodsFigure(number("value"), number("numerator"), number("denominator"), ci_low=number("ci_low"), ci_high=number("ci_high"))
    return derived_value(unit, fig)


def range_problem(measure: dict, value: float) -> tuple[str, str] | None:
    lo, hi = measure.get("min_value"), measure.get("max_value")
    if lo is not None and value < lo or hi is not None and value > hi:
        shown = f"{lo:g} to {hi:g}" if lo is not None and hi is not None else (f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
        return (
            f"The figure {value:g} is outside the plausible range for {measure['measure_id']} ({shown}).",
            "Check the figure; if it is right, widen min_value / max_value on the measure.",
        )
    return None


def check_range(measure: dict, column: str, value: float) -> None:
    problem = range_problem(measure, value)
    if problem is not None:
        raise row_error("out_of_range", column, *problem)


MODELS: dict[str, type[ImportRow]] = {
    "places": PlaceRow,
    "place_areas": PlaceAreaRow,
    "partnerships": PartnershipRow,
    "measures": MeasureRow,
    "goals": GoalRow,
    "observations": ObservationRow,
    "notes": NoteRow,
    "actions": ActionRow,
    "events": EventRow,
    "spc_phases": SpcPhaseRow,
    "measure_breaks": MeasureBreakRow,
}


def validation_errors(exc: ValidationError) -> list[tuple[str | None, str, str, str]]:
    """(column, code, message, fix) for each error of a ValidationError."""
    out = []
    for err in exc.errors():
        ctx = err.get("ctx") or {}
        column = ctx.get("column") or (str(err["loc"][0]) if err.get("loc") else None)
        code = err["type"]
        if code == "extra_forbidden":
            out.append((column, code, "is not a column of this kind.", "Remove it."))
            continue
        out.append((column, code, err["msg"], ctx.get("fix", "")))
    return out
