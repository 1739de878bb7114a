"""The interval model is chosen once per measure and stated (docs/methods.md, "Confidence intervals";
docs/methods.md, "Which method each measure uses"): Wilson for a share of its
base, Byar for events that can outnumber their base. Never one month Wilson
and the next Byar for the same measure, as when the choice was made figure by
figure (numerator above the denominator or not)."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import write_files

from metrics.contract.importer import import_paths
from metrics.methods.aggregate import Figure
from metrics.methods.intervals import byar_interval, figure_interval, interval_model, wilson_interval
from metrics.read.readmodel import goal_results


@pytest.mark.parametrize(
    "unit,max_value,model",
    [
        ("percent", None, "wilson"),
        ("percent", 100.0, "wilson"),
        ("rate_per_1000", 1000.0, "wilson"),  # at most the whole base: a share of it
        ("rate_per_1000", 400.0, "wilson"),
        ("rate_per_1000", None, "byar"),  # no ceiling: events that can outnumber the base
        ("rate_per_1000", 2500.0, "byar"),
        ("rate_per_100000", 100000.0, "wilson"),
        ("rate_per_10000", None, "byar"),
        ("count", None, "byar"),
        ("score", 35.0, "normal"),
    ],
)
def test_the_model_is_a_property_of_the_measure(unit, max_value, model):
    assert interval_model(unit, max_value) == model


def test_a_byar_measure_uses_byar_even_in_a_month_with_fewer_events_than_its_base():
    """15 suspensions among 148 pupils: Byar's interval for 15, divided by 148, x 1,000."""
    low, high = figure_interval("rate_per_1000", Figure(101.35, 15, 148), model="byar")
    b_low, b_high = byar_interval(15)
    assert (low, high) == (pytest.approx(b_low / 148 * 1000), pytest.approx(b_high / 148 * 1000))


def test_a_wilson_measure_uses_wilson():
    assert figure_interval("rate_per_1000", Figure(101.35, 15, 148), model="wilson") == wilson_interval(15, 148, scale=1000.0)


def test_a_share_cannot_have_more_in_it_than_its_base():
    assert figure_interval("rate_per_1000", Figure(2090.0, 1045, 500), model="wilson") is None


MEASURES = """measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
suspensions,Suspensions per 1000 pupils,participation,rate_per_1000,lower_is_better,0,,,Suspensions per 1000 pupils on roll,MIS
"""
OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


def test_every_month_of_a_measure_has_the_same_model(seeded_db, tmp_path):
    """North End's suspensions: 120 among 1,000 pupils in October (fewer than
    the base), 1,100 among 1,000 in November (more). Before, October got Wilson
    and November Byar; now both get Byar, the measure's model."""
    goals = ("goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
             "north-susp,shire-board,suspensions,north,Fewer suspensions,130,2024-09-30,90,2026-07-31,2024-10-15,internal,\n")
    obs = (f"{OBS_HEAD}\nsuspensions,north,2024-09-01,2024-09-30,,130,1000,,,,\n"
           "suspensions,north,2024-10-01,2024-10-31,,120,1000,,,,\nsuspensions,north,2024-11-01,2024-11-30,,1100,1000,,,,\n")
    assert import_paths(seeded_db, write_files(tmp_path / "s", {"measures.csv": MEASURES, "goals.csv": goals, "observations.csv": obs})).ok
    (r,) = goal_results(seeded_db, goal_ids=["north-susp"])
    assert r.measure.interval_model == "byar"
    by_month = {p.period_end: (p.ci_low, p.ci_high) for p in r.series}
    for end, count in ((dt.date(2024, 10, 31), 120), (dt.date(2024, 11, 30), 1100)):
        low, high = byar_interval(count)
        assert by_month[end] == (pytest.approx(low / 1000 * 1000), pytest.approx(high / 1000 * 1000))
