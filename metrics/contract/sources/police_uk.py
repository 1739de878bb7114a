"""data.police.uk street-level crime files (`police-uk-street`).

One row per crime (and per anti-social behaviour incident), one file per force
per month, with the LSOA the anonymised point falls in. A neighbourhood's
figure for a month is the number of rows in its LSOAs (through `place_areas`,
or its own code). A month that appears in any file given is covered: a
neighbourhood with no rows in a covered month had none, and gets 0 (police.uk
lists crimes, not LSOAs, so an LSOA without crimes is simply absent). Rows
without an LSOA, and rows in LSOAs of no place, are counted and reported.
"""

from __future__ import annotations

import duckdb

from metrics.contract.problems import Problem
from metrics.contract.sources import common
from metrics.contract.sources.common import AreaFigure, Origin, Request, SourceResult
from metrics.contract.sources.periods import police_month
from metrics.vocab import area_type

NAME = "police-uk-street"
COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)
READS = "data.police.uk street-level crime CSVs (one row per crime; one file per force per month)"
GIVES = "counts of crimes per month"
FILTERS = "any column, e.g. --filter \"Crime type=Violence and sexual offences\" (values of one column are alternatives)"
DOWNLOAD_FIX = "Download the street-level crime file again from data.police.uk (Downloads: choose the force and months, 'Include crime data') and import the CSV unchanged."


def import_police_uk_street(con: duckdb.DuckDBPyConnection, request: Request) -> SourceResult:
    """Count crimes per place and month through LSOAs, and import the counts
    (one transaction; see the module docstring)."""
    o = common.open_source(con, request, source=NAME, units=("count",), gives=GIVES,
                           required=COLUMNS, download_fix=DOWNLOAD_FIX, what="a police.uk street-level crime file")
    names, files, chosen, measure, problems, rows_read = o.names, o.files, o.filters, o.measure, o.problems, o.rows_read
    if problems:
        return common.failed(NAME, request, problems, rows_read)

    figures: dict = {}
    periods: dict = {}
    first_row_of: dict = {}
    no_lsoa = filtered_out = 0
    for f in files:
        month_i, lsoa_i = f.index("Month"), f.index("LSOA code")
        keep = chosen.row_filter(f.header)
        months_here: dict[str, object] = {}
        for number, rec in f.rows:
            text = rec[month_i]
            period = months_here.get(text)
            if period is None:
                period = police_month(text)
                if period is None:
                    if len(problems) < common.MAX_ROW_PROBLEMS:
                        problems.append(Problem(file=f.name, row=number, column="Month", value=text, message="is not a month written like 2016-07.", fix=DOWNLOAD_FIX))
                    continue
                months_here[text] = period
            key = period.key  # type: ignore[attr-defined]
            periods.setdefault(key, period)
            first_row_of.setdefault(key, Origin(f.name, number))  # a covered month, even when filtered out
            if not keep(rec):
                filtered_out += 1
                continue
            code = rec[lsoa_i]
            if code == "":
                no_lsoa += 1
                continue
            fig = figures.get((code, key))
            if fig is None:
                if area_type(code) != "LSOA":
                    if len(problems) < common.MAX_ROW_PROBLEMS:
                        problems.append(Problem(file=f.name, row=number, column="LSOA code", value=code, message="is not an LSOA code (E01 or W01 and six more digits).", fix=DOWNLOAD_FIX))
                    continue
                fig = figures[(code, key)] = AreaFigure(Origin(f.name, number), value=0.0, rows=0)
            fig.value += 1  # type: ignore[operator]
            fig.rows += 1
            fig.amount += 1
    if problems:
        return common.failed(NAME, request, problems, rows_read)
    for fig in figures.values():
        fig.cells = {"value": str(int(fig.value))}

    allocation = common.allocate("count", figures, periods, common.place_index(con), zero_area_type="LSOA", zero_origin=first_row_of)
    source = "data.police.uk street-level crime" + (f" ({chosen.describe()})" if chosen.by_column else "")
    rows = common.observation_rows(measure["measure_id"], allocation, lambda fig: source)  # type: ignore[index]
    sheets = common.observation_sheets(rows, "crimes per place and month (derived)", names)

    labels = [p.label for _, p in sorted(periods.items())]
    months = ", ".join(labels) if len(labels) <= 6 else f"{len(labels)} months, {labels[0]} to {labels[-1]}"
    report = [f"Read {rows_read:,} rows from {len(files)} file(s) ({NAME}); months covered: {months}."]
    if chosen.by_column:
        report.append(f"Filter: {chosen.describe()}; {filtered_out:,} rows left out by it.")
    report += common.allocation_report(allocation, "LSOA", "crimes")
    if no_lsoa:
        report.append(f"Unallocated: {no_lsoa:,} rows have no LSOA code (police.uk could not place them), so they are in no place's count.")
    return common.write_through_importer(
        con, NAME, request, sheets, report, rows_read, files=files,
        reword_problem=lambda p: common.reword(p, {"crimes per place and month (derived)"}, {}, "in the count of crimes this row starts"),
    )
