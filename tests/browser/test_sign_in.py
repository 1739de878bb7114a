"""Sign-in and roles, end to end: the real app with an [auth] section, a real
OpenID provider on loopback, and each kind of user in Chromium.

Each role reaches exactly what it should; pages and partnerships a user may
not see stay out of reach when asked for by URL; every kind of change lands in
the audit trail with the signed-in identity.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from oidc.provider import app_env
from playwright.sync_api import Page, expect

from browser.conftest import open_page, screenshot
from metrics import access, store

pytestmark = pytest.mark.browser

TIMEOUT = 30_000
GRANTS = [
    ("viewer@example.org", "viewer", "carrowfield-east"),
    ("steward@example.org", "steward", "carrowfield-east"),
    ("admin@example.org", "admin", access.EVERY),
    ("trustee@example.org", access.TRUSTEE, "Larkspur Learning Trust"),
]


@pytest.fixture
def auth_db(demo_copy):
    con = store.connect(demo_copy)
    for email, role, scope in GRANTS:
        access.grant(con, email, role, scope, actor="test setup")
    con.close()
    return demo_copy


@pytest.fixture
def app_url(app_server, auth_db, auth_secrets):
    return app_server(auth_db, env=app_env(auth_secrets))


def sign_in(page: Page, base: str, email: str) -> None:
    open_page(page, base)
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.get_by_label("Email address").fill(email, timeout=TIMEOUT)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/?([a-z-]+)?(\?.*)?$"), timeout=TIMEOUT)
    page.wait_for_function(
        "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=TIMEOUT,
    )


def menu(page: Page) -> str:
    return page.locator("header").inner_text()


def test_a_signed_out_visitor_sees_only_public_pages_and_sign_in(page, app_url):
    open_page(page, app_url)
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    assert "Overview" not in menu(page) and "Import" not in menu(page)
    for path in ("overview", "goal?goal=ce-attendance", "import", "access", "audit", "lived-experience"):
        open_page(page, app_url, path)
        body = page.inner_text("body")
        assert "Attendance across Carrowfield" not in body, path  # no internal page rendered
        assert "Illustrative demo data" in body  # the default (sign-in) page was shown instead
    open_page(page, app_url, "progress")
    expect(page.get_by_role("heading", name="Progress on our promises")).to_be_visible()
    screenshot(page, "signed-out")


def test_a_user_without_a_role_is_told_whom_to_ask(page, app_url):
    sign_in(page, app_url, "nobody@example.org")
    expect(page.get_by_text(re.compile(r"signed in as nobody@\u2060?example.org, but you do not have access"))).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Ask your partnership's admin", exact=False)).to_be_visible()
    open_page(page, app_url, "overview")
    assert "Attendance across Carrowfield" not in page.inner_text("body")
    screenshot(page, "no-role")


def test_a_viewer_reads_only_their_partnership_and_cannot_reach_data_or_admin(page, app_url):
    sign_in(page, app_url, "viewer@example.org")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible(timeout=TIMEOUT)
    body = page.inner_text("body")
    assert "Carrowfield East Delivery Board" in body
    assert "Lockgate" not in body and "Hollinsmere" not in body
    assert "Data" not in menu(page) and "Admin" not in menu(page)
    screenshot(page, "viewer-overview")
    # Asked for by URL: another partnership's goal, and pages above the role.
    open_page(page, app_url, "goal?goal=lys-attendance")
    assert "Lockgate" not in page.inner_text("body")
    for path in ("import", "goals-editor", "notes", "access", "audit"):
        open_page(page, app_url, path)
        assert page.get_by_role("heading", level=1).first.inner_text() == "Overview", path


def test_a_steward_can_import_for_their_partnership_but_not_for_another(page, app_url, tmp_path):
    sign_in(page, app_url, "steward@example.org")
    assert "Data" in menu(page) and "Admin" not in menu(page)
    open_page(page, app_url, "import")
    path = tmp_path / "observations.csv"
    path.write_text(
        "measure_id,place_id,period_start,period_end,numerator,denominator\nattendance,tanners-yard,2026-11-01,2026-11-30,5000,5400\n",
        encoding="utf-8",
    )
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    expect(page.get_by_text(re.compile(r"is a neighbourhood of lockgate-youth-safety, where you may not import figures"))).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Confirm import").count() == 0
    screenshot(page, "steward-refused-other-partnership")


def test_a_trustee_reads_every_partnership_of_their_trust(page, app_url):
    sign_in(page, app_url, "trustee@example.org")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible(timeout=TIMEOUT)
    body = page.inner_text("body")
    assert "Carrowfield East Delivery Board" in body and "Hollinsmere Convening Partnership" in body
    assert "Lockgate" not in body
    assert "Data" not in menu(page)


def test_an_admin_grants_a_role_and_the_audit_trail_records_who(page, app_server, app_url, auth_db):
    sign_in(page, app_url, "admin@example.org")
    assert "Admin" in menu(page)
    open_page(page, app_url, "access")
    page.get_by_label("Email address they sign in with").fill("new.steward@example.org")
    page.get_by_role("button", name="Grant").click()
    expect(page.get_by_text("Granted.")).to_be_visible(timeout=TIMEOUT)
    open_page(page, app_url, "audit")
    expect(page.get_by_role("heading", name="Audit trail", level=1)).to_be_visible()
    screenshot(page, "admin-audit")
    app_server.stop(auth_db)
    con = duckdb.connect(str(auth_db), read_only=True)
    rows = con.execute("SELECT actor, action, reason FROM batches WHERE action = 'access' ORDER BY happened_at DESC LIMIT 1").fetchall()
    con.close()
    assert rows == [("admin@example.org", "access", "grant viewer on * to new.steward@example.org")]


def test_every_kind_of_change_is_in_the_audit_trail_with_the_signed_in_steward(page, app_server, app_url, auth_db, tmp_path):
    sign_in(page, app_url, "steward@example.org")
    # An import.
    open_page(page, app_url, "import")
    path = tmp_path / "observations.csv"
    path.write_text("measure_id,place_id,period_start,period_end,numerator,denominator\nattendance,pitbank,2026-11-01,2026-11-30,5600,6000\n", encoding="utf-8")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"observations: 1 added"))).to_be_visible(timeout=TIMEOUT)
    # An action update.
    open_page(page, app_url, "actions?partnership=carrowfield-east")
    page.get_by_label("New status").click()
    page.keyboard.type("done")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Update status").click()
    expect(page.get_by_text("Saved.")).to_be_visible(timeout=TIMEOUT)
    app_server.stop(auth_db)
    con = duckdb.connect(str(auth_db), read_only=True)
    actions = {a for (a,) in con.execute("SELECT DISTINCT action FROM batches WHERE actor = 'steward@example.org'").fetchall()}
    con.close()
    assert {"import", "action update"} <= actions


def test_a_viewer_whose_sign_in_is_older_than_max_age_signs_in_again(page, app_server, auth_db, auth_secrets, tmp_path):
    """Issue 23, finding 10: the session cookie lives 30 days; the sign-in
    lasts max_age_hours (here 2 seconds) after the provider issued the token."""
    short = tmp_path / "secrets.toml"
    short.write_text(auth_secrets.read_text(encoding="utf-8") + "\n[sign_in]\nmax_age_hours = 0.0005\n", encoding="utf-8")
    url = app_server(auth_db, env=app_env(short))
    sign_in(page, url, "viewer@example.org")
    page.wait_for_timeout(2500)
    open_page(page, url, "overview")
    expect(page.get_by_role("heading", name="Your sign-in has expired", level=1)).to_be_visible(timeout=TIMEOUT)
    assert "Carrowfield East Delivery Board" not in page.inner_text("body")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
