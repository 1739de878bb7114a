"""The holes an attack found (issue: "Roles that hold, input that cannot hurt"),
each pinned in the browser where the hole was in the browser: the real app,
a real OpenID provider on loopback (tests/oidc) and Debian's Chromium.

Every test here failed on the code before the fix; the metrics-level rules are
pinned in tests/test_authorisation.py, tests/test_signin_config.py and
tests/test_plaintext.py.
"""

from __future__ import annotations

import http.server
import re
import threading
import urllib.request

import duckdb
import pytest
from conftest import write_files
from oidc.provider import app_env, write_secrets
from playwright.sync_api import Page, expect

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, open_page, screenshot
from metrics import access, store
from metrics.contract.importer import import_paths

pytestmark = pytest.mark.browser

TIMEOUT = 30_000
LOCKGATE_STATEMENT = "Fewer young people in Lockgate"  # the start of a Lockgate goal's statement in the demo
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def auth_db(demo_copy):
    con = store.connect(demo_copy)
    for email, role, scope in [
        ("viewer@example.org", "viewer", "carrowfield-east"),
        ("steward@example.org", "steward", "carrowfield-east"),
        ("ce-admin@example.org", "admin", "carrowfield-east"),
        ("admin@example.org", "admin", access.EVERY),
        ("unverified@example.org", "admin", access.EVERY),
        ("outsider@elsewhere.net", "admin", access.EVERY),
    ]:
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


def upload(page: Page, path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))


