"""The import kinds of docs/data-contract.md: their columns, keys and column types.

This is the single description of the file contract. The readers check
headers against it, the importer validates and stores by it, the exporter
writes by it and the blank templates are generated from it, so a column can
only be added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.vocab import (
    ACTION_STATUSES,
    BREAK_REASONS,
    CONSENTS,
    DIRECTIONS,
    DOMAINS,
    LEVELS,
    UNITS,
    VISIBILITIES,
    VOICES,
)


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    name: str
    required: bool
    type: str  # slug | text | date | number | whole | bool | list | enum
    help: str
    choices: tuple[str, ...] = ()
    figure: bool = False  # may hold a GSS "not available" symbol instead of a number


@dataclass(frozen=True)
class Kind:
    """One import kind: a file (or sheet) of rows with a key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


PLACES = Kind(
    "places",
    (
        Column("place_id", True, "slug", "Id of the place: lower-case letters, digits, - and _"),
        Column("name", True, "text", "Display name"),
        Column("level", True, "enum", "neighbourhood, local_area, region or nation", LEVELS),
        Column("parent_id", False, "slug", "The enclosing place (a neighbourhood's local area, ...); the places must form a tree"),
        Column("code", False, "text", "Official code where one exists (ONS GSS code, e.g. E02000001)"),
    ),
    ("place_id",),
    "Neighbourhoods and the benchmark places above them (local area, region, nation).",
)

PLACE_AREAS = Kind(
    "place_areas",
    (
        Column("place_id", True, "slug", "A place (usually a neighbourhood)"),
        Column("area_code", True, "text", "GSS code of an official area: output area E00/W00, LSOA E01/W01, MSOA E02/W02, ward E05/W05, local authority E06-E10/W06"),
        Column("valid_from", False, "date", "Date from which the area belongs to the place (YYYY-MM-DD; empty: always)"),
        Column("valid_to", False, "date", "Date after which it no longer does (YYYY-MM-DD; empty: still does)"),
    ),
    ("place_id", "area_code"),
    "The official areas a neighbourhood is made of: it is the union of its areas valid in a period. A place whose own code is a GSS code is also its own area.",
)

PARTNERSHIPS = Kind(
    "partnerships",
    (
        Column("partnership_id", True, "slug", "Id of the partnership; it may not be the id of any place (a board named after its borough needs an id of its own, such as `lockgate-board`), nor may a place later take a partnership's id"),
        Column("name", True, "text", 'e.g. "Brookfield Delivery Board"'),
        Column("places", True, "list", "place_ids of the neighbourhoods it covers, separated by ;"),
        Column("review_every_weeks", False, "whole", "Review cadence in weeks (default 8, every two months)"),
        Column("members", False, "list", "Member organisations, separated by ;"),
        Column("description", False, "text", "One paragraph, shown publicly"),
    ),
    ("partnership_id",),
    "The partnerships, the neighbourhoods they cover and their member organisations.",
)

MEASURES = Kind(
    "measures",
    (
        Column("measure_id", True, "slug", "Id of the measure"),
        Column("name", True, "text", 'e.g. "Attendance rate"'),
        Column("domain", True, "enum", ", ".join(DOMAINS), DOMAINS),
        Column("unit", True, "enum", ", ".join(UNITS), UNITS),
        Column("direction", True, "enum", "higher_is_better or lower_is_better", DIRECTIONS),
        Column("min_value", False, "number", "Smallest plausible value; values below it are rejected"),
        Column("max_value", False, "number", "Largest plausible value; values above it are rejected"),
        Column("suppress_below", False, "whole", "Smallest denominator / count / sample size that may be published (default 10)"),
        Column("definition", True, "text", "Plain-English definition, shown on the methods page"),
        Column("source", False, "text", "Where the data comes from"),
    ),
    ("measure_id",),
    "What is measured, in which unit, and which direction is better.",
)

OBSERVATIONS = Kind(
    "observations",
    (
        Column("measure_id", True, "slug", "The measure"),
        Column("place_id", True, "slug", "A neighbourhood, or a benchmark place (local area, region, nation)"),
        Column("period_start", True, "date", "First day of the period (YYYY-MM-DD)"),
        Column("period_end", True, "date", "Last day of the period (YYYY-MM-DD), on or after period_start"),
        Column("value", False, "number", "The figure in the measure's unit (derived from numerator/denominator for percent and the rates per 1,000, 10,000 and 100,000)", figure=True),
        Column("numerator", False, "number", "percent / rates: the count on top", figure=True),
        Column("denominator", False, "number", "percent / rates: the base", figure=True),
        Column("sample_size", False, "whole", "score: number of respondents", figure=True),
        Column("std_dev", False, "number", "score: standard deviation of respondents' scores", figure=True),
        Column("ci_low", False, "number", "A publisher's own 95% interval, lower end (e.g. Fingertips), used as given with value; with ci_high"),
        Column("ci_high", False, "number", "A publisher's own 95% interval, upper end, used as given with value; with ci_low"),
        Column("source", False, "text", "Where this figure comes from"),
        Column("provisional", False, "bool", "true or false (default false)"),
    ),
    ("measure_id", "place_id", "period_start", "period_end"),
    "One row = one measure, for one place, for one period. A figure cell may hold a GSS symbol (c, x, z, low) when the figure is not available.",
)

