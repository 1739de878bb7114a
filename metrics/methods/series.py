"""Recorded changes in a series: SPC change points and series breaks
(docs/methods.md, "When the process changed" and
"When a series breaks").

A change point (kind `spc_phases`) says the process itself changed from a
date, so the process limits start again there; a break (kind
`measure_breaks`) says the figures before and after a date cannot be joined
at all (a new definition, a gap in collection, a boundary change), so no line,
limit, trend or projection spans it. Both are recorded by a steward with a
reason; nothing here ever finds one in the data.

A change applies from the first period that starts on or after its date: a
period that began before it stays on the old side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from metrics.vocab import BREAK_REASON_LABELS

PHASE = "phase"
BREAK = "break"


@dataclass(frozen=True)
class SeriesChange:
    """A change point (kind "phase", reason in the steward's words) or a break
    (kind "break", reason one of vocab.BREAK_REASONS), from `date`, and who
    recorded it when (for the board's record)."""

    date: dt.date
    kind: str
    reason: str
    recorded_by: str | None = None
    recorded_at: dt.datetime | None = None

    @property
    def reason_text(self) -> str:
        """The reason in words: a break's from its closed list, a phase's as recorded."""
        return BREAK_REASON_LABELS.get(self.reason, self.reason) if self.kind == BREAK else self.reason


class Dated(Protocol):
    period_start: dt.date


def breaks_of(changes: Sequence[SeriesChange]) -> list[SeriesChange]:
    return sorted((c for c in changes if c.kind == BREAK), key=lambda c: c.date)


def segments(points: Sequence[Dated], changes: Sequence[SeriesChange]) -> list[int]:
    """For each point, the number of the stretch between breaks it is in
    (phases are ignored here: a phase does not stop the line)."""
    dates = [c.date for c in breaks_of(changes)]
    return [sum(1 for d in dates if d <= p.period_start) for p in points]


def is_after(day: dt.date, change: SeriesChange) -> bool:
    """Whether a period starting on `day` is on the new side of a change."""
    return day >= change.date


def after_last_break(points: Sequence[Dated], changes: Sequence[SeriesChange]) -> list:
    """The points on the new side of the last break (all of them without one):
    what a trend or a projection may use."""
    last = breaks_of(changes)[-1:] or None
    return list(points) if last is None else [p for p in points if is_after(p.period_start, last[0])]


def last_break(changes: Sequence[SeriesChange]) -> SeriesChange | None:
    found = breaks_of(changes)
    return found[-1] if found else None
