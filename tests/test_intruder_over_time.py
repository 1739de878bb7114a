"""Publishing month after month (issue 22, finding 4): an intruder who kept
every earlier site. Each world publishes twice; the intruder attacks the union
of the two sites (a cell shown in either is known). Each world is run twice:
without the ledger of published cells (the code before the fix, by switching
the ledger off) the hidden figure is recovered; with it, nothing is.

The intruder, the worlds' builder and the truth are tests/test_intruder.py's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_intruder import COUNT, Published, Site, World, attack, monthly, read_site, read_truth, write

from metrics import store
from metrics.contract.importer import import_paths
from metrics.outputs import ledger
from metrics.outputs.publish import publish


def union(first: Site, second: Site, prefer_first: bool = False) -> Site:
    """What an intruder holding both sites knows: a cell shown in either. Where
    both show a cell with different figures (a revision), the intruder may take
    either version: `prefer_first` takes the earlier one, which combines with
    the earlier site's other figures into one consistent view."""
    if prefer_first:
        first, second = second, first
    cells = {}
    for key in first.cells.keys() | second.cells.keys():
        a, b = first.cells.get(key), second.cells.get(key)
        cells[key] = b if b is not None and not b.hidden else a if a is not None and not a.hidden else (b or a)
    members = {p: first.members.get(p, frozenset()) | second.members.get(p, frozenset()) for p in first.members.keys() | second.members.keys()}
    scope = {g: sorted(set(first.scope_keys.get(g, [])) | set(second.scope_keys.get(g, []))) for g in first.scope_keys.keys() | second.scope_keys.keys()}
    return Site(cells, members, second.goals, scope, first.csv_text + second.csv_text, second.areas or first.areas)


def publish_twice(tmp: Path, files: dict[str, str], later: dict[str, str], reason: str | None = None, prefer_first: bool = False) -> Published:
    con = store.connect(tmp / "world.duckdb")
    assert import_paths(con, write(tmp / "in", files)).ok
    publish(con, tmp / "site1")
    result = import_paths(con, write(tmp / "later", later), reason=reason)
    assert result.ok, [str(p) for p in result.problems]
    publish(con, tmp / "site2")
    both = union(read_site(tmp / "site1"), read_site(tmp / "site2"), prefer_first)
    return Published(con, tmp / "world.duckdb", tmp / "site2", both, read_truth(con))


def without_ledger(monkeypatch) -> None:
    """The code before the fix: every publication worked out afresh."""
    monkeypatch.setattr(ledger, "earlier_cells", lambda *a, **k: [])


# (a) Another partnership's goal sharing a neighbourhood becomes public.
SHARED = World(
    hoods=["north", "south", "east", "west"], partnerships={"p": ["north", "south", "east"], "q": ["south", "west"]},
    measures={"incidents": COUNT},
    goals=[("gp", "p", "incidents", "p", 30, 20, "public"), ("gq", "q", "incidents", "q", 30, 20, "internal")],
    rows=monthly("incidents", "north", [1]) + monthly("incidents", "south", [10]) + monthly("incidents", "east", [11])
    + monthly("incidents", "west", [12]),
)
GOAL_TURNS_PUBLIC = {"goals.csv": SHARED.files()["goals.csv"].replace("internal", "public")}

# (b) A revision of another cell moves the secondary suppression.
REVISED = World(
    hoods=["north", "south", "east"], partnerships={"p": ["north", "south", "east"]}, measures={"incidents": COUNT},
    goals=[("gp", "p", "incidents", "p", 30, 20, "public")],
    rows=monthly("incidents", "north", [1]) + monthly("incidents", "south", [10]) + monthly("incidents", "east", [11]),
)
EAST_REVISED = {"observations.csv": World(REVISED.hoods, REVISED.partnerships, REVISED.measures, REVISED.goals,
                                          monthly("incidents", "east", [9])).files()["observations.csv"]}


