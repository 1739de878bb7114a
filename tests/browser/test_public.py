"""The public site in a real browser: WCAG 2.2 AA on every published page at
desktop and 320px widths, and nothing private in the public-mode app."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser.conftest import axe_report, axe_violations, open_page, screenshot
from conftest import BASE_FILES, write_files
from metrics import store
from metrics.importer import import_paths
from metrics.publish import publish
from test_publish import SENTINELS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_site(demo_db_path, tmp_path_factory):
    import shutil

    folder = tmp_path_factory.mktemp("site")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db_path, db)
    con = store.connect(db)
    publish(con, folder / "site")
    con.close()
    return folder / "site"


PAGES = ["index.html", "partnership-carrowfield-east.html", "goal-ce-attendance.html", "goal-ce-youth-violence.html", "goal-pitbank-attendance.html", "methods.html", "accessibility.html"]


def test_every_published_page_passes_axe_at_desktop_and_phone_width(browser, demo_site):
    failures = []
    pages = sorted(p.name for p in demo_site.glob("*.html"))
    assert set(PAGES) <= set(pages)
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for name in pages:
            page.goto((demo_site / name).as_uri())
            violations = axe_violations(page)
            if violations:
                failures.append(f"{name} at {width}px:\n{axe_report(violations)}")
            if name in PAGES:
                screenshot(page, f"site-{width}-{name.removesuffix('.html')}")
        context.close()
    assert failures == [], "\n\n".join(failures)


def test_published_pages_fit_a_320px_screen(browser, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    for name in PAGES:
        page.goto((demo_site / name).as_uri())
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    context.close()


def test_skip_link_is_first_and_headings_are_in_order(browser, demo_site):
    page = browser.new_page()
    for name in PAGES:
        page.goto((demo_site / name).as_uri())
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent") == "Skip to main content"
        levels = page.evaluate("() => [...document.querySelectorAll('h1,h2,h3,h4')].map(h => +h.tagName[1])")
        assert levels[0] == 1 and levels.count(1) == 1, name
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{name}: heading levels {levels}"
    page.close()


@pytest.fixture
def sentinel_db(tmp_path):
    db = tmp_path / "sentinel.duckdb"
    con = store.connect(db)
    assert import_paths(con, write_files(tmp_path / "base", BASE_FILES)).ok
    assert import_paths(con, write_files(tmp_path / "s", SENTINELS)).ok
    con.close()
    return db


def test_public_mode_app_shows_no_private_text(page, app_server, sentinel_db):
    base = app_server(sentinel_db, mode="public")
    for path in ("", "progress", "methods", "overview", "goal?goal=north-safer", "lived-experience", "notes", "import"):
        open_page(page, base, path)
        text = page.inner_text("body")
        assert "SENTINEL" not in text, path
        assert "Jo Bloggs" not in text
        assert "Local mode" not in text
    open_page(page, base, "progress")
    expect(page.get_by_text("The approved words <script>alert(1)</script>")).to_be_visible()
    screenshot(page, "public-mode-progress")
