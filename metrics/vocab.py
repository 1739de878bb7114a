"""The closed vocabularies of docs/data-contract.md and docs/methods.md, in one place.

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
UNITS: tuple[str, ...] = ("percent", "rate_per_1000", "rate_per_10000", "rate_per_100000", "count", "score")
# The ratio units: value = numerator / denominator x scale (docs/methods.md, "Units").
UNIT_SCALE: dict[str, float] = {"percent": 100.0, "rate_per_1000": 1000.0, "rate_per_10000": 10000.0, "rate_per_100000": 100000.0}
# How a reader sees each unit after a figure ("93.7%", "12.3 per 1,000").
UNIT_SUFFIX: dict[str, str] = {
    "percent": "%",
    "rate_per_1000": " per 1,000",
    "rate_per_10000": " per 10,000",
    "rate_per_100000": " per 100,000",
}
DIRECTIONS: tuple[str, ...] = ("higher_is_better", "lower_is_better")
VOICES: tuple[str, ...] = ("young_person", "parent_carer", "resident", "staff", "partner")
CONSENTS: tuple[str, ...] = ("none", "internal", "public")
VISIBILITIES: tuple[str, ...] = ("public", "internal")
ACTION_STATUSES: tuple[str, ...] = ("open", "done", "dropped")
# Why a measure's series breaks (the measure_breaks kind), and the words the
# chart and the pages use for it: "The line stops: a new definition".
BREAK_REASONS: tuple[str, ...] = ("new_definition", "gap_in_collection", "boundary_change")
BREAK_REASON_LABELS: dict[str, str] = {
    "new_definition": "a new definition",
    "gap_in_collection": "a gap in collection",
    "boundary_change": "a boundary change",
}

# The official areas a place can be made of (docs/data-contract.md, place_areas), by
# the first three characters of their ONS GSS code.
AREA_TYPES: dict[str, str] = {
    "E00": "output area", "W00": "output area",
    "E01": "LSOA", "W01": "LSOA",
    "E02": "MSOA", "W02": "MSOA",
    "E05": "ward", "W05": "ward",
    "E06": "local authority", "E07": "local authority", "E08": "local authority",
    "E09": "local authority", "E10": "local authority", "W06": "local authority",
}
GSS_CODE_RE = re.compile(r"[EKNSW]\d{8}")

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

# Goal status codes and their labels (docs/methods.md, "How we decide a goal's status"), in the order a
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

# A shape for each status, so status never rests on colour (docs/architecture.md): the
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

# The public site's one extra status (docs/methods.md, "What we publish"): the latest figure
# is hidden and saying how the goal is doing would narrow it down.
PUBLIC_STATUS_LABELS: dict[str, str] = {**STATUS_LABELS, "too_few_to_publish": "Too few to publish safely"}
PUBLIC_STATUS_ICONS: dict[str, str] = {**STATUS_ICONS, "too_few_to_publish": "◌"}

# SPC icons (docs/methods.md, "Variation over time").
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


def public_status_text(code: str) -> str:
    """The public site's status with its shape: every internal status, and "◌ Too few to publish safely"."""
    return f"{PUBLIC_STATUS_ICONS[code]} {PUBLIC_STATUS_LABELS[code]}"


def is_slug(text: str) -> bool:
    """True when `text` is a valid id (docs/data-contract.md: lower-case slug)."""
    return SLUG_RE.fullmatch(text) is not None


def is_gss_code(text: str | None) -> bool:
    """True for an ONS GSS code: a letter (E, W, S, N or K) and eight digits."""
    return text is not None and GSS_CODE_RE.fullmatch(text) is not None


def area_type(code: str) -> str | None:
    """"LSOA", "ward", ...: the kind of official area a GSS code names, or None
    when it is not one a place can be made of (docs/data-contract.md, place_areas)."""
    return AREA_TYPES.get(code[:3]) if is_gss_code(code) else None


def direction_sign(direction: str) -> int:
    """+1 where higher is better, -1 where lower is better (docs/methods.md s)."""
    return 1 if direction == "higher_is_better" else -1
