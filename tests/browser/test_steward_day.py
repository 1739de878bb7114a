"""The steward's day in words, not ids (issue 26): using only the Data pages, a
steward uploads the Met's real ward-level release, finds three Camden wards by
name and builds a neighbourhood of them in a new partnership, adds a goal,
imports the release and sees the goal's figure, without typing an id.
Expected figures come from the release with the csv module. Screenshots at
1280 and 390 px of each changed page; axe-core on each."""

from __future__ import annotations

import re

import duckdb
import pytest
from conftest import REAL_MET_2025_12
from fixtures.camden import VIOLENCE, WARDS, published
from playwright.sync_api import expect

from browser.conftest import axe_report, axe_violations, open_page, screenshot
from metrics import store

pytestmark = pytest.mark.browser

DROPZONE = "[data-testid='stFileUploaderDropzoneInput']"
MEASURES = (
    "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\n"
    "violence,Violence against the person,safety,count,lower_is_better,0,,,Police-recorded violence against the person in the month,Metropolitan Police\n"
)


def idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=30_000,
    )


def pick(page, label: str, typed: str, option: str | re.Pattern) -> None:
    """Choose in a select box or multiselect by typing part of the name, as a person does."""
    box = page.get_by_label(label, exact=False).first
    box.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")  # close the list, as a person clicks away
    idle(page)


def clean(page) -> list:
    violations = axe_violations(page)
    # At phone width Streamlit's own sidebar navigation fails list/listitem (its markup,
    # as tests/browser/test_real_sources.py notes); everything else must pass.
    return [v for v in violations if v.id not in ("list", "listitem")]


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("steward") / "steward.duckdb"
    store.connect(path).close()
    return path


def test_a_steward_builds_a_neighbourhood_by_ward_names_adds_a_goal_and_sees_its_figure(page, app_server, empty_db, tmp_path):
    base = app_server(empty_db)

    # 1. The measure, from the Import page's own-files tab (a file the steward writes).
    measures = tmp_path / "measures.csv"
    measures.write_text(MEASURES, encoding="utf-8")
    open_page(page, base, "import")
    expect(page.get_by_role("button", name=re.compile("Download the blank templates"))).to_be_visible()
    page.locator(DROPZONE).set_input_files(str(measures))
    expect(page.get_by_text("Every row passed the checks")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"measures: 1 added"))).to_be_visible(timeout=20_000)

    # 2. The neighbourhood: three wards found by name in the uploaded release.
    open_page(page, base, "neighbourhoods")
    page.locator(DROPZONE).set_input_files(str(REAL_MET_2025_12))
    expect(page.get_by_label("Areas of the neighbourhood", exact=False)).to_be_visible(timeout=20_000)
    idle(page)
    for typed, ward in (("King's", "King's Cross"), ("Somers", "St Pancras & Somers Town"), ("Regent", "Regent's Park")):
        pick(page, "Areas of the neighbourhood", typed, re.compile(re.escape(ward)))
    page.get_by_label("Name of the neighbourhood").fill("King's Cross, Somers Town and Regent's Park")
    page.keyboard.press("Tab")
    idle(page)
    page.get_by_label("Name of the new partnership").fill("King's Cross Delivery Board")
    page.keyboard.press("Tab")
    idle(page)
    screenshot(page, "steward-neighbourhood-1280")
    page.get_by_role("button", name="Save the neighbourhood").click()
    expect(page.get_by_text("Saved: King's Cross, Somers Town and Regent's Park, made of 3 areas, in King's Cross Delivery Board.")).to_be_visible(timeout=20_000)

    # 3. The goal: pickers in names; its id is made from the promise.
    open_page(page, base, "goals-editor")
    page.get_by_label("The promise, in plain words, as stated publicly").fill("Violence across the three wards falls by a quarter")
    baseline = sum(published(REAL_MET_2025_12, {VIOLENCE})[0][(code, "202412")] for code in WARDS.values())
    page.get_by_label("Baseline value").fill(f"{baseline}.0000")
    page.get_by_label("Target value").fill(f"{round(baseline * 0.75)}.0000")
    for part, text in (("year", "2024"), ("month", "12"), ("day", "31")):
        spin = page.get_by_role("spinbutton", name=f"{part}, Baseline date (the period end it refers to)")
        spin.click()
        page.keyboard.type(text)
    page.get_by_label("The promise, in plain words, as stated publicly").click()
    screenshot(page, "steward-goal-1280")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_text("Saved: a new goal.")).to_be_visible(timeout=20_000)

    # 4. The release, from the Import page's publisher's-file tab.
    open_page(page, base, "import")
    page.get_by_text("A publisher's file, as downloaded").click()
    idle(page)
    page.locator(DROPZONE).set_input_files(str(REAL_MET_2025_12))
    expect(page.get_by_label("…holds one of these values (MajorText)")).to_be_visible(timeout=20_000)
    idle(page)
    pick(page, "…holds one of these values (MajorText)", "violence", VIOLENCE)
    expect(page.get_by_text("Every row passed the checks")).to_be_visible(timeout=20_000)
    screenshot(page, "steward-source-import-1280")
    page.get_by_role("button", name="Confirm the import").click()
    # The preview says "Would import"; the import itself says "Imported".
    expect(page.get_by_text(re.compile(r"Imported 1 file\(s\).*observations: 24 added"))).to_be_visible(timeout=30_000)

    # 5. The goal's figure, as the release gives it: the three wards' violence in December 2025.
    latest = sum(published(REAL_MET_2025_12, {VIOLENCE})[0][(code, "202512")] for code in WARDS.values())
    open_page(page, base, "goal")
    screenshot(page, "steward-goal-page-1280")
    expect(page.get_by_text("period ending 31 December 2025").first).to_be_visible(timeout=20_000)
    numbers = page.get_by_text("period ending 31 December 2025").first.locator("xpath=ancestor::*[3]").inner_text()
    assert f"{latest:,}" in numbers, numbers
    screenshot(page, "steward-goal-page-1280")

    # No id was typed: every id was made from a name.
    app_server.stop(empty_db)
    con = duckdb.connect(str(empty_db), read_only=True)
    try:
        assert con.execute("SELECT place_id, name FROM places WHERE superseded_at IS NULL").fetchall() == [
            ("kings-cross-somers-town-and-regents-park", "King's Cross, Somers Town and Regent's Park")]
        assert sorted(c for (c,) in con.execute("SELECT area_code FROM place_areas").fetchall()) == sorted(WARDS.values())
        assert con.execute("SELECT partnership_id, places FROM partnerships").fetchall() == [
            ("kings-cross-delivery-board", ["kings-cross-somers-town-and-regents-park"])]
        assert con.execute("SELECT goal_id, scope FROM goals").fetchall() == [
            ("violence-across-the-three-wards-falls-by", "kings-cross-delivery-board")]
    finally:
        con.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["neighbourhoods", "import", "goals-editor", "goal"])
