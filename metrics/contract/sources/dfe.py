"""DfE's published attendance statistics as benchmark places and figures.

DfE publishes "Pupil attendance in schools" on explore-education-statistics
in its tidy CSV format: one row per geography (England, region, local
authority) and school phase, with session counts and rates. This adapter is
one use of the EES source adapter (`metrics.contract.sources.ees`): it adds DfE's own
measures, then reads, per phase, the attendance rate and persistent absence
as two EES indicators, and imports everything through the normal importer:
one transaction, the same validation, idempotent. A partnership can then be
compared with its local authority, its region and England (docs/methods.md, "How we decide a goal's status", "Compared with a benchmark"); a neighbourhood made of local
authorities (place_areas) gets its authorities' figures.

- Places: England (nation), each region (parent England) and each local
  authority (parent its region), with their GSS codes. A place already in the
  database with the same GSS code (or, failing that, the same id) is used as it
  is, never revised: the demo's `england` stays exactly as it was.
- Measures: attendance rate and persistent absence by phase (total, primary,
  secondary, special). An existing measure with the same id is used as it is.
- Observations: attendance rows carry numerator (overall_attendance) and
  denominator (possible_sessions), so they roll up by the ratio of sums
  (docs/methods.md, "Figures for a whole partnership"); persistent absence rows are value-only, because DfE
  publishes only the percentage.

Every row keeps the number of the row in DfE's file it came from, so a problem
points at DfE's row; suppressed cells (`c`) stay `c` and are stored as
unavailable, as the import contract says (docs/data-contract.md, observations).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb

from metrics.contract.importer import ImportResult, import_sheets
from metrics.contract.kinds import MEASURES
from metrics.contract.problems import Problem
from metrics.contract.readers import Sheet
from metrics.contract.sources import common
from metrics.contract.sources.common import Filters, PublishedFile, read_published_csv
from metrics.contract.sources.ees import Indicator, build, file_periods, override_period, place_sheets

SOURCE = "DfE, Pupil attendance in schools (explore education statistics)"

# The columns of DfE's tidy file this adapter reads. The file has many more
# (reasons for absence, ...), which are left alone.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "la_name",
    "education_phase",
    "overall_attendance",
    "possible_sessions",
    "attendance_perc",
    "pa_perc",
)

# The geographic levels of DfE's file this adapter imports (as England, regions, local authorities).
DFE_LEVELS: tuple[str, ...] = ("National", "Regional", "Local authority")

# DfE's education_phase -> the suffix of the measure ids, and the schools it covers.
PHASES: dict[str, str] = {"Total": "total", "Primary": "primary", "Secondary": "secondary", "Special": "special"}
PHASE_SCHOOLS: dict[str, str] = {
    "total": "state-funded primary, secondary and special schools",
    "primary": "state-funded primary schools",
    "secondary": "state-funded secondary schools",
    "special": "state-funded special schools",
}
PHASE_LABELS: dict[str, str] = {
    "total": "all state-funded schools",
    "primary": "primary schools",
    "secondary": "secondary schools",
    "special": "special schools",
}


# Labels of the derived sheets; observation problems are reworded in DfE's own
# column names (see `dfe_problem`).
ATTENDANCE_SHEET = "attendance rates (derived)"
ABSENCE_SHEET = "persistent absence (derived)"
PLACES_SHEET = "places (derived)"
MEASURES_SHEET = "measures (derived)"
DFE_COLUMNS: dict[str, dict[str, str]] = {
    ATTENDANCE_SHEET: {"value": "attendance_perc", "numerator": "overall_attendance", "denominator": "possible_sessions"},
    ABSENCE_SHEET: {"value": "pa_perc"},
}

DOWNLOAD_FIX = (
    "Download the file again from explore-education-statistics.service.gov.uk "
    "(Pupil attendance in schools, 'Download data' as CSV with all columns) and import that file unchanged."
)


def attendance_measure_id(phase: str) -> str:
    """`dfe-attendance-primary`, ...: the attendance rate of one phase."""
    return f"dfe-attendance-{phase}"


def persistent_absence_measure_id(phase: str) -> str:
    """`dfe-persistent-absence-primary`, ...: the persistent absence rate of one phase."""
    return f"dfe-persistent-absence-{phase}"


def dfe_measure_rows() -> list[dict[str, str]]:
    """The measures rows for DfE's attendance figures, as a steward would type them.

    Attendance is a ratio of sessions and aggregates (docs/methods.md, "Figures for a whole partnership");
    persistent absence comes as a percentage only, so its definition says it
    cannot be added up.
    """
    rows = []
    for phase in PHASES.values():
        schools = PHASE_SCHOOLS[phase]
        rows.append(
            {
                "measure_id": attendance_measure_id(phase),
                "name": f"Attendance rate, {PHASE_LABELS[phase]} (DfE)",
                "domain": "attendance",
                "unit": "percent",
                "direction": "higher_is_better",
                "min_value": "0",
                "max_value": "100",
                "suppress_below": "",
                "definition": (
                    f"The share of possible sessions that pupils in {schools} attended, in the school year so far, "
                    "as published by the Department for Education. A school day has two sessions, morning and afternoon. "
                    "A session counts as attended when the pupil was in school (including arriving late, before the register closed) "
                    "or was at an approved educational activity away from school, such as a trip or off-site education. "
                    "Worked out as sessions attended divided by possible sessions, times 100."
                ),
                "source": SOURCE,
            }
        )
    for phase in PHASES.values():
        schools = PHASE_SCHOOLS[phase]
        rows.append(
            {
                "measure_id": persistent_absence_measure_id(phase),
                "name": f"Persistent absence, {PHASE_LABELS[phase]} (DfE)",
                "domain": "attendance",
                "unit": "percent",
                "direction": "lower_is_better",
                "min_value": "0",
                "max_value": "100",
                "suppress_below": "",
                "definition": (
                    f"The share of pupils in {schools} who missed 10% or more of their possible sessions in the school year so far, "
                    "as published by the Department for Education. DfE publishes only the percentage, not the number of pupils, "
                    "so these figures are value-only: they cannot be added up into a partnership or regional figure "
                    "and have no confidence interval. They are shown as benchmarks."
                ),
                "source": SOURCE,
            }
        )
    return rows


def read_dfe_records(path: Path) -> tuple[PublishedFile | None, list[Problem]]:
    """DfE's tidy CSV as published rows, or problems with the file as a whole
    (missing, not CSV, not UTF-8, ragged, missing columns)."""
    return read_published_csv(path, REQUIRED_COLUMNS, DOWNLOAD_FIX, "DfE's pupil attendance file")


def _dfe_problems(f: PublishedFile) -> list[Problem]:
    """Levels and phases this adapter does not know: each distinct value once, at its first row."""
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    checks = (
        ("geographic_level", DFE_LEVELS, f"is a geographic level this adapter does not import (it imports {', '.join(DFE_LEVELS)}).",
         "Download the file with only national, regional and local authority rows."),
        ("education_phase", PHASES, f"is a school phase this adapter does not know (it knows {', '.join(PHASES)}).", "Download the file with only these phases."),
    )
    for number, rec in f.rows:
        for column, known, message, fix in checks:
            text = rec[f.index(column)]
            if text not in known and (column, text) not in reported:
                reported.add((column, text))
                problems.append(Problem(file=f.name, row=number, column=column, value=text, message=message, fix=fix))
    return problems


def _measure_rows(con: duckdb.DuckDBPyConnection | None, f: PublishedFile) -> tuple[list[tuple[int, dict[str, str]]], list[Problem]]:
    """The measures rows for the phases the file holds, each at the first row
    of its phase; a measure already stored with the same id is reused as it is."""
    first_row_of_phase: dict[str, int] = {}
    phase_i = f.index("education_phase")
    for number, rec in f.rows:
        first_row_of_phase.setdefault(PHASES[rec[phase_i]], number)
    ours = {m["measure_id"]: m for m in dfe_measure_rows()}
    stored = {m["measure_id"]: m for m in common.stored_rows(con, "measures", "measure_id IN (SELECT unnest(?))", [list(ours)])} if con is not None else {}
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    for measure_id, cells in ours.items():
        phase = measure_id.rsplit("-", 1)[1]
        if phase not in first_row_of_phase:
            continue
        row = first_row_of_phase[phase]
        have = stored.get(measure_id)
        if have is None:
            rows.append((row, cells))
        elif have["unit"] != "percent":
            problems.append(Problem(
                file=f.name, sheet=MEASURES_SHEET, row=row, column="unit", value=have["unit"],
                message=f"The database already has a measure {measure_id} in {have['unit']}, but DfE's figures are percentages.",
                fix=f"Rename the stored measure (a new measure_id) so that {measure_id} is free for DfE's figures.",
            ))
        else:
            rows.append((row, common.as_cells(MEASURES, have)))
    return rows, problems


def _indicators(phases: list[str]) -> list[Indicator]:
    """DfE's attendance file as uses of the EES adapter: per phase, the
    attendance rate (with its sessions, so it adds up) and persistent absence
    (DfE publishes only the percentage)."""
    out = []
    for phase_text in phases:
        phase = PHASES[phase_text]
        only = Filters({"education_phase": frozenset([phase_text])})
        # The figures' source text is the ees adapter's own (`ees.ind_source`), so this
        # import and `import-source ees` with the same columns and filter write the
        # same rows: either route after the other changes nothing.
        out.append(Indicator(attendance_measure_id(phase), "percent", "attendance_perc", "overall_attendance", "possible_sessions", only, ATTENDANCE_SHEET))
        out.append(Indicator(persistent_absence_measure_id(phase), "percent", "pa_perc", None, None, only, ABSENCE_SHEET))
    return out


def dfe_attendance_sheets(
    path: str | Path,
    period_start: dt.date | str | None = None,
    period_end: dt.date | str | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> tuple[list[Sheet], list[Problem]]:
    """DfE's attendance file as import sheets (places, measures, observations).

    `period_start` / `period_end` override the period every figure covers
    (default: from time_period and time_identifier, an academic year running
    1 September to 31 July). With `con`, places and measures already in that
    database are reused as they are (matched by GSS code, else by id), so the
    import does not revise them, and neighbourhoods made of local authorities
    (place_areas) get their authorities' figures. Problems with DfE's file
    come back as problems, never raised; when there are any, no sheets are
    returned.
    """
    path = Path(path)
    name = path.name
    override, problems = override_period(period_start, period_end)
    if problems:
        return [], problems
    f, problems = read_dfe_records(path)
    if f is None or problems:
        return [], problems
    periods, problems = file_periods([f], override)
    problems += _dfe_problems(f)
    if problems:
        return [], problems
    measure_rows, problems = _measure_rows(con, f)
    phases = [p for p in PHASES if any(rec[f.index("education_phase")] == p for _, rec in f.rows)]
    built = build(con, [f], _indicators(phases), periods)
    problems = built.problems + problems
    if problems:
        return [], problems
    sheets = [
        place_sheets(built, [name], PLACES_SHEET)[0],
        common.kind_sheet(name, MEASURES_SHEET, MEASURES, measure_rows),
        common.observation_sheets(built.observations[ATTENDANCE_SHEET], ATTENDANCE_SHEET, [name])[0],
        common.observation_sheets(built.observations[ABSENCE_SHEET], ABSENCE_SHEET, [name])[0],
    ]
    return sheets, []


def dfe_problem(problem: Problem) -> Problem:
    """An importer's problem with a derived observation, reworded in the
    columns of DfE's file (value -> attendance_perc, ...), so the person
    importing can find the cell in DfE's file."""
    columns = DFE_COLUMNS.get(problem.sheet or "")
    if columns is None:
        return problem
    message = problem.message
    if problem.sheet == ATTENDANCE_SHEET:
        message = message.replace("numerator / denominator", "overall_attendance / possible_sessions")
    fix = (
        "DfE's figures are imported exactly as published, so check that this is DfE's file as downloaded "
        "(opening and saving it in a spreadsheet can round or shift figures). " + DOWNLOAD_FIX
    )
    return dataclasses.replace(problem, sheet=None, column=columns.get(problem.column or "", problem.column), message=message, fix=fix)


def import_dfe_attendance(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    period_start: dt.date | str | None = None,
    period_end: dt.date | str | None = None,
    actor: str | None = None,
    *,
    dry_run: bool = False,
) -> ImportResult:
    """Import DfE's attendance file as benchmark places, measures and figures
    in one transaction, through the normal importer (see the module docstring).

    Importing the same file again changes nothing. `dry_run` checks and counts
    without writing, as `python -m metrics import --dry-run` does.
    """
    path = Path(path)
    sheets, problems = dfe_attendance_sheets(path, period_start, period_end, con=con)
    if problems:
        return ImportResult(False, problems, {}, [path.name], dry_run=dry_run)
    result = import_sheets(con, sheets, [path.name], actor=actor, dry_run=dry_run)
    if result.problems:
        result.problems = [dfe_problem(p) for p in result.problems]
    return result
