"""Explore-education-statistics tidy files through the `ees` source, on DfE's
real attendance file (tests/fixtures/real): one indicator into an existing
measure, neighbourhoods made of local authorities, suppressed cells kept as
unavailable. Expected values are read from the file with the csv module."""

from __future__ import annotations

import csv
import math

import pytest
from conftest import REAL_DFE, snapshot, write_files

from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source
from metrics.contract.sources.dfe import import_dfe_attendance

CAMDEN, ISLINGTON, TOWER_HAMLETS, CITY = "E09000007", "E09000019", "E09000030", "E09000001"
SETUP = {
    "places.csv": """
        place_id,name,level,parent_id,code
        tower,Tower Hamlets as one neighbourhood,neighbourhood,,
        north-central,Camden and Islington,neighbourhood,,
        city,The City,neighbourhood,,
        """,
    "place_areas.csv": f"""
        place_id,area_code,valid_from,valid_to
        tower,{TOWER_HAMLETS},,
        north-central,{CAMDEN},,
        north-central,{ISLINGTON},,
        city,{CITY},,
        """,
    "measures.csv": """
        measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
        attendance,Attendance rate,attendance,percent,higher_is_better,0,100,,Sessions attended,DfE
        persistent,Persistent absence,attendance,percent,lower_is_better,0,100,,Pupils missing 10% or more,DfE
        sessions,Sessions,attendance,count,higher_is_better,,,,Sessions attended,DfE
        rate,Attendance per 1000,attendance,rate_per_1000,higher_is_better,,,,Per 1000 sessions,DfE
        """,
}
RATE = dict(value_column="attendance_perc", numerator_column="overall_attendance", denominator_column="possible_sessions")


