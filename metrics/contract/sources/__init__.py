"""Source adapters: a partnership's own open data, as published, in one command.

`python -m metrics sources` lists them; `python -m metrics import-source
SOURCE FILE... --measure ID` runs one. Each adapter reads the publisher's
files exactly as downloaded, turns them into figures per official area and
period, and the shared step (`metrics.contract.sources.common`) maps those onto the
partnership's places through their GSS codes and `place_areas`, then writes
them through the one import path (one transaction; every problem named by the
source file's row, or nothing written; idempotent; a changed figure becomes a
revision). One module per source:

- `police_uk`: data.police.uk street-level crime (`police-uk-street`)
- `met_ward`: the Metropolitan Police's ward-level monthly crime (`met-ward-crime`)
- `fingertips`: OHID Fingertips indicator exports (`fingertips`)
- `ees`: explore-education-statistics tidy files (`ees`); DfE's attendance
  adapter (`metrics.dfe`) is one use of it
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from metrics.contract.problems import Problem
from metrics.contract.sources import ees, fingertips, met_ward, police_uk
from metrics.contract.sources.common import FileChanged, Request, SourceResult, failed


@dataclass(frozen=True)
class Source:
    """One source adapter, as `sources` lists it."""

    name: str
    reads: str
    gives: str
    filters: str
    options: tuple[str, ...]
    run: Callable[..., SourceResult]
    usage: str = ""  # its own options, as the usage line shows them


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(police_uk.NAME, police_uk.READS, "a count measure: crimes per place per calendar month, through LSOAs; 0 in a covered month with none", police_uk.FILTERS, (), police_uk.import_police_uk_street),
        Source(met_ward.NAME, met_ward.READS, "a count measure: crimes per place per month, through ward codes; a later release's corrections become revisions", met_ward.FILTERS, (), met_ward.import_met_ward_crime),
        Source(fingertips.NAME, fingertips.READS, "a percent or rate measure (per 1,000, 10,000 or 100,000): the published value, its 95% interval, count and denominator, and the value note", fingertips.FILTERS, (), fingertips.import_fingertips),
        Source(ees.NAME, ees.READS, "any measure: one indicator column per import; with numerator and denominator, a percent or rate that adds up", ees.FILTERS,
               ("--value-column", "--numerator-column", "--denominator-column", "--period-start", "--period-end"), ees.import_ees,
               "--value-column COLUMN [--numerator-column COLUMN --denominator-column COLUMN] [--period-start D --period-end D]"),
    )
}

# The options only some sources take, by their keyword in `import_source`.
OPTION_FLAGS = {
    "value_column": "--value-column",
    "numerator_column": "--numerator-column",
    "denominator_column": "--denominator-column",
    "period_start": "--period-start",
    "period_end": "--period-end",
}


def sources_text() -> list[str]:
    """What `python -m metrics sources` prints: each source, what it reads, what it gives, its options."""
    lines = []
    for s in SOURCES.values():
        lines.append(s.name)
        lines.append(f"  reads:   {s.reads}")
        lines.append(f"  gives:   {s.gives}")
        lines.append(f"  filters: {s.filters}")
        own = f"{s.usage} " if s.usage else ""
        lines.append(f"  usage:   python -m metrics import-source {s.name} FILE... --measure ID [--filter \"COLUMN=VALUE\"]... {own}[--reason TEXT] [--dry-run]")
        lines.append("")
    return lines[:-1]


def import_source(
    con: duckdb.DuckDBPyConnection,
    source: str,
    paths: Sequence[str | Path],
    measure_id: str,
    filters: Sequence[str] = (),
    *,
    reason: str | None = None,
    actor: str | None = None,
    dry_run: bool = False,
    at: dt.datetime | None = None,
    perms=None,
    **options,
) -> SourceResult:
    """Run one source adapter (see the module docstring). `options` are the
    source's own (`value_column`, ... for ees); an option another source
    does not take is a problem, not silently ignored. `at` back-dates the
    import (only for building a history, as the demo and the tests do)."""
    request = Request(tuple(paths), measure_id, tuple(filters), reason, actor, dry_run, at, perms)
    spec = SOURCES.get(source)
    if spec is None:
        return failed(source, request, [Problem(file="SOURCE", value=source, message="is not a source.", fix=f"Use one of: {', '.join(SOURCES)} (python -m metrics sources).")])
    given = {k: v for k, v in options.items() if v is not None}
    wrong = [OPTION_FLAGS.get(k, k) for k in given if OPTION_FLAGS.get(k, k) not in spec.options]
    if wrong:
        return failed(source, request, [Problem(file=flag, message=f"is not an option of {source}.", fix=f"Leave it out; {source} takes {', '.join(spec.options) or 'only --measure, --filter, --reason and --dry-run'}.") for flag in wrong])
    try:
        return spec.run(con, request, **given)
    except FileChanged as changed:
        return failed(source, request, [changed.problem()])
