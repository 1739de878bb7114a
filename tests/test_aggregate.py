"""Derived values and partnership aggregates (docs/methods.md)."""

from __future__ import annotations

import csv
import math
import statistics
from collections import defaultdict
from datetime import date

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from metrics.contract.models import derived_figure
from metrics.methods.aggregate import Figure, PeriodFigure, aggregate_figures, derived_value, derived_value_sql, partnership_series

AUTUMN = (date(2025, 9, 1), date(2025, 12, 19))
SPRING = (date(2026, 1, 5), date(2026, 3, 27))
from conftest import REAL_DFE as REAL_DATA

# Section 1: derived values


def test_percent_is_derived_from_numerator_and_denominator():
    # 937 / 1000 x 100 = 93.7, even though the file said 94
    assert derived_value("percent", Figure(value=94.0, numerator=937, denominator=1000)) == pytest.approx(93.7)


def test_rate_per_1000_is_derived_with_scale_1000():
    # 12 / 4000 x 1000 = 3.0
    assert derived_value("rate_per_1000", Figure(value=None, numerator=12, denominator=4000)) == pytest.approx(3.0)


def test_percent_with_only_a_value_keeps_the_value():
    assert derived_value("percent", Figure(value=93.7)) == 93.7


def test_count_and_score_are_their_value():
    assert derived_value("count", Figure(value=42, numerator=1, denominator=2)) == 42
    assert derived_value("score", Figure(value=47.1, sample_size=100)) == 47.1


# Section 2: aggregation rules


def test_partnership_rate_is_ratio_of_sums():
    # (90 + 950) / (100 + 1000) x 100 = 1040 / 1100 x 100 = 94.5454...
    # (the mean of the rates, (90% + 95%) / 2 = 92.5%, would be wrong)
    fig = aggregate_figures(
        "percent", [Figure(90.0, numerator=90, denominator=100), Figure(95.0, numerator=950, denominator=1000)]
    )
    assert fig.value == pytest.approx(1040 / 1100 * 100)
    assert fig.value != pytest.approx(92.5)
    assert (fig.numerator, fig.denominator) == (1040, 1100)


def test_partnership_rate_per_1000_is_ratio_of_sums():
    # (3 + 9) / (1000 + 2000) x 1000 = 4.0
    fig = aggregate_figures(
        "rate_per_1000", [Figure(3.0, numerator=3, denominator=1000), Figure(4.5, numerator=9, denominator=2000)]
    )
    assert fig.value == pytest.approx(4.0)


def test_rate_row_without_numerator_and_denominator_is_not_aggregable():
    assert aggregate_figures("percent", [Figure(90.0, numerator=90, denominator=100), Figure(95.0)]) is None
    # a single neighbourhood is no exception: docs/data-contract.md, a value-only row "cannot be aggregated"
    assert aggregate_figures("percent", [Figure(95.0)]) is None


def test_partnership_count_is_sum_of_counts():
    assert aggregate_figures("count", [Figure(3), Figure(4), Figure(0)]).value == 7


def test_partnership_score_is_sample_weighted_mean_with_pooled_sd():
    # n = 10, 30; means 50, 60; sds 10, 20
    # mean = (10 x 50 + 30 x 60) / 40 = 2300 / 40 = 57.5
    # within = 9 x 100 + 29 x 400 = 12500; between = 10 x 7.5^2 + 30 x 2.5^2 = 562.5 + 187.5 = 750
    # sd = sqrt(13250 / 39) = sqrt(339.74359) = 18.43213
    fig = aggregate_figures(
        "score",
        [Figure(50.0, sample_size=10, std_dev=10.0), Figure(60.0, sample_size=30, std_dev=20.0)],
    )
    assert fig.value == pytest.approx(57.5)
    assert fig.sample_size == 40
    assert fig.std_dev == pytest.approx(18.43213, abs=1e-5)


