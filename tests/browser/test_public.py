"""The public site in a real browser: WCAG 2.2 AA on every published page at
desktop and phone widths; the live public page (OUTCOMES_MODE=public) as the
site's index and promise pages, with shareable links and the same hidden
figures; what users typed shown as text, never markup; and publishing from
the command line while the app holds the database."""

from __future__ import annotations

import csv
import re
import shutil

import pytest
from conftest import BASE_FILES, write_files
from playwright.sync_api import expect
from test_publish import SENTINELS, publish_beside_the_app

from browser.conftest import axe_report, axe_violations, open_page, screenshot
from metrics import store
from metrics.contract.importer import import_paths
from metrics.outputs.publish import publish

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def demo_site(demo_db_path, tmp_path_factory):
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


# --- the live public page ------------------------------------------------------------


def open_public(page, base: str, path: str = ""):
    """open_page, and the address is one the app knows (no "Page not found" dialog)."""
    open_page(page, base, path)
    assert page.get_by_text("Page not found").count() == 0, path
    return page


@pytest.fixture(scope="module")
def public_demo_db(demo_db_path, tmp_path_factory):
    """A copy of the demo for the public-mode app (the CLI test below reads it while the app holds it)."""
    db = tmp_path_factory.mktemp("public") / "demo.duckdb"
    shutil.copy(demo_db_path, db)
    return db


def test_the_live_index_lists_every_promise_by_partnership_with_its_status(page, app_server, public_demo_db, demo_site):
    base = app_server(public_demo_db, mode="public")
    open_public(page, base, "")
    expect(page.get_by_role("heading", name="Progress on our promises", level=1)).to_be_visible()
    site_index = (demo_site / "index.html").read_text(encoding="utf-8")
    statements = re.findall(r'<a href="goal-[^"]+">([^<]+)</a>', site_index)
    assert len(statements) == len(list(demo_site.glob("goal-*.html"))) > 10
    body = page.inner_text("[data-testid='stMain']")
    for partnership in ("Carrowfield East Delivery Board", "Lockgate Youth Safety Partnership", "Hollinsmere Convening Partnership"):
        expect(page.get_by_role("heading", name=partnership, level=2)).to_be_visible()
    for s in statements:
        assert s.replace("&#39;", "'") in body
    assert "Target met" in body and "Progress, but acceleration needed" in body


def test_a_promise_opens_at_a_link_that_can_be_shared_and_hides_what_the_site_hides(page, app_server, public_demo_db, demo_site):
    base = app_server(public_demo_db, mode="public")
    open_public(page, base, "")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^In Lockgate itself")).click()
    assert page.url == f"{base}/?goal=lockgate-youth-violence"
    page.wait_for_function("() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'")
    expect(page.get_by_role("heading", name=re.compile(r"^In Lockgate itself"), level=2)).to_be_visible()
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    # Every figure in the live table is the static site's: the same c's, the same one decimal.
    rows = [r for r in csv.DictReader((demo_site / "published_figures.csv").open(encoding="utf-8")) if r["goal_id"] == "lockgate-youth-violence" and r["series"] == "scope"]
    live = page.locator("details table tbody tr").all_inner_texts()
    assert len(live) == len(rows)
    hidden = sum(r["value"] == "c" for r in rows)
    assert hidden >= 2 and sum(1 for line in live if re.search(r"\tc\tc", line)) == hidden
    # The chart's data carries published figures only, to one decimal.
    ys = page.evaluate("() => document.querySelector('.js-plotly-plot').data.flatMap(t => (t.y || []).filter(v => typeof v === 'number'))")
    assert ys and all(abs(y * 10 - round(y * 10)) < 1e-6 for y in ys)
    # Shared: a new visitor opening the same address sees the same promise.
    other = page.context.browser.new_page()
    open_public(other, base, "?goal=lockgate-youth-violence")
    expect(other.get_by_role("heading", name=re.compile(r"^In Lockgate itself"), level=2)).to_be_visible()
    other.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["", "?goal=ce-attendance", "?goal=lys-youth-violence", "?partnership=lockgate-youth-safety"])
def test_the_live_public_pages_pass_axe(browser, app_server, public_demo_db, path, width):
    base = app_server(public_demo_db, mode="public")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    open_public(page, base, path)
    screenshot(page, f"public-live-{width}-{re.sub(r'[^a-z-]', '-', path).strip('-') or 'index'}")
    violations = axe_violations(page)
    context.close()
    assert violations == [], axe_report(violations)


