"""OHID Fingertips exports: figures and their 95% intervals stored exactly as
published, and judged with them.

The real export (indicator 90284, hospital admissions for injuries in
children aged 0-14, per 10,000; England and the nine regions) is in
tests/fixtures/real/fingertips. Expected values are read from it here with
the csv module, and the comparison with England is checked against the file's
own "Compared to England" column, never against the adapter's output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math

import pytest
from conftest import REAL_FINGERTIPS, snapshot, write_files

from metrics import cli
from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source
from metrics.contract.sources.periods import fingertips_period
from metrics.methods.aggregate import Figure
from metrics.methods.intervals import byar_interval, figure_interval, wilson_interval
from metrics.methods.status import Point, benchmark_comparison
from metrics.read import views

COMPARED = "Compared to England value or percentiles"
MEASURES = """
    measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
    injuries,Hospital admissions for injuries (0-14),health,rate_per_10000,lower_is_better,0,,,"Emergency admissions caused by unintentional and deliberate injuries in children aged 0 to 14, per 10,000",OHID Fingertips 90284
    injuries-1000,Injuries per 1000,health,rate_per_1000,lower_is_better,,,,Per 1000,
    """


def persons_rows() -> list[tuple[int, dict[str, str]]]:
    """The rows the adapter keeps by default: persons, no category."""
    with open(REAL_FINGERTIPS, encoding="utf-8-sig", newline="") as f:
        return [(n, r) for n, r in enumerate(csv.DictReader(f), start=2) if r["Sex"] == "Persons" and r["Category Type"] == ""]


def num(text: str) -> float | None:
    return float(text) if text else None


@pytest.fixture
def ft_db(fresh_db, tmp_path):
    assert import_paths(fresh_db, write_files(tmp_path / "m", {"measures.csv": MEASURES})).ok
    return fresh_db


def fingertips(con, *filters, measure="injuries", **kw):
    return import_source(con, "fingertips", [REAL_FINGERTIPS], measure, list(filters), **kw)


def test_every_figure_and_its_interval_is_stored_as_published(ft_db):
    result = fingertips(ft_db)
    assert result.ok, [str(p) for p in result.problems[:5]]
    got = {
        (code, start, end): (v, lo, hi, n, d)
        for code, start, end, v, lo, hi, n, d in ft_db.execute(
            """SELECT p.code, o.period_start, o.period_end, o.value, o.ci_low, o.ci_high, o.numerator, o.denominator
               FROM observations o JOIN places p USING (place_id) WHERE p.superseded_at IS NULL"""
        ).fetchall()
    }
    want = {}
    for _, r in persons_rows():
        period = fingertips_period(r["Time period"])
        want[(r["Area Code"], period.start, period.end)] = (
            num(r["Value"]), num(r["Lower CI 95.0 limit"]), num(r["Upper CI 95.0 limit"]), num(r["Count"]), num(r["Denominator"]))
    assert got == want
    assert len(want) == 10 * 14  # England and nine regions, 2010/11 to 2023/24
    # 2010/11 is a financial year
    assert (("E92000001", dt.date(2010, 4, 1), dt.date(2011, 3, 31))) in got


def test_the_published_interval_is_used_not_one_recomputed_from_rounded_counts(ft_db):
    assert fingertips(ft_db).ok
    v, n, d, lo, hi = ft_db.execute(
        "SELECT value, numerator, denominator, ci_low, ci_high FROM observations WHERE place_id = 'e12000007' AND period_end = DATE '2024-03-31'"
    ).fetchone()
    assert (v, lo, hi) == (59.07065, 57.87899, 60.28066)  # as in the file
    fig = Figure(v, n, d, ci_low=lo, ci_high=hi)
    assert figure_interval("rate_per_10000", fig) == (57.87899, 60.28066)
    # Wilson on the published (rounded) count would give another interval.
    assert wilson_interval(n, d, scale=10_000) != pytest.approx((lo, hi), abs=1e-5)


def test_status_json_for_a_neighbourhood_made_of_one_area_gives_the_published_value_and_interval(ft_db, tmp_path, capsys):
    """The extract has no local authority, so the one-area neighbourhood is one
    whose own code is London's: the same rule (a place whose own code is in the
    file takes that row as published)."""
    assert fingertips(ft_db).ok  # creates England and the regions
    assert import_paths(ft_db, write_files(tmp_path / "p", {
        "places.csv": "place_id,name,level,parent_id,code\nall-london,All of London,neighbourhood,e12000007,E12000007\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nlondon-board,London Board,all-london,8,,\n",
        "goals.csv": (
            "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
            "fewer-injuries,london-board,injuries,all-london,Fewer children admitted after injuries,71.32166,2020-03-31,55,2027-03-31,2020-06-01,public,\n"
        ),
    })).ok
    result = fingertips(ft_db)
    assert result.ok and result.changes["observations"].added == 14  # the neighbourhood's own rows; nothing else changes

    db = ft_db.execute("PRAGMA database_list").fetchone()[2]
    ft_db.close()
    assert cli.main(["status", "--json", "--db", db]) == 0
    [status] = json.loads(capsys.readouterr().out)
    london = {r["Time period"]: r for _, r in persons_rows() if r["Area Code"] == "E12000007"}["2023/24"]
    assert status["goal_id"] == "fewer-injuries"
    assert status["latest_period_end"] == "2024-03-31"
    assert status["latest_value"] == float(london["Value"])
    assert (status["ci_low"], status["ci_high"]) == (float(london["Lower CI 95.0 limit"]), float(london["Upper CI 95.0 limit"]))
    assert status["vs_nation"] == london[COMPARED].lower() == "better"


def test_the_comparison_with_england_agrees_with_the_files_own_column_for_every_region_and_year(ft_db):
    assert fingertips(ft_db).ok
    england = {(p.period_start, p.period_end): p.value for p in views.place_series(ft_db, ["england"], "injuries", "rate_per_10000")["england"]}
    checked = 0
    for _, r in persons_rows():
        if r["Area Type"] == "England":
            assert r[COMPARED] == "Not compared"
            continue
        place = r["Area Code"].lower()
        period = fingertips_period(r["Time period"])
        [point] = [p for p in views.place_series(ft_db, [place], "injuries", "rate_per_10000")[place] if p.period_end == period.end]
        ours = benchmark_comparison(Point(point.period_start, point.period_end, point.value, point.ci_low, point.ci_high), england[(period.start, period.end)], "lower_is_better")
        assert ours == r[COMPARED].lower(), (r["Area Name"], r["Time period"])
        checked += 1
    assert checked == 9 * 14


def test_the_value_note_is_kept_with_the_figure(ft_db):
    assert fingertips(ft_db).ok
    for _, r in persons_rows():
        if r["Value note"]:
            period = fingertips_period(r["Time period"])
            (source,) = ft_db.execute(
                "SELECT source FROM observations o JOIN places p USING (place_id) WHERE p.code = ? AND o.period_end = ?", [r["Area Code"], period.end]
            ).fetchone()
            assert source == f"OHID Fingertips, indicator 90284. Value note: {r['Value note']}"


def test_default_filters_keep_persons_without_a_category_and_a_filter_replaces_its_default(ft_db):
    result = fingertips(ft_db)
    assert result.ok
    assert ft_db.execute("SELECT count(*) FROM observations").fetchone() == (len(persons_rows()),)
    result = fingertips(ft_db, "Sex=Female")
    assert result.ok
    with open(REAL_FINGERTIPS, encoding="utf-8-sig", newline="") as f:
        female = {(r["Area Code"], r["Time period"]): float(r["Value"]) for r in csv.DictReader(f) if r["Sex"] == "Female" and r["Category Type"] == "" and r["Value"]}
    got = {(code, ""): v for code, v in ft_db.execute(
        "SELECT p.code, o.value FROM observations o JOIN places p USING (place_id) WHERE o.superseded_at IS NULL AND o.period_end = DATE '2024-03-31'").fetchall()}
    assert got == {(code, ""): v for (code, tp), v in female.items() if tp == "2023/24"}
    assert result.changes["observations"].revised == 10 * 12  # female figures exist from 2012/13: each is a revision of the persons figure


def test_a_measure_in_the_wrong_rate_is_refused_naming_the_rate_the_file_needs(ft_db):
    before = snapshot(ft_db)
    result = fingertips(ft_db, measure="injuries-1000")
    assert not result.ok
    [problem] = result.problems
    assert "x 10,000: it needs a measure in rate_per_10000" in problem.message
    assert snapshot(ft_db) == before


def test_importing_the_export_twice_changes_nothing(ft_db):
    assert fingertips(ft_db).ok
    before = snapshot(ft_db)
    again = fingertips(ft_db)
    assert again.ok and again.batch_id is None
    assert snapshot(ft_db) == before


def test_a_partnership_of_two_regions_adds_up_their_counts(ft_db, tmp_path):
    """Partnership figures are a ratio of sums of the published counts, with an
    interval worked out here (no publisher gave one for the sum)."""
    assert fingertips(ft_db).ok
    assert import_paths(ft_db, write_files(tmp_path / "p", {
        "places.csv": "place_id,name,level,parent_id,code\nlon,London area,neighbourhood,e12000007,E12000007\nse,South East area,neighbourhood,e12000008,E12000008\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nsouth,South,lon;se,8,,\n",
        "goals.csv": (
            "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
            "south-injuries,south,injuries,south,Fewer injuries,80,2020-03-31,60,2027-03-31,2020-06-01,internal,\n"
        ),
    })).ok
    assert fingertips(ft_db).ok
    from metrics.read.readmodel import goal_results

    [r] = goal_results(ft_db)
    rows = {r2["Area Code"]: r2 for _, r2 in persons_rows() if r2["Time period"] == "2023/24"}
    n = float(rows["E12000007"]["Count"]) + float(rows["E12000008"]["Count"])
    d = float(rows["E12000007"]["Denominator"]) + float(rows["E12000008"]["Denominator"])
    assert math.isclose(r.assessment.latest_value, n / d * 10_000, rel_tol=1e-12)
    assert (r.assessment.ci_low, r.assessment.ci_high) == pytest.approx(tuple(x / d * 10_000 for x in byar_interval(n)))  # admissions: a rate of events


def test_filters_that_keep_no_row_are_a_problem_not_an_empty_import(ft_db, tmp_path):
    males_only = tmp_path / "males.csv"
    with open(REAL_FINGERTIPS, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    with open(males_only, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([rows[0]] + [r for r in rows[1:] if r[rows[0].index("Sex")] == "Male"])
    before = snapshot(ft_db)
    result = import_source(ft_db, "fingertips", [males_only], "injuries")
    assert not result.ok
    assert result.problems[0].code == "nothing_kept" and "Sex" in result.problems[0].message and "--filter" in result.problems[0].fix
    assert snapshot(ft_db) == before
    assert import_source(ft_db, "fingertips", [males_only], "injuries", ["Sex=Male"]).ok


def test_status_json_compares_the_goal_with_england_for_every_year_as_fingertips_does(ft_db, tmp_path, capsys):
    """vs_nation_by_period (issue 26): every year with both figures, each
    comparison as the file's own "Compared to England" column says."""
    assert fingertips(ft_db).ok
    assert import_paths(ft_db, write_files(tmp_path / "p", {
        "places.csv": "place_id,name,level,parent_id,code\nall-london,All of London,neighbourhood,e12000007,E12000007\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nlondon-board,London Board,all-london,8,,\n",
        "goals.csv": (
            "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
            "fewer-injuries,london-board,injuries,all-london,Fewer children admitted after injuries,71.32166,2020-03-31,55,2027-03-31,2020-06-01,public,\n"
        ),
    })).ok
    assert fingertips(ft_db).ok
    db = ft_db.execute("PRAGMA database_list").fetchone()[2]
    ft_db.close()
    assert cli.main(["status", "--json", "--db", db]) == 0
    [status] = json.loads(capsys.readouterr().out)
    want = [
        {"period_end": fingertips_period(r["Time period"]).end.isoformat(), "vs_nation": r[COMPARED].lower()}
        for _, r in sorted(persons_rows(), key=lambda nr: nr[1]["Time period"]) if r["Area Code"] == "E12000007" and r["Value"]
    ]
    assert len(want) == 14 and {w["vs_nation"] for w in want} >= {"better"}
    assert status["vs_nation_by_period"] == want
    assert status["vs_nation_by_period"][-1]["vs_nation"] == status["vs_nation"]


