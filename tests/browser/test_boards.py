"""Board packs from the app, their accessibility and their print, and the
trustees' summary, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser.conftest import choose_last_review_held, ARTIFACTS, axe_report, axe_violations, open_page, screenshot

pytestmark = pytest.mark.browser


def test_a_board_pack_is_made_and_downloaded_from_the_board_review_page(page, app_server, demo_copy, tmp_path):
    open_page(page, app_server(demo_copy), "board-review?partnership=carrowfield-east")
    choose_last_review_held(page)
    page.get_by_role("button", name="Freeze as the pack the board reviewed").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the board pack (HTML)").click()
    path = tmp_path / "pack.html"
    download.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "<h1>Carrowfield East Delivery Board</h1>" in html
    assert "Changes since the last review" in html and "Every goal at a glance" in html
    screenshot(page, "board-review-made")

    # The pack itself: accessible, and printed to A4 by headless Chromium.
    pack = page.context.new_page()
    pack.goto(path.as_uri())
    violations = axe_violations(pack)
    assert violations == [], axe_report(violations)
    pdf = ARTIFACTS / "board-pack.pdf"
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pack.pdf(path=str(pdf), format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages >= 8  # cover, summary, changes, a page per goal (7), actions
    screenshot(pack, "board-pack")


def test_trustees_view_groups_goals_and_exports_a_summary(page, app_server, demo_copy, tmp_path):
    open_page(page, app_server(demo_copy), "trustees?trust=Larkspur+Learning+Trust")
    expect(page.get_by_text(re.compile(r"13 goals in 2 partnership"))).to_be_visible()
    expect(page.get_by_role("heading", name="Place by outcome")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the one-page trustee summary (HTML)").click()
    path = tmp_path / "trustee.html"
    download.value.save_as(path)
    summary = page.context.new_page()
    summary.goto(path.as_uri())
    violations = axe_violations(summary)
    assert violations == [], axe_report(violations)
    screenshot(summary, "trustee-summary")
    screenshot(page, "trustees-view")


def test_before_the_meeting_the_chair_previews_a_draft_that_freezes_nothing(page, app_server, demo_copy):
    """Issue 24, finding 5: the next review is chosen by default; its pack is a
    draft shown in the app, marked as such, and making it freezes nothing."""
    import duckdb

    base = app_server(demo_copy)
    open_page(page, base, "board-review?partnership=carrowfield-east")
    chooser = page.get_by_role("combobox", name="Review")
    expect(chooser).to_have_value(re.compile(r"\(next\)$"))  # the review the board is preparing for
    assert page.get_by_role("button", name="Freeze as the pack the board reviewed").count() == 0  # not before its day
    page.get_by_role("button", name="Preview the draft pack").click()
    preview = page.frame_locator("iframe").first
    expect(preview.get_by_text("Draft: figures may still change").first).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Download the draft (HTML)")).to_be_visible()
    screenshot(page, "board-review-draft")
    app_server.stop(demo_copy)  # the app holds the file: read it once it has stopped
    with duckdb.connect(str(demo_copy), read_only=True) as con:
        frozen = con.execute("SELECT count(*) FROM reviews WHERE partnership_id = 'carrowfield-east' AND review_date > current_date").fetchone()[0]
        archived = con.execute("SELECT count(*) FROM pack_archive WHERE review_date > current_date").fetchone()[0]
    assert (frozen, archived) == (0, 0)
