"""place_areas: neighbourhoods made of official areas, as a kind like every
other (docs/data-contract.md): row-level messages, nothing written on error,
revisions, as-of, the workbook, export and import back."""

from __future__ import annotations

import filecmp

import openpyxl
import pytest
from conftest import snapshot, write_files

from metrics import store
from metrics.contract.export import export_csv
from metrics.contract.importer import import_paths
from metrics.read import views

HEAD = "place_id,area_code,valid_from,valid_to"


def areas(con, tmp_path, text: str, name: str = "place_areas.csv", **kw):
    return import_paths(con, write_files(tmp_path / "a", {name: f"{HEAD}\n{text}"}), **kw)


def test_areas_of_a_neighbourhood_import_and_are_listed_for_its_page(seeded_db, tmp_path):
    result = areas(seeded_db, tmp_path, "north,E01011704,,\nnorth,E05013666,2022-05-05,\nnorth,E01011700,,2016-06-30\n")
    assert result.ok, [str(p) for p in result.problems]
    assert result.changes["place_areas"].added == 3
    listed = views.place_areas(seeded_db, "north").to_dict("records")
    assert listed == [
        {"area": "E01011700", "kind": "LSOA", "belongs": "until 2016-06-30"},
        {"area": "E01011704", "kind": "LSOA", "belongs": "always"},
        {"area": "E05013666", "kind": "ward", "belongs": "from 2022-05-05"},
    ]
    # A place whose own code is a GSS code is its own area.
    assert views.place_areas(seeded_db, "england").to_dict("records") == [{"area": "E92000001", "kind": "official area", "belongs": "its own code"}]
    assert views.place_areas(seeded_db, "south").empty


# (case, rows, row, column, words)
HOSTILE = [
    ("a region is not an area of a place", "north,E12000007,,", 2, "area_code", "not of an output area"),
    ("a code in lower case", "north,e01011704,,", 2, "area_code", "lower case"),
    ("not a GSS code", "north,Leeds 001A,,", 2, "area_code", "not the GSS code"),
    ("a code with spaces", "north, E01011704,,", 2, "area_code", "spaces"),
    ("an unknown place", "nowhere,E01011704,,", 2, "place_id", "not a known place"),
    ("dates the wrong way round", "north,E01011704,2024-01-01,2023-01-01", 2, "valid_to", "before valid_from"),
    ("a date not ISO", "north,E01011704,01/01/2024,", 2, "valid_from", "YYYY-MM-DD"),
    ("the same area twice with other dates", "north,E01011704,,\nnorth,E01011704,2020-01-01,", 3, "place_id", "repeats"),
    ("one area in two neighbourhoods of a partnership", "north,E01011704,,\nsouth,E01011704,,", 3, "area_code", "counted twice"),
]


@pytest.mark.parametrize(("rows", "row", "column", "words"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_a_bad_row_is_a_problem_naming_row_and_column_and_nothing_is_written(seeded_db, tmp_path, rows, row, column, words):
    before = snapshot(seeded_db)
    result = areas(seeded_db, tmp_path, rows + "\n")
    assert not result.ok
    assert any(p.file == "place_areas.csv" and p.row == row and p.column == column and words in p.message for p in result.problems), [str(p) for p in result.problems]
    assert all(p.fix for p in result.problems)
    assert snapshot(seeded_db) == before


def test_an_area_may_move_between_neighbourhoods_when_the_dates_do_not_overlap(seeded_db, tmp_path):
    result = areas(seeded_db, tmp_path, "north,E01011704,,2020-12-31\nsouth,E01011704,2021-01-01,\n")
    assert result.ok, [str(p) for p in result.problems]


def test_a_neighbourhood_whose_own_code_another_lists_is_counted_twice(seeded_db, tmp_path):
    assert import_paths(seeded_db, write_files(tmp_path / "p", {"places.csv": "place_id,name,level,parent_id,code\nnorth,North End,neighbourhood,shire,E05013666\n"})).ok
    result = areas(seeded_db, tmp_path, "south,E05013666,,\n")
    assert not result.ok and "counted twice" in result.problems[0].message


def test_changing_an_areas_dates_is_a_revision_and_as_of_shows_what_was_known(seeded_db, tmp_path):
    assert areas(seeded_db, tmp_path, "north,E01011704,,\n").ok
    known = store.utc_now()
    result = areas(seeded_db, tmp_path, "north,E01011704,,2025-03-31\n")
    assert result.ok and result.changes["place_areas"].revised == 1
    assert views.place_areas(seeded_db, "north")["belongs"].tolist() == ["until 2025-03-31"]
    assert views.place_areas(seeded_db, "north", as_of=known)["belongs"].tolist() == ["always"]
    again = areas(seeded_db, tmp_path, "north,E01011704,,2025-03-31\n")
    assert again.ok and again.batch_id is None


def test_export_writes_place_areas_and_importing_the_export_rebuilds_them(seeded_db, tmp_path):
    assert areas(seeded_db, tmp_path, "south,W01000001,2019-04-01,\nnorth,E01011704,,\n").ok
    first = tmp_path / "first"
    export_csv(seeded_db, first)
    assert (first / "place_areas.csv").read_text(encoding="utf-8") == f"{HEAD}\nnorth,E01011704,,\nsouth,W01000001,2019-04-01,\n"
    con = store.connect(tmp_path / "copy.duckdb")
    try:
        result = import_paths(con, sorted(first.glob("*.csv")))
        assert result.ok, [str(p) for p in result.problems]
        second = tmp_path / "second"
        export_csv(con, second)
    finally:
        con.close()
    names = sorted(p.name for p in first.glob("*.csv"))
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert "place_areas.csv" in names and mismatch == [] and errors == []


def test_a_workbook_sheet_named_place_areas_imports(seeded_db, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "place_areas"
    ws.append(HEAD.split(","))
    ws.append(["north", "E02000001", None, None])
    path = tmp_path / "areas.xlsx"
    wb.save(path)
    result = import_paths(seeded_db, [path])
    assert result.ok and result.changes["place_areas"].added == 1


def test_an_import_of_areas_needs_steward_rights_over_the_partnerships_of_their_places(seeded_db, tmp_path):
    """A neighbourhood's areas decide which figures become its own, so they
    belong to its partnerships, like its figures; a place in none is shared."""
    from metrics.access import EVERY, Permissions

    steward = Permissions("someone@example.org", {"shire-board": "steward"}, frozenset())
    other = Permissions("else@example.org", {"other-board": "steward"}, frozenset())
    (mine,) = write_files(tmp_path / "t", {"place_areas.csv": f"{HEAD}\nnorth,E01011704,,\n"})
    (shared,) = write_files(tmp_path / "u", {"place_areas.csv": f"{HEAD}\nshire,E09000030,,\n"})
    before = snapshot(seeded_db)
    refused = import_paths(seeded_db, [mine], perms=other)
    assert not refused.ok
    assert [(p.row, p.column, p.code) for p in refused.problems] == [(2, "place_id", "forbidden")]
    assert "may not import areas" in refused.problems[0].message
    refused = import_paths(seeded_db, [shared], perms=steward)
    assert not refused.ok and "every partnership shares" in refused.problems[0].message
    assert snapshot(seeded_db) == before
    assert import_paths(seeded_db, [mine], perms=steward).ok
    assert import_paths(seeded_db, [shared], perms=Permissions("a@example.org", {EVERY: "steward"}, frozenset())).ok
