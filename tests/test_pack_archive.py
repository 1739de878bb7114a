"""Board packs stamped and archived (issue 17, items 2 and 4): a pack states
the methods version and its parameters; the pack first made for a review is
archived in the database (its bytes, methods version, as-of time) and every
reprint is that archive, byte for byte, even after the code changes;
`board-pack --recompute` shows what today's methods say beside it. Only a
steward or admin may make (freeze and archive) a review's first pack; a
viewer may reprint it. The pack shows the goal's markers and lists the change
points and breaks recorded since the last review."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest
from conftest import BASE_FILES, write_files
from roles import perms

from metrics import edits, store
from metrics.access import LOCAL, PermissionDenied
from metrics.cli import main
from metrics.contract.importer import import_paths
from metrics.methods import stamp, status
from metrics.outputs import boardpack
from metrics.outputs.boardpack import board_pack_html, recompute_pack_html
from metrics.read import reviews

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"
R1, R2 = dt.date(2024, 12, 10), dt.date(2025, 2, 4)


@pytest.fixture
def history_db(fresh_db, tmp_path):
    """BASE recorded on 20 Nov 2024, November's attendance on 1 Dec 2024."""
    assert import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), at=dt.datetime(2024, 11, 20, 9)).ok
    text = f"{OBS_HEAD}\nattendance,north,2024-11-01,2024-11-30,,950,1000,,,,\nattendance,south,2024-11-01,2024-11-30,,1880,2000,,,,\n"
    assert import_paths(fresh_db, write_files(tmp_path / "nov", {"observations.csv": text}), at=dt.datetime(2024, 12, 1, 9)).ok
    return fresh_db


def test_a_pack_states_the_methods_version_and_every_parameter(history_db):
    html = board_pack_html(history_db, "shire-board", R1)
    s = stamp.methods_stamp()
    assert f"Methods version {s.version}" in html
    for name, value in s.parameters:
        assert f"<dt>{name}</dt><dd>{value}</dd>" in html


def test_the_first_pack_is_archived_with_its_bytes_methods_version_and_as_of(history_db):
    html = board_pack_html(history_db, "shire-board", R1)
    row = store.dict_rows(history_db, "SELECT * FROM pack_archive")[0]
    assert (row["partnership_id"], row["review_date"], row["html"]) == ("shire-board", R1, html)
    assert row["methods_version"] == stamp.METHODS_VERSION and json.loads(row["methods"])["version"] == stamp.METHODS_VERSION
    assert row["as_of"] == reviews.review_as_of(history_db, "shire-board", R1) == dt.datetime(2024, 12, 10, 23, 59, 59, 999999)
    assert row["sha256"] == hashlib.sha256(html.encode("utf-8")).hexdigest()
    assert {g["goal_id"]: g["status"] for g in json.loads(row["summary"])} == {"attend-up": "on_track", "north-safer": "awaiting_data"}
    batch = store.dict_rows(history_db, "SELECT action, partnerships FROM batches WHERE batch_id = ?", [row["batch_id"]])[0]
    assert batch == {"action": "pack archived", "partnerships": ["shire-board"]}


def test_a_reprint_is_the_archive_even_after_the_code_changes(history_db, monkeypatch):
    first = board_pack_html(history_db, "shire-board", R1)
    monkeypatch.setattr(stamp, "METHODS_VERSION", "2099.1")
    monkeypatch.setattr(status, "ON_TRACK_RATIO", 100.0)  # today's methods would call no goal on track
    monkeypatch.setattr(boardpack, "PACK_TEMPLATE", "no such template: the code that drew the first pack has gone")
    assert board_pack_html(history_db, "shire-board", R1) == first
    assert board_pack_html(history_db, "shire-board", R1, perms=perms(shire_board="viewer")) == first


def test_recompute_shows_todays_methods_beside_the_archived_pack(history_db, monkeypatch):
    board_pack_html(history_db, "shire-board", R1)
    monkeypatch.setattr(stamp, "METHODS_VERSION", "2099.1")
    monkeypatch.setattr(status, "ON_TRACK_RATIO", 100.0)
    html = recompute_pack_html(history_db, "shire-board", R1, perms=perms(shire_board="viewer"))
    assert "Methods version 2099.1" in html and "archived with methods version 2026.11" in html
    row = re.search(r'<tr id="compare-attend-up">(.*?)</tr>', html, re.S).group(1)
    assert "On track" in row and "Progress, but acceleration needed" in row and "changed" in row
    assert "Recomputed with today's methods: not the archived pack" in html
    assert store.scalar(history_db, "SELECT count(*) FROM pack_archive") == 1  # recomputing writes nothing