GOALS = Kind(
    "goals",
    (
        Column("goal_id", True, "slug", "Id of the goal"),
        Column("partnership_id", True, "slug", "The partnership making the promise"),
        Column("measure_id", True, "slug", "The measure it is judged on"),
        Column("scope", True, "slug", "One of the partnership's neighbourhoods, or the partnership_id for the whole partnership"),
        Column("statement", True, "text", "The promise in plain words, as stated publicly"),
        Column("baseline_value", True, "number", "In the measure's unit"),
        Column("baseline_date", True, "date", "The period_end the baseline refers to"),
        Column("target_value", True, "number", "Must be an improvement on the baseline in the measure's direction"),
        Column("target_date", True, "date", "After baseline_date"),
        Column("stated_on", True, "date", "When the promise was first made"),
        Column("visibility", True, "enum", "public or internal", VISIBILITIES),
        Column("owner", False, "text", "Lead organisation"),
    ),
    ("goal_id",),
    "The public promises. Changing a baseline, target or date needs a reason (--reason).",
)

NOTES = Kind(
    "notes",
    (
        Column("note_id", True, "slug", "Id of the note"),
        Column("recorded_on", True, "date", "When it was said or recorded"),
        Column("partnership_id", True, "slug", "The partnership"),
        Column("place_id", False, "slug", "The neighbourhood it speaks about"),
        Column("goal_id", False, "slug", "The goal it speaks to"),
        Column("domain", True, "enum", ", ".join(DOMAINS), DOMAINS),
        Column("voice", True, "enum", ", ".join(VOICES), VOICES),
        Column("text", True, "text", "What was said, in the person's words"),
        Column("source", False, "text", "Listening event, youth forum, survey free text, ..."),
        Column("consent", True, "enum", "none (never publish), internal or public", CONSENTS),
        Column("approved_wording", False, "text", "The wording approved for publication (names redacted)"),
        Column("approved_by", False, "text", "Who approved it (a role or organisation)"),
        Column("approved_on", False, "date", "Date of approval"),
    ),
    ("note_id",),
    "Lived experience: what children, families and residents said. Published only with public consent and approval.",
)

ACTIONS = Kind(
    "actions",
    (
        Column("action_id", True, "slug", "Id of the action"),
        Column("partnership_id", True, "slug", "The partnership"),
        Column("goal_id", False, "slug", "The goal it serves"),
        Column("description", True, "text", "What will be done"),
        Column("owner", True, "text", "Organisation or role (not a private person's name)"),
        Column("agreed_on", True, "date", "When it was agreed"),
        Column("due_on", True, "date", "When it is due"),
        Column("status", True, "enum", "open, done or dropped", ACTION_STATUSES),
    ),
    ("action_id",),
    "Commitments made at a review: who will do what by when.",
)

EVENTS = Kind(
    "events",
    (
        Column("event_id", True, "slug", "Id of the event"),
        Column("partnership_id", True, "slug", "The partnership"),
        Column("goal_id", False, "slug", "The goal it concerns (empty: every goal of the partnership)"),
        Column("date", True, "date", "When it happened (YYYY-MM-DD)"),
        Column("title", True, "text", "A short label for the chart, e.g. \"Walking bus starts\""),
        Column("visibility", True, "enum", "public (may appear on the public pages) or internal", VISIBILITIES),
    ),
    ("event_id",),
    "Things a partnership did or that happened, drawn on goal charts beside the figures. Only public events reach the public pages.",
)

SPC_PHASES = Kind(
    "spc_phases",
    (
        Column("measure_id", True, "slug", "The measure"),
        Column("place_id", True, "slug", "The goal's scope: a neighbourhood, or the partnership_id for a partnership-wide figure"),
        Column("start_date", True, "date", "The day the process changed: the first period starting on or after it begins a new phase (YYYY-MM-DD)"),
        Column("reason", True, "text", "Why the process really changed (kept with who recorded it, in the audit trail)"),
    ),
    ("measure_id", "place_id", "start_date"),
    "SPC change points: from start_date the process limits are worked out afresh (NHSRplotthedots' rebase). Never made automatically.",
)

MEASURE_BREAKS = Kind(
    "measure_breaks",
    (
        Column("measure_id", True, "slug", "The measure"),
        Column("date", True, "date", "The first day of the new series: figures for periods starting before it are not joined to later ones (YYYY-MM-DD)"),
        Column("reason", True, "enum", ", ".join(BREAK_REASONS), BREAK_REASONS),
    ),
    ("measure_id", "date"),
    "Breaks in a measure's series: no line, limit, trend or projection spans one, and the charts say why the line stops.",
)

# In dependency order: a kind may refer only to kinds before it.
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (PLACES, PLACE_AREAS, MEASURES, PARTNERSHIPS, GOALS, OBSERVATIONS, NOTES, ACTIONS, EVENTS, SPC_PHASES, MEASURE_BREAKS)
}


def kind_from_filename(stem: str) -> str | None:
    """The kind a CSV file holds, from its file name stem (docs/data-contract.md).

    `observations`, `observations_2026_spring` and `observations-june` are all
    observations. Case is ignored, so `Observations.csv` from Windows works.
    """
    s = stem.lower()
    for name in KINDS:
        if s == name or s.startswith(name + "_") or s.startswith(name + "-"):
            return name
    return None
