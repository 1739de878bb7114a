"""Explore-education-statistics tidy CSVs (`ees`).

DfE publishes its statistics on explore-education-statistics in one tidy
format: `time_period`, `time_identifier`, `geographic_level`, the codes and
names of the geography (`country_code`, `region_code`, `new_la_code`, ...),
then filter columns (`education_phase`, ...) and indicator columns. This
adapter reads one indicator (`--value-column`, with `--numerator-column` and
`--denominator-column` for a rate that adds up) into a measure that already
exists. England, regions and local authorities are created when absent (with
their GSS codes); other geographies (wards, districts, constituencies) reach
the places whose own code or `place_areas` name them. Suppressed cells keep
their GSS symbol (`c`, `x`, `z`, `low`, ...) and are stored as unavailable.
DfE's attendance adapter (`metrics.dfe`) is one use of it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from metrics.contract.kinds import PLACES
from metrics.contract.problems import Problem
from metrics.contract.sources import common
from metrics.contract.sources.common import Allocation, AreaFigure, Filters, Origin, PublishedFile, Request, SourceResult, WantedPlace
from metrics.contract.sources.periods import Period, ees_period
from metrics.vocab import GSS_SYMBOL_CELLS, UNIT_SCALE, is_gss_code

NAME = "ees"
BASE_COLUMNS = ("time_period", "time_identifier", "geographic_level")
READS = "explore-education-statistics tidy CSVs (time_period, time_identifier, geographic_level, country_code, region_code, new_la_code, ...)"
GIVES = "the figures of one indicator column"
FILTERS = 'any column, e.g. --filter "education_phase=Total" (values of one column are alternatives); choose the indicator with --value-column'
DOWNLOAD_FIX = (
    "Download the file again from explore-education-statistics.service.gov.uk ('Download data' as CSV with all "
    "columns) and import that file unchanged."
)

# geographic_level -> (code column, name column, the place level created for it
# or None when such areas are only matched to existing places, the level above).
LEVELS: dict[str, tuple[str, str, str | None, str | None]] = {
    "National": ("country_code", "country_name", "nation", None),
    "Regional": ("region_code", "region_name", "region", "National"),
    "Local authority": ("new_la_code", "la_name", "local_area", "Regional"),
    "Local authority district": ("lad_code", "lad_name", None, None),
    "Ward": ("ward_code", "ward_name", None, None),
    "Parliamentary constituency": ("pcon_code", "pcon_name", None, None),
}
SCALE_SAMPLE = 2000  # rows with all three figures looked at to tell a rate's scale
EXAMPLES = {"Academic year": "202526", "Financial year": "202425", "Tax year": "202425", "Calendar year": "2025"}


@dataclass(frozen=True)
class Indicator:
    """One measure read from the file: which columns hold its figures and which rows are its."""

    measure_id: str
    unit: str
    value: str
    numerator: str | None = None
    denominator: str | None = None
    filters: Filters = Filters({})
    label: str = "figures per place (derived)"
    source: str | None = None  # the figures' source text; default: the column and filters

    @property
    def columns(self) -> dict[str, str]:
        """Our observation columns -> the file's."""
        out = {"value": self.value}
        if self.numerator:
            out["numerator"] = self.numerator
        if self.denominator:
            out["denominator"] = self.denominator
        return out


@dataclass
class EesBuild:
    """What an EES file gives: benchmark places, figures per indicator, problems, report lines."""

    place_rows: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    observations: dict[str, list[tuple[Origin, dict[str, str]]]] = field(default_factory=lambda: defaultdict(list))
    allocations: list[Allocation] = field(default_factory=list)
    new_places: list[str] = field(default_factory=list)
    unplaced_rows: int = 0
    problems: list[Problem] = field(default_factory=list)


def override_period(period_start, period_end) -> tuple[Period | None, list[Problem]]:
    """The period the caller gives for every figure (--period-start/--period-end),
    or None to take it from the file."""

    def as_date(value, flag: str) -> tuple[dt.date | None, list[Problem]]:
        if value is None or isinstance(value, dt.date):
            return (value.date() if isinstance(value, dt.datetime) else value), []
        try:
            return dt.date.fromisoformat(str(value)), []
        except ValueError:
            return None, [Problem(file=flag, value=str(value), message="is not a date.", fix="Write it as YYYY-MM-DD, e.g. 2026-07-31.")]

    start, p1 = as_date(period_start, "--period-start")
    end, p2 = as_date(period_end, "--period-end")
    if p1 or p2:
        return None, p1 + p2
    if start is None and end is None:
        return None, []
    if start is None or end is None:
        given, other = ("--period-start", "--period-end") if start is not None else ("--period-end", "--period-start")
        return None, [Problem(file=given, message=f"is given without {other}.", fix="Give both the first and the last day of the period the figures cover, or neither.")]
    if end < start:
        return None, [Problem(file="--period-end", value=end.isoformat(), message=f"is before --period-start ({start}).", fix="Check both dates.")]
    return Period(start, end, f"{start} to {end}"), []


