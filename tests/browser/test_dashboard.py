"""The board's dashboard in Debian's Chromium (issue 16): every internal page
axe-clean (WCAG 2.2 AA) at 1,280 and 390 px and never wider than the screen
at 320 px; the keyboard reaches every control and the menu; the Overview,
Partnership, Goal, Neighbourhood and Trustees' pages say what a board reads,
on the demo data and on the synthetic national data set, with screenshots of
each at both widths in tests/artifacts/screenshots/ for a human look."""

from __future__ import annotations

import re

import pytest
from conftest import write_files
from playwright.sync_api import Page, expect

from browser.conftest import axe_report, axe_violations, open_page, screenshot
from browser.test_app_pages import PAGES
from browser.test_security import _Beacon, beacon  # noqa: F401 (a fixture)
from metrics import store
from metrics.contract.importer import import_paths
from metrics.vocab import STATUS_LABELS

pytestmark = pytest.mark.browser

# Every internal page in local mode (where every page is offered), by address;
# the Overview is the default page, at "/".
INTERNAL = {("" if path == "overview" else path): title for path, title in PAGES.items()} | {"access": "Access", "audit": "Audit trail"}
WIDTHS = (1280, 390)


def at_width(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def sideways_overflow(page: Page) -> list[int]:
    """How far the page, and Streamlit's scrolling main area, are wider than the screen (0 when they fit)."""
    return page.evaluate(
        """() => {
            const main = document.querySelector("[data-testid='stMain']");
            return [document.documentElement.scrollWidth - document.documentElement.clientWidth,
                    main ? main.scrollWidth - main.clientWidth : 0];
        }"""
    )


def focused(page: Page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                   const s = getComputedStyle(e);
                   return {tag: e.tagName, testid: e.getAttribute('data-testid') || '', text: (e.innerText || e.getAttribute('aria-label') || '').slice(0, 60),
                           width: r.width, height: r.height, left: r.left, visible: s.visibility !== 'hidden' && s.display !== 'none'}; }"""
    )


def tab_through(page: Page, presses: int) -> list[dict]:
    """Press Tab `presses` times; every element that takes the focus must be
    one a sighted keyboard user can see (not folded away off screen)."""
    seen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        f = focused(page)
        if f["tag"] == "BODY":
            break
        assert f["visible"] and f["width"] > 0 and f["height"] > 0 and f["left"] > -5, f
        seen.append(f)
    return seen


# --- every internal page ------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path,title", INTERNAL.items())
def test_every_internal_page_is_axe_clean_fits_the_screen_and_tabs_to_visible_controls(page, app_server, demo_db_path, path, title, width):
    at_width(page, width)
    open_page(page, app_server(demo_db_path), path)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
    assert sideways_overflow(page) == [0, 0]
    screenshot(page, f"demo-{path or 'overview'}-{width}")
    assert len(tab_through(page, 25)) >= 3


@pytest.mark.parametrize("path", list(INTERNAL))
def test_no_internal_page_scrolls_sideways_at_320px(page, app_server, demo_db_path, path):
    at_width(page, 320)
    open_page(page, app_server(demo_db_path), path)
    assert sideways_overflow(page) == [0, 0]


# --- the dashboard pages on both data sets ----------------------------------------------------------------


def dashboard_pages(demo: bool, national=None) -> dict[str, str]:
    if demo:
        return {"overview": "", "partnership": "partnership?partnership=carrowfield-east", "goal": "goal?goal=ce-attendance",
                "neighbourhood": "neighbourhood?place=pitbank", "trustees": "trustees?trust=Larkspur+Learning+Trust"}
    n = national
    return {"overview": "", "partnership": f"partnership?partnership={n.partnership_id}", "goal": f"goal?goal={n.goal_id}",
            "neighbourhood": f"neighbourhood?place={n.neighbourhood}", "trustees": f"trustees?trust={n.trust.replace(' ', '+')}"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["overview", "partnership", "goal", "neighbourhood", "trustees"])
def test_dashboard_pages_on_the_national_data_set(page, app_server, national, name, width):
    at_width(page, width)
    open_page(page, app_server(national.db_path), dashboard_pages(False, national)[name], timeout_ms=60_000)
    main = page.locator("[data-testid='stMain']")
    if name == "overview":
        expect(page.get_by_role("heading", name="Every partnership at a glance")).to_be_visible()
        assert page.locator(".od-glance > li").count() == 14  # more than the cards it draws: a line each
        expect(main.locator(".od-row").first).to_be_visible()
    elif name == "partnership":
        expect(main.locator(".od-panel").first).to_be_visible()
        assert main.locator(".od-rug tbody tr, .od-rug .od-cards > li").count() > 0
    elif name == "goal":
        expect(main.locator("img.od-chart-wide" if width > 600 else "img.od-chart-narrow")).to_be_visible()
    elif name == "neighbourhood":
        expect(main.locator("img.od-chart-wide" if width > 600 else "img.od-chart-narrow").first).to_be_visible()
    else:
        expect(page.get_by_role("heading", name="Place by outcome")).to_be_visible()
        expect(main.locator(".od-grid table" if width > 600 else ".od-grid .od-cards")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
    assert sideways_overflow(page) == [0, 0]
    screenshot(page, f"national-{name}-{width}")


# --- what each dashboard page says ---------------------------------------------------------------------------


def test_overview_links_each_statement_and_words_every_status_and_icon(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "")
    summary = page.locator(".od-summary").inner_text()
    assert "20 goals across 3 partnerships" in summary
    for label in STATUS_LABELS.values():
        assert label in summary
    for heading in ("Carrowfield East Delivery Board", "Hollinsmere Convening Partnership", "Lockgate Youth Safety Partnership"):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"^Attendance across Carrowfield East's schools rises"))
    expect(link).to_have_attribute("href", "goal?goal=ce-attendance")
    assert "ce-attendance" not in page.locator(".od-rows").first.inner_text()  # statements, not ids
    assert page.locator(".od-row").count() == 20
    spc = page.get_by_role("img", name=re.compile(r"^(Variation|Assurance): "))
    assert spc.count() == 40
    assert page.get_by_text(re.compile(r"No new data since the last review \(\d+ \w+ \d{4}\)")).count() >= 1
    expect(page.locator(".od-head").first).to_be_visible()  # a summary table at 1,280
    at_width(page, 390)
    expect(page.locator(".od-head").first).to_be_hidden()  # cards on a phone
    expect(page.locator(".od-row .od-k").first).to_be_visible()
    assert sideways_overflow(page) == [0, 0]


def test_a_statement_opens_its_goal_from_the_keyboard(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "")
    link = page.get_by_role("link", name=re.compile(r"^Attendance across Carrowfield East's schools rises"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/goal\?goal=ce-attendance"))
    open_page(page, page.url.split("/goal")[0], "goal?goal=ce-attendance")
    expect(page.get_by_role("heading", name=re.compile(r"^Attendance across Carrowfield East's schools rises"), level=2)).to_be_visible()


def test_the_top_menu_works_from_the_keyboard(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "")
    stops = [f["text"] for f in tab_through(page, 2)]
    assert stops[1] == "Progress"
    page.keyboard.press("Enter")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert focused(page)["text"].endswith("Goal")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/goal"))
    expect(page.get_by_role("heading", name="Goal", level=1)).to_be_visible()


def test_the_folded_menu_on_a_phone_opens_and_navigates_from_the_keyboard(page, app_server, demo_db_path):
    at_width(page, 390)
    open_page(page, app_server(demo_db_path), "")
    stops = tab_through(page, 2)
    assert stops[1]["testid"] == "stExpandSidebarButton"  # not fifteen links folded out of sight
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid='stSidebar']")).to_have_attribute("data-collapsed", "false")
    for _ in range(25):  # the sidebar's links, then its controls: stop at the one wanted
        page.keyboard.press("Tab")
        if focused(page)["text"].endswith("Trustees' view"):
            break
    assert focused(page)["text"].endswith("Trustees' view")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/trustees"))
    expect(page.get_by_role("heading", name="Trustees' view", level=1)).to_be_visible()


def test_partnership_rug_opens_a_neighbourhoods_goal_or_its_page(page, app_server, demo_db_path):
    base = app_server(demo_db_path)
    open_page(page, base, "partnership?partnership=carrowfield-east")
    rug = page.locator(".od-rug table")
    header = rug.locator("thead th").all_inner_texts()
    assert header[0] == "Neighbourhood" and any(h.startswith("Attendance rate") for h in header)
    name = re.compile(r"^Attendance rate, Pitbank: ")
    expect(rug.get_by_role("link", name=name)).to_have_attribute("href", "goal?goal=pitbank-attendance")
    cell = rug.locator("td", has=page.get_by_role("link", name=name)).inner_text()
    assert re.search(r"Compared with the partnership:\s+(Better|Similar|Worse)", cell), cell  # a word, not only a colour
    assert re.search(r"Compared with England:\s+(Better|Similar|Worse)", cell), cell
    furnace = rug.get_by_role("link", name=re.compile(r"^Attendance rate, Furnace Row: "))
    expect(furnace).to_have_attribute("href", "neighbourhood?place=furnace-row")
    furnace.click()
    page.wait_for_url(re.compile(r"/neighbourhood\?place=furnace-row"))
    open_page(page, base, "neighbourhood?place=furnace-row")
    expect(page.get_by_role("combobox", name="Neighbourhood")).to_have_value("Furnace Row")
    assert page.locator(".od-panel").count() == 0


def test_partnership_shows_every_goal_as_a_small_multiple_with_its_table(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "partnership?partnership=carrowfield-east")
    panels = page.locator(".od-panel")
    assert panels.count() == 8
    chart = panels.first.locator("img.od-chart")
    expect(chart).to_be_visible()
    assert chart.get_attribute("alt").startswith("Chart: ")
    panels.first.get_by_text("The figures as a table").click()
    expect(panels.first.locator("table")).to_be_visible()


def test_trustee_grid_puts_the_most_worrying_status_first_and_reads_on_a_phone(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "trustees?trust=Larkspur+Learning+Trust")
    grid = page.locator(".od-grid table")
    column = grid.locator("thead th").all_inner_texts().index("Achieving") - 1  # the first column is the place
    row = grid.locator("tr", has=page.get_by_role("rowheader", name="Carrowfield East Delivery Board"))
    achieving = row.locator("td").nth(column).inner_text()
    assert achieving.index("Progress, but acceleration needed") < achieving.index("On track")
    at_width(page, 390)
    expect(page.locator(".od-grid table")).to_be_hidden()
    card = page.locator(".od-grid .od-cards > li", has_text="Carrowfield East Delivery Board")
    expect(card).to_be_visible()
    text = card.inner_text()
    assert text.index("Progress, but acceleration needed") < text.index("On track")
    assert sideways_overflow(page) == [0, 0]


def test_goal_page_draws_the_chart_first_with_the_numbers_beside_it(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "goal?goal=ce-attendance")
    chart = page.locator("img.od-chart-wide")
    expect(chart).to_be_visible()
    assert "To be on the straight line from 91.1% to 93.5%" in chart.get_attribute("alt")
    latest = page.locator(".od-numbers dt", has_text="Latest")
    c, n = chart.bounding_box(), latest.bounding_box()
    assert n["x"] > c["x"] + c["width"] - 5 and n["y"] < c["y"] + c["height"]  # beside it
    table = page.get_by_role("heading", name="The figures behind the chart")
    assert table.bounding_box()["y"] > c["y"] + c["height"]  # tables below
    expect(page.get_by_role("button", name="Download these figures (CSV)")).to_be_visible()
    at_width(page, 390)
    narrow = page.locator("img.od-chart-narrow")
    expect(narrow).to_be_visible()
    expect(chart).to_be_hidden()
    box = narrow.bounding_box()
    assert box["width"] >= 340  # drawn 360 wide for a phone: its 12px annotations stay about 12px
    assert latest.bounding_box()["y"] > box["y"] + box["height"]  # on a phone, the numbers follow the chart
    screenshot(page, "goal-ce-attendance-390")


@pytest.mark.parametrize("chart", ["plotly", "lazy"])
def test_goal_page_can_draw_the_interactive_chart(page, app_server, demo_db_path, chart):
    open_page(page, app_server(demo_db_path), f"goal?goal=ce-attendance&chart={chart}")
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible()
    for item in ("95% interval", "Baseline", "Target", "Straight line from baseline to target", "England", "Upper process limit"):
        assert item in plot.inner_text(), item


# --- user text on the dashboard --------------------------------------------------------------------------


def test_hostile_statements_and_names_stay_text_on_the_dashboard(page, app_server, demo_copy, beacon, tmp_path):  # noqa: F811
    hostile = f"Look ![beacon]({beacon}/md.png) [open](data:text/html,hi) <img src={beacon}/html.png> <a href=javascript:alert(1)>x</a>"
    con = store.connect(demo_copy)
    files = {
        "goals.csv": "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner\n"
                     f"hostile-goal,carrowfield-east,attendance,pitbank,\"{hostile}\",91,2024-10-31,94,2027-07-31,2024-12-05,internal,\n",
        "places.csv": f"place_id,name,level,parent_id,code\nfurnace-row,\"{hostile}\",neighbourhood,carrowfield,\n",
    }
    result = import_paths(con, write_files(tmp_path, files), reason="test")
    assert result.ok, [str(p) for p in result.problems]
    con.close()
    base = app_server(demo_copy)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in ("", "partnership?partnership=carrowfield-east", "goal?goal=hostile-goal", "neighbourhood?place=pitbank", "trustees?trust=Larkspur+Learning+Trust"):
        open_page(page, base, path)
        main = page.locator("[data-testid='stMain']")
        assert main.locator(f"img[src^='{beacon}']").count() == 0, path
        assert main.locator("a[href^='data:'], a[href^='javascript:'], a[href^='mailto:']").count() == 0, path
        assert "![beacon]" in main.inner_text(), path  # shown as the characters typed
        for src in main.locator("img").evaluate_all("els => els.map(e => e.getAttribute('src'))"):
            assert src.startswith("data:image/svg+xml;base64,"), (path, src[:80])
    assert not [u for u in requests if u.startswith(beacon)] and _Beacon.hits == []


def test_national_overview_cards_follow_the_chosen_partnership(page, app_server, national):
    open_page(page, app_server(national.db_path), f"?partnership={national.partnership_id}", timeout_ms=60_000)
    expect(page.get_by_role("heading", name=national.partnership_name, level=2)).to_be_visible()
    assert page.locator(".od-row").count() == national.goals_in_partnership
