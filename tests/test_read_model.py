"""One figure, one place (issue: "One figure, one place"): the views that
showed the same goal differently now read one definition from metrics.read.readmodel.

Each test pins a disagreement a reader could see, and failed on the code
before the read model: the board pack drew England and the site drew the local
area; the Overview called a revision "new data" where the board pack did not.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import BASE_FILES, write_files

from metrics import edits, store
from metrics.access import LOCAL
from metrics.contract.importer import import_paths
from metrics.outputs.boardpack import board_pack_html
from metrics.outputs.publish import publish
from metrics.read import pages, readmodel, reviews, views

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


@pytest.fixture
def demo(demo_copy):
    con = store.connect(demo_copy)
    yield con
    con.close()


def legend_names(svg: str) -> list[str]:
    return re.findall(r'<text x="28" y="4" fill="#0b0c0c">([^<]+)</text>', svg)


def test_a_goal_is_compared_with_england_then_its_local_area(demo):
    (result,) = readmodel.goal_results(demo, goal_ids=["pitbank-attendance"])
    assert readmodel.benchmark_places(result) == ["england", "carrowfield"]
    lines = readmodel.benchmark_series(demo, [result])["pitbank-attendance"]
    assert [b.name for b in lines] == ["England", "Carrowfield"]
    # The lines hold every period the places have, each as the store holds it.
    stored = demo.execute(
        "SELECT count(*) FROM observations WHERE place_id = 'carrowfield' AND measure_id = 'attendance' AND superseded_at IS NULL"
    ).fetchall()[0][0]
    assert len(lines[1].points) == stored > 0


def test_the_board_pack_and_the_site_draw_the_same_benchmark_lines(demo, tmp_path):
    pack = board_pack_html(demo, "carrowfield-east", dt.date(2026, 10, 1))
    chart = pack.split('id="chart-pitbank-attendance-title"')[1].split("</svg>")[0]
    assert {"England", "Carrowfield"} <= set(legend_names(chart))
    publish(demo, tmp_path / "site")
    site = (tmp_path / "site" / "goal-pitbank-attendance.html").read_text(encoding="utf-8")
    site_chart = site.split('id="chart-pitbank-attendance-title"')[1].split("</svg>")[0]
    assert {"England", "Carrowfield"} <= set(legend_names(site_chart))
    table = site.split("<table")[1].split("</table>")[0]
    assert ">England<" in table and ">Carrowfield<" in table


@pytest.fixture
def reviewed(fresh_db, tmp_path):
    """BASE recorded on 20 Nov 2024; a review on 10 Dec 2024 whose pack was made."""
    assert import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), at=dt.datetime(2024, 11, 20, 9)).ok
    edits.freeze_review(fresh_db, LOCAL, "shire-board", dt.date(2024, 12, 10), actor="test", now=dt.datetime(2024, 12, 10, 12))
    return fresh_db


def flags_and_pack(con, day: dt.date) -> tuple[dict, list[str]]:
    parts = views.partnerships(con)
    goals = [r.goal for r in readmodel.goal_results(con)]
    flags = reviews.new_data_flags(con, goals, parts, today=day)
    (p,) = parts
    before = reviews.review_moment(con, "shire-board", dt.date(2024, 12, 10))
    stale = reviews.changes_between(con, p, before, reviews.end_of_day(day)).stale_goals
    return flags, stale


def test_a_revision_alone_is_not_new_data_on_the_overview_or_in_the_pack(reviewed, tmp_path):
    """North End's September figure revised after the review: no new period."""
    text = f"{OBS_HEAD}\nattendance,north,2024-09-01,2024-09-30,,910,1000,,,,\n"
    assert import_paths(reviewed, write_files(tmp_path / "rev", {"observations.csv": text}), at=dt.datetime(2024, 12, 20, 9)).ok
    flags, stale = flags_and_pack(reviewed, dt.date(2024, 12, 31))
    assert flags == {"attend-up": False, "north-safer": False}
    assert sorted(stale) == ["attend-up", "north-safer"]


def test_a_new_period_is_new_data_on_the_overview_and_in_the_pack(reviewed, tmp_path):
    text = f"{OBS_HEAD}\nattendance,south,2024-11-01,2024-11-30,,930,1000,,,,\n"
    assert import_paths(reviewed, write_files(tmp_path / "new", {"observations.csv": text}), at=dt.datetime(2024, 12, 20, 9)).ok
    flags, stale = flags_and_pack(reviewed, dt.date(2024, 12, 31))
    assert flags == {"attend-up": True, "north-safer": False}
    assert stale == ["north-safer"]