def file_periods(files: Sequence[PublishedFile], override: Period | None, keep=None) -> tuple[dict[tuple[str, str], Period], list[Problem]]:
    """Each (time_period, time_identifier) of the rows `keep` accepts, as dates;
    every unknown one is a problem once, at its first row."""
    periods: dict[tuple[str, str], Period] = {}
    problems: list[Problem] = []
    reported: set[tuple[str, str]] = set()
    for f in files:
        tp_i, ti_i = f.index("time_period"), f.index("time_identifier")
        for number, rec in f.rows:
            tp, ti = rec[tp_i], rec[ti_i]
            if (tp, ti) in periods or (keep is not None and not keep(f, rec)):
                continue
            if override is not None:
                periods[(tp, ti)] = override
                continue
            period = ees_period(tp, ti)
            if period is not None:
                periods[(tp, ti)] = period
                continue
            if ti in EXAMPLES:
                key = ("time_period", tp)
                problem = Problem(file=f.name, row=number, column="time_period", value=tp, message=f"is not a {ti.lower()} written like {EXAMPLES[ti]}.", fix=DOWNLOAD_FIX)
            else:
                key = ("time_identifier", ti)
                problem = Problem(
                    file=f.name, row=number, column="time_identifier", value=ti,
                    message="is a period this adapter does not know the dates of (it knows academic, financial, tax and calendar years, their quarters and months).",
                    fix="Give the first and last day these figures cover with --period-start and --period-end.",
                )
            if key not in reported:
                reported.add(key)
                problems.append(problem)
    if override is not None and len(periods) > 1:
        shown = ", ".join(f"{tp} {ti}" for tp, ti in periods)
        problems.append(Problem(
            file=files[0].name, column="time_period",
            message=f"The file holds {len(periods)} periods ({shown}), but --period-start/--period-end give one period for all of them.",
            fix="Filter the file to one period, or leave out --period-start and --period-end.",
        ))
    return periods, problems


def _cell(text: str) -> tuple[float | None, str | None, bool]:
    """(number, GSS symbol, ok) for a figure cell: a number, a symbol, or empty."""
    if text == "":
        return None, None, True
    if text in GSS_SYMBOL_CELLS:
        return None, text, True
    number = common.parse_number_cell(text)
    return number, None, number is not None


