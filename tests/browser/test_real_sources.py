"""Real sources, real places, in the app: a partnership of three real Camden
wards fed by two consecutive Met releases. The neighbourhood page lists the
areas a neighbourhood is made of, and the board pack made from the Board
review page lists the later release's corrections under "Revisions to
earlier figures". Screenshots at 1280 and 390 px; axe-core at both widths."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import REAL_MET_2025_12, REAL_MET_2026_01
from fixtures.camden import (
    NAMES,
    VIOLENCE,
    WARDS,
    import_release,
    months,
    published,
    set_up_partnership,
)
from playwright.sync_api import expect

from browser.conftest import (
    axe_report,
    axe_violations,
    choose_last_review_held,
    open_page,
    screenshot,
)
from metrics import access, edits, store
from metrics.contract.sources.periods import met_month
from metrics.outputs.boardpack import board_pack_html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def camden_db(tmp_path_factory):
    """Set up a month ago, the December release 20 days ago, a review (its pack
    made) 10 days ago, the January release now, and a review today."""
    folder = tmp_path_factory.mktemp("camden")
    path = folder / "camden.duckdb"
    now = store.utc_now()
    con = store.connect(path)
    try:
        set_up_partnership(con, folder / "setup", at=now - dt.timedelta(days=30))
        assert import_release(con, REAL_MET_2025_12, at=now - dt.timedelta(days=20)).ok
        board_pack_html(con, "kx-board", (now - dt.timedelta(days=10)).date())
        assert import_release(con, REAL_MET_2026_01).ok
        assert edits.record_review(con, access.LOCAL, "kx-board", dt.date.today(), actor="test")
    finally:
        con.close()
    return path


def corrections() -> set[tuple[str, str, str, str]]:
    """(place, period end as the pack writes it, old, new), from the two files."""
    old, _ = published(REAL_MET_2025_12, {VIOLENCE})
    new, _ = published(REAL_MET_2026_01, {VIOLENCE})
    out = set()
    for place, code in WARDS.items():
        for m in months(REAL_MET_2026_01):
            if (code, m) in old and old[(code, m)] != new[(code, m)]:
                end = met_month(m).end
                out.add((NAMES[place], f"{end.day} {end:%B %Y}", str(old[(code, m)]), str(new[(code, m)])))
    return out


def sidebar_only(page, violation) -> bool:
    """True when every element axe flagged is inside Streamlit's sidebar navigation."""
    return all(
        page.locator(target).first.evaluate("e => !!e.closest(\"[data-testid='stSidebarNav']\")")
        for target in violation.targets
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_neighbourhood_page_lists_the_areas_it_is_made_of(browser, app_server, camden_db, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        open_page(page, app_server(camden_db), "neighbourhood?place=somers-town")
        page.get_by_text("Official areas it is made of (1)").click()
        expect(page.get_by_text(f"{WARDS['somers-town']}: ward, always")).to_be_visible()
        violations = axe_violations(page)
        if width < 700:
            # At phone width Streamlit's own sidebar navigation (stSidebarNavItems:
            # a <ul> holding section <div>s) fails list/listitem on main too; it is
            # Streamlit's markup, reported to the lead. Everything else must pass.
            violations = [v for v in violations if v.id not in ("list", "listitem") or not sidebar_only(page, v)]
        assert violations == [], axe_report(violations)
        screenshot(page, f"neighbourhood-areas-{width}")
        open_page(page, app_server(camden_db), "neighbourhood?place=kings-cross")
        page.get_by_text("Official areas it is made of (1)").click()
        expect(page.get_by_text(f"{WARDS['kings-cross']}: ward, its own code")).to_be_visible()
    finally:
        context.close()


def test_the_board_pack_from_the_app_lists_the_next_releases_corrections(page, app_server, camden_db, tmp_path):
    open_page(page, app_server(camden_db), "board-review?partnership=kx-board")
    choose_last_review_held(page)
    page.get_by_role("button", name="Freeze as the pack the board reviewed").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the board pack (HTML)").click()
    path = tmp_path / "pack.html"
    download.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    screenshot(page, "board-review-camden")
    revisions = html.split("Revisions to earlier figures")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>Violence against the person</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", revisions)
    assert {(place.replace("&#39;", "'"), end, old, new) for place, end, old, new in rows} == corrections()
    assert len(rows) == 3
    pack = page.context.new_page()
    pack.goto(path.as_uri())
    expect(pack.get_by_role("heading", name="Revisions to earlier figures")).to_be_visible()
    violations = axe_violations(pack)
    assert violations == [], axe_report(violations)
    screenshot(pack, "board-pack-camden")


def test_the_steward_who_uploads_an_older_release_is_told_and_goes_back_only_by_saying_why(page, app_server, tmp_path):
    """Issue 23, finding 7, in the app: December's release after January's."""
    path = tmp_path / "camden.duckdb"
    con = store.connect(path)
    try:
        set_up_partnership(con, tmp_path / "setup")
        assert import_release(con, REAL_MET_2026_01).ok
    finally:
        con.close()
    base = app_server(path)
    open_page(page, base, "import")
    page.get_by_text("A publisher's file, as downloaded").click()
    expect(page.get_by_text("The publisher's file (CSV, as downloaded)")).to_be_visible()
    page.get_by_label("The publisher's file (CSV, as downloaded)").locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(REAL_MET_2025_12))
    values = page.get_by_label("…holds one of these values (MajorText)", exact=False).first
    expect(values).to_be_visible(timeout=20_000)
    values.click()
    page.keyboard.type("violence")
    page.get_by_role("option", name=VIOLENCE).first.click()
    page.keyboard.press("Escape")
    expect(page.get_by_text(re.compile(r"was last imported from a later release|were last imported from a later release"))).to_be_visible(timeout=20_000)
    expect(page.get_by_role("button", name="Confirm the import")).to_have_count(0)
    screenshot(page, "source-import-older-release-1280")
    page.get_by_label("Why (only if this is on purpose", exact=False).fill("The Met withdrew January's release")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Every row passed the checks")).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Confirm the import").click()
    expect(page.get_by_text(re.compile(r"Imported 1 file\(s\).*revised"))).to_be_visible(timeout=30_000)
    app_server.stop(path)
    con = store.connect(path)
    try:
        assert con.execute("SELECT reason FROM batches WHERE action = 'import-source met-ward-crime' ORDER BY batch_id DESC LIMIT 1").fetchone()[0] == "The Met withdrew January's release"
    finally:
        con.close()
