"""The internal app as a person uses it, in Debian's Chromium.

Every page opens on the demo data and on an empty database without an
exception; the statuses, charts and tables a person looks for are there;
an import with an error and a good one, a goal edited with a reason and a
note approved, each checked in the database afterwards. Screenshots of every
page land in tests/artifacts/screenshots/ for a human look.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from playwright.sync_api import expect

from browser.conftest import open_page, screenshot
from metrics.vocab import STATUS_LABELS

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "Overview",
    "partnership": "Partnership",
    "neighbourhood": "Neighbourhood",
    "goal": "Goal",
    "lived-experience": "Lived experience",
    "import": "Import",
    "goals-editor": "Goals editor",
    "notes": "Record and approve notes",
    "methods": "How we measure",
    "board-review": "Board review",
    "actions": "Actions",
    "trustees": "Trustees' view",
}


@pytest.fixture
def own_demo_db(demo_copy):
    """A private copy of the demo database, for tests that write through the app."""
    return demo_copy


# Every page on the demo data, at 1,280 and 390 px with axe-core and a
# screenshot each: tests/browser/test_dashboard.py.


@pytest.mark.parametrize("path,title", PAGES.items())
def test_every_page_opens_on_an_empty_database(page, app_server, empty_db_path, path, title):
    base = app_server(empty_db_path)
    open_page(page, base, path)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    if path not in ("import", "methods", "trustees"):
        expect(page.get_by_text("The database is empty")).to_be_visible()
    screenshot(page, f"empty-{path}")


def test_overview_shows_every_status_in_words(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "")
    summary = page.get_by_text(re.compile(r"20 goals across 3 partnerships")).locator("xpath=..").inner_text()
    for label in STATUS_LABELS.values():
        assert label in summary
    expect(page.get_by_role("heading", name="Carrowfield East Delivery Board")).to_be_visible()
    assert page.locator(".od-block .od-rows").count() == 3  # one summary of goals per partnership


def test_goal_page_draws_the_chart_its_table_and_the_why(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "goal?goal=ce-attendance")
    expect(page.get_by_text("Progress, but acceleration needed").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"To be on the straight line from 91\.1% to 93\.5%")).first).to_be_visible()
    chart = page.locator("img.od-chart-wide")
    expect(chart).to_be_visible()
    drawn = chart_svg(chart.get_attribute("src"))
    for item in ("95% interval", "Baseline", "Target", "Straight line from baseline to target", "Projection on the current trend", "England", "Upper process limit"):
        assert item in drawn, item
    expect(page.get_by_role("heading", name="The figures behind the chart")).to_be_visible()
    expect(page.get_by_role("button", name="Download these figures (CSV)")).to_be_visible()
    screenshot(page, "goal-ce-attendance")


def chart_svg(src: str) -> str:
    """The SVG drawing inside an <img src="data:image/svg+xml;base64,...">."""
    import base64

    assert src.startswith("data:image/svg+xml;base64,"), src[:40]
    return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")


def test_goal_page_shows_the_original_promise_after_a_change(page, app_server, demo_db_path):
    open_page(page, app_server(demo_db_path), "goal?goal=pitbank-attendance")
    expect(page.get_by_text(re.compile(r"Original promise: from 91\.5% .* to 94\.0% by Jul 2027"))).to_be_visible()
    expect(page.get_by_text("admissions change", exact=False).first).to_be_visible()


def _upload(page, tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))


def _wait_idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=30_000,
    )


OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


def test_import_shows_every_problem_then_imports_a_good_file(page, app_server, own_demo_db, tmp_path):
    open_page(page, app_server(own_demo_db), "import")
    _upload(page, tmp_path, "observations.csv", f"{OBS_HEAD}\nattendance,pitbank,2026-11-01,2026-11-30,95%,,,,,,\n")
    expect(page.get_by_text(re.compile(r"Nothing was saved: 1 problem"))).to_be_visible(timeout=20_000)
    expect(page.get_by_text(re.compile(r"observations\.csv, row 2, column value: \"95%\" has a % sign"))).to_be_visible()
    screenshot(page, "import-error")
    page.goto("about:blank")
    open_page(page, app_server(own_demo_db), "import")
    (tmp_path / "good").mkdir()
    _upload(page, tmp_path / "good", "observations.csv", f"{OBS_HEAD}\nattendance,pitbank,2026-11-01,2026-11-30,,5600,6000,,,,true\n")
    expect(page.get_by_text("Every row passed the checks")).to_be_visible(timeout=20_000)
    screenshot(page, "import-preview")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"observations: 1 added"))).to_be_visible(timeout=20_000)
    screenshot(page, "import-done")


def test_import_confirmation_lands_in_the_database(page, app_server, own_demo_db, tmp_path):
    open_page(page, app_server(own_demo_db), "import")
    _upload(page, tmp_path, "observations.csv", f"{OBS_HEAD}\nattendance,pitbank,2026-11-01,2026-11-30,,5600,6000,,,,true\n")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"observations: 1 added"))).to_be_visible(timeout=20_000)
    _stop_server_and_read(app_server, own_demo_db, "SELECT numerator FROM observations WHERE place_id = 'pitbank' AND period_end = '2026-11-30' AND measure_id = 'attendance'", [(5600.0,)])


def _stop_server_and_read(app_server, db, sql, expected):
    """The app holds the database file; stop its server, then read it directly."""
    app_server.stop(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute(sql).fetchall() == expected
    finally:
        con.close()


def test_changing_a_target_needs_a_reason_and_keeps_history(page, app_server, own_demo_db):
    base = app_server(own_demo_db)
    open_page(page, base, "goals-editor")
    page.get_by_label("Goal to edit").click()
    page.get_by_role("option", name=re.compile(r": Attendance across Carrowfield East")).click()  # chosen by its promise, not its id
    # The form refills from the chosen goal on the rerun: wait for it, not just for idle.
    # The form is rebuilt for the chosen goal on the rerun (the old widgets linger for
    # a moment): wait until exactly one form shows, filled from ce-attendance.
    page.wait_for_function(
        """() => {
            const boxes = [...document.querySelectorAll("textarea[aria-label='The promise, in plain words, as stated publicly']")];
            const targets = [...document.querySelectorAll("input[aria-label='Target value']")];
            return boxes.length === 1 && boxes[0].value.startsWith("Attendance across Carrowfield East")
                && targets.length === 1 && targets[0].value === "93.5000";
        }""",
        timeout=30_000,
    )
    _wait_idle(page)
    target = page.get_by_label("Target value")
    target.fill("94.0000")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_text(re.compile(r"changes the goal's target_value from 93\.5 to 94"))).to_be_visible(timeout=20_000)
    screenshot(page, "goal-edit-needs-reason")
    page.get_by_label("Reason for the change").fill("Raised after the first year went better than planned")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_text("the goal was revised")).to_be_visible(timeout=20_000)
    screenshot(page, "goal-edit-saved")
    _stop_server_and_read(
        app_server, own_demo_db,
        "SELECT target_value, change_reason FROM goals WHERE goal_id = 'ce-attendance' ORDER BY recorded_at",
        [(93.5, None), (94.0, "Raised after the first year went better than planned")],
    )


def test_a_steward_approves_a_note_for_publication(page, app_server, own_demo_db):
    con = duckdb.connect(str(own_demo_db), read_only=True)
    waiting = con.execute(
        "SELECT note_id FROM notes WHERE superseded_at IS NULL AND consent = 'public' AND approved_on IS NULL ORDER BY recorded_on DESC, note_id LIMIT 1"
    ).fetchall()
    con.close()
    assert waiting, "the demo data should hold a public-consent note awaiting approval"
    note_id = waiting[0][0]
    open_page(page, app_server(own_demo_db), "notes")
    page.get_by_role("tab", name="Approve for publication").click()
    form = page.locator("[data-testid='stForm']").filter(has_text=note_id).first
    form.get_by_label("Approved by").fill("Partnership communications lead")
    form.get_by_role("button", name="Approve for publication").click()
    expect(page.get_by_text("Saved.")).to_be_visible(timeout=20_000)
    screenshot(page, "note-approved")
    _stop_server_and_read(
        app_server, own_demo_db,
        f"SELECT approved_by FROM notes WHERE note_id = '{note_id}' AND superseded_at IS NULL",
        [("Partnership communications lead",)],
    )
