"""A steward finds codes and ids by name (issue 26): `areas` lists the areas a
publisher's file holds, `places` every place in the database, benchmarks
included. Expected values come from the real files with the csv module."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter

import pytest
from conftest import REAL_DFE, REAL_FINGERTIPS, REAL_MET_2026_01, REAL_POLICE, REPO

from metrics.contract.sources.areas import file_areas


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=REPO, capture_output=True, text=True, env=dict(os.environ), timeout=120)


def counted(path, code: str, name: str, where=lambda r: True) -> Counter:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return Counter((r[code], r[name]) for r in csv.DictReader(f) if where(r))


@pytest.mark.parametrize(
    ("source", "path", "code", "name", "where"),
    [
        ("met-ward-crime", REAL_MET_2026_01, "WardCode", "WardName", lambda r: True),
        ("police-uk-street", REAL_POLICE, "LSOA code", "LSOA name", lambda r: r["LSOA code"] != ""),
        ("fingertips", REAL_FINGERTIPS, "Area Code", "Area Name", lambda r: True),
        ("ees", REAL_DFE, "new_la_code", "la_name", lambda r: r["geographic_level"] == "Local authority"),
    ],
    ids=["met", "police", "fingertips", "ees"],
)
def test_areas_lists_every_code_and_name_a_file_holds_with_its_row_count(source, path, code, name, where):
    want = counted(path, code, name, where)
    assert len(want) > 5
    got = {(a.code, a.name): a.rows for a in file_areas(source, [path]).areas}
    assert {k: got.get(k) for k in want} == dict(want)


def test_areas_search_finds_wards_by_part_of_their_name_in_any_case():
    out = run("areas", "met-ward-crime", str(REAL_MET_2026_01), "--search", "KENTISH town")
    assert out.returncode == 0, out.stderr
    want = counted(REAL_MET_2026_01, "WardCode", "WardName", lambda r: "kentish town" in r["WardName"].lower())
    assert sorted(n for _, n in want) == ["Kentish Town North", "Kentish Town South"]
    lines = out.stdout.splitlines()
    for (code, ward), rows in want.items():
        assert any(line.startswith(code) and ward in line and f"{rows} rows" in line and "Camden" in line for line in lines), out.stdout
    assert "2 areas matching" in out.stdout and "place_areas" in out.stdout


def test_areas_of_police_uk_names_lsoas_as_police_uk_does():
    out = run("areas", "police-uk-street", str(REAL_POLICE), "--search", "Leeds 001A")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("E01011698  Leeds 001A  LSOA")


def test_areas_of_a_file_for_another_source_names_that_source():
    out = run("areas", "ees", str(REAL_MET_2026_01))
    assert out.returncode == 1
    assert "this looks like a met-ward-crime file" in out.stderr
    assert out.stderr.startswith("Cannot list the areas: 1 problem.") and out.stderr.count("\n- ") == 1  # not one per missing column
    assert "Traceback" not in out.stderr


def test_places_lists_benchmarks_by_their_lower_case_gss_code(tmp_path):
    db = str(tmp_path / "d.duckdb")
    assert run("import-dfe-attendance", str(REAL_DFE), "--db", db).returncode == 0
    out = run("places", "--search", "tower hamlets", "--db", db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["e09000030", "Tower", "Hamlets", "local_area", "E09000030"]
    rows = json.loads(run("places", "--json", "--db", db).stdout)
    with open(REAL_DFE, encoding="utf-8-sig", newline="") as f:
        las = {r["new_la_code"]: r["la_name"] for r in csv.DictReader(f) if r["geographic_level"] == "Local authority"}
    by_id = {r["place_id"]: r for r in rows}
    assert {code.lower(): name for code, name in las.items()} == {k: v["name"] for k, v in by_id.items() if v["level"] == "local_area"}
    assert by_id["england"]["level"] == "nation" and by_id["england"]["code"] == "E92000001"
    assert rows[0]["place_id"] == "england"  # nation first
    assert set(rows[0]) == {"place_id", "name", "level", "code", "parent_id", "areas", "partnerships"}


def test_places_shows_a_neighbourhood_s_partnerships_and_areas(tmp_path):
    from conftest import write_files
    from fixtures.camden import partnership_files

    db = str(tmp_path / "d.duckdb")
    assert run("import", *map(str, write_files(tmp_path / "in", partnership_files())), "--db", db).returncode == 0
    rows = {r["place_id"]: r for r in json.loads(run("places", "--json", "--db", db).stdout)}
    assert rows["somers-town"]["partnerships"] == ["kx-board"] and rows["somers-town"]["areas"] == 1
    assert rows["camden"]["partnerships"] == [] and rows["camden"]["level"] == "local_area"


@pytest.mark.parametrize("verb", ["areas", "places"])
def test_the_new_verbs_help_gives_an_example(verb):
    out = run(verb, "--help")
    assert out.returncode == 0
    assert f"example: python -m metrics {verb}" in out.stdout