def test_before_the_first_review_there_is_no_flag(fresh_db, tmp_path):
    assert import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), at=dt.datetime(2024, 11, 20, 9)).ok
    goals = [r.goal for r in readmodel.goal_results(fresh_db)]
    assert reviews.new_data_flags(fresh_db, goals, views.partnerships(fresh_db), today=dt.date(2024, 11, 30)) == {"attend-up": None, "north-safer": None}


def test_a_goals_places_and_scope_name(seeded_db):
    goals = {g.goal_id: g for g in readmodel.goals(seeded_db)}
    places = views.places(seeded_db)
    partnership_places = {p.partnership_id: p.places for p in views.partnerships(seeded_db)}
    assert readmodel.goal_places(goals["attend-up"], partnership_places) == ["north", "south"]
    assert readmodel.goal_places(goals["north-safer"], partnership_places) == ["north"]
    names = {"shire-board": "Shire Delivery Board"}
    assert readmodel.scope_name(goals["attend-up"], names, places) == "Shire Delivery Board"
    assert readmodel.scope_name(goals["north-safer"], names, places) == "North End"


def test_a_stored_rows_figure_is_read_as_stored_not_recomputed(seeded_db):
    """The importer stores each row's judged figure (methods.aggregate); every
    view reads that column. A figure changed in the store shows as changed."""
    seeded_db.execute("UPDATE observations SET figure = 12.5 WHERE place_id = 'south' AND measure_id = 'attendance'")
    points = views.place_series(seeded_db, ["south"], "attendance", "percent")["south"]
    assert [p.value for p in points] == [12.5]


def _latest_by_hand(full: dict) -> dict:
    """The partnership grid's rule, written plainly over the full series (the
    oracle): per measure, the latest (period end, then start) with a figure
    for any place; every row of a measure that has none."""
    out = {}
    for measure_id, by_place in full.items():
        valued = [(p.period_end, p.period_start) for pts in by_place.values() for p in pts if p.value is not None]
        if not valued:
            out[measure_id] = by_place
            continue
        end, start = max(valued)
        out[measure_id] = {place: [p for p in pts if (p.period_start, p.period_end) == (start, end)] for place, pts in by_place.items()}
    return out


def test_the_grid_reads_only_each_measures_latest_period_and_agrees_with_the_full_series(seeded_db, tmp_path):
    extra = write_files(tmp_path / "extra", {
        "measures.csv": """
            measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
            exclusions,Exclusions,safety,count,lower_is_better,,,,Exclusions recorded,School MIS
            """,
        "observations.csv": f"""
            {OBS_HEAD}
            wellbeing,north,2025-01-01,2025-03-31,c,,,c,,,
            exclusions,north,2024-09-01,2024-09-30,c,,,,,,
            exclusions,south,2024-10-01,2024-10-31,c,,,,,,
            """,
    })
    assert import_paths(seeded_db, extra).ok
    units = {k: m.unit for k, m in readmodel.measures(seeded_db).items()}
    full = views.place_series_by_measure(seeded_db, ["north", "south"], units)
    (shire,) = views.partnerships(seeded_db)
    latest = pages.partnership_page(seeded_db, shire).grid  # the page's grid, read with its goals
    assert latest == _latest_by_hand(full)
    # By hand from the files: attendance's latest figure is September (October is 'c'),
    # wellbeing's is South End's autumn survey (the later 'c' survey has no figure),
    # and exclusions has no figure at all, so every row of it stays.
    assert {(p, x.period_end.isoformat()) for p, pts in latest["attendance"].items() for x in pts} == {("north", "2024-09-30"), ("south", "2024-09-30")}
    assert [x.period_end.isoformat() for x in latest["wellbeing"]["south"]] == ["2024-12-31"] and latest["wellbeing"]["north"] == []
    assert sum(len(pts) for pts in latest["exclusions"].values()) == 2


def test_the_grid_rule_holds_for_every_demo_partnership(demo):
    units = {k: m.unit for k, m in readmodel.measures(demo).items()}
    partnerships = views.partnerships(demo)
    assert len(partnerships) == 3  # data/demo/partnerships.csv
    for p in partnerships:
        full = views.place_series_by_measure(demo, p.places, units)
        assert full, p.partnership_id
        assert pages.partnership_page(demo, p).grid == _latest_by_hand(full), p.partnership_id