# (c) Year-to-date counts published monthly.
def ytd(end_month: int, value: int) -> tuple:
    end = (dt.date(2025, end_month + 1, 1) - dt.timedelta(days=1))
    return ("incidents", "h1", dt.date(2025, 9, 1), end, value, None, None)


YEAR_TO_DATE = World(
    hoods=["h1"], partnerships={"p": ["h1"]}, measures={"incidents": COUNT},
    goals=[("g", "p", "incidents", "h1", 30, 20, "public")],
    rows=[ytd(9, 6), ytd(10, 14)],
)
NOVEMBER = {"observations.csv": World(YEAR_TO_DATE.hoods, YEAR_TO_DATE.partnerships, YEAR_TO_DATE.measures, YEAR_TO_DATE.goals,
                                      [ytd(11, 15)]).files()["observations.csv"]}

WORLDS = {
    "a goal of a partnership sharing a neighbourhood turns public": (SHARED, GOAL_TURNS_PUBLIC, None),
    "another cell is revised": (REVISED, EAST_REVISED, "corrected"),
    "a year-to-date series gains a month": (YEAR_TO_DATE, NOVEMBER, None),
}


@pytest.mark.parametrize("name", list(WORLDS))
def test_without_the_ledger_two_publications_give_a_hidden_figure_away(name, tmp_path, monkeypatch):
    world, later, reason = WORLDS[name]
    without_ledger(monkeypatch)
    found = attack(publish_twice(tmp_path / "later", world.files(), later, reason)) + attack(
        publish_twice(tmp_path / "earlier", world.files(), later, reason, prefer_first=True))
    assert found, f"{name}: the world shows no leak even without the ledger, so it pins nothing"


@pytest.mark.parametrize("name", list(WORLDS))
def test_with_the_ledger_nothing_is_given_away_across_publications(name, tmp_path):
    world, later, reason = WORLDS[name]
    for prefer_first in (False, True):
        published = publish_twice(tmp_path / str(prefer_first), world.files(), later, reason, prefer_first)
        assert attack(published) == [], name
        assert attack(published, exact=True) == [], name


def test_publishing_the_same_figures_again_adds_nothing_to_the_ledger(tmp_path):
    con = store.connect(tmp_path / "world.duckdb")
    assert import_paths(con, write(tmp_path / "in", SHARED.files())).ok
    publish(con, tmp_path / "site1")
    count = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    cells, batches = count("SELECT count(*) FROM published_cells"), count("SELECT count(*) FROM batches")
    # Independently: the cells the site shows (not 'c') are the ones recorded.
    shown = [r for r in (tmp_path / "site1" / "published_figures.csv").read_text(encoding="utf-8").splitlines()[1:] if ",c," not in r]
    assert cells > 0 and cells <= len(shown)
    publish(con, tmp_path / "site2")
    assert (count("SELECT count(*) FROM published_cells"), count("SELECT count(*) FROM batches")) == (cells, batches)
    assert (tmp_path / "site1" / "published_figures.csv").read_bytes() == (tmp_path / "site2" / "published_figures.csv").read_bytes()


def test_the_ledger_written_a_chunk_at_a_time_holds_what_one_write_holds(demo_db_path, tmp_path, monkeypatch):
    """A national publication's cells go into the ledger in chunks (memory);
    a chunk far smaller than the demo's cells gives the very same rows."""
    import shutil

    def ledger_rows(chunk: int, name: str) -> list[tuple]:
        monkeypatch.setattr(ledger, "WRITE_CHUNK", chunk)
        shutil.copy(demo_db_path, tmp_path / f"{name}.duckdb")
        con = store.connect(tmp_path / f"{name}.duckdb")
        try:
            publish(con, tmp_path / f"site-{name}")
            return sorted(con.execute(f"SELECT {', '.join(ledger.COLUMNS)} FROM published_cells").fetchall(), key=repr)
        finally:
            con.close()

    whole, chunked = ledger_rows(10**9, "whole"), ledger_rows(7, "chunked")
    assert len(whole) > 1000 and len(whole) % 7
    assert chunked == whole
