"""Local authorities as goals' places (issue 26, finding 2), on the real files:
a goal on a local authority's published figures is judged through a
neighbourhood whose area is the authority; a goal with no figure says why
and how; a partnership holding an authority and an LSOA inside it (as
police.uk's LSOA names say) is refused, naming both."""

from __future__ import annotations

import csv

from conftest import REAL_DFE, REAL_POLICE, snapshot, write_files
from fixtures.camden import set_up_partnership

from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source
from metrics.contract.sources.dfe import import_dfe_attendance
from metrics.read.readmodel import goal_results
from metrics.read.views import why_no_figure

GOAL_HEAD = "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"


def dfe_row(code: str, phase: str = "Total") -> dict[str, str]:
    with open(REAL_DFE, encoding="utf-8-sig", newline="") as f:
        [row] = [r for r in csv.DictReader(f) if r["new_la_code"] == code and r["education_phase"] == phase and r["geographic_level"] == "Local authority"]
    return row


def test_a_goal_on_neighbourhoods_without_figures_says_the_authority_s_are_benchmarks_and_how_to_use_them(fresh_db, tmp_path):
    set_up_partnership(fresh_db, tmp_path / "setup")  # Camden wards
    assert import_dfe_attendance(fresh_db, REAL_DFE).ok
    assert import_paths(fresh_db, write_files(tmp_path / "g", {
        "goals.csv": GOAL_HEAD + "attendance-up,kx-board,dfe-attendance-total,kx-board,Attendance rises,92,2025-07-31,95,2027-07-31,2025-09-01,internal,\n",
    })).ok
    [result] = [r for r in goal_results(fresh_db) if r.goal.goal_id == "attendance-up"]
    assert result.assessment.status == "awaiting_data"
    why = why_no_figure(fresh_db, result)
    assert why.startswith("Attendance rate")
    assert "none for this goal's neighbourhoods" in why
    assert "stored as a benchmark" in why and "make a neighbourhood whose area is the authority" in why
    assert "import the file again" in why
    assert "area_code E09000007 for Camden" in why  # the authority its neighbourhoods lie in (their parent)


def test_a_goal_is_judged_on_a_local_authority_s_published_figure_through_a_neighbourhood_made_of_it(fresh_db, tmp_path):
    assert import_paths(fresh_db, write_files(tmp_path / "p", {
        "places.csv": "place_id,name,level,parent_id,code\ncamden-borough,Camden (the whole borough),neighbourhood,,\n",
        "place_areas.csv": "place_id,area_code,valid_from,valid_to\ncamden-borough,E09000007,,\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\ncamden-board,Camden Board,camden-borough,8,,\n",
    })).ok
    assert import_dfe_attendance(fresh_db, REAL_DFE).ok
    assert import_paths(fresh_db, write_files(tmp_path / "g", {
        "goals.csv": GOAL_HEAD + "attendance-up,camden-board,dfe-attendance-total,camden-borough,Attendance rises,92,2025-07-31,95,2027-07-31,2025-09-01,internal,\n",
    })).ok
    [result] = goal_results(fresh_db)
    camden = dfe_row("E09000007")
    assert result.assessment.latest_value == float(camden["overall_attendance"]) / float(camden["possible_sessions"]) * 100
    assert abs(result.assessment.latest_value - float(camden["attendance_perc"])) < 0.05
    assert why_no_figure(fresh_db, result) is None


def leeds_setup(con, tmp_path):
    assert import_paths(con, write_files(tmp_path / "leeds", {
        "places.csv": "place_id,name,level,parent_id,code\nleeds-001,Leeds 001,neighbourhood,,\n",
        "place_areas.csv": "place_id,area_code,valid_from,valid_to\nleeds-001,E01011698,,\nleeds-001,E01011699,,\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nleeds-board,Leeds Board,leeds-001,8,,\n",
        "measures.csv": "measure_id,name,domain,unit,direction,definition\ncrime,Crime,safety,count,lower_is_better,Crimes\n",
    })).ok
    assert import_source(con, "police-uk-street", [REAL_POLICE], "crime").ok  # names E01011698 "Leeds 001A"
    assert import_dfe_attendance(con, REAL_DFE).ok  # Leeds, E08000035


def test_a_partnership_holding_an_authority_and_an_lsoa_inside_it_is_refused_naming_both(fresh_db, tmp_path):
    leeds_setup(fresh_db, tmp_path)
    with open(REAL_POLICE, encoding="utf-8-sig", newline="") as f:
        assert {r["LSOA name"] for r in csv.DictReader(f) if r["LSOA code"] == "E01011698"} == {"Leeds 001A"}
    assert dfe_row("E08000035")["la_name"] == "Leeds"
    before = snapshot(fresh_db)
    result = import_paths(fresh_db, write_files(tmp_path / "add", {
        "places.csv": "place_id,name,level,parent_id,code\nleeds-la,Leeds (whole city),neighbourhood,,\n",
        "place_areas.csv": "place_id,area_code,valid_from,valid_to\nleeds-la,E08000035,,\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nleeds-board,Leeds Board,leeds-001;leeds-la,8,,\n",
    }))
    assert not result.ok
    [p] = [p for p in result.problems if p.code == "areas_nest"]
    assert "E01011698 (Leeds 001A" in p.message and "E08000035 (Leeds)" in p.message
    assert "leeds-001" in p.message and "leeds-la" in p.message and "counted twice" in p.message
    assert snapshot(fresh_db) == before


def test_an_authority_with_lsoas_of_another_authority_is_accepted(fresh_db, tmp_path):
    leeds_setup(fresh_db, tmp_path)
    assert dfe_row("E08000032")["la_name"] == "Bradford"
    result = import_paths(fresh_db, write_files(tmp_path / "add", {
        "places.csv": "place_id,name,level,parent_id,code\nbradford-la,Bradford (whole district),neighbourhood,,\n",
        "place_areas.csv": "place_id,area_code,valid_from,valid_to\nbradford-la,E08000032,,\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nleeds-board,Leeds Board,leeds-001;bradford-la,8,,\n",
    }), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]


def test_the_cli_status_says_why_a_goal_has_no_figure(tmp_path, capsys):
    from metrics import store
    from metrics.cli import main

    db = tmp_path / "d.duckdb"
    con = store.connect(db)
    set_up_partnership(con, tmp_path / "setup")
    assert import_dfe_attendance(con, REAL_DFE).ok
    assert import_paths(con, write_files(tmp_path / "g", {
        "goals.csv": GOAL_HEAD + "attendance-up,kx-board,dfe-attendance-total,kx-board,Attendance rises,92,2025-07-31,95,2027-07-31,2025-09-01,internal,\n",
    })).ok
    con.close()
    assert main(["status", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("  Why no figure:"))
    assert "make a neighbourhood whose area is the authority" in line
