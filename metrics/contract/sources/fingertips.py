"""OHID Fingertips indicator exports (`fingertips`).

A Fingertips export ("Export table as CSV file", or the API's `all_data/csv`)
has one row per indicator, area, sex, age, category and time period, with the
published value, its 95% (and 99.8%) limits, the count and denominator, a
value note and comparisons. This adapter keeps, by default, the rows for
persons (`Sex=Persons`) with no category (`Category Type` empty; the
deprivation-decile rows are categories), and stores each figure as
published: the value, the 95% interval as the figure's given interval (never
recomputed here: Fingertips rounds some counts to 5 and computes the interval
from the unrounded ones), the count and denominator when they reproduce the
value, and the value note with the figure's source.

Places come from `Area Code`: England, regions and local authorities are
created when absent (as DfE's adapter does); a neighbourhood made of local
authorities (through `place_areas`) takes its authority's figure, or the ratio
of sums of several. `Time period` `2010/11` is a financial year (1 April to
31 March); calendar years and multi-year ranges are read too.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb

from metrics.contract.kinds import PLACES
from metrics.contract.problems import Problem
from metrics.contract.sources import common
from metrics.contract.sources.common import AreaFigure, Origin, Request, SourceResult, WantedPlace
from metrics.contract.sources.periods import fingertips_period
from metrics.vocab import LEVEL_RANK, UNIT_SCALE, UNITS, is_gss_code

NAME = "fingertips"
COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type",
    "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator", "Value note",
)
DEFAULT_FILTERS = {"Sex": "Persons", "Category Type": ""}
READS = "OHID Fingertips indicator exports (Indicator ID, ..., Area Code, ..., Time period, Value, Lower/Upper CI 95.0 limit, Count, Denominator, Value note, ...)"
GIVES = "published rates or percentages with their 95% intervals"
FILTERS = 'any column; by default Sex=Persons and an empty Category Type (a filter on a column replaces its default), e.g. --filter "Age=<15 yrs"'
DOWNLOAD_FIX = "Export the indicator again from fingertips.phe.org.uk ('Download' > 'Export table as CSV file') and import the CSV unchanged."
LABEL = "published figures per place (derived)"
# Our observation columns -> Fingertips' own, for problems found by the importer.
COLUMN_NAMES = {
    "value": "Value", "numerator": "Count", "denominator": "Denominator",
    "ci_low": "Lower CI 95.0 limit", "ci_high": "Upper CI 95.0 limit", "period_start": "Time period", "period_end": "Time period",
}
# Columns that tell two rows for the same area and period apart.
DISTINGUISHING = ("Indicator ID", "Sex", "Age", "Category Type", "Category", "Area Type")


def import_fingertips(con: duckdb.DuckDBPyConnection, request: Request) -> SourceResult:
    """Import a Fingertips export's figures, as published, for the places its
    areas make up (one transaction; see the module docstring)."""
    # Any unit passes here; which one the file needs is known once it is read.
    o = common.open_source(con, request, source=NAME, units=UNITS, gives=GIVES, required=COLUMNS,
                           download_fix=DOWNLOAD_FIX, what="a Fingertips indicator export", default_filters=DEFAULT_FILTERS)
    names, files, chosen, measure, problems, rows_read = o.names, o.files, o.filters, o.measure, o.problems, o.rows_read
    if problems:
        return common.failed(NAME, request, problems, rows_read)

    # The rows the filters keep, each read and checked where it stands.
    kept: list[tuple[Origin, dict[str, str]]] = []
    for f in files:
        keep = chosen.row_filter(f.header)
        for number, rec in f.rows:
            if keep(rec):
                kept.append((Origin(f.name, number), dict(zip(f.header, rec))))
    if not kept:
        return common.failed(NAME, request, [common.nothing_kept(chosen, files)], rows_read)
    indicators = sorted({c["Indicator ID"] for _, c in kept})
    if len(indicators) > 1:
        problems.append(Problem(
            file=names[0], column="Indicator ID", code="several_indicators",
            message=f"The rows kept hold {len(indicators)} indicators ({', '.join(indicators[:8])}); a measure is one indicator.",
            fix=f'Choose one with --filter "Indicator ID={indicators[0]}" (and import the others into their own measures).',
        ))
    numbers: dict[tuple[str, int], dict[str, float | None]] = {}
    periods: dict = {}
    for origin, c in kept:
        period = fingertips_period(c["Time period"])
        if period is None:
            problems.append(Problem(
                file=origin.file, row=origin.row, column="Time period", value=c["Time period"],
                message="is a time period this adapter cannot date (it reads 2010/11, 2021, 2021/22 - 23/24, 2019 - 21, 2023/24 Q1).",
                fix=f'Leave such rows out with a --filter on "Time period", or ask for this form to be added. {DOWNLOAD_FIX}',
            ))
            continue
        periods.setdefault(period.key, period)
        parsed: dict[str, float | None] = {}
        for column in ("Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count", "Denominator"):
            text = c[column]
            parsed[column] = None if text == "" else common.parse_number_cell(text)
            if text != "" and parsed[column] is None:
                problems.append(Problem(file=origin.file, row=origin.row, column=column, value=text, message="is not a number.", fix=DOWNLOAD_FIX))
        numbers[(origin.file, origin.row)] = parsed
    if problems:
        return common.failed(NAME, request, problems, rows_read)

    # Is Value = Count / Denominator x the measure's scale? Then the counts are
    # kept (a partnership adds them up); else the value and interval alone.
    triples = [(n["Value"], n["Count"], n["Denominator"]) for n in numbers.values() if None not in (n["Value"], n["Count"], n["Denominator"])]
    scale_unit = common.inferred_scale_unit(triples)
    needed = (scale_unit,) if scale_unit else tuple(UNIT_SCALE)
    if measure["unit"] not in needed:  # type: ignore[index]
        why = f"in this file Value = Count / Denominator x {UNIT_SCALE[scale_unit]:,.0f}" if scale_unit else f"{NAME} gives {GIVES}"
        return common.failed(NAME, request, [Problem(
            file="--measure", value=request.measure_id, column="unit", code="unit",
            message=f"is in {measure['unit']}, but {why}: it needs a measure in {' or '.join(needed)}.",  # type: ignore[index]
            fix=f"Choose a measure in {' or '.join(needed)}, or create one (a new measure_id with unit {needed[0]}).",
        )], rows_read)
    scale = UNIT_SCALE[measure["unit"]]  # type: ignore[index]

    figures: dict = {}
    first: dict = {}
    wanted: dict[str, list[WantedPlace]] = {}
    counts_dropped = not_places = 0
    merged: list[tuple[Origin, Origin]] = []  # (repeat, the row it repeats)
    for origin, c in kept:
        n = numbers[(origin.file, origin.row)]
        code = c["Area Code"]
        period = fingertips_period(c["Time period"])
        fig = AreaFigure(origin, note=c["Value note"] or None, rows=1)
        if n["Value"] is None:
            fig.symbol = "x"
            fig.cells = {"value": "x"}
        else:
            fig.value = n["Value"]
            fig.cells = {"value": c["Value"]}
            if n["Lower CI 95.0 limit"] is not None or n["Upper CI 95.0 limit"] is not None:
                fig.ci_low, fig.ci_high = n["Lower CI 95.0 limit"], n["Upper CI 95.0 limit"]
                fig.cells.update({"ci_low": c["Lower CI 95.0 limit"], "ci_high": c["Upper CI 95.0 limit"]})
            count, base = n["Count"], n["Denominator"]
            if count is not None and base is not None and base > 0 and abs(n["Value"] - count / base * scale) <= 0.05:
                fig.numerator, fig.denominator = count, base
                fig.cells.update({"numerator": c["Count"], "denominator": c["Denominator"]})
            elif count is not None or base is not None:
                counts_dropped += 1
        key = (code, period.key)  # type: ignore[union-attr]
        earlier = first.get(key)
        if earlier is not None:
            if figures[key].cells != fig.cells or figures[key].note != fig.note:
                o, ec = earlier
                differ = [col for col in DISTINGUISHING if ec[col] != c[col]]
                how = f"They differ in {', '.join(differ)}: " if differ else ""
                problems.append(Problem(
                    file=origin.file, row=origin.row, column="Area Code", value=code, code="duplicate",
                    message=f"gives a second figure for this area and {c['Time period']} ({o.file} row {o.row} gives the first).",
                    fix=f'{how}keep one with --filter, e.g. --filter "{(differ or ["Age"])[0]}={ec[(differ or ["Age"])[0]]}".',
                ))
            else:
                merged.append((origin, earlier[0]))
            continue
        first[key] = (origin, c)
        figures[key] = fig
        level = common.level_of(code)
        if level is not None:
            parent = c["Parent Code"]
            parent_level = common.level_of(parent)
            if parent_level is not None and LEVEL_RANK[parent_level] > LEVEL_RANK[level]:
                parent_name = c["Parent Name"] or parent
                common.add_wanted(wanted, WantedPlace(parent, "England" if parent == common.ENGLAND_CODE else parent_name, parent_level, common.ENGLAND_CODE if parent_level == "region" else None, origin.file, origin.row, "Parent Code"))
            else:
                parent = None
            common.add_wanted(wanted, WantedPlace(code, c["Area Name"], level, parent, origin.file, origin.row, "Area Code"))
        elif not is_gss_code(code):
            not_places += 1
    if any(p.parent_code == common.ENGLAND_CODE for v in wanted.values() for p in v) and common.ENGLAND_CODE not in wanted:
        o = next(p for v in wanted.values() for p in v if p.parent_code == common.ENGLAND_CODE)
        common.add_wanted(wanted, WantedPlace(common.ENGLAND_CODE, "England", "nation", None, o.file, o.row, "Parent Code"))
    if problems:
        return common.failed(NAME, request, problems, rows_read)

    places = common.benchmark_places(con, wanted)
    if places.problems:
        return common.failed(NAME, request, places.problems, rows_read)
    allocation = common.allocate(measure["unit"], figures, periods, common.place_index(con, places.new))  # type: ignore[index]

    def source(fig: AreaFigure) -> str:
        text = f"OHID Fingertips, indicator {indicators[0]}" if indicators else "OHID Fingertips"
        return text + (f". Value note: {fig.note}" if fig.note else "")

    rows = common.observation_rows(measure["measure_id"], allocation, source)  # type: ignore[index]
    by_file: dict[str, list] = defaultdict(list)
    for file, row, cells in places.rows:
        by_file[file].append((row, cells))
    sheets = [common.kind_sheet(file, "places (derived)", PLACES, by_file.get(file, [])) for file in names if by_file.get(file)]
    sheets += common.observation_sheets(rows, LABEL, names)

    labels = [p.label for _, p in sorted(periods.items())]
    report = [
        f"Read {rows_read:,} rows from {len(files)} file(s) ({NAME}); kept {len(kept):,} ({chosen.describe()})"
        + (f", indicator {indicators[0]} ({kept[0][1]['Indicator Name']})" if indicators else "")
        + (f"; periods {labels[0]} to {labels[-1]}." if labels else ".")
    ]
    if merged:
        (o, e) = merged[0]
        report.append(
            f"Merged {len(merged):,} row{'s' if len(merged) != 1 else ''} that repeat another row's figure exactly (the same area and period, "
            f"e.g. {o.file} row {o.row} repeats row {e.row}): each figure is kept once, "
            f"so {len(kept) - len(merged):,} of the {len(kept):,} rows kept give figures."
        )
    if places.new:
        report.append(f"New benchmark places: {', '.join(p.place_id for p in places.new)}.")
    if scale_unit is None and triples:
        report.append("Value is not Count / Denominator x a rate's scale (an age-standardised rate, say): the published values and intervals are kept without their counts, so they cannot be added up.")
    elif counts_dropped:
        report.append(f"{counts_dropped:,} rows' Count and Denominator do not give their Value, so those figures are kept without them.")
    report += common.allocation_report(allocation, "area")
    if not_places:
        report.append(f"  ({not_places:,} of the rows are for areas without a GSS code, such as GP practices.)")
    return common.write_through_importer(
        con, NAME, request, sheets, report, rows_read, files=files,
        reword_problem=lambda p: common.reword(p, {LABEL, "places (derived)"}, COLUMN_NAMES, "in the figure taken from this row"),
    )
