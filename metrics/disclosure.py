"""Disclosure control for every published figure (METHODS.md section 7).

Primary suppression hides a figure whose base is small or whose count is 1 or
2; complementary suppression then hides one more neighbourhood wherever a
published partnership total would otherwise let a single hidden figure be
recovered by subtraction. Suppressed figures are shown as `c`, the GSS symbol,
and so are their intervals, numerators and denominators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from metrics.aggregate import Figure
from metrics.vocab import DEFAULT_SUPPRESS_BELOW, UNIT_SCALE

SUPPRESSED = "c"
SMALL_COUNTS = (1.0, 2.0)


def figure_base(unit: str, fig: Figure) -> float | None:
    """The base a figure rests on: the denominator of a rate, the sample size
    of a score, the count itself for a count (used to rank neighbourhoods for
    complementary suppression); None when it is not known."""
    if unit in UNIT_SCALE:
        return fig.denominator
    if unit == "score":
        return fig.sample_size
    return fig.value


def is_primary_suppressed(unit: str, fig: Figure | None, suppress_below: int | None) -> bool:
    """METHODS.md s.7: suppress when the base (denominator, or sample size for a
    score) is below the measure's threshold (default 10), or when a count (the
    numerator, or the value of a count measure) is 1 or 2.

    A count measure has no base, so only the 1-or-2 rule applies to it; a rate
    given as a value alone has no known base and no count, so nothing here can
    flag it.
    """
    if fig is None:
        return False
    threshold = DEFAULT_SUPPRESS_BELOW if suppress_below is None else suppress_below
    if unit in UNIT_SCALE:
        if fig.denominator is not None and fig.denominator < threshold:
            return True
        return fig.numerator in SMALL_COUNTS
    if unit == "score":
        return fig.sample_size is not None and fig.sample_size < threshold
    return fig.value in SMALL_COUNTS


@dataclass(frozen=True)
class Cell:
    """One published figure's identity: measure, place and exact period."""

    measure_id: str
    place_id: str
    period: tuple


def complementary_suppression(
    groups: Iterable[tuple[Cell | None, list[Cell]]],
    suppressed: set[Cell],
    bases: Mapping[Cell, float | None],
) -> set[Cell]:
    """Add complementary suppressions until no published total has exactly one
    hidden part (METHODS.md s.7).

    `groups` pairs a published total (a partnership's figure for a period,
    None when the total is not published) with the neighbourhood cells it sums.
    Where exactly one part is suppressed and the total is published, the
    unsuppressed part with the next smallest base (ties broken by place id) is
    suppressed too. Repeats to a fixed point, because a neighbourhood can sit
    in several partnerships and a new suppression in one can expose another.
    """
    hidden = set(suppressed)
    groups = [(total, parts) for total, parts in groups]
    changed = True
    while changed:
        changed = False
        for total, parts in groups:
            if total is None or total in hidden:
                continue
            hidden_parts = [p for p in parts if p in hidden]
            if len(hidden_parts) != 1:
                continue
            candidates = [p for p in parts if p not in hidden]
            if not candidates:
                continue
            candidates.sort(key=lambda p: (bases.get(p) is None, bases.get(p) or 0.0, p.place_id))
            hidden.add(candidates[0])
            changed = True
    return hidden