def build(
    con: duckdb.DuckDBPyConnection | None,
    files: Sequence[PublishedFile],
    indicators: Sequence[Indicator],
    periods: dict[tuple[str, str], Period],
) -> EesBuild:
    """Figures per place for each indicator, and the benchmark places they need.

    Reads every row whose period is known and whose level is one of LEVELS;
    checks its codes and figure cells (problems name the file's row and
    column); creates England, regions and local authorities when absent;
    then maps each indicator's figures onto places (metrics.contract.sources.common).
    """
    out = EesBuild()
    wanted: dict[str, list[WantedPlace]] = {}
    located: list[tuple[PublishedFile, int, list[str], str, Period]] = []  # file, row, cells, area code, period
    for f in files:
        tp_i, ti_i, level_i = f.index("time_period"), f.index("time_identifier"), f.index("geographic_level")
        for number, rec in f.rows:
            period = periods.get((rec[tp_i], rec[ti_i]))
            level = LEVELS.get(rec[level_i])
            if period is None or level is None:
                continue
            if level[0] not in f.header:
                out.problems.append(Problem(file=f.name, row=1, column=level[0], message=f"is missing, but the file has {rec[level_i]} rows, which are located by it.", fix=DOWNLOAD_FIX, code="header"))
                return out
            code = None
            chain = []
            lvl: str | None = rec[level_i]
            while lvl is not None:
                chain.append(LEVELS[lvl])
                lvl = LEVELS[lvl][3]
            parent = None
            for code_col, name_col, place_level, _ in reversed(chain):
                c = rec[f.index(code_col)]
                if place_level is None:
                    code = c if is_gss_code(c) else None
                    if code is None:
                        out.unplaced_rows += 1
                    continue
                if not is_gss_code(c):
                    out.problems.append(Problem(file=f.name, row=number, column=code_col, value=c, code="bad_code", message="is not a GSS code (a letter and eight digits, e.g. E09000030).", fix=DOWNLOAD_FIX))
                    code = None
                    break
                name = rec[f.index(name_col)] if name_col in f.header else c
                if name.strip() == "":
                    out.problems.append(Problem(file=f.name, row=number, column=name_col, value=name, code="missing", message="is empty.", fix=DOWNLOAD_FIX))
                    code = None
                    break
                common.add_wanted(wanted, WantedPlace(c, name, place_level, parent, f.name, number, code_col))
                parent = code = c
            if code is not None:
                located.append((f, number, rec, code, period))
    if out.problems:
        return out
    places = common.benchmark_places(con, wanted)
    if places.problems:
        out.problems = places.problems
        return out
    out.place_rows = places.rows
    out.new_places = [p.place_id for p in places.new]
    index = common.place_index(con, places.new)

    for ind in indicators:
        figures: dict = {}
        first: dict = {}
        by_period: dict = {}
        keeps = {id(f): ind.filters.row_filter(f.header) for f in files}
        for f, number, rec, code, period in located:
            if not keeps[id(f)](rec):
                continue
            fig = AreaFigure(Origin(f.name, number))
            for ours, theirs in ind.columns.items():
                text = rec[f.index(theirs)]
                number_value, symbol, ok = _cell(text)
                if not ok:
                    out.problems.append(Problem(file=f.name, row=number, column=theirs, value=text, message="is not a number or a GSS symbol (c, x, z, low).", fix=DOWNLOAD_FIX))
                    continue
                fig.cells[ours] = text
                setattr(fig, ours, number_value)
                if symbol and ours == "value":
                    fig.symbol = symbol
            key = (code, period.key)
            earlier = first.get(key)
            if earlier is not None:
                if figures[key].cells != fig.cells:
                    ef, enumber, erec = earlier
                    skip = set(BASE_COLUMNS) | {c for lv in LEVELS.values() for c in lv[:2]} | set(ind.columns.values())
                    differ = [col for col in f.header if col in ef.header and col not in skip and rec[f.index(col)] != erec[ef.index(col)]][:3]
                    how = f"They differ in {', '.join(differ)}: keep one with --filter, e.g. --filter \"{differ[0]}={erec[ef.index(differ[0])]}\"." if differ else "Keep one with --filter."
                    out.problems.append(Problem(
                        file=f.name, row=number, column=ind.value, code="duplicate",
                        message=f"gives a second figure for {code} and {period.label} ({ef.name} row {enumber} gives the first).",
                        fix=how,
                    ))
                continue
            first[key] = (f, number, rec)
            figures[key] = fig
            by_period.setdefault(period.key, period)
        if out.problems:
            return out
        allocation = common.allocate(ind.unit, figures, by_period, index)
        out.allocations.append(allocation)
        out.observations[ind.label] += common.observation_rows(ind.measure_id, allocation, lambda fig, ind=ind: ind_source(ind))
    for rows in out.observations.values():
        rows.sort(key=lambda r: (r[0].file, r[0].row, r[1]["measure_id"], r[1]["place_id"]))
    return out


def ind_source(ind: Indicator) -> str:
    if ind.source:
        return ind.source
    return f"explore education statistics, {ind.value}" + (f" ({ind.filters.describe()})" if ind.filters.by_column else "")