def test_the_command_line_publishes_while_the_served_app_holds_the_database(page, app_server, public_demo_db, demo_site, tmp_path):
    base = app_server(public_demo_db, mode="public")
    open_public(page, base, "")  # the app has opened the database (and keeps the snapshot)
    publish_beside_the_app(public_demo_db, tmp_path / "busy")
    assert (tmp_path / "busy" / "published_figures.csv").read_bytes() == (demo_site / "published_figures.csv").read_bytes()
    assert (tmp_path / "busy" / "goal-lys-youth-violence.html").read_bytes() == (demo_site / "goal-lys-youth-violence.html").read_bytes()


# --- what users typed is text ---------------------------------------------------------

HOSTILE = {
    "partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members,description
        shire-board,Shire Delivery Board,north;south,8,Shire Council,"![tracker](http://127.0.0.1:9/pixel.png) <img src=http://127.0.0.1:9/img.png> [click](javascript:alert(1))"
        """,
    "goals.csv": """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        attend-up,shire-board,attendance,shire-board,"**Bold** ![x](http://127.0.0.1:9/statement.png) <a href=""javascript:alert(2)"">rises</a>",90.75,2024-09-30,95,2026-07-31,2024-10-15,public,Shire Council
        """,
    "measures.csv": """
        measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
        attendance,"Attendance <a href=""http://127.0.0.1:9/legend"">rate</a>",attendance,percent,higher_is_better,0,100,,"Sessions ![d](http://127.0.0.1:9/definition.png)",School MIS
        """,
    "notes.csv": """
        note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on
        n9,2024-10-22,shire-board,north,attend-up,attendance,resident,Hi,Forum,public,"![note](http://127.0.0.1:9/note.png) <img src=x onerror=alert(3)> [link](javascript:alert(4))",Chair,2024-11-02
        """,
}


@pytest.fixture
def hostile_db(tmp_path):
    db = tmp_path / "hostile.duckdb"
    con = store.connect(db)
    assert import_paths(con, write_files(tmp_path / "base", BASE_FILES)).ok
    assert import_paths(con, write_files(tmp_path / "s", SENTINELS)).ok
    result = import_paths(con, write_files(tmp_path / "h", HOSTILE), reason="hostile text test")
    assert result.ok, [str(p) for p in result.problems]
    con.close()
    return db


def test_text_users_typed_is_shown_as_text_on_the_live_page(page, app_server, hostile_db):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    base = app_server(hostile_db, mode="public")
    for path in ("", "?partnership=shire-board", "?goal=attend-up"):
        open_public(page, base, path)
        main = page.locator("[data-testid='stMain']")
        text = main.inner_text()
        assert "SENTINEL" not in text and "Jo Bloggs" not in text and "Local mode" not in text, path
        assert main.locator("img").count() == 0, path
        hrefs = main.locator("a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
        assert all(not h or not h.lower().startswith("javascript") for h in hrefs), hrefs
        assert not any("127.0.0.1:9" in (h or "") for h in hrefs), hrefs
    expect(page.get_by_text("![note](http://127.0.0.1:9/note.png) <img src=x onerror=alert(3)> [link](javascript:alert(4))")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"\*\*Bold\*\* !\[x\]"))).to_be_visible()
    legend = page.locator(".js-plotly-plot").first.inner_text()
    assert 'Attendance <a href="http://127.0.0.1:9/legend">rate</a>' in legend
    assert page.locator(".js-plotly-plot a").count() == 0
    screenshot(page, "public-live-hostile-text")
    assert not [u for u in requests if "127.0.0.1:9/" in u], requests


def test_public_mode_app_shows_no_private_text(page, app_server, hostile_db):
    base = app_server(hostile_db, mode="public")
    for path in ("", "?goal=attend-up", "?goal=hidden-goal", "methods", "overview", "goal?goal=north-safer", "lived-experience", "notes", "import", "publish"):
        open_page(page, base, path)
        text = page.inner_text("body")
        assert "SENTINEL" not in text, path
        assert "Jo Bloggs" not in text
        assert "Local mode" not in text


def test_the_admin_publish_page_passes_axe(page, app_server, demo_copy):
    base = app_server(demo_copy)
    open_public(page, base, "publish")
    expect(page.get_by_role("heading", name="Publish the site", level=1)).to_be_visible()
    screenshot(page, "admin-publish")
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
