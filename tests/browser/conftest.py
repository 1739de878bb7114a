"""Browser test harness: the app served by `streamlit run`, driven in Debian's Chromium.

Shaped like Streamlit's own end-to-end harness: start the server on a free port,
poll `/_stcore/health` for `ok`, then wait until the frontend says the script has
finished (`data-test-script-state='notRunning'` on `stApp`, no `stSkeleton`).

Tests import the helpers with `from browser.conftest import open_page, ...`.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
# What `make run` serves: app.py behind the security headers of metrics/headers.py.
APP = REPO / "serve.py"
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")

SERVER_START_TIMEOUT_S = 60
APP_RUN_TIMEOUT_MS = 30_000
MAX_SCREENSHOT_HEIGHT = 16_000  # Chromium will not capture much taller

# The frontend (streamlit/static, 1.67) sets data-test-script-state on stApp:
# "initial" until the session has a script run id, then the ScriptRunState
# ("running", "notRunning", "rerunRequested", "stopRequested", "compilationError").
_APP_SETTLED_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app) return false;
    const state = app.getAttribute("data-test-script-state");
    if (state === "compilationError") return true;
    return state === "notRunning" && !document.querySelector("[data-testid='stSkeleton']");
}"""


class AppServerError(RuntimeError):
    """`streamlit run` exited or never answered its health check; carries its log."""


class AppPageError(AssertionError):
    """The page did not finish its run, or finished showing a Streamlit exception."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "screenshot: save a screenshot of the page when the test ends")


# --- the app server ----------------------------------------------------------


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never send loopback via http_proxy


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _log_tail(path: Path, lines: int = 80) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(the server printed nothing)"


@dataclass
class _Server:
    key: tuple
    db_path: Path
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        from processes import stop

        stop(self.process)


class AppServers:
    """`app_server(db_path, mode="internal", env=None, app=APP)` -> base URL.

    One server per (app, database, mode, env), reused for the whole session.
    DuckDB lets one process hold a file for writing, so asking for a server on
    a database another server holds (other mode, env or app) stops that one
    first: a base URL is good until the next call names the same database.
    """

    def __init__(self, log_dir: Path) -> None:
        self._servers: dict[tuple, _Server] = {}
        self._log_dir = log_dir

    def __call__(
        self,
        db_path: str | os.PathLike[str],
        mode: str = "internal",
        env: dict[str, str] | None = None,
        app: str | os.PathLike[str] = APP,
    ) -> str:
        db_path = Path(db_path).resolve()
        app = Path(app).resolve()
        key = (str(app), str(db_path), mode, tuple(sorted((env or {}).items())))
        server = self._servers.get(key)
        if server is not None and server.process.poll() is None:
            return server.url
        for other in [s for s in self._servers.values() if s.db_path == db_path]:
            other.stop()
            del self._servers[other.key]
        server = self._start(key, app, db_path, mode, env or {})
        self._servers[key] = server
        return server.url

    def _start(self, key: tuple, app: Path, db_path: Path, mode: str, env: dict[str, str]) -> _Server:
        if not app.exists():
            raise AppServerError(f"There is no app at {app}: pass app= the Streamlit script to serve.")
        process_env = {k: v for k, v in os.environ.items() if k not in ("OUTCOMES_DB", "OUTCOMES_MODE")}
        process_env.update(OUTCOMES_DB=str(db_path), PYTHONUNBUFFERED="1")
        if mode != "internal":
            process_env["OUTCOMES_MODE"] = mode
        process_env.update(env)
        for _attempt in range(3):  # the free port can be taken between probe and bind
            port = _free_port()
            log = self._log_dir / f"{app.stem}-{mode}-{port}.log"
            command = [
                sys.executable, "-m", "streamlit", "run", str(app),
                "--server.headless", "true",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none",
                "--client.showErrorDetails", "full",  # the tests read exceptions; production shows none
            ]  # fmt: skip
            with log.open("w", encoding="utf-8") as out:
                process = subprocess.Popen(command, cwd=REPO, env=process_env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            server = _Server(key, db_path, f"http://127.0.0.1:{port}", process, log)
            try:
                self._wait_healthy(server)
                return server
            except AppServerError:
                server.stop()
                if "already in use" not in _log_tail(log):
                    raise
        raise AppServerError(f"No free port for {app} after 3 tries; last log:\n{_log_tail(log)}")

    @staticmethod
    def _wait_healthy(server: _Server) -> None:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise AppServerError(
                    f"streamlit run exited with code {server.process.returncode} before answering "
                    f"{server.url}/_stcore/health. Its log ({server.log}):\n{_log_tail(server.log)}"
                )
            try:
                with _NO_PROXY.open(f"{server.url}/_stcore/health", timeout=2) as response:
                    if response.read().decode().strip() == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise AppServerError(
            f"{server.url}/_stcore/health did not answer 'ok' within {SERVER_START_TIMEOUT_S} s. "
            f"Its log ({server.log}):\n{_log_tail(server.log)}"
        )

    def stop(self, db_path: str | os.PathLike[str]) -> None:
        """Stop every server on this database (to read or write it directly)."""
        db_path = Path(db_path).resolve()
        for other in [s for s in self._servers.values() if s.db_path == db_path]:
            other.stop()
            del self._servers[other.key]

    def stop_all(self) -> None:
        for server in self._servers.values():
            server.stop()
        self._servers.clear()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory):
    """Factory: `app_server(db_path, mode="internal", env=None, app=APP)` -> base URL."""
    servers = AppServers(tmp_path_factory.mktemp("server-logs"))
    yield servers
    servers.stop_all()


# --- the browser -------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is not at {CHROMIUM}: run `make chromium` (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Page:
    """A page in a fresh context (no cookies or storage from other tests).
    Mark the test `@pytest.mark.screenshot`, or set OUTCOMES_SCREENSHOTS=1 for
    every test, to keep a screenshot of how the page ended."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    yield page
    try:
        if request.node.get_closest_marker("screenshot") or os.environ.get("OUTCOMES_SCREENSHOTS") == "1":
            screenshot(page, request.node.name)
    finally:
        context.close()


