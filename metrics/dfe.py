"""DfE's published attendance statistics as benchmark places and figures.

DfE publishes "Pupil attendance in schools" on explore-education-statistics
in its tidy CSV format: one row per geography (England, region, local
authority) and school phase, with session counts and rates. This adapter turns
such a file into the project's own import rows (places, measures,
observations), exactly as a steward would type them, and imports them through
the normal importer: one transaction, the same validation, idempotent. A
partnership can then be compared with its local authority, its region and
England (METHODS.md section 4, "Compared with a benchmark").

- Places: England (nation), each region (parent England) and each local
  authority (parent its region), with their GSS codes. A place already in the
  database with the same GSS code (or, failing that, the same id) is used as it
  is, never revised: the demo's `england` stays exactly as it was.
- Measures: attendance rate and persistent absence by phase (total, primary,
  secondary, special). An existing measure with the same id is used as it is.
- Observations: attendance rows carry numerator (overall_attendance) and
  denominator (possible_sessions), so they roll up by the ratio of sums
  (METHODS.md section 2); persistent absence rows are value-only, because DfE
  publishes only the percentage.

Every row keeps the number of the row in DfE's file it came from, so a problem
points at DfE's row; suppressed cells (`c`) stay `c` and are stored as
unavailable, as the import contract says (DATA_FORMATS.md, observations).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from metrics.importer import ImportResult, import_sheets
from metrics.kinds import MEASURES, OBSERVATIONS, PLACES, Kind
from metrics.problems import Problem
from metrics.readers import MAX_FILE_BYTES, ROW, Sheet, cell_text

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

# DfE's geographic_level -> the project's place level.
LEVELS: dict[str, str] = {"National": "nation", "Regional": "region", "Local authority": "local_area"}

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

ENGLAND_CODE = "E92000001"
GSS_CODE_RE = re.compile(r"[EKNSW]\d{8}")
ACADEMIC_YEAR_RE = re.compile(r"(\d{4})(\d{2})")

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

    Attendance is a ratio of sessions and aggregates (METHODS.md section 2);
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


def academic_year_period(time_period: str) -> tuple[dt.date, dt.date] | None:
    """DfE's academic year `202526` as 1 September 2025 to 31 July 2026; None
    when the text is not an academic year (the second year must follow the first)."""
    m = ACADEMIC_YEAR_RE.fullmatch(time_period)
    if m is None:
        return None
    first = int(m.group(1))
    if (first + 1) % 100 != int(m.group(2)):
        return None
    return dt.date(first, 9, 1), dt.date(first + 1, 7, 31)


def gss_place_id(code: str) -> str:
    """The place id of a region or local authority: its GSS code in lower case
    (`E09000030` -> `e09000030`), unique and stable across DfE's releases."""
    return code.lower()


# --- reading DfE's file ---------------------------------------------------------

@dataclass(frozen=True)
class DfeRecord:
    """One data row of DfE's file and its row number as Excel shows it."""

    row: int
    cells: dict[str, str]


