"""DfE's published attendance file as benchmark places and figures.

The real file is committed as a fixture (conftest.REAL_DFE, with its source
and licence in tests/fixtures/real/README.md). Expected values come from
reading that file with the csv module here, never from the adapter under test.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import pytest
from conftest import REAL_DFE, snapshot, write_files

from metrics.contract.demo import seed_demo
from metrics.contract.importer import import_paths
from metrics.contract.sources.dfe import dfe_attendance_sheets, import_dfe_attendance
from metrics.methods.aggregate import Figure, ratio_of_sums

PHASES = {"Total": "total", "Primary": "primary", "Secondary": "secondary", "Special": "special"}


def dfe_rows() -> list[tuple[int, dict[str, str]]]:
    """DfE's file as (row number as Excel shows it, cells)."""
    with open(REAL_DFE, encoding="utf-8-sig", newline="") as f:
        return list(enumerate(csv.DictReader(f), start=2))


def current(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


# --- the real file -----------------------------------------------------------

def test_real_file_imports_england_every_region_and_every_local_authority_with_their_gss_codes(fresh_db):
    result = import_dfe_attendance(fresh_db, REAL_DFE)
    assert result.ok, [str(p) for p in result.problems[:10]]

    rows = [r for _, r in dfe_rows()]
    regions = {r["region_code"]: r["region_name"] for r in rows if r["geographic_level"] == "Regional"}
    las = {r["new_la_code"]: (r["la_name"], r["region_code"]) for r in rows if r["geographic_level"] == "Local authority"}
    assert len(regions) == 9

    places = {code: (pid, name, level, parent) for pid, name, level, parent, code in current(
        fresh_db, "SELECT place_id, name, level, parent_id, code FROM places WHERE superseded_at IS NULL")}
    assert places["E92000001"] == ("england", "England", "nation", None)
    for code, name in regions.items():
        assert places[code] == (code.lower(), name, "region", "england")
    for code, (name, region_code) in las.items():
        assert places[code] == (code.lower(), name, "local_area", region_code.lower())
    assert len(places) == 1 + len(regions) + len(las)


def test_every_published_figure_is_stored_as_given(fresh_db):
    assert import_dfe_attendance(fresh_db, REAL_DFE).ok
    stored = {
        (m, p): (v, n, d)
        for m, p, v, n, d in current(fresh_db, "SELECT measure_id, place_id, value, numerator, denominator FROM observations")
    }
    expected = {}
    for _, r in dfe_rows():
        code = {"National": r["country_code"], "Regional": r["region_code"], "Local authority": r["new_la_code"]}[r["geographic_level"]]
        place = "england" if code == "E92000001" else code.lower()
        phase = PHASES[r["education_phase"]]

        def num(text: str) -> float | None:
            return None if text == "c" else float(text)

        expected[(f"dfe-attendance-{phase}", place)] = (num(r["attendance_perc"]), num(r["overall_attendance"]), num(r["possible_sessions"]))
        expected[(f"dfe-persistent-absence-{phase}", place)] = (num(r["pa_perc"]), None, None)
    assert stored == expected
    periods = current(fresh_db, "SELECT DISTINCT CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR) FROM observations")
    assert periods == [("2025-09-01", "2026-07-31")]  # time_period 202526, Academic year


def test_suppressed_cells_are_stored_as_unavailable_not_errors(fresh_db):
    result = import_dfe_attendance(fresh_db, REAL_DFE)
    assert result.ok
    rows = [r for _, r in dfe_rows()]
    c_attendance = sum(r["attendance_perc"] == "c" for r in rows)
    c_absence = sum(r["pa_perc"] == "c" for r in rows)
    assert c_attendance == 4 and c_absence == 4  # City of London and Isles of Scilly, two phases each

    def unavailable(prefix: str) -> int:
        return fresh_db.execute(
            "SELECT count(*) FROM observations WHERE measure_id LIKE ? AND value IS NULL AND value_symbol = 'c' AND figure IS NULL",
            [prefix + "%"],
        ).fetchone()[0]

    assert unavailable("dfe-attendance-") == c_attendance
    assert unavailable("dfe-persistent-absence-") == c_absence


def test_importing_the_real_file_twice_changes_nothing(fresh_db):
    assert import_dfe_attendance(fresh_db, REAL_DFE).ok
    before = snapshot(fresh_db)
    again = import_dfe_attendance(fresh_db, REAL_DFE)
    assert again.ok and again.batch_id is None
    assert all(c.added == 0 and c.revised == 0 for c in again.changes.values())
    assert snapshot(fresh_db) == before


def test_the_caller_can_say_which_period_the_figures_cover(fresh_db):
    result = import_dfe_attendance(fresh_db, REAL_DFE, period_start="2025-09-01", period_end="2026-07-17")
    assert result.ok
    periods = current(fresh_db, "SELECT DISTINCT CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR) FROM observations")
    assert periods == [("2025-09-01", "2026-07-17")]


# --- docs/methods.md, "Figures for a whole partnership": regions are ratios of sums of their authorities -----

def regional_check_cases() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """From DfE's file alone: the (region, phase) pairs whose regional row can be
    rebuilt from its local authority rows, and those that cannot, with why."""
    las: dict[tuple[str, str], list[dict]] = defaultdict(list)
    regional: dict[tuple[str, str], dict] = {}
    for _, r in dfe_rows():
        key = (r["region_name"], r["education_phase"])
        if r["geographic_level"] == "Local authority":
            las[key].append(r)
        elif r["geographic_level"] == "Regional":
            regional[key] = r
    qualifying, not_qualifying = [], []
    for key in sorted(regional):
        suppressed = [la["la_name"] for la in las[key] if "c" in (la["possible_sessions"], la["overall_attendance"])]
        if suppressed:
            not_qualifying.append((*key, f"includes a suppressed authority ({', '.join(suppressed)})"))
            continue
        if sum(int(la["possible_sessions"]) for la in las[key]) != int(regional[key]["possible_sessions"]):
            not_qualifying.append((*key, "its authorities' possible sessions do not add up to the region's"))
            continue
        qualifying.append(key)
    return qualifying, not_qualifying


def test_regional_attendance_is_the_ratio_of_sums_of_its_local_authorities(fresh_db):
    """Where a regional row covers exactly its authorities, sum(overall_attendance)
    / sum(possible_sessions) over the authorities as stored reproduces DfE's
    published regional rate. In this release that is 20 of the 36 regional rows:
    two rows each for London and the South West include an authority whose
    figures are suppressed (City of London; Isles of Scilly), and in the North
    East, East Midlands and South East the authorities' possible sessions add up
    to more than the regional row for every phase, so those regional rows cover
    something other than the sum of the authorities DfE lists."""
    assert import_dfe_attendance(fresh_db, REAL_DFE).ok
    qualifying, not_qualifying = regional_check_cases()
    suppressed_london = "includes a suppressed authority (City of London)"
    suppressed_scilly = "includes a suppressed authority (Isles of Scilly)"
    do_not_add_up = "its authorities' possible sessions do not add up to the region's"
    assert not_qualifying == [
        ("East Midlands", "Primary", do_not_add_up),
        ("East Midlands", "Secondary", do_not_add_up),
        ("East Midlands", "Special", do_not_add_up),
        ("East Midlands", "Total", do_not_add_up),
        ("London", "Primary", suppressed_london),
        ("London", "Total", suppressed_london),
        ("North East", "Primary", do_not_add_up),
        ("North East", "Secondary", do_not_add_up),
        ("North East", "Special", do_not_add_up),
        ("North East", "Total", do_not_add_up),
        ("South East", "Primary", do_not_add_up),
        ("South East", "Secondary", do_not_add_up),
        ("South East", "Special", do_not_add_up),
        ("South East", "Total", do_not_add_up),
        ("South West", "Secondary", suppressed_scilly),
        ("South West", "Total", suppressed_scilly),
    ]
    assert len(qualifying) == 36 - len(not_qualifying) == 20

    published = {(r["region_name"], r["education_phase"]): float(r["attendance_perc"]) for _, r in dfe_rows() if r["geographic_level"] == "Regional"}
    for region, phase in qualifying:
        measure = f"dfe-attendance-{PHASES[phase]}"
        # Through the store: the region's authorities are its children in the place tree.
        figures = [
            Figure(value=v, numerator=n, denominator=d)
            for v, n, d in current(
                fresh_db,
                """SELECT o.value, o.numerator, o.denominator FROM observations o
                   JOIN places la ON la.place_id = o.place_id AND la.superseded_at IS NULL AND la.level = 'local_area'
                   JOIN places r ON r.place_id = la.parent_id AND r.superseded_at IS NULL
                   WHERE o.superseded_at IS NULL AND o.measure_id = ? AND r.name = ?""",
                [measure, region],
            )
        ]
        assert figures, (region, phase)
        rolled_up = ratio_of_sums("percent", figures)
        assert rolled_up is not None
        assert math.isclose(rolled_up.value, published[(region, phase)], abs_tol=1e-6), (region, phase)


# --- on top of other data -------------------------------------------------------

def test_importing_on_top_of_the_demo_keeps_its_england_place_unrevised(fresh_db):
    seed_demo(fresh_db)
    england_before = current(fresh_db, "SELECT * FROM places WHERE place_id = 'england'")
    assert len(england_before) == 1

    result = import_dfe_attendance(fresh_db, REAL_DFE)
    assert result.ok, [str(p) for p in result.problems[:10]]
    assert result.changes["places"].revised == 0
    assert current(fresh_db, "SELECT * FROM places WHERE place_id = 'england'") == england_before
    assert current(fresh_db, "SELECT count(*) FROM places WHERE code = 'E92000001'") == [(1,)]
    # The regions hang under the demo's England, beside its fictional region.
    assert current(fresh_db, "SELECT count(*) FROM places WHERE level = 'region' AND parent_id = 'england' AND code LIKE 'E12%'") == [(9,)]


def test_a_place_already_stored_with_the_same_gss_code_is_reused_as_it_is(fresh_db, tmp_path):
    paths = write_files(
        tmp_path / "mine",
        {
            "places.csv": """
                place_id,name,level,parent_id,code
                england,England,nation,,E92000001
                tower-hamlets,Tower Hamlets,local_area,england,E09000030
                """,
        },
    )
    assert import_paths(fresh_db, paths).ok
    before = current(fresh_db, "SELECT * FROM places WHERE place_id = 'tower-hamlets'")

    result = import_dfe_attendance(fresh_db, REAL_DFE)
    assert result.ok
    assert result.changes["places"].revised == 0
    assert current(fresh_db, "SELECT * FROM places WHERE place_id = 'tower-hamlets'") == before
    assert current(fresh_db, "SELECT count(*) FROM places WHERE code = 'E09000030'") == [(1,)]
    assert current(fresh_db, "SELECT count(*) FROM observations WHERE place_id = 'tower-hamlets'") == [(8,)]  # 4 phases x 2 measures


# --- hostile DfE-style files ----------------------------------------------------

HEAD = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,la_name,education_phase,overall_attendance,possible_sessions,attendance_perc,pa_perc"
NATIONAL = "202526,Academic year,National,E92000001,England,,,,,Total,900,1000,90,20.5"
REGIONAL = "202526,Academic year,Regional,E92000001,England,E12000001,North East,,,Total,450,500,90,21"
LOCAL = "202526,Academic year,Local authority,E92000001,England,E12000001,North East,E06000001,Hartlepool,Total,225,250,90,22"


def write_dfe(tmp_path, text: str, name: str = "dfe_attendance.csv"):
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_a_small_dfe_style_file_imports(fresh_db, tmp_path):
    path = write_dfe(tmp_path, "\n".join([HEAD, NATIONAL, REGIONAL, LOCAL]))
    result = import_dfe_attendance(fresh_db, path)
    assert result.ok, [str(p) for p in result.problems]
    assert current(fresh_db, "SELECT place_id, parent_id FROM places ORDER BY 1") == [
        ("e06000001", "e12000001"), ("e12000001", "england"), ("england", None)]
    assert current(fresh_db, "SELECT count(*) FROM observations") == [(6,)]


# (case, file text, period override, expected row, expected column, words the message must contain)
HOSTILE = [
    ("a column is missing", HEAD.replace(",pa_perc", "") + "\n" + NATIONAL.rsplit(",", 1)[0], None, 1, "pa_perc", "column pa_perc is missing"),
    ("an unknown time_identifier", HEAD + "\n" + NATIONAL.replace("Academic year", "Week 37"), None, 2, "time_identifier", "does not know the dates"),
    ("an academic year written wrongly", HEAD + "\n" + NATIONAL.replace("202526", "202527"), None, 2, "time_period", "academic year"),
    ("an unknown geographic level", HEAD + "\n" + NATIONAL + "\n" + LOCAL.replace("Local authority", "School"), None, 3, "geographic_level", "does not import"),
    ("an unknown phase", HEAD + "\n" + NATIONAL.replace("Total", "Nursery"), None, 2, "education_phase", "does not know"),
    ("a local authority without a GSS code", HEAD + "\n" + NATIONAL + "\n" + REGIONAL + "\n" + LOCAL.replace("E06000001", ""), None, 4, "new_la_code", "not a GSS code"),
    ("a rate that disagrees with its sessions", HEAD + "\n" + NATIONAL.replace(",90,", ",95,"), None, 2, "attendance_perc", "overall_attendance / possible_sessions"),
    ("a ragged row", HEAD + "\n" + NATIONAL + ",extra", None, 2, None, "cells but the header has"),
    ("two periods squeezed into one", HEAD + "\n" + NATIONAL + "\n" + NATIONAL.replace("202526", "202425"), ("2025-09-01", "2026-07-31"), None, "time_period", "2 periods"),
]


@pytest.mark.parametrize(("text", "period", "row", "column", "words"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_a_hostile_dfe_file_is_a_problem_naming_row_and_column_and_writes_nothing(fresh_db, tmp_path, text, period, row, column, words):
    path = write_dfe(tmp_path, text)
    before = snapshot(fresh_db)
    start, end = period or (None, None)
    result = import_dfe_attendance(fresh_db, path, period_start=start, period_end=end)
    assert not result.ok
    assert any(p.row == row and p.column == column and words in p.message and p.file == path.name for p in result.problems), [
        str(p) for p in result.problems
    ]
    assert all(p.fix for p in result.problems)
    assert snapshot(fresh_db) == before


def test_an_unknown_period_imports_when_the_caller_gives_the_dates(fresh_db, tmp_path):
    path = write_dfe(tmp_path, HEAD + "\n" + NATIONAL.replace("Academic year", "Week 37"))
    result = import_dfe_attendance(fresh_db, path, period_start="2026-05-11", period_end="2026-05-15")
    assert result.ok, [str(p) for p in result.problems]
    assert current(fresh_db, "SELECT DISTINCT CAST(period_start AS VARCHAR), CAST(period_end AS VARCHAR) FROM observations") == [
        ("2026-05-11", "2026-05-15")]


@pytest.mark.parametrize(
    ("start", "end", "flag"),
    [("2026-07-31", None, "--period-start"), ("31/07/2026", "2026-07-31", "--period-start"), ("2026-07-31", "2025-09-01", "--period-end")],
    ids=["only one date", "not ISO", "end before start"],
)
def test_a_bad_period_override_is_a_problem(fresh_db, start, end, flag):
    result = import_dfe_attendance(fresh_db, REAL_DFE, period_start=start, period_end=end)
    assert not result.ok
    assert [p.file for p in result.problems] == [flag]


@pytest.mark.parametrize("name", ["missing.csv", "attendance.xlsx"])
def test_a_file_that_cannot_be_dfes_csv_is_a_problem_not_an_exception(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        path.write_bytes(b"PK\x03\x04")
    sheets, problems = dfe_attendance_sheets(path)
    assert sheets == []
    assert len(problems) == 1 and problems[0].file == name and problems[0].fix


def test_sheets_carry_dfe_row_numbers_and_text_as_typed():
    sheets, problems = dfe_attendance_sheets(REAL_DFE)
    assert problems == []
    by_label = {s.sheet: s for s in sheets}
    attendance = by_label["attendance rates (derived)"].table.to_pylist()
    rows = dict(dfe_rows())
    first = attendance[0]
    assert first["_row"] == 2
    assert (first["value"], first["numerator"], first["denominator"]) == (
        rows[2]["attendance_perc"], rows[2]["overall_attendance"], rows[2]["possible_sessions"])
    assert [s.kind.name for s in sheets] == ["places", "measures", "observations", "observations"]


def test_a_measure_already_stored_with_the_same_id_is_reused_as_it_is(fresh_db, tmp_path):
    paths = write_files(
        tmp_path / "mine",
        {
            "measures.csv": """
                measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
                dfe-attendance-total,Attendance (DfE),attendance,percent,higher_is_better,50,100,10,Our own wording of DfE's rate,DfE
                """,
        },
    )
    assert import_paths(fresh_db, paths).ok
    before = current(fresh_db, "SELECT * FROM measures")

    result = import_dfe_attendance(fresh_db, REAL_DFE)
    assert result.ok, [str(p) for p in result.problems[:5]]
    assert result.changes["measures"].revised == 0
    assert current(fresh_db, "SELECT * FROM measures WHERE measure_id = 'dfe-attendance-total'") == before


@pytest.mark.parametrize(
    ("stored", "column", "words"),
    [
        ("places.csv", "country_code", "already has a place england with another code"),
        ("measures.csv", "unit", "already has a measure dfe-attendance-total in count"),
    ],
    ids=["place id taken by another code", "measure id taken by another unit"],
)
def test_an_id_the_database_uses_for_something_else_is_a_problem(fresh_db, tmp_path, stored, column, words):
    files = {
        "places.csv": "place_id,name,level,parent_id,code\nengland,England and Wales,nation,,K04000001\n",
        "measures.csv": "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\n"
        "dfe-attendance-total,Sessions,attendance,count,higher_is_better,,,,Sessions attended,\n",
    }
    assert import_paths(fresh_db, write_files(tmp_path / "mine", {stored: files[stored]})).ok
    before = snapshot(fresh_db)
    result = import_dfe_attendance(fresh_db, REAL_DFE)
    assert not result.ok
    assert [(p.column, words in p.message) for p in result.problems] == [(column, True)], [str(p) for p in result.problems]
    assert snapshot(fresh_db) == before


def ees_route(phase_text: str, measure: str) -> list[str]:
    """`import-source ees` options that read what import-dfe-attendance reads for one of its measures."""
    columns = ["--value-column", "attendance_perc", "--numerator-column", "overall_attendance", "--denominator-column", "possible_sessions"] \
        if measure.startswith("dfe-attendance") else ["--value-column", "pa_perc"]
    return ["import-source", "ees", str(REAL_DFE), "--measure", measure, *columns, "--filter", f"education_phase={phase_text}"]


def test_either_dfe_route_after_the_other_changes_nothing(tmp_path, capsys):
    """Issue 26: import-dfe-attendance is import-source ees with its options, so
    the real file imported by one route and then by the other changes nothing."""
    from metrics.cli import main
    from metrics.contract.sources.dfe import PHASES, attendance_measure_id, persistent_absence_measure_id

    db = str(tmp_path / "d.duckdb")
    assert main(["import-dfe-attendance", str(REAL_DFE), "--db", db]) == 0
    capsys.readouterr()
    routes = [(p, f(code)) for p, code in PHASES.items() for f in (attendance_measure_id, persistent_absence_measure_id)]
    assert len(routes) == 8
    for phase_text, measure in routes:
        assert main([*ees_route(phase_text, measure), "--db", db]) == 0
        out = capsys.readouterr().out
        assert "Nothing changed" in out, (measure, out)
    assert main(["import-dfe-attendance", str(REAL_DFE), "--db", db]) == 0
    assert "Nothing changed" in capsys.readouterr().out


def test_the_ees_route_first_then_import_dfe_attendance_changes_nothing(tmp_path, capsys):
    import csv as csv_module

    from metrics.cli import main
    from metrics.contract.kinds import MEASURES
    from metrics.contract.sources.dfe import PHASES, attendance_measure_id, dfe_measure_rows, persistent_absence_measure_id

    measures = tmp_path / "measures.csv"
    with open(measures, "w", encoding="utf-8", newline="") as f:
        w = csv_module.DictWriter(f, fieldnames=list(MEASURES.column_names))
        w.writeheader()
        w.writerows({c: r.get(c, "") for c in MEASURES.column_names} for r in dfe_measure_rows())
    db = str(tmp_path / "d.duckdb")
    assert main(["import", str(measures), "--db", db]) == 0
    for phase_text, code in PHASES.items():
        for measure in (attendance_measure_id(code), persistent_absence_measure_id(code)):
            assert main([*ees_route(phase_text, measure), "--db", db]) == 0
    capsys.readouterr()
    assert main(["import-dfe-attendance", str(REAL_DFE), "--db", db]) == 0
    assert "Nothing changed" in capsys.readouterr().out
