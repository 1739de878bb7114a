"""The read model with issue 17's records: a goal's judgement reads its
recorded change points and breaks (as known at the as-of time), its markers
(actions and events), how old its latest figure is, and a partnership period
where no neighbourhood has a figure is shown as incomplete (0 of N), not
dropped. Expected values by hand and from methods.aggregate's pure rule."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import BASE_FILES, write_files

from metrics import store
from metrics.contract.importer import import_paths
from metrics.methods.aggregate import Figure, partnership_series
from metrics.outputs.charts import goal_table
from metrics.read import readmodel
from metrics.read.readmodel import goal_markers, goal_results

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


def test_a_period_where_no_neighbourhood_has_a_figure_is_incomplete_0_of_n(seeded_db, tmp_path):
    """October: North End's figure is c (BASE); South End's now x. Neither has a
    figure, so the partnership's October is "incomplete (0 of 2)", as the pure
    rule (methods.aggregate.partnership_series) says, not missing from the series."""
    text = f"{OBS_HEAD}\nattendance,south,2024-10-01,2024-10-31,x,x,x,,,,\n"
    assert import_paths(seeded_db, write_files(tmp_path / "o", {"observations.csv": text})).ok
    (r,) = goal_results(seeded_db, goal_ids=["attend-up"])
    october = [p for p in r.series if p.period_end == dt.date(2024, 10, 31)]
    assert [(p.places_with_data, p.places_total, p.value) for p in october] == [(0, 2, None)]
    rows = [("north", dt.date(2024, 10, 1), dt.date(2024, 10, 31), Figure(None)), ("south", dt.date(2024, 10, 1), dt.date(2024, 10, 31), Figure(None))]
    (reference,) = partnership_series("percent", rows, ["north", "south"])
    assert (reference.places_with_data, reference.places_total) == (0, 2)
    shown = goal_table(r).set_index("period_end")["shown_as"]
    assert shown["2024-10-31"] == "incomplete (0 of 2 neighbourhoods)"


MONTHS = [(dt.date(2023, 10, 1) + dt.timedelta(days=31 * i)).replace(day=1) for i in range(30)]


def month_rows(place: str, values: list[int]) -> str:
    out = []
    for start, v in zip(MONTHS, values):
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        out.append(f"incidents,{place},{start},{end},{v},,,,,,")
    return "\n".join(out)


@pytest.fixture
def rebased_db(fresh_db, tmp_path):
    """BASE recorded on 20 Nov 2024. North End's incidents: 15 months around 10 (Oct 2023 - Dec 2024), then
    15 around 4 (Jan 2025 - Mar 2026), with a change point on 1 January 2025
    recorded on 10 Feb 2025, and a break in the series on 1 March 2026."""
    assert import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), at=dt.datetime(2024, 11, 20, 9)).ok
    values = [10, 11, 9] * 5 + [4, 5, 3] * 5
    assert import_paths(fresh_db, write_files(tmp_path / "o", {"observations.csv": f"{OBS_HEAD}\n{month_rows('north', values)}\n"}), at=dt.datetime(2025, 1, 20)).ok
    phase = "measure_id,place_id,start_date,reason\nincidents,north,2025-01-01,Youth club reopened on the estate\n"
    assert import_paths(fresh_db, write_files(tmp_path / "p", {"spc_phases.csv": phase}), at=dt.datetime(2025, 2, 10), actor="steward@shire").ok
    brk = "measure_id,date,reason\nincidents,2026-03-01,boundary_change\n"
    assert import_paths(fresh_db, write_files(tmp_path / "b", {"measure_breaks.csv": brk}), at=dt.datetime(2026, 4, 1)).ok
    return fresh_db


def test_the_judgement_reads_the_change_points_known_at_the_as_of_time(rebased_db):
    (now,) = goal_results(rebased_db, goal_ids=["north-safer"], as_of=dt.datetime(2026, 4, 2))
    assert [(c.date, c.kind, c.reason) for c in now.changes] == [
        (dt.date(2025, 1, 1), "phase", "Youth club reopened on the estate"), (dt.date(2026, 3, 1), "break", "boundary_change"),
    ]
    assert now.changes[0].recorded_by == "steward@shire"
    # the break on 1 March 2026 starts a phase of its own (March only): too short for limits or icons
    assert [(p.start, p.end) for p in now.assessment.spc.phases] == [(0, 15), (15, 29), (29, 30)]
    assert now.assessment.variation is None and now.assessment.phase_start is None
    (before_break,) = goal_results(rebased_db, goal_ids=["north-safer"], as_of=dt.datetime(2026, 3, 31))
    assert before_break.assessment.phase_start == dt.date(2025, 1, 1)
    assert before_break.assessment.variation == "common_cause"
    (before_phase,) = goal_results(rebased_db, goal_ids=["north-safer"], as_of=dt.datetime(2025, 2, 1))
    assert before_phase.changes == [] and len(before_phase.assessment.spc.phases) == 1


def test_stale_months_count_from_the_latest_figure_to_the_as_of_day(rebased_db):
    """The latest figure is for March 2026 (period end 31 Mar 2026)."""
    (r,) = goal_results(rebased_db, goal_ids=["north-safer"], as_of=store.parse_as_of("2026-07-31"))
    assert r.assessment.latest_period_end == dt.date(2026, 3, 31)
    assert r.assessment.stale_months == 4
    assert r.status_json()["stale_months"] == 4


EVENTS = """event_id,partnership_id,goal_id,date,title,visibility
club,shire-board,north-safer,2025-01-06,Youth club reopens,public
everyone,shire-board,,2025-03-01,New chair of the board,internal
"""


def test_a_goals_markers_are_its_actions_its_events_and_its_partnerships_events(rebased_db, tmp_path):
    assert import_paths(rebased_db, write_files(tmp_path / "e", {"events.csv": EVENTS}), at=dt.datetime(2026, 4, 2)).ok
    results = goal_results(rebased_db)
    markers = goal_markers(rebased_db, results)
    assert [(m.date, m.kind, m.title, m.public) for m in markers["north-safer"]] == [
        (dt.date(2025, 1, 6), "event", "Youth club reopens", True), (dt.date(2025, 3, 1), "event", "New chair of the board", False),
    ]
    assert [(m.date, m.kind, m.title, m.public) for m in markers["attend-up"]] == [
        (dt.date(2024, 11, 1), "action", "Talk to the bus company", False), (dt.date(2025, 3, 1), "event", "New chair of the board", False),
    ]
    earlier = goal_markers(rebased_db, results, as_of=dt.datetime(2026, 4, 1))
    assert [m.kind for m in earlier["north-safer"]] == []


def test_a_measure_without_a_ceiling_on_a_rate_is_stated_as_byar():
    m = readmodel.Measure("m", "Suspensions", "participation", "rate_per_1000", "lower_is_better", 0.0, None, None, "d", None)
    assert m.interval_model == "byar"
