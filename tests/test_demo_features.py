"""The demo data shows each of issue 17's features (an intervention marker, a
rebase with its reason, a series break, an overdue review in one
partnership). Expected values are read from the demo's own source lists in
data/demo/build_demo.py, not from the code that judges them."""

from __future__ import annotations

import datetime as dt
import importlib.util

import duckdb
import pytest

from metrics.methods.series import BREAK, PHASE
from metrics.outputs.public import public_site
from metrics.read import readmodel

AS_OF = dt.datetime(2026, 11, 30, 12, 0)


def _build_demo():
    from metrics.store.db import PROJECT_ROOT

    spec = importlib.util.spec_from_file_location("build_demo", PROJECT_ROOT / "data" / "demo" / "build_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def demo(demo_copy):
    """A private copy of the demo database (conftest.demo_copy): a served app
    of the browser tests may hold the shared one."""
    con = duckdb.connect(str(demo_copy), read_only=True)
    yield con
    con.close()


def test_the_lockgate_rebase_is_read_with_its_reason_and_the_icons_read_the_new_phase(demo):
    measure, place, start, reason, _ = _build_demo().SPC_PHASES[0]
    result = next(r for r in readmodel.goal_results(demo, as_of=AS_OF) if r.goal.measure_id == measure and r.goal.scope == place)
    phases = [c for c in result.changes if c.kind == PHASE]
    assert [(c.date.isoformat(), c.reason) for c in phases] == [(start, reason)]
    assert result.assessment.phase_start == dt.date.fromisoformat(start)


def test_the_feel_safe_break_stops_every_goal_on_that_measure(demo):
    measure, day, reason, _ = _build_demo().MEASURE_BREAKS[0]
    on_measure = [r for r in readmodel.goal_results(demo, as_of=AS_OF) if r.goal.measure_id == measure]
    assert on_measure
    for r in on_measure:
        assert [(c.date.isoformat(), c.reason) for c in r.changes if c.kind == BREAK] == [(day, reason)]


def test_public_events_are_markers_on_the_public_goal_and_internal_ones_are_not(demo):
    events = _build_demo().EVENTS
    site = public_site(demo, as_of=AS_OF)
    checked = set()
    for event_id, partnership, goal_id, day, title, visibility in events:
        goal = site.goal(goal_id) if goal_id else None
        if goal is None:
            continue
        titles = [m.title for m in goal.markers]
        assert (title in titles) == (visibility == "public"), event_id
        checked.add(visibility)
    assert checked == {"public", "internal"}, "the demo has a public and an internal event on a public goal"


def test_lockgate_is_overdue_on_the_demo_date_and_the_others_are_not(demo):
    held = _build_demo().REVIEWS_HELD
    site = public_site(demo, as_of=AS_OF)
    boards = {p.partnership_id: p.board for p in site.partnerships}
    # By hand: Lockgate last met 17 September 2026, every 8 weeks -> due 12 November.
    assert held["lockgate-youth-safety"][-1] == "2026-09-17"
    assert boards["lockgate-youth-safety"].next_due == dt.date(2026, 11, 12)
    assert boards["lockgate-youth-safety"].overdue
    assert not boards["carrowfield-east"].overdue
    assert not boards["hollinsmere-convening"].overdue


def test_a_measures_breaks_are_read_for_its_charts_at_any_place(demo):
    measure, day, reason, _ = _build_demo().MEASURE_BREAKS[0]
    found = readmodel.measure_breaks(demo, [measure, "attendance"], as_of=AS_OF)
    assert [(c.date.isoformat(), c.reason) for c in found[measure]] == [(day, reason)] and found["attendance"] == []
    before = readmodel.measure_breaks(demo, [measure], as_of=dt.datetime(2025, 8, 1))  # recorded on 20 August 2025
    assert before[measure] == []