def read_db(app_server, db, sql: str) -> list[tuple]:
    app_server.stop(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- 1. the neighbourhood page ---------------------------------------------------------


def test_a_viewer_cannot_open_another_partnerships_neighbourhood_by_url(page, app_url):
    sign_in(page, app_url, "viewer@example.org")
    open_page(page, app_url, "neighbourhood?place=tanners-yard")
    body = page.inner_text("body")
    assert "Tanners Yard" not in body and "Lockgate" not in body
    expect(page.get_by_text("not one you may read")).to_be_visible()
    page.get_by_role("combobox", name="Neighbourhood").click()
    options = page.get_by_role("option").all_inner_texts()
    assert options and not any(o in ("Tanners Yard", "Lockgate", "Mercer Green", "Wrenfield") for o in options), options
    screenshot(page, "viewer-neighbourhood-refused")


# -- 2, 3. imports that reach into another partnership -----------------------------------


def test_a_steward_cannot_take_another_partnerships_goal_by_import(page, app_server, app_url, auth_db, tmp_path):
    sign_in(page, app_url, "steward@example.org")
    open_page(page, app_url, "import")
    path = write_files(tmp_path, {"goals.csv": """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        lys-feel-safe,carrowfield-east,attendance,carrowfield-east,Ours now,91,2024-10-31,95,2027-07-31,2024-12-05,internal,
        """})[0]
    upload(page, path)
    expect(page.get_by_text(re.compile(r"is the id of a goal of partnership lockgate-youth-safety, which you may not change"))).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert "Lockgate" not in page.inner_text("[data-testid='stMain']").replace("lockgate-youth-safety", "")
    screenshot(page, "steward-refused-goal-takeover")
    owner = read_db(app_server, auth_db, "SELECT partnership_id FROM goals WHERE goal_id = 'lys-feel-safe' AND superseded_at IS NULL")
    assert owner == [("lockgate-youth-safety",)]


def test_a_steward_cannot_widen_their_partnership(page, app_url, tmp_path):
    sign_in(page, app_url, "steward@example.org")
    open_page(page, app_url, "import")
    path = write_files(tmp_path, {"partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members
        carrowfield-east,Carrowfield East Delivery Board,pitbank;furnace-row;coldwater-lane;stoney-heath;tanners-yard,8,Larkspur Learning Trust
        """})[0]
    upload(page, path)
    expect(page.get_by_text(re.compile(r"changes the partnership's neighbourhoods or members"))).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Confirm import").count() == 0


# -- 4. the audit trail ----------------------------------------------------------------------


def test_an_admin_of_one_partnership_sees_only_its_batches(page, app_url):
    sign_in(page, app_url, "ce-admin@example.org")
    open_page(page, app_url, "audit")
    screenshot(page, "partnership-admin-audit")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the audit trail (CSV)").click()
    table = open(download.value.path(), encoding="utf-8").read()
    lines = table.strip().splitlines()[1:]
    assert lines and all("carrowfield-east" in line for line in lines), table[:400]
    assert "lockgate" not in table.lower() and "hollinsmere" not in table.lower() and "every partnership" not in table
    expect(page.get_by_text(f"{len(lines)} entries", exact=False)).to_be_visible()


# -- 5. a viewer freezing a review -------------------------------------------------------------


def test_a_viewer_cannot_freeze_a_review(page, app_server, auth_db, auth_secrets):
    before = read_db(app_server, auth_db, "SELECT * FROM reviews ORDER BY ALL")
    base = app_server(auth_db, env=app_env(auth_secrets))
    sign_in(page, base, "viewer@example.org")
    open_page(page, base, "board-review?partnership=carrowfield-east")
    page.get_by_role("combobox", name="Review").click()
    page.get_by_role("option", name=re.compile(r"\(next\)")).click()
    expect(page.get_by_text("has not been frozen yet")).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_role("button", name="Freeze as the pack the board reviewed").count() == 0
    assert page.get_by_text("Record a review date").count() == 0
    screenshot(page, "viewer-board-review")
    assert read_db(app_server, auth_db, "SELECT * FROM reviews ORDER BY ALL") == before


# -- 6. a broken sign-in configuration fails closed ----------------------------------------------


BROKEN = {
    "missing-file": None,
    "not-toml": "[auth\nredirect_uri = 1\n",
    "no-cookie-secret": "[auth]\nredirect_uri = \"http://127.0.0.1:8501/oauth2callback\"\nclient_id = \"x\"\nclient_secret = \"y\"\nserver_metadata_url = \"http://127.0.0.1:9/.well-known/openid-configuration\"\n",
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_sign_in_configuration_stops_the_app_and_never_opens_local_mode(page, app_server, demo_copy, tmp_path, case):
    secrets = tmp_path / "conf" / "secrets.toml"
    if BROKEN[case] is not None:
        secrets.parent.mkdir()
        secrets.write_text(BROKEN[case], encoding="utf-8")
    base = app_server(demo_copy, env={"STREAMLIT_SECRETS_FILES": str(secrets)})
    for path in ("", "overview", "goal?goal=ce-attendance", "import", "lived-experience"):
        open_page(page, base, path)
        body = page.inner_text("body")
        assert "Sign-in is misconfigured" in body, path
        assert str(secrets) in body  # where
        assert "Attendance across Carrowfield" not in body and "Local mode" not in body
        assert page.locator("[data-testid='stException']").count() == 0  # no traceback for a visitor
    screenshot(page, f"broken-sign-in-{case}")


# -- 7. identities the provider does not vouch for ------------------------------------------------


def test_an_unverified_email_is_not_accepted(page, app_url):
    sign_in(page, app_url, "unverified@example.org")
    expect(page.get_by_text("This account cannot be used here")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("is not verified")).to_be_visible()
    open_page(page, app_url, "overview")
    assert "Carrowfield East Delivery Board" not in page.inner_text("body")


def test_only_the_allowed_email_domains_sign_in(page, browser, app_server, auth_db, oidc_provider, tmp_path):
    secrets = write_secrets(tmp_path / "domains.toml", oidc_provider, extra='\n[sign_in]\nallowed_email_domains = ["example.org"]\n')
    base = app_server(auth_db, env=app_env(secrets))
    sign_in(page, base, "outsider@elsewhere.net")
    expect(page.get_by_text(re.compile(r"Accounts from elsewhere.net cannot sign in here"))).to_be_visible(timeout=TIMEOUT)
    assert "Carrowfield East Delivery Board" not in page.inner_text("body")
    other = browser.new_context(viewport=VIEWPORT)  # someone else, on another computer
    try:
        admin = other.new_page()
        sign_in(admin, base, "admin@example.org")
        expect(admin.get_by_role("heading", name="Overview", level=1)).to_be_visible(timeout=TIMEOUT)
    finally:
        other.close()


# -- 8. local mode and DNS rebinding -----------------------------------------------------------------


def test_local_mode_refuses_a_host_name_that_only_resolves_to_this_computer(browser, app_server, demo_copy):
    base = app_server(demo_copy)
    port = base.rsplit(":", 1)[1]
    rebinding = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.example 127.0.0.1"]
    )
    try:
        page = rebinding.new_context(viewport=VIEWPORT).new_page()
        for path in ("", "lived-experience", "goal?goal=ce-attendance"):
            open_page(page, f"http://rebind.example:{port}", path)
            body = page.inner_text("body")
            assert "Not served at this address" in body, path
            assert "Attendance across Carrowfield" not in body and "Larkspur" not in body
        screenshot(page, "local-mode-rebinding-refused")
        open_page(page, base, "overview")  # the same server, by loopback address, serves as before
        assert "Carrowfield East Delivery Board" in page.inner_text("body")
    finally:
        rebinding.close()


# -- 9. Streamlit's own endpoints in public mode ---------------------------------------------------------


@pytest.mark.parametrize("mode", ["public", "internal"])
def test_the_metrics_endpoint_shows_nothing_of_the_app(page, app_server, demo_copy, mode):
    base = app_server(demo_copy, mode=mode)
    open_page(page, base, "progress" if mode == "public" else "overview")
    with _NO_PROXY.open(f"{base}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    assert not re.search(r"cache|session|goal|public_site|partnership", text, re.I), text[:500]


# -- 10. text from users is data, never markup ---------------------------------------------------------------


class _Beacon(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        _Beacon.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def beacon():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Beacon)
    _Beacon.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_user_text_makes_no_image_no_data_link_and_no_request(page, app_server, demo_copy, beacon, tmp_path):
    hostile = f"Look ![beacon]({beacon}/md.png) [open](data:text/html,hi) <img src={beacon}/html.png> :red[alarm] mail jo@example.org"
    con = store.connect(demo_copy)
    partnership = con.execute("SELECT * EXCLUDE (recorded_at, superseded_at, batch_id, change_reason) FROM partnerships WHERE partnership_id = 'carrowfield-east' AND superseded_at IS NULL").fetchall()[0]
    files = {
        "notes.csv": "note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on\n"
                     f"hostile-note,2026-10-01,carrowfield-east,pitbank,ce-attendance,attendance,parent_carer,\"{hostile}\",\"{hostile}\",public,,,\n",
        "actions.csv": "action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status\n"
                       f"hostile-action,carrowfield-east,ce-attendance,\"{hostile}\",Carrowfield Council,2026-01-01,2026-02-01,open\n",
        "partnerships.csv": "partnership_id,name,places,review_every_weeks,members,description\n"
                            f"carrowfield-east,{partnership[1]},{';'.join(partnership[2])},{partnership[3]},{';'.join(partnership[4])},\"{hostile}\"\n",
    }
    result = import_paths(con, [p for p in write_files(tmp_path, files)])
    assert result.ok, [str(p) for p in result.problems]
    con.close()
    base = app_server(demo_copy)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path in ("overview", "partnership?partnership=carrowfield-east", "goal?goal=ce-attendance", "lived-experience", "notes", "actions?partnership=carrowfield-east"):
        open_page(page, base, path)
        if path == "notes":
            page.get_by_role("tab", name="Approve for publication").click()
        main = page.locator("[data-testid='stMain']")
        assert main.locator(f"img[src^='{beacon}']").count() == 0, path
        assert main.locator("a[href^='data:']").count() == 0, path
        assert main.locator("a[href^='mailto:']").count() == 0, path
        if path != "overview":
            assert "![beacon]" in main.inner_text(), path  # shown as the characters typed
        screenshot(page, f"user-text-as-text-{path.split('?')[0]}")
    assert not [u for u in requests if u.startswith(beacon)] and _Beacon.hits == []
