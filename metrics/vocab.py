"""The closed vocabularies of DATA_FORMATS.md and METHODS.md, in one place.

Every enumerated value a steward may type, and every status code the methods
may return, is defined here once so the importer, the methods, the pages and
the templates cannot drift apart.
"""

from __future__ import annotations

import re

SLUG_PATTERN = r"[a-z0-9][a-z0-9_-]{0,62}"
SLUG_RE = re.compile(SLUG_PATTERN)

# Place levels, from the smallest to the largest. A place's parent must sit
# at a higher level, which is what makes the places a tree.
LEVELS: tuple[str, ...] = ("neighbourhood", "local_area", "region", "nation")
LEVEL_RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}

DOMAINS: tuple[str, ...] = (
    "attendance",
    "safety",
    "wellbeing",
    "health",
    "achievement",
    "relationships",
    "participation",
    "other",
)
UNITS: tuple[str, ...] = ("percent", "rate_per_1000", "count", "score")
UNIT_SCALE: dict[str, float] = {"percent": 100.0, "rate_per_1000": 1000.0}
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better")
VOICES: tuple[str, ...] = ("young_person", "parent_carer", "resident", "staff", "partner")
CONSENTS: tuple[str, ...] = ("none", "internal", "public")
VISIBILITIES: tuple[str, ...] = ("public", "internal")
ACTION_STATUSES: tuple[str, ...] = ("open", "done", "dropped")

DEFAULT_SUPPRESS_BELOW = 10
DEFAULT_REVIEW_EVERY_WEEKS = 8

# GSS symbols for a figure that is not available, and why (GSS guidance on
# symbols in tables; `:` and `~` are the legacy forms still found in older
# DfE and ONS files). A cell holding one of these is stored as "unavailable",
# never as an error and never as a number.
GSS_SYMBOLS: dict[str, str] = {
    "c": "confidential (suppressed to protect individuals)",
    "x": "not available",
    "z": "not applicable",
    "low": "too low to publish reliably",
    ":": "not available (legacy symbol)",
    "~": "rounds to zero or too small to publish (legacy symbol)",
}
# Bracketed forms ("[c]") are what GSS recommends for spreadsheets.
GSS_SYMBOL_CELLS: frozenset[str] = frozenset(
    list(GSS_SYMBOLS) + [f"[{s}]" for s in GSS_SYMBOLS if s not in (":", "~")]
)

# Goal status codes and their labels (METHODS.md section 4), in the order a
# board reads them: from "no judgement yet" to the literal outcomes.
STATUS_LABELS: dict[str, str] = {
    "awaiting_data": "Awaiting data",
    "met": "Target met",
    "missed": "Target missed",
    "on_track": "On track",
    "needs_acceleration": "Progress, but acceleration needed",
    "limited_progress": "Limited progress",
    "worsening": "Worsening",
    "too_uncertain": "Too uncertain to judge yet",
}

# A shape for each status, so status never rests on colour (DESIGN.md): the
# shape and the word always appear together.
STATUS_ICONS: dict[str, str] = {
    "awaiting_data": "…",
    "met": "✔",
    "missed": "✖",
    "on_track": "●",
    "needs_acceleration": "◑",
    "limited_progress": "○",
    "worsening": "▼",
    "too_uncertain": "?",
}

# SPC icons (METHODS.md section 5).
VARIATION_LABELS: dict[str, str] = {
    "common_cause": "Common cause variation",
    "improvement": "Special cause variation: improvement",
    "concern": "Special cause variation: concern",
}
ASSURANCE_LABELS: dict[str, str] = {
    "consistently_passing": "Consistently passing the target",
    "consistently_failing": "Consistently failing the target",
    "hit_and_miss": "Hit and miss: the target lies within the process limits",
}
# What the SPC icons say where there is none to give (METHODS.md s.5: fewer than 15 points).
VARIATION_NONE_LABEL = "No SPC icon: fewer than 15 points"
ASSURANCE_NONE_LABEL = "No assurance icon: fewer than 15 points"
# Making Data Count's letters and signs, as text.
VARIATION_ICONS: dict[str, str] = {"common_cause": "~", "improvement": "★", "concern": "⚠"}
ASSURANCE_ICONS: dict[str, str] = {"consistently_passing": "P", "consistently_failing": "F", "hit_and_miss": "?"}

BENCHMARK_LABELS: dict[str, str] = {
    "better": "Better",
    "similar": "Similar",
    "worse": "Worse",
    "not_compared": "Not compared",
}


def status_text(code: str) -> str:
    """"● On track": the status's shape and its word."""
    return f"{STATUS_ICONS[code]} {STATUS_LABELS[code]}"


def is_slug(text: str) -> bool:
    """True when `text` is a valid id (DATA_FORMATS.md: lower-case slug)."""
    return SLUG_RE.fullmatch(text) is not None


def direction_sign(direction: str) -> int:
    """+1 where higher is better, -1 where lower is better (METHODS.md s)."""
    return 1 if direction == "higher_is_better" else -1
