"""Fixtures for the sign-in tests: a real OpenID provider, the secrets that point
Streamlit at it, and the browser harness of tests/browser/conftest.py.

Playwright's sync API runs one instance per thread: a second `sync_playwright()`
while the browser tests' session Chromium is up fails ("using Playwright Sync API
inside the asyncio loop"). So `browser` here is the browser tests' Chromium when
their session already started it, else one of our own, closed when this package's
tests end (before any later browser test starts its own).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, app_server, page  # noqa: F401  (fixtures, shared)
from oidc.provider import Provider, start_provider, write_secrets

_harness_browser: list[Browser] = []  # the browser tests' session Chromium, once they start it
_owned_browsers: list[Browser] = []  # ours, started when theirs was not


class _HarnessBrowserSpy:
    """Notes the browser tests' Chromium when their `browser` fixture starts it.
    Registered as a plugin, not a conftest hook: a conftest's fixture hooks only
    see tests in its own folder."""

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        value = yield
        if fixturedef.argname == "browser" and isinstance(value, Browser) and value not in _owned_browsers:
            _harness_browser[:] = [value]
        return value


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("oidc-harness-browser-spy"):
        config.pluginmanager.register(_HarnessBrowserSpy(), "oidc-harness-browser-spy")


@pytest.fixture(scope="package")
def browser() -> Browser:
    shared = next((b for b in _harness_browser if b.is_connected()), None)
    if shared is not None:
        yield shared
        return
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is not at {CHROMIUM}: run `make chromium` (apt-get install chromium).")
    with sync_playwright() as playwright:
        own = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        _owned_browsers.append(own)
        try:
            yield own
        finally:
            _owned_browsers.remove(own)
            own.close()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Provider:
    """The OpenID provider on 127.0.0.1, with the test users of users.json."""
    provider = start_provider(log_dir=tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def auth_secrets(tmp_path_factory: pytest.TempPathFactory, oidc_provider: Provider) -> Path:
    """A secrets.toml whose [auth] section signs in with `oidc_provider`."""
    return write_secrets(tmp_path_factory.mktemp("auth") / "secrets.toml", oidc_provider)