def import_ees(
    con: duckdb.DuckDBPyConnection,
    request: Request,
    *,
    value_column: str | None = None,
    numerator_column: str | None = None,
    denominator_column: str | None = None,
    period_start: dt.date | str | None = None,
    period_end: dt.date | str | None = None,
) -> SourceResult:
    """Import one indicator of an EES tidy file into an existing measure (one
    transaction; see the module docstring)."""
    override, problems = override_period(period_start, period_end)
    if value_column is None:
        problems.append(Problem(file="--value-column", message="is needed: it names the file's column holding the figures.", fix="Give e.g. --value-column attendance_perc (and --numerator-column / --denominator-column for a rate that adds up)."))
    if (numerator_column is None) != (denominator_column is None):
        problems.append(Problem(file="--numerator-column" if numerator_column is None else "--denominator-column", message="is needed with the other one.", fix="Give both --numerator-column and --denominator-column, or neither."))
    ratio = numerator_column is not None
    o = common.open_source(
        con, request, source=NAME,
        units=tuple(UNIT_SCALE) if ratio else (*UNIT_SCALE, "count", "score"),
        gives="a rate with its numerator and denominator" if ratio else GIVES,
        required=(*BASE_COLUMNS, *(c for c in (value_column, numerator_column, denominator_column) if c)),
        download_fix=DOWNLOAD_FIX, what="an explore-education-statistics file",
    )
    names, files, chosen, measure, rows_read = o.names, o.files, o.filters, o.measure, o.rows_read
    problems += o.problems
    if problems:
        return common.failed(NAME, request, problems, rows_read)

    filters_of = {id(f): chosen.row_filter(f.header) for f in files}
    keep = lambda f, rec: filters_of[id(f)](rec)  # noqa: E731
    periods, problems = file_periods(files, override, keep)
    if problems:
        return common.failed(NAME, request, problems, rows_read)
    if not periods:
        return common.failed(NAME, request, [common.nothing_kept(chosen, files)], rows_read)
    if ratio:
        triples = []  # enough rows to tell the scale, not every row
        for f in files:
            v_i, n_i, d_i = f.index(value_column), f.index(numerator_column), f.index(denominator_column)  # type: ignore[arg-type]
            for _, rec in f.rows:
                nums = [common.parse_number_cell(rec[i]) for i in (v_i, n_i, d_i)]
                if None not in nums and keep(f, rec):
                    triples.append(tuple(nums))
                if len(triples) >= SCALE_SAMPLE:
                    break
        scale_unit = common.inferred_scale_unit(triples)  # type: ignore[arg-type]
        if scale_unit is not None and scale_unit != measure["unit"]:  # type: ignore[index]
            return common.failed(NAME, request, [Problem(
                file="--measure", value=request.measure_id, column="unit", code="unit",
                message=f"is in {measure['unit']}, but in this file {value_column} = {numerator_column} / {denominator_column} x {UNIT_SCALE[scale_unit]:,.0f}: it needs a measure in {scale_unit}.",  # type: ignore[index]
                fix=f"Choose a measure in {scale_unit}, or create one (a new measure_id with unit {scale_unit}).",
            )], rows_read)
    indicator = Indicator(measure["measure_id"], measure["unit"], value_column, numerator_column, denominator_column, chosen)  # type: ignore[index, arg-type]
    built = build(con, files, [indicator], periods)
    if built.problems:
        return common.failed(NAME, request, built.problems, rows_read)
    sheets = place_sheets(built, names) + common.observation_sheets(built.observations[indicator.label], indicator.label, names)
    labels = sorted({p.label for p in periods.values()})
    report = [f"Read {rows_read:,} rows from {len(files)} file(s) ({NAME}); {value_column}" + (f" ({chosen.describe()})" if chosen.by_column else "") + f"; periods: {', '.join(labels)}."]
    if built.new_places:
        report.append(f"New benchmark places: {', '.join(built.new_places[:10])}" + (f" and {len(built.new_places) - 10} more." if len(built.new_places) > 10 else "."))
    report += common.allocation_report(built.allocations[0], "area")
    if built.unplaced_rows:
        report.append(f"Unallocated: {built.unplaced_rows:,} rows have no GSS code for their area, so they are in no place's figure.")
    other_levels = sum(1 for f in files for _, rec in f.rows if rec[f.index("geographic_level")] not in LEVELS)
    if other_levels:
        report.append(f"Unallocated: {other_levels:,} rows are at a geographic level this adapter does not place (it places {', '.join(LEVELS)}).")
    return common.write_through_importer(
        con, NAME, request, sheets, report, rows_read, files=files,
        reword_problem=lambda p: common.reword(p, {indicator.label, "places (derived)"}, indicator.columns, "in the figure taken from this row"),
    )


def place_sheets(built: EesBuild, names: Sequence[str], label: str = "places (derived)"):
    """The benchmark places as one places sheet per file (an empty one when none)."""
    by_file: dict[str, list] = defaultdict(list)
    for file, row, cells in built.place_rows:
        by_file[file].append((row, cells))
    return [common.kind_sheet(file, label, PLACES, by_file[file]) for file in names if by_file.get(file)] or [common.kind_sheet(names[0], label, PLACES, [])]
