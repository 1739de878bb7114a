"""The trustees' view: a trust sees every goal of every partnership it is a
member of, grouped by place and by outcome."""

from __future__ import annotations

from conftest import write_files

from metrics.contract.importer import import_paths
from metrics.outputs import trustees
from metrics.read import readmodel, views


def test_a_trust_sees_the_goals_of_every_partnership_it_belongs_to(seeded_db, tmp_path):
    """BASE: Oak Learning Trust sits on shire-board (goals attend-up, north-safer).
    Add a second partnership it is not in: its goal must not appear."""
    other = {
        "places.csv": "place_id,name,level,parent_id,code\nwest,West End,neighbourhood,shire,",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nwest-board,West Board,west,8,Another Trust,",
        "goals.csv": "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\nwest-up,west-board,attendance,west,West rises,90,2024-09-30,92,2026-07-31,2024-10-01,public,",
    }
    assert import_paths(seeded_db, write_files(tmp_path / "o", other)).ok
    assert trustees.members(seeded_db) == ["Another Trust", "Oak Learning Trust", "Shire Council"]
    view = trustees.trust_view("Oak Learning Trust", views.partnerships(seeded_db), readmodel.goal_results(seeded_db), views.places(seeded_db))
    assert sorted(r.goal.goal_id for r in view.results) == ["attend-up", "north-safer"]
    assert {place: [r.goal.goal_id for r in rs] for place, rs in view.by_place().items()} == {
        "North End": ["north-safer"], "Shire Delivery Board": ["attend-up"],
    }
    assert {o: [r.goal.goal_id for r in rs] for o, rs in view.by_outcome().items()} == {"Safe": ["north-safer"], "Achieving": ["attend-up"]}
    assert set(view.overview()) == {"North End", "Shire Delivery Board"}


def test_outcome_cells_list_the_most_worrying_status_first():
    order = trustees.STATUS_SEVERITY
    assert order.index("missed") < order.index("worsening") < order.index("on_track") < order.index("met")


def test_every_measure_domain_maps_to_an_outcome():
    from metrics.vocab import DOMAINS

    assert set(trustees.OUTCOMES) == set(DOMAINS)
