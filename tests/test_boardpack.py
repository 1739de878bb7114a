"""Delivery board reviews and packs: frozen as-of times, byte-identical
reprints, the changes between two reviews, the actions log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import BASE_FILES, write_files

from metrics import edits
from metrics.access import LOCAL
from metrics.cli import main
from metrics.contract.importer import import_paths
from metrics.outputs.boardpack import board_pack_html
from metrics.read import reviews, views

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"
R1, R2 = dt.date(2024, 12, 10), dt.date(2025, 2, 4)  # the board's 8-weekly calendar from the first goal (stated 2024-10-15)


@pytest.fixture
def history_db(fresh_db, tmp_path):
    """BASE recorded on 20 Nov 2024; the pack for R1 made on the review day."""
    assert import_paths(fresh_db, write_files(tmp_path / "base", BASE_FILES), at=dt.datetime(2024, 11, 20, 9)).ok
    return fresh_db


def later_data(con, tmp_path) -> None:
    """Recorded on 15 Jan 2025: November's figures (2830/3000 = 94.3%), and a
    correction of North End's September figure from 900 to 910 of 1000."""
    text = (
        f"{OBS_HEAD}\nattendance,north,2024-11-01,2024-11-30,,950,1000,,,,\nattendance,south,2024-11-01,2024-11-30,,1880,2000,,,,"
        "\nattendance,north,2024-09-01,2024-09-30,,910,1000,,,,"
    )
    result = import_paths(con, write_files(tmp_path / "later", {"observations.csv": text}), at=dt.datetime(2025, 1, 15, 9))
    assert result.ok and result.changes["observations"].revised == 1


def test_review_calendar_follows_the_cadence_from_the_first_goal(history_db):
    (p,) = views.partnerships(history_db)
    assert views.review_dates(history_db, p, until=dt.date(2025, 4, 1)) == [R1, R2, dt.date(2025, 4, 1)]


def test_a_recorded_review_replaces_the_nearby_cadence_date(history_db):
    (p,) = views.partnerships(history_db)
    edits.record_review(history_db, LOCAL, "shire-board", dt.date(2024, 12, 12), actor="test")
    assert views.review_dates(history_db, p, until=dt.date(2025, 2, 10)) == [dt.date(2024, 12, 12), R2]


def test_as_of_is_frozen_at_the_end_of_the_review_day(history_db):
    as_of = edits.freeze_review(history_db, LOCAL, "shire-board", R1, actor="test", now=dt.datetime(2026, 1, 1))
    assert as_of == dt.datetime(2024, 12, 10, 23, 59, 59, 999999)  # GMT in December
    assert edits.freeze_review(history_db, LOCAL, "shire-board", R1, actor="test") == as_of


def test_a_pack_made_during_the_review_day_freezes_at_that_moment(history_db):
    morning = dt.datetime(2024, 12, 10, 8, 30)
    assert edits.freeze_review(history_db, LOCAL, "shire-board", R1, actor="test", now=morning) == morning


def test_reprinting_a_past_pack_gives_identical_bytes_after_revisions(history_db, tmp_path):
    first = board_pack_html(history_db, "shire-board", R1)
    later_data(history_db, tmp_path)
    assert board_pack_html(history_db, "shire-board", R1) == first


def test_next_pack_shows_the_revision_the_new_data_and_the_status_change(history_db, tmp_path):
    board_pack_html(history_db, "shire-board", R1)
    later_data(history_db, tmp_path)
    html = board_pack_html(history_db, "shire-board", R2)
    assert "Previous review</dt><dd>10 December 2024" in html
    assert re.search(r"Awaiting data → <strong>On track</strong>", html)
    assert "Attendance rate up to Nov 2024" in html
    revisions = html.split("Revisions to earlier figures")[1].split("</table>")[0]
    assert "North End" in revisions and "90.0%" in revisions and "91.0%" in revisions and "15 January 2025" in revisions
    assert "no new data since the last review" in html  # the incidents goal got nothing new


def test_changes_between_two_views_on_hand_built_data(history_db, tmp_path):
    (p,) = views.partnerships(history_db)
    before = reviews.end_of_day(R1)
    later_data(history_db, tmp_path)
    c = reviews.changes_between(history_db, p, before, reviews.end_of_day(R2))
    assert [(g.goal_id, a, b) for g, a, b in c.status_changes] == [("attend-up", "awaiting_data", "on_track")]
    assert [(g, d) for g, _, d in c.new_data] == [("attend-up", dt.date(2024, 11, 30))]
    assert c.stale_goals == ["north-safer"]
    assert [(r["place_id"], r["old_figure"], r["new_figure"]) for r in c.revised_figures] == [("north", 90.0, 91.0)]


def test_actions_due_overdue_and_done(history_db, tmp_path):
    """a1 (open, due 31 Dec 2024) is due at R1 and overdue at R2; closing it
    on 20 Jan 2025 lists it as done at R2."""
    as_of1 = edits.freeze_review(history_db, LOCAL, "shire-board", R1, actor="test", now=dt.datetime(2026, 1, 1))
    at_r1 = reviews.actions_for_review(history_db, "shire-board", R1, as_of1, None, R2)
    assert [a["action_id"] for a in at_r1["due"]] == ["a1"] and at_r1["overdue"] == []
    at_r2 = reviews.actions_for_review(history_db, "shire-board", R2, reviews.end_of_day(R2), as_of1, dt.date(2025, 4, 1))
    assert [a["action_id"] for a in at_r2["overdue"]] == ["a1"]
    done = BASE_FILES["actions.csv"].replace("2024-12-31,open", "2024-12-31,done")
    assert import_paths(history_db, write_files(tmp_path / "a", {"actions.csv": done}), at=dt.datetime(2025, 1, 20, 9)).ok
    at_r2 = reviews.actions_for_review(history_db, "shire-board", R2, reviews.end_of_day(R2), as_of1, dt.date(2025, 4, 1))
    assert at_r2["overdue"] == [] and [a["action_id"] for a in at_r2["closed"]] == ["a1"]


