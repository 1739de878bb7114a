"""The live app's security headers (issue 23, finding 11): every response,
pages, static files and Streamlit's own endpoints, says not to be framed by
another site and not to be sniffed, and a page on another origin that frames
the app gets nothing. The same app served without serve.py (plain
`streamlit run app.py`) is the control: it frames, so the test can fail."""

from __future__ import annotations

import re
import urllib.request

import pytest

from browser.conftest import APP, REPO, open_page
from metrics.headers import SECURITY_HEADERS

pytestmark = pytest.mark.browser

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def headers_of(url: str) -> dict[str, str]:
    with _NO_PROXY.open(urllib.request.Request(url), timeout=20) as response:
        return {k.lower(): v for k, v in response.headers.items()}


def framed(page, base: str) -> bool:
    """True when a page of another origin (a fresh tab's about:blank, whose
    origin is its own) shows the app in a frame."""
    other = page.context.new_page()
    try:
        other.set_content(f'<iframe id="app" src="{base}/" width="800" height="600"></iframe>')
        other.wait_for_timeout(4000)
        return other.frame_locator("#app").locator("[data-testid='stApp']").count() > 0
    finally:
        other.close()


def test_every_kind_of_response_carries_the_security_headers(app_server, demo_db_path):
    base = app_server(demo_db_path, mode="public")
    with _NO_PROXY.open(f"{base}/", timeout=20) as response:
        index = response.read().decode("utf-8")
    static = re.search(r'src="(\./)?(static/js/[^"]+\.js)"', index)
    assert static, "the index page names no script: the test would check nothing static"
    for path in ("/", "/goal", "/_stcore/health", f"/{static.group(2)}"):
        got = headers_of(base + path)
        for name, value in SECURITY_HEADERS.items():
            assert got.get(name.lower()) == value, (path, name, got)
    assert "frame-ancestors" in SECURITY_HEADERS["Content-Security-Policy"]
    assert SECURITY_HEADERS["X-Content-Type-Options"] == "nosniff"


def test_another_site_cannot_show_the_app_in_a_frame(page, app_server, demo_db_path, demo_copy):
    assert APP.name == "serve.py"  # what the browser tests and `make run` serve
    protected = app_server(demo_db_path, mode="public")
    open_page(page, protected)  # it serves, on its own
    assert not framed(page, protected)
    # The control: app.py without the middleware frames, so framed() can see a frame.
    bare = app_server(demo_copy, mode="public", app=REPO / "app.py")
    assert framed(page, bare)