def dfe_rows(phase: str = "Total") -> dict[str, dict[str, str]]:
    """The file's local authority rows of one phase, by GSS code (England and regions by their codes too)."""
    out = {}
    with open(REAL_DFE, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if r["education_phase"] != phase:
                continue
            code = {"National": r["country_code"], "Regional": r["region_code"], "Local authority": r["new_la_code"]}[r["geographic_level"]]
            out[code] = r
    return out


@pytest.fixture
def ees_db(fresh_db, tmp_path):
    result = import_paths(fresh_db, write_files(tmp_path / "setup", SETUP))
    assert result.ok, [str(p) for p in result.problems]
    return fresh_db


def figure(con, place, measure="attendance"):
    return con.execute(
        "SELECT value, numerator, denominator, value_symbol, figure FROM observations WHERE place_id = ? AND measure_id = ? AND superseded_at IS NULL",
        [place, measure],
    ).fetchone()


def test_a_neighbourhood_made_of_one_local_authority_takes_its_published_row(ees_db):
    result = import_source(ees_db, "ees", [REAL_DFE], "attendance", ["education_phase=Total"], **RATE)
    assert result.ok, [str(p) for p in result.problems[:5]]
    th = dfe_rows()[TOWER_HAMLETS]
    value, n, d, symbol, fig = figure(ees_db, "tower")
    assert (value, n, d, symbol) == (float(th["attendance_perc"]), float(th["overall_attendance"]), float(th["possible_sessions"]), None)
    assert figure(ees_db, "e09000030")[:3] == (value, n, d)  # the local authority itself, created as a benchmark


def test_a_neighbourhood_of_two_local_authorities_is_the_ratio_of_their_sums(ees_db):
    assert import_source(ees_db, "ees", [REAL_DFE], "attendance", ["education_phase=Total"], **RATE).ok
    rows = dfe_rows()
    n = float(rows[CAMDEN]["overall_attendance"]) + float(rows[ISLINGTON]["overall_attendance"])
    d = float(rows[CAMDEN]["possible_sessions"]) + float(rows[ISLINGTON]["possible_sessions"])
    value, got_n, got_d, _, fig = figure(ees_db, "north-central")
    assert (value, got_n, got_d) == (None, n, d)
    assert math.isclose(fig, n / d * 100, rel_tol=1e-12)


def test_a_suppressed_cell_keeps_its_symbol_and_the_neighbourhood_is_unavailable(ees_db):
    assert dfe_rows()[CITY]["attendance_perc"] == "c"
    assert import_source(ees_db, "ees", [REAL_DFE], "attendance", ["education_phase=Total"], **RATE).ok
    value, n, d, symbol, fig = figure(ees_db, "city")
    assert (value, n, d, symbol, fig) == (None, None, None, "c", None)


def test_a_value_only_indicator_imports_into_any_measure(ees_db):
    result = import_source(ees_db, "ees", [REAL_DFE], "persistent", ["education_phase=Primary"], value_column="pa_perc")
    assert result.ok, [str(p) for p in result.problems[:5]]
    assert figure(ees_db, "tower", "persistent")[0] == float(dfe_rows("Primary")[TOWER_HAMLETS]["pa_perc"])
    # two local authorities given only as percentages cannot be added up: said, not guessed
    assert figure(ees_db, "north-central", "persistent") is None
    assert any("north-central" in line and "cannot be added up" in line for line in result.summary_lines())


def test_rows_for_one_area_twice_ask_for_a_filter_naming_the_column(ees_db):
    before = snapshot(ees_db)
    result = import_source(ees_db, "ees", [REAL_DFE], "attendance", [], **RATE)
    assert not result.ok
    first = result.problems[0]
    assert first.code == "duplicate" and "education_phase" in first.fix and first.file == REAL_DFE.name and first.row
    assert snapshot(ees_db) == before


@pytest.mark.parametrize(
    ("measure", "words"),
    [("sessions", "it needs a measure in percent or rate_per_1000"), ("rate", "x 100: it needs a measure in percent")],
    ids=["a count measure for a rate", "a rate per 1,000 for a percentage"],
)
def test_a_measure_in_a_unit_the_columns_cannot_fill_is_refused(ees_db, measure, words):
    result = import_source(ees_db, "ees", [REAL_DFE], measure, ["education_phase=Total"], **RATE)
    assert not result.ok
    assert words in result.problems[0].message, result.problems[0].message


def test_options_of_one_source_are_refused_by_another(ees_db):
    result = import_source(ees_db, "police-uk-street", [REAL_DFE], "sessions", value_column="x")
    assert not result.ok and result.problems[0].file == "--value-column"
    result = import_source(ees_db, "ees", [REAL_DFE], "attendance", ["education_phase=Total"])
    assert result.problems[0].file == "--value-column"


def test_dfe_attendance_is_one_use_of_ees_and_reaches_neighbourhoods_too(ees_db):
    result = import_dfe_attendance(ees_db, REAL_DFE)
    assert result.ok, [str(p) for p in result.problems[:5]]
    th = dfe_rows("Secondary")[TOWER_HAMLETS]
    assert figure(ees_db, "tower", "dfe-attendance-secondary")[:3] == (float(th["attendance_perc"]), float(th["overall_attendance"]), float(th["possible_sessions"]))
    # the same file through the generic source gives the same figures
    assert import_source(ees_db, "ees", [REAL_DFE], "attendance", ["education_phase=Secondary"], **RATE).ok
    assert figure(ees_db, "tower")[:3] == figure(ees_db, "tower", "dfe-attendance-secondary")[:3]


@pytest.mark.parametrize("time_period,identifier", [("0000", "Calendar year"), ("999900", "Financial year"), ("000001", "Academic year"), ("0000", "Calendar year Q1")])
def test_a_year_no_calendar_holds_is_a_row_problem_naming_the_row(ees_db, tmp_path, time_period, identifier):
    """Issue 23, finding 5: these once gave "Internal error (ValueError: year 0 is out of range)"."""
    with open(REAL_DFE, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    index = next(i for i, r in enumerate(rows) if i and r[head.index("education_phase")] == "Total")  # a row the filter keeps
    rows[index][head.index("time_period")], rows[index][head.index("time_identifier")] = time_period, identifier
    bad = tmp_path / "bad-year.csv"
    with open(bad, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    before = snapshot(ees_db)
    result = import_source(ees_db, "ees", [bad], "attendance", ["education_phase=Total"], **RATE)
    assert not result.ok
    problem = next(p for p in result.problems if p.column in ("time_period", "time_identifier"))
    assert problem.row == index + 1, problem  # the file's line, its header being line 1
    assert snapshot(ees_db) == before