def test_board_pack_cli_gives_the_same_bytes_twice(history_db, tmp_path, db_path, capsys):
    history_db.close()
    args = ["board-pack", "--partnership", "shire-board", "--review-date", "2024-12-10", "--db", str(db_path)]
    assert main([*args, "--out", str(tmp_path / "one.html")]) == 0
    assert main([*args, "--out", str(tmp_path / "two.html")]) == 0
    assert (tmp_path / "one.html").read_bytes() == (tmp_path / "two.html").read_bytes()
    html = (tmp_path / "one.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)


def test_board_pack_cli_rejects_a_bad_date_and_an_unknown_partnership(history_db, tmp_path, db_path, capsys):
    history_db.close()
    assert main(["board-pack", "--partnership", "shire-board", "--review-date", "10/12/2024", "--out", str(tmp_path / "x.html"), "--db", str(db_path)]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["board-pack", "--partnership", "nope", "--review-date", "2024-12-10", "--out", str(tmp_path / "x.html"), "--db", str(db_path)]) == 1
    assert "There is no partnership" in capsys.readouterr().err


HOSTILE = '<script>alert(1)</script> ![x](http://127.0.0.1:9/pack.png) <img src=x onerror=alert(2)> [link](javascript:alert(3))'


def test_text_people_typed_is_text_in_the_pack(fresh_db, tmp_path):
    """Goal statements, note wording, action descriptions, event titles and
    change-point reasons reach the pack as text: no script, no image, no
    link of theirs (issue 12, finding 10, for the board pack)."""
    files = dict(BASE_FILES)
    files["goals.csv"] = files["goals.csv"].replace("Attendance rises to 95% by July 2026", '"' + HOSTILE.replace('"', '""') + '"')
    files["notes.csv"] = files["notes.csv"].replace("The bus is always late,Listening event,public,The bus is always late", f'The bus,Listening event,public,"{HOSTILE}"')
    files["actions.csv"] = files["actions.csv"].replace("Talk to the bus company", f'"{HOSTILE}"')
    files["events.csv"] = f'event_id,partnership_id,goal_id,date,title,visibility\ne1,shire-board,attend-up,2024-10-20,"{HOSTILE}",public\n'
    files["spc_phases.csv"] = f'measure_id,place_id,start_date,reason\nattendance,shire-board,2024-10-01,"{HOSTILE}"\n'
    result = import_paths(fresh_db, write_files(tmp_path / "hostile", files), at=dt.datetime(2024, 11, 20, 9))
    assert result.ok, [str(p) for p in result.problems]
    html = board_pack_html(fresh_db, "shire-board", dt.date(2024, 12, 10))
    # Each of the five is in the pack, as text (statement, note, action, event, change point).
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5
    assert "<script" not in html.lower()
    assert not re.search(r"<img[^>]+(127\.0\.0\.1:9|src=x)", html)
    assert "onerror=alert" not in html.replace("onerror=alert(2)&gt;", "")  # only inside escaped text
    assert not re.search(r"href=[\"']?\s*javascript:", html, re.I)


# --- a draft before the meeting, then the pack the board reviewed (issue 24) ------------------

DRAFT = "Draft: figures may still change"


def test_a_draft_pack_says_draft_on_every_page_and_freezes_or_archives_nothing(history_db, tmp_path, db_path):
    from conftest import snapshot

    history_db.close()
    from metrics import store

    con = store.connect(db_path)
    before = snapshot(con)
    con.close()
    out = tmp_path / "draft.html"
    args = ["board-pack", "--partnership", "shire-board", "--review-date", "2024-12-10", "--db", str(db_path)]
    assert main([*args, "--out", str(out), "--draft"]) == 0
    html = out.read_text(encoding="utf-8")
    pages = re.findall(r'<section class="(?:cover|page)[^"]*"', html)
    assert len(pages) >= 4
    for section in re.split(r'(?=<section class="(?:cover|page))', html)[1:]:
        assert DRAFT in section, section[:120]  # on every printed page
    con = store.connect(db_path)
    assert snapshot(con) == before  # no review frozen, no pack archived, no batch
    con.close()
    # The pack the board reviewed is then made as before: frozen, archived, and no longer a draft.
    assert main([*args, "--out", str(tmp_path / "frozen.html")]) == 0
    frozen = (tmp_path / "frozen.html").read_text(encoding="utf-8")
    assert DRAFT not in frozen
    con = store.connect(db_path)
    assert reviews.archived_pack(con, "shire-board", R1) is not None
    con.close()


def test_the_first_pack_names_no_previous_review_and_says_first_review(history_db):
    """No review was held before R2 (the calendar's R1 was only planned): the
    pack must not invent one from the cadence."""
    html = board_pack_html(history_db, "shire-board", R2)
    assert "10 December 2024" not in html.split("<section class=\"page")[0]
    assert "Previous review</dt><dd>none: this is the first review" in html
    assert "first review" in html