def read_dfe_records(path: Path) -> tuple[list[DfeRecord], list[Problem]]:
    """The rows of DfE's tidy CSV, or problems with the file as a whole
    (missing, not CSV, not UTF-8, ragged, missing columns)."""
    name = path.name

    def whole(message: str, fix: str, **kw) -> tuple[list[DfeRecord], list[Problem]]:
        return [], [Problem(file=name, message=message, fix=fix, **kw)]

    if not path.exists():
        return whole(f"There is no file at {path}.", "Check the path and the file name.")
    if path.is_dir():
        return whole("This is a folder, not a file.", "Give the CSV file inside it (DfE's downloads keep it in data/).")
    if path.suffix.lower() != ".csv":
        return whole(
            f"DfE's attendance data comes as CSV; this is a '{path.suffix or '(none)'}' file.",
            "If it is DfE's zip download, unzip it and give the .csv file from its data folder.",
        )
    if path.stat().st_size > MAX_FILE_BYTES:
        return whole("The file is too large to import in one go.", "Filter it on explore-education-statistics (fewer years or levels) and download again.")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return whole(f"The file cannot be read ({exc.strerror or exc}).", "Check that the file is not open in another program and that you may read it.")
    except UnicodeDecodeError:
        return whole("The file is not UTF-8 text, so it is not DfE's file as downloaded (perhaps re-saved by Excel).", DOWNLOAD_FIX, code="encoding")
    if not text.strip():
        return whole("The file is empty.", DOWNLOAD_FIX)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        return whole(f"The file cannot be read as CSV ({exc}).", DOWNLOAD_FIX, row=reader.line_num, code="csv")
    header = records[0]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return [], [
            Problem(
                file=name,
                row=1,
                column=c,
                message=f"The column {c} is missing: the adapter needs DfE's pupil attendance file with all its columns.",
                fix=f"{DOWNLOAD_FIX} It needs the columns {', '.join(REQUIRED_COLUMNS)}.",
                code="header",
            )
            for c in missing
        ]
    out: list[DfeRecord] = []
    problems: list[Problem] = []
    for number, rec in enumerate(records[1:], start=2):
        if not rec or all(c == "" for c in rec):
            continue
        if len(rec) != len(header):
            problems.append(
                Problem(
                    file=name, row=number, code="ragged",
                    message=f"This row has {len(rec)} cells but the header has {len(header)} columns.",
                    fix=DOWNLOAD_FIX,
                )
            )
            continue
        out.append(DfeRecord(number, dict(zip(header, rec))))
    if not out and not problems:
        problems.append(Problem(file=name, message="The file has a header but no rows.", fix=DOWNLOAD_FIX))
    return out, problems


# --- building the import rows ---------------------------------------------------

def _as_date(value: dt.date | str | None, flag: str) -> tuple[dt.date | None, list[Problem]]:
    if value is None:
        return None, []
    if isinstance(value, dt.datetime):
        return value.date(), []
    if isinstance(value, dt.date):
        return value, []
    try:
        return dt.date.fromisoformat(str(value)), []
    except ValueError:
        return None, [Problem(file=flag, value=str(value), message="is not a date.", fix="Write it as YYYY-MM-DD, e.g. 2026-07-31.")]


def _override_period(period_start, period_end) -> tuple[tuple[dt.date, dt.date] | None, list[Problem]]:
    """The period the caller gives for every figure, or None to take it from the file."""
    start, p1 = _as_date(period_start, "--period-start")
    end, p2 = _as_date(period_end, "--period-end")
    if p1 or p2:
        return None, p1 + p2
    if start is None and end is None:
        return None, []
    if start is None or end is None:
        given, other = ("--period-start", "--period-end") if start is not None else ("--period-end", "--period-start")
        return None, [Problem(file=given, message=f"is given without {other}.", fix="Give both the first and the last day of the period the figures cover, or neither.")]
    if end < start:
        return None, [Problem(file="--period-end", value=end.isoformat(), message=f"is before --period-start ({start}).", fix="Check both dates.")]
    return (start, end), []