def test_the_goal_page_shows_the_comparison_with_england_for_each_year(ft_db, tmp_path):
    from metrics.outputs.charts import goal_table
    from metrics.outputs.dashboard import goal_numbers
    from metrics.read.readmodel import goal_results

    assert fingertips(ft_db).ok
    assert import_paths(ft_db, write_files(tmp_path / "p", {
        "places.csv": "place_id,name,level,parent_id,code\nall-london,All of London,neighbourhood,e12000007,E12000007\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\nlondon-board,London Board,all-london,8,,\n",
        "goals.csv": (
            "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
            "fewer-injuries,london-board,injuries,all-london,Fewer children admitted after injuries,71.32166,2020-03-31,55,2027-03-31,2020-06-01,public,\n"
        ),
    })).ok
    assert fingertips(ft_db).ok
    [result] = goal_results(ft_db)
    london = {fingertips_period(r["Time period"]).end.isoformat(): r[COMPARED] for _, r in persons_rows() if r["Area Code"] == "E12000007"}
    table = goal_table(result)
    assert dict(zip(table["period_end"], table["compared with England"])) == london
    said = [f for f in goal_numbers(result, {}).facts if f.startswith("Compared with England over time")]
    words = [v.lower() for v in london.values()]
    assert said == [f"Compared with England over time, 14 periods with both figures: "
                    + ", ".join(f"{k} in {words.count(k)}" for k in ("better", "similar", "worse") if words.count(k))
                    + " (the table below gives each period)."]


@pytest.mark.parametrize("label", ["0000", "9999/00", "0000 Q1", "0999/00 Q4", "1899"])
def test_a_time_period_no_calendar_holds_is_a_row_problem_naming_the_row(ft_db, tmp_path, label):
    """Issue 23, finding 5: these once gave "Internal error (ValueError: year 0 is out of range)"."""
    with open(REAL_FINGERTIPS, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index("Time period")
    first_kept = next(n for n, r in persons_rows())  # the file row the adapter would read first
    rows[first_kept - 1][col] = label
    bad = tmp_path / "bad-year.csv"
    with open(bad, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    before = snapshot(ft_db)
    result = fingertips_import(ft_db, bad)
    assert not result.ok
    problem = next(p for p in result.problems if p.column == "Time period")
    assert (problem.row, problem.value) == (first_kept, label) and "cannot date" in problem.message
    assert snapshot(ft_db) == before


def fingertips_import(con, path):
    return import_source(con, "fingertips", [path], "injuries")
