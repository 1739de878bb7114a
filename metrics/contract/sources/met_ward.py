"""The Metropolitan Police's ward-level monthly crime files (`met-ward-crime`).

"MPS Ward Level Crime (most recent 24 months)": one row per ward and crime
category (`MajorText`, `MinorText`), one column per month (`202401`, ...)
holding the number of crimes. A place's figure for a month is the sum over
its wards (through `place_areas`, or its own code) of the rows the filters
keep. A ward in the file with no row a filter keeps had 0; a ward not in the
file at all is not covered, and a place that needs it gets no figure.

Each monthly release covers the latest 24 months and corrects earlier ones:
importing the next release records every changed month as a revision, which
the next board pack lists under "Revisions to earlier figures".
"""

from __future__ import annotations

import re

import duckdb

from metrics.contract.problems import Problem
from metrics.contract.sources import common
from metrics.contract.sources.common import AreaFigure, Origin, Request, SourceResult
from metrics.contract.sources.periods import met_month
from metrics.vocab import area_type

NAME = "met-ward-crime"
COLUMNS = ("MajorText", "MinorText", "WardName", "WardCode", "LookUp_BoroughName")
READS = "the Metropolitan Police's ward-level monthly crime files (MajorText, MinorText, WardName, WardCode, LookUp_BoroughName, then a column per month YYYYMM)"
GIVES = "counts of crimes per month"
FILTERS = "MajorText and MinorText, e.g. --filter \"MajorText=VIOLENCE AGAINST THE PERSON\" (values of one column are alternatives)"
DOWNLOAD_FIX = "Download 'MPS Ward Level Crime (most recent 24 months)' again from the London Datastore and import the CSV unchanged."
LABEL = "crimes per place and month (derived)"


def import_met_ward_crime(con: duckdb.DuckDBPyConnection, request: Request) -> SourceResult:
    """Sum crimes per place and month through ward codes, and import the sums
    (one transaction; see the module docstring)."""
    o = common.open_source(con, request, source=NAME, units=("count",), gives=GIVES,
                           required=COLUMNS, download_fix=DOWNLOAD_FIX, what="a Met ward-level crime file")
    names, files, chosen, measure, problems, rows_read = o.names, o.files, o.filters, o.measure, o.problems, o.rows_read
    for f in files:
        months = [c for c in f.header if re.fullmatch(r"\d{6}", c)]
        bad = [c for c in months if met_month(c) is None]
        if not months or bad:
            problems.append(Problem(
                file=f.name, row=1, column=bad[0] if bad else None, code="header",
                message=f"has a month column that is not a month ({bad[0]})." if bad else "has no month columns (named like 202401).",
                fix=DOWNLOAD_FIX,
            ))
    if problems:
        return common.failed(NAME, request, problems, rows_read)

    figures: dict = {}
    periods: dict = {}
    covered_by: dict = {}  # (ward, month) -> the file that gives it
    filtered_out = not_wards = 0
    for f in files:
        months = [(i, met_month(c)) for i, c in enumerate(f.header) if re.fullmatch(r"\d{6}", c)]
        code_i = f.index("WardCode")
        keep = chosen.row_filter(f.header)
        here: dict = {}
        for number, rec in f.rows:
            code = rec[code_i]
            if area_type(code) != "ward":
                not_wards += 1  # e.g. a row for an airport or "unknown" location: reported, not an error
                continue
            for i, period in months:
                key = (code, period.key)  # type: ignore[union-attr]
                if key not in here:
                    here[key] = AreaFigure(Origin(f.name, number), value=0.0, rows=0)
                    periods.setdefault(period.key, period)  # type: ignore[union-attr]
            if not keep(rec):
                filtered_out += 1
                continue
            for i, period in months:
                text = rec[i]
                value = common.parse_number_cell(text)
                if value is None or value < 0 or not value.is_integer():
                    if len(problems) < common.MAX_ROW_PROBLEMS:
                        problems.append(Problem(file=f.name, row=number, column=f.header[i], value=text, message="is not a whole number of crimes.", fix=DOWNLOAD_FIX))
                    continue
                fig = here[(code, period.key)]  # type: ignore[union-attr]
                fig.value += value  # type: ignore[operator]
                fig.rows += 1
                fig.amount += value
        for key, fig in here.items():
            earlier = covered_by.get(key)
            if earlier is not None:
                problems.append(Problem(
                    file=f.name, column=periods[key[1]].label, code="overlap",
                    message=f"gives ward {key[0]} in {periods[key[1]].label}, which {earlier} gives too: two releases (or the same release twice) at once.",
                    fix="Import one release at a time, oldest first: each later release corrects the months it shares with the one before, and the corrections are kept as revisions.",
                ))
                break
            covered_by[key] = f.name
            figures[key] = fig
    if problems:
        return common.failed(NAME, request, problems, rows_read)
    for fig in figures.values():
        fig.cells = {"value": str(int(fig.value))}

    allocation = common.allocate("count", figures, periods, common.place_index(con))
    source = "Metropolitan Police, ward-level crime" + (f" ({chosen.describe()})" if chosen.by_column else "")
    rows = common.observation_rows(measure["measure_id"], allocation, lambda fig: source)  # type: ignore[index]
    sheets = common.observation_sheets(rows, LABEL, names)

    labels = [p.label for _, p in sorted(periods.items())]
    report = [f"Read {rows_read:,} rows from {len(files)} file(s) ({NAME}); months covered: {labels[0]} to {labels[-1]}." if labels else f"Read {rows_read:,} rows ({NAME})."]
    if chosen.by_column:
        report.append(f"Filter: {chosen.describe()}; {filtered_out:,} rows left out by it.")
    report += common.allocation_report(allocation, "ward", "crimes", rows_of=lambda figs: max(f.rows for f in figs))
    if not_wards:
        report.append(f"Unallocated: {not_wards:,} rows have a WardCode that is not a ward's GSS code, so they are in no place's count.")
    return common.write_through_importer(
        con, NAME, request, sheets, report, rows_read, files=files,
        reword_problem=lambda p: common.reword(p, {LABEL}, {}, "in the sum of crimes this row starts"),
    )