# --- helpers -----------------------------------------------------------------


def open_page(page: Page, base_url: str, path: str = "", timeout_ms: int = APP_RUN_TIMEOUT_MS) -> Page:
    """Go to base_url/path and return once the app's script run has finished
    with nothing still loading; raise AppPageError with the exception text when
    the page shows a Streamlit exception."""
    url = f"{base_url.rstrip('/')}/{path.lstrip('/')}"
    page.goto(url, wait_until="domcontentloaded")
    try:
        page.wait_for_function(_APP_SETTLED_JS, timeout=timeout_ms, polling=100)
    except Exception as exc:  # playwright TimeoutError: say what the page was doing
        state = page.evaluate(
            "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
            " return a ? `${a.getAttribute('data-test-script-state')} / ${a.getAttribute('data-test-connection-state')}` : 'no stApp'; }"
        )
        raise AppPageError(f"{url} did not finish running within {timeout_ms} ms (script / connection state: {state}).{_exceptions_text(page)}") from exc
    state = page.get_attribute("[data-testid='stApp']", "data-test-script-state")
    shown = _exceptions_text(page)
    if shown or state == "compilationError":
        raise AppPageError(f"{url} finished with {state}.{shown}")
    return page


def wait_for_rerun(page: Page, timeout_ms: int = APP_RUN_TIMEOUT_MS) -> None:
    """After a click: wait until the app's script run has finished again."""
    page.wait_for_timeout(150)
    page.wait_for_function(_APP_SETTLED_JS, timeout=timeout_ms, polling=100)


def choose_last_review_held(page: Page) -> None:
    """On the Board review page: choose the latest review whose day has come
    (the chooser starts at the next review, which is not frozen before its day)."""
    page.get_by_role("combobox", name="Review").click()
    page.get_by_role("option").filter(has_not_text="(next)").first.click()
    wait_for_rerun(page)


def _exceptions_text(page: Page) -> str:
    """Each shown exception's message and traceback, without its buttons' labels."""
    texts = []
    for shown in page.locator("[data-testid='stException']").all():
        message = "\n".join(shown.get_by_test_id("stExceptionMessage").all_inner_texts())
        trace = "\n".join(shown.get_by_test_id("stExceptionTraceRow").all_inner_texts())
        texts.append(f"\nStreamlit exception on the page:\n{message}\n{trace}".rstrip())
    return "".join(texts)


def screenshot(page: Page, name: str, full_page: bool = True) -> Path:
    """Save a PNG for a human look, in tests/artifacts/screenshots/ (git-ignored).

    Streamlit scrolls inside `stMain`, not the document, so Playwright's own
    full_page sees one screen: for the whole page the viewport is stretched to
    the content's height for the shot, then put back."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "-", name.removesuffix(".png")).strip("-") or "page"
    path = SCREENSHOTS / f"{stem}.png"
    viewport = page.viewport_size
    height = page.evaluate(
        "() => Math.max(document.documentElement.scrollHeight,"
        " document.querySelector(\"[data-testid='stMain']\")?.scrollHeight ?? 0)"
    )
    if full_page and viewport and height > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(height, MAX_SCREENSHOT_HEIGHT)})
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        try:
            page.screenshot(path=str(path))
        finally:
            page.set_viewport_size(viewport)
    else:
        page.screenshot(path=str(path))
    return path


@dataclass(frozen=True)
class AxeViolation:
    id: str
    impact: str | None
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        where = "\n".join(f"    {target}" for target in self.targets)
        return f"{self.id} ({self.impact}): {self.help}\n{where}"


def axe_violations(page: Page, tags: tuple[str, ...] = WCAG_TAGS) -> list[AxeViolation]:
    """Run axe-core on the page, limited to the given WCAG tags; every violation
    with the CSS selector of each failing element (`a >> b` through frames or
    shadow roots). `assert violations == [], axe_report(violations)`."""
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        AxeViolation(
            id=v["id"],
            impact=v.get("impact"),
            help=v["help"],
            targets=tuple(" >> ".join(_flatten(node["target"])) for node in v["nodes"]),
        )
        for v in results.response["violations"]
    ]


def _flatten(target) -> list[str]:
    if isinstance(target, str):
        return [target]
    return [part for item in target for part in _flatten(item)]


def axe_report(violations: list[AxeViolation]) -> str:
    if not violations:
        return "axe: no violations"
    return f"axe: {len(violations)} violation(s)\n" + "\n".join(str(v) for v in violations)


# --- sign-in: the test OpenID provider (tests/oidc) ----------------------------------


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory):
    """A real OpenID provider (npm oidc-provider) on 127.0.0.1 with the test users of tests/oidc/users.json."""
    from oidc.provider import start_provider

    provider = start_provider(log_dir=tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def auth_secrets(tmp_path_factory: pytest.TempPathFactory, oidc_provider) -> Path:
    """A secrets.toml whose [auth] section signs in with `oidc_provider`."""
    from oidc.provider import write_secrets

    return write_secrets(tmp_path_factory.mktemp("auth") / "secrets.toml", oidc_provider)