def test_pooled_sd_equals_the_sd_of_all_respondents_together():
    group_a = [3.0, 5.0, 4.0, 8.0, 6.0]
    group_b = [7.0, 9.0, 6.5, 10.0, 8.0, 7.5, 9.5]
    figs = [
        Figure(statistics.mean(g), sample_size=len(g), std_dev=statistics.stdev(g)) for g in (group_a, group_b)
    ]
    fig = aggregate_figures("score", figs)
    assert fig.value == pytest.approx(statistics.mean(group_a + group_b))
    assert fig.std_dev == pytest.approx(statistics.stdev(group_a + group_b))


def test_pooled_sd_is_missing_unless_every_sd_is_known():
    fig = aggregate_figures("score", [Figure(50.0, sample_size=10, std_dev=10.0), Figure(60.0, sample_size=30)])
    assert fig.value == pytest.approx(57.5)
    assert fig.std_dev is None


# Section 2: complete periods


def _row(place, period, fig):
    return (place, period[0], period[1], fig)


def _pct(numerator, denominator):
    return Figure(numerator / denominator * 100, numerator=numerator, denominator=denominator)


def test_complete_period_has_the_partnership_figure():
    rows = [_row("north", AUTUMN, _pct(90, 100)), _row("south", AUTUMN, _pct(950, 1000))]
    [period] = partnership_series("percent", rows, ["north", "south"])
    assert period.complete
    assert (period.places_with_data, period.places_total) == (2, 2)
    assert period.figure.value == pytest.approx(1040 / 1100 * 100)


def test_missing_neighbourhood_makes_period_incomplete():
    rows = [_row("north", AUTUMN, _pct(90, 100)), _row("south", AUTUMN, _pct(950, 1000))]
    [period] = partnership_series("percent", rows, ["north", "south", "east"])
    assert not period.complete
    assert period.figure is None
    assert (period.places_with_data, period.places_total) == (2, 3)


def test_suppressed_row_counts_as_missing():
    # a cell stored as the GSS symbol 'c' arrives with no value and no numerator/denominator
    rows = [_row("north", AUTUMN, _pct(90, 100)), _row("south", AUTUMN, Figure(value=None))]
    [period] = partnership_series("percent", rows, ["north", "south"])
    assert not period.complete
    assert period.places_with_data == 1


def test_periods_must_match_on_both_start_and_end():
    # same end, different start: two different periods, neither complete
    rows = [
        _row("north", (date(2025, 9, 1), date(2025, 12, 19)), _pct(90, 100)),
        _row("south", (date(2025, 9, 3), date(2025, 12, 19)), _pct(950, 1000)),
    ]
    series = partnership_series("percent", rows, ["north", "south"])
    assert [p.complete for p in series] == [False, False]
    assert [p.period_start for p in series] == [date(2025, 9, 1), date(2025, 9, 3)]


def test_complete_period_whose_rows_cannot_be_aggregated_has_no_figure():
    rows = [_row("north", AUTUMN, _pct(90, 100)), _row("south", AUTUMN, Figure(95.0))]
    [period] = partnership_series("percent", rows, ["north", "south"])
    assert period.complete
    assert period.figure is None


def test_rows_for_other_places_are_ignored():
    rows = [_row("north", AUTUMN, _pct(90, 100)), _row("england", AUTUMN, _pct(900, 1000))]
    [period] = partnership_series("percent", rows, ["north"])
    assert period.complete
    assert period.figure.value == pytest.approx(90.0)


def test_series_is_sorted_by_period_end_then_start():
    rows = [
        _row("north", SPRING, Figure(2)),
        _row("north", AUTUMN, Figure(1)),
        _row("north", (date(2025, 9, 1), SPRING[1]), Figure(3)),
    ]
    series = partnership_series("count", rows, ["north"])
    assert [(p.period_start, p.period_end) for p in series] == [
        AUTUMN,
        (date(2025, 9, 1), SPRING[1]),
        SPRING,
    ]


def test_two_rows_for_one_place_and_period_are_an_error():
    rows = [_row("north", AUTUMN, Figure(1)), _row("north", AUTUMN, Figure(2))]
    with pytest.raises(ValueError, match="north"):
        partnership_series("count", rows, ["north"])


