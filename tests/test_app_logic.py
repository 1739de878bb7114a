"""Page logic that needs no browser, with Streamlit's AppTest: which pages each
mode offers, and what the pages say on the demo and on an empty database."""

from __future__ import annotations

import html
import re

import pytest
from conftest import REPO
from streamlit.testing.v1 import AppTest

from metrics import store


@pytest.fixture
def demo_path(demo_copy):
    """A private copy: AppTest runs in this process and holds the file open."""
    return demo_copy


def app(monkeypatch, db, mode: str | None = None, page: str | None = None) -> AppTest:
    monkeypatch.setenv("OUTCOMES_DB", str(db))
    if mode:
        monkeypatch.setenv("OUTCOMES_MODE", mode)
    else:
        monkeypatch.delenv("OUTCOMES_MODE", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """The Markdown the page sent, with CommonMark's backslash escapes read as
    the reader sees them (user text is escaped: metrics.outputs.plaintext), and the
    text of its HTML blocks (tags dropped, entities read)."""
    raw = "\n".join([m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info] + [c.value for c in at.caption])
    shown = [html.unescape(re.sub(r"<[^>]+>", " ", h.proto.body)) for h in at.html]
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw) + "\n" + re.sub(r"\s+", " ", "\n".join(shown))


def test_internal_overview_counts_every_status(monkeypatch, demo_path):
    at = app(monkeypatch, demo_path)
    assert at.title[0].value == "Overview"
    body = texts(at)
    assert "20 goals across 3 partnerships" in body
    for label in ("Awaiting data", "Target met", "Target missed", "On track", "Progress, but acceleration needed", "Limited progress", "Worsening", "Too uncertain to judge yet"):
        assert label in body
    assert "Illustrative demo data" in body
    assert "Local mode" in body


def test_empty_database_says_how_to_import(monkeypatch, tmp_path):
    at = app(monkeypatch, tmp_path / "empty.duckdb")
    assert "The database is empty" in texts(at)
    assert "python -m metrics import" in texts(at)


def test_public_mode_offers_only_public_pages(monkeypatch, demo_path):
    at = app(monkeypatch, demo_path, mode="public")
    assert at.title[0].value == "Progress on our promises"
    body = texts(at)
    assert "Local mode" not in body
    with pytest.raises(Exception):
        at.switch_page("app_pages/internal/goal.py").run()


def test_internal_page_refuses_to_render_in_public_mode_even_if_reached(monkeypatch, demo_path):
    """Defence in depth: the page itself checks the mode."""
    monkeypatch.setenv("OUTCOMES_DB", str(demo_path))
    monkeypatch.setenv("OUTCOMES_MODE", "public")
    at = AppTest.from_file(str(REPO / "app_pages" / "internal" / "goal.py"), default_timeout=60)
    at.run()
    assert [e.value for e in at.error] == ["This page is not part of the public site."]
    assert not at.title


def test_public_page_lists_only_public_goals(monkeypatch, demo_path):
    at = app(monkeypatch, demo_path, mode="public")
    con = store.connect(demo_path)
    internal = [r[0] for r in con.execute("SELECT statement FROM goals WHERE superseded_at IS NULL AND visibility = 'internal'").fetchall()]
    public = [r[0] for r in con.execute("SELECT statement FROM goals WHERE superseded_at IS NULL AND visibility = 'public'").fetchall()]
    con.close()
    offered = html.unescape(" ".join(e.proto.body for e in at.get("html")))  # the index: every promise, as text
    body = texts(at) + offered
    assert internal and all(s not in body for s in internal)
    assert all(s in offered for s in public)


def test_goals_editor_refuses_a_target_change_without_a_reason(monkeypatch, demo_path, tmp_path):
    import shutil

    db = tmp_path / "edit.duckdb"
    shutil.copy(demo_path, db)
    at = app(monkeypatch, db, page="app_pages/internal/goals_editor.py")
    goal_box = next(s for s in at.selectbox if s.label == "Goal to edit")
    goal_box.select("ce-attendance").run()
    next(n for n in at.number_input if n.label == "Target value").set_value(94.0)
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Nothing was saved: 1 problem to fix."]
    assert "changes the goal's target_value from 93.5 to 94" in texts(at)
    con = store.connect(db)
    assert con.execute("SELECT count(*) FROM goals WHERE goal_id = 'ce-attendance'").fetchall()[0][0] == 1
    con.close()


def test_there_is_no_pages_folder_beside_app_py():
    """A folder named pages/ next to app.py switches Streamlit into its older
    pages-folder mode until the first session has run st.navigation: any
    pages/*.py is then routable by URL, bypassing app.py (and the public/internal
    split), and the first deep link after a restart opens under a "Page not
    found" dialog. The page scripts live in app_pages/ for that reason."""
    assert not (REPO / "pages").exists()
