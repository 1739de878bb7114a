"""A publisher's own interval (observations' ci_low, ci_high) and the rates
per 10,000 and per 100,000, in every part of the contract and the methods."""

from __future__ import annotations

import math

import pytest
from conftest import snapshot, write_files

from metrics.contract.importer import import_paths
from metrics.methods.aggregate import Figure, aggregate_figures, derived_value
from metrics.methods.disclosure import is_primary_suppressed
from metrics.methods.explain import format_value
from metrics.methods.intervals import byar_interval, figure_interval
from metrics.read.readmodel import goal_results
from metrics.vocab import UNIT_SCALE, UNITS

HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,ci_low,ci_high,source,provisional"
MEASURES = """
    measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
    injuries,Admissions for injuries,health,rate_per_10000,lower_is_better,0,,,Per 10000 children,Fingertips
    deaths,Deaths,health,rate_per_100000,lower_is_better,0,,,Per 100000 people,ONS
    """
# London's 2023/24 figure in Fingertips indicator 90284 (tests/fixtures/real/fingertips).
LONDON = "injuries,north,2023-04-01,2024-03-31,59.07065,9345,1582004,,,57.87899,60.28066,Fingertips,"


@pytest.fixture
def rates_db(seeded_db, tmp_path):
    assert import_paths(seeded_db, write_files(tmp_path / "m", {"measures.csv": MEASURES})).ok
    return seeded_db


def observations(con, tmp_path, rows: str):
    return import_paths(con, write_files(tmp_path / "o", {"observations.csv": f"{HEAD}\n{rows}"}))


def test_a_published_interval_is_stored_and_the_figure_is_the_published_value(rates_db, tmp_path):
    result = observations(rates_db, tmp_path, LONDON + "\n")
    assert result.ok, [str(p) for p in result.problems]
    row = rates_db.execute("SELECT value, numerator, denominator, ci_low, ci_high, figure FROM observations WHERE measure_id = 'injuries'").fetchone()
    assert row == (59.07065, 9345.0, 1582004.0, 57.87899, 60.28066, 59.07065)
    # numerator / denominator x 10,000 is close to the published value but not it
    assert 9345 / 1582004 * 10_000 != 59.07065


# (case, row, column, words)
HOSTILE = [
    ("only one end of the interval", LONDON.replace(",60.28066,", ",,"), "ci_high", "is empty, but ci_low is filled"),
    ("the ends swapped", LONDON.replace("57.87899,60.28066", "60.28066,57.87899"), "ci_high", "below ci_low"),
    ("a value outside its own interval", LONDON.replace("59.07065,9345", "61,9345").replace(",9345,1582004,", ",,,"), "value", "outside its own interval"),
    ("an interval without a value", LONDON.replace("59.07065,9345,1582004", "c,c,c"), "value", "gives an interval"),
    ("a symbol in an interval cell", LONDON.replace("57.87899", "c"), "ci_low", "GSS symbol"),
    ("text in an interval cell", LONDON.replace("57.87899", "\"57,9\""), "ci_low", "comma"),
]


@pytest.mark.parametrize(("row", "column", "words"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_a_bad_interval_is_a_problem_naming_row_and_column_and_nothing_is_written(rates_db, tmp_path, row, column, words):
    before = snapshot(rates_db)
    result = observations(rates_db, tmp_path, row + "\n")
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(2, column)], [str(p) for p in result.problems]
    assert words in result.problems[0].message and result.problems[0].fix
    assert snapshot(rates_db) == before


def test_status_uses_the_published_interval_of_the_latest_figure(rates_db, tmp_path):
    goals = (
        "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
        "fewer,shire-board,injuries,north,Fewer admissions,60,2023-03-31,50,2026-03-31,2023-04-01,internal,\n"
    )
    assert import_paths(rates_db, write_files(tmp_path / "g", {"goals.csv": goals})).ok
    assert observations(rates_db, tmp_path, LONDON + "\n").ok
    [r] = [r for r in goal_results(rates_db) if r.goal.goal_id == "fewer"]
    a = r.assessment
    assert (a.latest_value, a.ci_low, a.ci_high) == (59.07065, 57.87899, 60.28066)
    # baseline 60 and the expected value (60 - 10/3 = 56.67) against 57.87899 to 60.28066:
    # the baseline lies inside, the expected value outside, so progress is judged, not "too uncertain"
    assert a.status == "limited_progress" and a.clear_change is False


def test_rates_per_10000_and_per_100000_are_derived_added_up_and_given_intervals():
    assert UNITS == ("percent", "rate_per_1000", "rate_per_10000", "rate_per_100000", "count", "score")
    assert UNIT_SCALE["rate_per_10000"] == 10_000 and UNIT_SCALE["rate_per_100000"] == 100_000
    assert derived_value("rate_per_10000", Figure(None, 9345, 1582004)) == pytest.approx(59.0706471, abs=1e-7)
    assert derived_value("rate_per_100000", Figure(None, 30, 250_000)) == pytest.approx(12.0)
    both = aggregate_figures("rate_per_100000", [Figure(None, 30, 250_000), Figure(None, 10, 50_000)])
    assert both.value == pytest.approx(40 / 300_000 * 100_000)  # a ratio of sums, never the mean of 12 and 20
    # A rate measure with no ceiling is a rate of events: Byar's interval, which gives
    # Fingertips' own published interval for this figure (57.87899 to 60.28066) to 5 decimals.
    low, high = figure_interval("rate_per_10000", Figure(None, 9345, 1582004))
    assert (round(low, 5), round(high, 5)) == (57.87899, 60.28066)
    assert (low, high) == tuple(x / 1582004 * 10_000 for x in byar_interval(9345))
    assert figure_interval("rate_per_10000", Figure(59.07065, 9345, 1582004, ci_low=57.87899, ci_high=60.28066)) == (57.87899, 60.28066)
    assert format_value(59.07065, "rate_per_10000") == "59.1 per 10,000"
    assert format_value(1234.56, "rate_per_100000") == "1,234.6 per 100,000"
    assert is_primary_suppressed("rate_per_10000", Figure(None, 3, 8), None)  # base below 10
    assert is_primary_suppressed("rate_per_100000", Figure(None, 2, 50_000), None)  # a count of 2
    assert not is_primary_suppressed("rate_per_100000", Figure(None, 30, 250_000), None)


def test_a_partnership_rate_per_100000_is_the_ratio_of_sums_through_the_store(rates_db, tmp_path):
    goals = (
        "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
        "fewer-deaths,shire-board,deaths,shire-board,Fewer deaths,20,2023-12-31,10,2026-12-31,2024-01-01,internal,\n"
    )
    assert import_paths(rates_db, write_files(tmp_path / "g", {"goals.csv": goals})).ok
    result = observations(rates_db, tmp_path, "deaths,north,2024-01-01,2024-12-31,,30,250000,,,,,,\ndeaths,south,2024-01-01,2024-12-31,20,10,50000,,,,,,\n")
    assert result.ok, [str(p) for p in result.problems]
    [r] = [r for r in goal_results(rates_db) if r.goal.goal_id == "fewer-deaths"]
    assert math.isclose(r.assessment.latest_value, 40 / 300_000 * 100_000, rel_tol=1e-12)
    assert (r.assessment.ci_low, r.assessment.ci_high) == pytest.approx(tuple(x / 300_000 * 100_000 for x in byar_interval(40)))  # deaths: a rate of events