def test_partnership_series_does_not_depend_on_row_order():
    rows = [
        _row("north", AUTUMN, _pct(91, 97)),
        _row("south", AUTUMN, _pct(950, 1003)),
        _row("east", AUTUMN, _pct(17, 19)),
        _row("north", SPRING, _pct(88, 101)),
    ]
    forward = partnership_series("percent", rows, ["north", "south", "east"])
    backward = partnership_series("percent", list(reversed(rows)), ["east", "south", "north"])
    assert forward == backward


def test_period_figure_is_incomplete_with_no_neighbourhoods():
    assert not PeriodFigure(AUTUMN[0], AUTUMN[1], None, 0, 0).complete


# The same rule reproduces DfE's published regional attendance rates from its
# local authority rows (docs/methods.md, "Figures for a whole partnership"), wherever the regional row covers the same
# authorities: every authority's row is published (no `c`) and their possible
# sessions add up to the region's.


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None  # a GSS symbol such as "c"


def test_ratio_of_sums_reproduces_dfe_regional_attendance_rates():
    with REAL_DATA.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    authorities = defaultdict(list)
    regions = {}
    for r in rows:
        key = (r["region_code"], r["education_phase"])
        fig = Figure(
            value=_number(r["attendance_perc"]),
            numerator=_number(r["overall_attendance"]),
            denominator=_number(r["possible_sessions"]),
        )
        if r["geographic_level"] == "Local authority":
            authorities[key].append(fig)
        elif r["geographic_level"] == "Regional":
            regions[key] = fig
    checked = 0
    for key, region in regions.items():
        las = authorities[key]
        if any(f.numerator is None or f.denominator is None for f in las):
            continue
        if math.fsum(f.denominator for f in las) != region.denominator:
            continue
        assert aggregate_figures("percent", las).value == pytest.approx(region.value, abs=1e-9), key
        checked += 1
    assert checked >= 20


# --- one definition of a row's figure, in Python and in the importer's SQL ------------

_NUMBER = hst.one_of(hst.none(), hst.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(unit=hst.sampled_from(["percent", "rate_per_1000", "rate_per_10000", "rate_per_100000", "count", "score"]),
       value=_NUMBER, numerator=_NUMBER, denominator=_NUMBER, ci_low=_NUMBER, ci_high=_NUMBER)
def test_the_importers_sql_figure_is_derived_value(unit, value, numerator, denominator, ci_low, ci_high):
    """The importer stores each row's figure with derived_value_sql; every
    view reads that column. Both must give derived_value's answer."""

    sql = derived_value_sql("$1", "$2::DOUBLE", "$3::DOUBLE", "$4::DOUBLE", "$5::DOUBLE", "$6::DOUBLE")
    got = duckdb.execute(f"SELECT {sql}", [unit, value, numerator, denominator, ci_low, ci_high]).fetchone()[0]
    expected = derived_value(unit, Figure(value, numerator, denominator, None, None, ci_low, ci_high))
    assert got == expected or (got is not None and expected is not None and math.isclose(got, expected, rel_tol=1e-15))


@settings(max_examples=300, deadline=None)
@given(unit=hst.sampled_from(["percent", "rate_per_1000", "rate_per_10000", "rate_per_100000", "count", "score"]),
       value=_NUMBER, numerator=_NUMBER, denominator=_NUMBER, ci_low=_NUMBER, ci_high=_NUMBER)
def test_the_row_checks_figure_is_derived_value(unit, value, numerator, denominator, ci_low, ci_high):
    """The row checks judge a row's range by derived_figure; it must be the
    same rule as derived_value (issue 23, finding 12: it once took any non-zero
    denominator, so a negative base gave a figure the methods never would)."""
    cells = {"value": value, "numerator": numerator, "denominator": denominator, "ci_low": ci_low, "ci_high": ci_high}
    assert derived_figure(unit, cells) == derived_value(unit, Figure(value, numerator, denominator, None, None, ci_low, ci_high))


def test_a_negative_denominator_gives_no_figure_in_the_row_checks():
    # 5 / -10 x 100 would be -50%: no rate has a negative base
    assert derived_figure("percent", {"value": None, "numerator": 5.0, "denominator": -10.0}) is None