def _current_rows(con: duckdb.DuckDBPyConnection | None, table: str, where: str, params: list) -> list[dict]:
    if con is None or not params:
        return []
    cur = con.execute(f"SELECT * EXCLUDE (recorded_at, superseded_at, batch_id, change_reason) FROM {table} WHERE superseded_at IS NULL AND ({where})", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _as_cells(kind: Kind, stored: dict) -> dict[str, str]:
    """A stored row as the text a steward would type, so importing it again
    is no change."""
    return {c: cell_text(stored.get(c)) for c in kind.column_names}


def _sheet(file: str, label: str, kind: Kind, rows: list[tuple[int, dict[str, str]]]) -> Sheet:
    arrays = {ROW: pa.array([r for r, _ in rows], type=pa.int64())}
    for c in kind.column_names:
        arrays[c] = pa.array([cells.get(c, "") for _, cells in rows], type=pa.string())
    return Sheet(file=file, sheet=label, kind=kind, table=pa.table(arrays), present=kind.column_names)


@dataclass
class _Place:
    code: str
    name: str
    level: str
    parent_code: str | None
    row: int
    column: str  # DfE's column holding the code


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
    import does not revise them. Problems with DfE's file come back as
    problems, never raised; when there are any, no sheets are returned.
    """
    path = Path(path)
    name = path.name
    override, problems = _override_period(period_start, period_end)
    records, read_problems = read_dfe_records(path)
    problems += read_problems
    if problems:
        return [], problems

    def problem(rec: DfeRecord, column: str, message: str, fix: str, code: str = "invalid") -> Problem:
        return Problem(file=name, row=rec.row, column=column, value=rec.cells[column], message=message, fix=fix, code=code)

    # Periods, levels and phases: every distinct unknown value once, at its first row.
    reported: set[tuple[str, str]] = set()

    def once(rec: DfeRecord, column: str, message: str, fix: str) -> None:
        key = (column, rec.cells[column])
        if key not in reported:
            reported.add(key)
            problems.append(problem(rec, column, message, fix))

    periods: dict[tuple[str, str], tuple[dt.date, dt.date]] = {}
    for rec in records:
        tp, ti = rec.cells["time_period"], rec.cells["time_identifier"]
        if (tp, ti) in periods:
            continue
        if override is not None:
            periods[(tp, ti)] = override
        elif ti != "Academic year":
            once(
                rec, "time_identifier",
                "is a period this adapter does not know the dates of (it knows Academic year: 1 September to 31 July).",
                "Give the first and last day these figures cover with --period-start and --period-end.",
            )
        elif (years := academic_year_period(tp)) is None:
            once(rec, "time_period", "is not an academic year written like 202526.", DOWNLOAD_FIX)
        else:
            periods[(tp, ti)] = years
    if override is not None and len(periods) > 1:
        shown = ", ".join(f"{tp} {ti}" for tp, ti in periods)
        problems.append(
            Problem(
                file=name,
                column="time_period",
                message=f"The file holds {len(periods)} periods ({shown}), but --period-start/--period-end give one period for all of them.",
                fix="Filter the file to one period, or leave out --period-start and --period-end.",
            )
        )
    for rec in records:
        if rec.cells["geographic_level"] not in LEVELS:
            once(
                rec, "geographic_level",
                f"is a geographic level this adapter does not import (it imports {', '.join(LEVELS)}).",
                "Download the file with only national, regional and local authority rows.",
            )
        if rec.cells["education_phase"] not in PHASES:
            once(
                rec, "education_phase",
                f"is a school phase this adapter does not know (it knows {', '.join(PHASES)}).",
                "Download the file with only these phases.",
            )

    # Places, keyed by GSS code, each at the first row that names it.
    places: dict[str, list[_Place]] = {}

    def place(rec: DfeRecord, code_col: str, name_col: str, level: str, parent_code: str | None) -> str | None:
        code = rec.cells[code_col]
        if not GSS_CODE_RE.fullmatch(code):
            problems.append(
                problem(rec, code_col, "is not a GSS code (a letter and eight digits, e.g. E09000030).", DOWNLOAD_FIX, "bad_code")
            )
            return None
        if rec.cells[name_col].strip() == "":
            problems.append(problem(rec, name_col, "is empty.", DOWNLOAD_FIX, "missing"))
            return None
        candidate = _Place(code, rec.cells[name_col], level, parent_code, rec.row, code_col)
        seen = places.setdefault(code, [])
        # The same code with another name or level is kept, so the importer reports the clash at this row.
        if not any((p.name, p.level, p.parent_code) == (candidate.name, candidate.level, candidate.parent_code) for p in seen):
            seen.append(candidate)
        return code

    # The rows to import, each with the GSS code of its place.
    wanted: list[tuple[DfeRecord, str]] = []
    for rec in records:
        c = rec.cells
        level = LEVELS.get(c["geographic_level"])
        if level is None or c["education_phase"] not in PHASES or (c["time_period"], c["time_identifier"]) not in periods:
            continue
        nation = place(rec, "country_code", "country_name", "nation", None)
        if nation is None:
            continue
        code = nation
        if level in ("region", "local_area"):
            region = place(rec, "region_code", "region_name", "region", nation)
            if region is None:
                continue
            code = region
            if level == "local_area":
                la = place(rec, "new_la_code", "la_name", "local_area", region)
                if la is None:
                    continue
                code = la
        wanted.append((rec, code))
    if problems:
        return [], problems

    # Reuse what the database already holds: places by GSS code (else by id), measures by id.
    default_ids = {code: "england" if code == ENGLAND_CODE else gss_place_id(code) for code in places}
    codes = list(places)
    stored_places = _current_rows(con, "places", "code IN (SELECT unnest(?)) OR place_id IN (SELECT unnest(?))", [codes, list(default_ids.values())] if codes else [])
    place_id: dict[str, str] = {}
    reused: dict[str, dict] = {}
    for code in codes:
        by_code = sorted((p for p in stored_places if p["code"] == code), key=lambda p: (p["place_id"] != default_ids[code], p["place_id"]))
        by_id = [p for p in stored_places if p["place_id"] == default_ids[code]]
        if not by_code and by_id and by_id[0]["code"]:
            first = places[code][0]
            problems.append(
                Problem(
                    file=name, row=first.row, column=first.column, value=code,
                    message=f"The database already has a place {default_ids[code]} with another code ({by_id[0]['code']}), so this place cannot take that id.",
                    fix=f"Give the stored place {default_ids[code]} its right code, or a new place_id, and import DfE's file again.",
                    code="id_taken",
                )
            )
            continue
        match = (by_code or by_id or [None])[0]
        if match is not None:
            reused[code] = match
            place_id[code] = match["place_id"]
        else:
            place_id[code] = default_ids[code]
    if problems:
        return [], problems

    place_rows: list[tuple[int, dict[str, str]]] = []
    for code, versions in places.items():
        if code in reused:
            place_rows.append((versions[0].row, _as_cells(PLACES, reused[code])))
            continue
        for p in versions:
            place_rows.append(
                (
                    p.row,
                    {
                        "place_id": place_id[code],
                        "name": p.name,
                        "level": p.level,
                        "parent_id": place_id[p.parent_code] if p.parent_code else "",
                        "code": code,
                    },
                )
            )
    place_rows.sort(key=lambda r: r[0])

    measure_rows: list[tuple[int, dict[str, str]]] = []
    first_row_of_phase: dict[str, int] = {}
    for rec, _ in wanted:
        first_row_of_phase.setdefault(PHASES[rec.cells["education_phase"]], rec.row)
    ours = {m["measure_id"]: m for m in dfe_measure_rows()}
    stored_measures = {m["measure_id"]: m for m in _current_rows(con, "measures", "measure_id IN (SELECT unnest(?))", [list(ours)])}
    for measure_id, cells in ours.items():
        phase = measure_id.rsplit("-", 1)[1]
        if phase not in first_row_of_phase:
            continue
        row = first_row_of_phase[phase]
        stored = stored_measures.get(measure_id)
        if stored is None:
            measure_rows.append((row, cells))
        elif stored["unit"] != "percent":
            problems.append(
                Problem(
                    file=name, sheet=MEASURES_SHEET, row=row, column="unit", value=stored["unit"],
                    message=f"The database already has a measure {measure_id} in {stored['unit']}, but DfE's figures are percentages.",
                    fix=f"Rename the stored measure (a new measure_id) so that {measure_id} is free for DfE's figures.",
                )
            )
        else:
            measure_rows.append((row, _as_cells(MEASURES, stored)))
    if problems:
        return [], problems

    attendance: list[tuple[int, dict[str, str]]] = []
    absence: list[tuple[int, dict[str, str]]] = []
    for rec, code in wanted:
        c = rec.cells
        phase = PHASES[c["education_phase"]]
        start, end = periods[(c["time_period"], c["time_identifier"])]
        common = {"place_id": place_id[code], "period_start": start.isoformat(), "period_end": end.isoformat(), "source": SOURCE}
        attendance.append(
            (
                rec.row,
                {
                    "measure_id": attendance_measure_id(phase),
                    **common,
                    "value": c["attendance_perc"],
                    "numerator": c["overall_attendance"],
                    "denominator": c["possible_sessions"],
                },
            )
        )
        absence.append((rec.row, {"measure_id": persistent_absence_measure_id(phase), **common, "value": c["pa_perc"]}))

    sheets = [
        _sheet(name, PLACES_SHEET, PLACES, place_rows),
        _sheet(name, MEASURES_SHEET, MEASURES, measure_rows),
        _sheet(name, ATTENDANCE_SHEET, OBSERVATIONS, attendance),
        _sheet(name, ABSENCE_SHEET, OBSERVATIONS, absence),
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