def test_recompute_before_a_pack_was_made_says_what_to_do(history_db):
    with pytest.raises(store.StoreError, match="no archived pack"):
        recompute_pack_html(history_db, "shire-board", R1)


def test_only_a_steward_may_make_the_first_pack_and_a_viewer_may_then_reprint_it(history_db):
    viewer = perms(shire_board="viewer")
    with pytest.raises(PermissionDenied):
        board_pack_html(history_db, "shire-board", R1, perms=viewer)
    assert store.scalar(history_db, "SELECT count(*) FROM pack_archive") == 0
    made = board_pack_html(history_db, "shire-board", R1, perms=perms(shire_board="steward"))
    assert board_pack_html(history_db, "shire-board", R1, perms=viewer) == made


def test_a_review_frozen_before_archives_existed_is_archived_by_a_steward_not_a_viewer(history_db):
    """A review frozen by an older version of the app has no archive: a viewer's
    reprint writes nothing; a steward's reprint archives it."""
    edits.freeze_review(history_db, LOCAL, "shire-board", R1, actor="test", now=dt.datetime(2025, 1, 1))
    viewer_copy = board_pack_html(history_db, "shire-board", R1, perms=perms(shire_board="viewer"))
    assert store.scalar(history_db, "SELECT count(*) FROM pack_archive") == 0
    assert board_pack_html(history_db, "shire-board", R1, perms=perms(shire_board="steward")) == viewer_copy
    assert store.scalar(history_db, "SELECT count(*) FROM pack_archive") == 1


def test_the_cli_reprints_the_archive_and_recomputes_beside_it(history_db, db_path, tmp_path, capsys):
    history_db.close()
    args = ["board-pack", "--partnership", "shire-board", "--review-date", "2024-12-10", "--db", str(db_path)]
    assert main([*args, "--out", str(tmp_path / "one.html")]) == 0
    assert main([*args, "--out", str(tmp_path / "two.html")]) == 0
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()
    assert main([*args, "--out", str(tmp_path / "re.html"), "--recompute"]) == 0
    assert "beside the archived pack" in capsys.readouterr().out
    recomputed = (tmp_path / "re.html").read_text(encoding="utf-8")
    assert "Recomputed with today" in recomputed and "<script" not in recomputed


EVENTS = "event_id,partnership_id,goal_id,date,title,visibility\nclub,shire-board,attend-up,2024-11-04,Breakfast club <b>opens</b>,internal\n"
PHASES = "measure_id,place_id,start_date,reason\nattendance,shire-board,2024-11-01,New attendance officers in both schools\n"
BREAKS = "measure_id,date,reason\nincidents,2025-01-01,boundary_change\n"


def test_the_pack_marks_what_was_done_and_lists_change_points_and_breaks_since_the_last_review(history_db, tmp_path):
    board_pack_html(history_db, "shire-board", R1)
    for name, text in (("events.csv", EVENTS), ("spc_phases.csv", PHASES), ("measure_breaks.csv", BREAKS)):
        assert import_paths(history_db, write_files(tmp_path / name, {name: text}), at=dt.datetime(2025, 1, 10, 9), actor="steward@shire").ok
    html = board_pack_html(history_db, "shire-board", R2)
    changes = html.split("Changes since the last review")[1].split('<section class="page goal"')[0]
    assert "Change points recorded" in changes
    assert "Attendance rate, Shire Delivery Board: process limits worked out afresh from 1 November 2024: New attendance officers in both schools, recorded by steward@shire." in changes
    assert "Youth violence incidents: the line stops before 1 January 2025: a boundary change" in changes
    goal = html.split('id="goal-attend-up"')[1].split("</section>")[0]
    assert "Breakfast club &lt;b&gt;opens&lt;/b&gt; (event)" in goal and "Talk to the bus company (action agreed)" in goal
    assert ">1</text>" in goal and ">2</text>" in goal  # numbered on the chart
