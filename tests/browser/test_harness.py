"""The harness itself: serve, open, screenshot and audit, and fail loudly.

These prove the harness, not the app: when app.py is missing or does not run
cleanly, the first test serves a stand-in script instead.
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser.conftest import (
    APP,
    AppPageError,
    AppServerError,
    axe_report,
    axe_violations,
    open_page,
    screenshot,
)

pytestmark = pytest.mark.browser

STAND_IN_APP = """
    import os
    from pathlib import Path

    import streamlit as st

    st.set_page_config(page_title="Harness stand-in")
    st.title("Harness stand-in")
    st.write(f"Database: {Path(os.environ['OUTCOMES_DB']).name}")
    st.write(f"Mode: {os.environ.get('OUTCOMES_MODE', 'internal')}")
    """

FAILING_APP = """
    import os
    from pathlib import Path

    import streamlit as st

    st.title("About to fail")
    raise RuntimeError(f"boom from {Path(os.environ['OUTCOMES_DB']).name} in {os.environ.get('OUTCOMES_MODE')} mode")
    """


def write_app(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


def open_app_or_stand_in(app_server, db_path: Path, page, folder: Path) -> str:
    """Open app.py's root page when it serves cleanly, else the stand-in; returns which."""
    if APP.exists():
        try:
            open_page(page, app_server(db_path))
            return "app.py"
        except (AppServerError, AppPageError) as exc:
            print(f"app.py did not serve cleanly, so the stand-in is used:\n{exc}")
    open_page(page, app_server(db_path, app=write_app(folder, "stand_in_app.py", STAND_IN_APP)))
    return "stand-in"


def test_harness_opens_the_app_on_the_demo_database(app_server, demo_db_path, page, tmp_path):
    started = time.perf_counter()
    served = open_app_or_stand_in(app_server, demo_db_path, page, tmp_path)
    opened = time.perf_counter()

    assert page.title().strip(), "the page has no title"
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    if served == "stand-in":
        expect(page.get_by_text("Database: demo.duckdb")).to_be_visible()
        expect(page.get_by_text("Mode: internal")).to_be_visible()

    shot = screenshot(page, "harness-root")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    violations = axe_violations(page)
    audited = time.perf_counter()
    print(f"\nserved {served}: title {page.title()!r}; screenshot {shot}")
    print(axe_report(violations))
    print(f"server + first run {opened - started:.1f} s, screenshot + axe {audited - opened:.1f} s")
    assert isinstance(violations, list)


def test_open_page_fails_with_the_streamlit_exception_text(app_server, empty_db_path, page, tmp_path):
    failing = write_app(tmp_path, "failing_app.py", FAILING_APP)
    base_url = app_server(empty_db_path, mode="public", app=failing)

    with pytest.raises(AppPageError, match="boom from empty.duckdb in public mode"):
        open_page(page, base_url)


def test_server_that_cannot_start_fails_with_its_log(app_server, empty_db_path, tmp_path):
    not_python = tmp_path / "app.txt"
    not_python.write_text("not a script", encoding="utf-8")

    with pytest.raises(AppServerError, match=r"(?s)exited with code 2.*requires raw Python"):
        app_server(empty_db_path, app=not_python)
