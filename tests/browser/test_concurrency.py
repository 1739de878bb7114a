"""Several people at once: readers keep working while a steward imports, and
never see half an import; the command line is told the database is busy."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from browser.conftest import REPO, open_page

pytestmark = pytest.mark.browser


def big_observations(path, months: int = 30) -> int:
    """A few thousand new figures for the demo's neighbourhoods, 2030 onwards."""
    hoods = ["pitbank", "furnace-row", "coldwater-lane", "stoney-heath", "lockgate", "tanners-yard", "mercer-green", "hollins-north", "saltmarsh-end", "wrenfield"]
    lines = ["measure_id,place_id,period_start,period_end,numerator,denominator"]
    for day in range(1, 29):
        for m in range(1, months + 1):
            year, month = 2030 + (m - 1) // 12, (m - 1) % 12 + 1
            for h in hoods:
                lines.append(f"attendance,{h},{year}-{month:02d}-{day:02d},{year}-{month:02d}-{day:02d},{900 + day},1000")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines) - 1


def test_readers_keep_working_while_a_steward_imports(browser, app_server, demo_copy, tmp_path):
    base = app_server(demo_copy)
    rows = big_observations(tmp_path / "observations.csv")
    steward = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_page(steward, base, "import")
    steward.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(tmp_path / "observations.csv"))
    expect(steward.get_by_text("Every row passed the checks")).to_be_visible(timeout=60_000)

    seen: list[str] = []
    errors: list[str] = []
    reader_pages = [browser.new_context().new_page() for _ in range(2)]

    steward.get_by_role("button", name="Confirm import").click()
    for _ in range(3):  # readers load pages while the import runs and after
        for reader in reader_pages:
            try:
                open_page(reader, base, "overview")
                seen.append(reader.get_by_text(re.compile(r"\*?\*?20 goals")).first.inner_text())
            except Exception as exc:  # an exception shown to a reader is the failure we look for
                errors.append(str(exc))
    expect(steward.get_by_text(re.compile(rf"observations: {rows:,} added"))).to_be_visible(timeout=120_000)
    assert errors == []
    assert seen and all("20 goals" in s for s in seen)


def test_the_command_line_is_told_the_database_is_busy_while_the_app_holds_it(app_server, demo_copy, page):
    base = app_server(demo_copy)
    open_page(page, base, "overview")  # the app has opened the database
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "status", "--db", str(demo_copy)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 1
    assert "in use by another program" in out.stderr and "Traceback" not in out.stderr


def test_two_stewards_importing_at_once_are_serialised(browser, app_server, demo_copy, tmp_path):
    """Both imports land, one after the other, through the app's single write lock."""
    base = app_server(demo_copy)
    pages = []
    for i, hood in enumerate(("pitbank", "lockgate")):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "observations.csv").write_text(
            f"measure_id,place_id,period_start,period_end,numerator,denominator\nattendance,{hood},2031-01-01,2031-01-31,900,1000\n", encoding="utf-8"
        )
        page = browser.new_context().new_page()
        open_page(page, base, "import")
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(folder / "observations.csv"))
        expect(page.get_by_text("Every row passed the checks")).to_be_visible(timeout=60_000)
        pages.append(page)
    for page in pages:
        page.get_by_role("button", name="Confirm import").click()
    for page in pages:
        expect(page.get_by_text(re.compile(r"observations: 1 added"))).to_be_visible(timeout=60_000)
    app_server.stop(demo_copy)
    import duckdb

    con = duckdb.connect(str(demo_copy), read_only=True)
    got = con.execute("SELECT place_id FROM observations WHERE period_start = '2031-01-01' ORDER BY 1").fetchall()
    con.close()
    assert got == [("lockgate",), ("pitbank",)]
