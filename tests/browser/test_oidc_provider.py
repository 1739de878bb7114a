"""st.login against the test OpenID provider, end to end in Chromium.

A toy app (written to a temporary folder, so it does not depend on the real
app) shows whether someone is signed in, a "Sign in" button calling st.login()
and, once signed in, the email from st.user and all of st.user, with a
"Sign out" button calling st.logout().
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from oidc.provider import TEST_USERS, OidcUser, Provider, app_env
from playwright.sync_api import Page, expect

from browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

SIGN_IN_TIMEOUT_MS = 30_000

TOY_APP = '''
import json

import streamlit as st

st.title("Sign-in check")
if st.user.is_logged_in:
    st.markdown(f"Signed in as **{st.user.email}**")
    st.code(json.dumps(st.user.to_dict(), indent=1, sort_keys=True), language="json")
    if st.button("Sign out"):
        st.logout()
else:
    st.markdown("Not signed in")
    if st.button("Sign in"):
        st.login()
'''


@pytest.fixture(scope="module")
def toy_app_url(tmp_path_factory: pytest.TempPathFactory, app_server, auth_secrets: Path) -> str:
    folder = tmp_path_factory.mktemp("toy-app")
    app = folder / "sign_in_check.py"
    app.write_text(textwrap.dedent(TOY_APP), encoding="utf-8")
    return app_server(folder / "unused.duckdb", env=app_env(auth_secrets), app=app)


def sign_in(page: Page, email: str, screenshot_name: str | None = None) -> None:
    """Press the app's "Sign in", then sign in at the provider as `email`."""
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Email address").fill(email, timeout=SIGN_IN_TIMEOUT_MS)
    if screenshot_name:
        screenshot(page, screenshot_name)
    page.get_by_role("button", name="Sign in").click()


def shown_user(page: Page) -> dict:
    return json.loads(page.get_by_test_id("stCode").inner_text())


def test_steward_signs_in_with_the_provider_and_out_again(page: Page, toy_app_url: str, oidc_provider: Provider) -> None:
    steward = next(user for user in TEST_USERS if user.email == "steward@example.org")
    open_page(page, toy_app_url)
    expect(page.get_by_text("Not signed in")).to_be_visible()

    sign_in(page, steward.email, screenshot_name="oidc-provider-sign-in")

    expect(page.get_by_text(f"Signed in as {steward.email}")).to_be_visible(timeout=SIGN_IN_TIMEOUT_MS)
    assert page.url.rstrip("/") == toy_app_url
    user = shown_user(page)
    assert (user["email"], user["name"], user["is_logged_in"]) == (steward.email, steward.name, True)
    assert user["iss"] == oidc_provider.issuer
    screenshot(page, "oidc-steward-signed-in")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{oidc_provider.url}/session/end**", timeout=SIGN_IN_TIMEOUT_MS)
    screenshot(page, "oidc-provider-sign-out")
    page.get_by_role("button", name="Sign out").click()  # the provider's own page

    expect(page.get_by_text("Not signed in")).to_be_visible(timeout=SIGN_IN_TIMEOUT_MS)
    assert not [cookie for cookie in page.context.cookies() if cookie["name"].startswith("_streamlit_user")]
    screenshot(page, "oidc-signed-out")


@pytest.mark.parametrize("user", TEST_USERS, ids=lambda user: user.email.split("@")[0])
def test_every_test_user_arrives_in_st_user_with_email_and_name(page: Page, toy_app_url: str, user: OidcUser) -> None:
    open_page(page, toy_app_url)
    sign_in(page, user.email.upper())  # addresses are matched without regard to case

    expect(page.get_by_text(f"Signed in as {user.email}")).to_be_visible(timeout=SIGN_IN_TIMEOUT_MS)
    shown = shown_user(page)
    assert (shown["email"], shown["name"], shown["email_verified"]) == (user.email, user.name, user.email_verified)


def test_provider_refuses_an_address_that_is_not_a_test_user(page: Page, toy_app_url: str) -> None:
    open_page(page, toy_app_url)
    sign_in(page, "stranger@example.org")

    expect(page.get_by_role("alert")).to_have_text(
        "There is no test user stranger@example.org: use one of the addresses below.", timeout=SIGN_IN_TIMEOUT_MS
    )
    expect(page.get_by_label("Email address")).to_have_value("stranger@example.org")