def test_the_changed_data_pages_pass_axe_at_both_widths(browser, app_server, empty_db, width, path):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, app_server(empty_db), path)
        if path == "neighbourhoods":
            page.locator(DROPZONE).set_input_files(str(REAL_MET_2025_12))
            expect(page.get_by_label("Areas of the neighbourhood", exact=False)).to_be_visible(timeout=20_000)
            idle(page)
        violations = clean(page)
        assert violations == [], axe_report(violations)
        screenshot(page, f"steward-{path}-{width}")
    finally:
        context.close()


def test_a_note_and_an_action_are_recorded_without_typing_an_id(page, app_server, demo_copy):
    base = app_server(demo_copy)
    open_page(page, base, "notes")
    text = "The new youth club on Friday nights keeps us off the estate"
    page.get_by_label("What was said, in the person's words").fill(text)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Saved.")).to_be_visible(timeout=20_000)
    screenshot(page, "steward-note-recorded")
    open_page(page, base, "actions")
    description = "Open the youth club on Friday nights through the summer"
    page.get_by_label("What will be done", exact=True).fill(description)
    page.get_by_label("Owner (an organisation or role, not a person's name)").fill("Youth service")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_text("Saved.")).to_be_visible(timeout=20_000)
    app_server.stop(demo_copy)
    con = duckdb.connect(str(demo_copy), read_only=True)
    try:
        import datetime as dt

        today = dt.date.today().isoformat()
        assert con.execute("SELECT note_id FROM notes WHERE text = ? AND superseded_at IS NULL", [text]).fetchall() == [
            (f"{today}-the-new-youth-club-on",)]
        assert con.execute("SELECT action_id FROM actions WHERE description = ?", [description]).fetchall() == [
            ("open-the-youth-club-on-friday-nights-thr",)]
    finally:
        con.close()
