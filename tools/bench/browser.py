"""Browser timings for the scale benchmark (`bench --browser`).

Serves the app on the benchmark's database and measures, in Debian's
Chromium, what a person waits for (medians of several runs, in ms):

- `browser_goal_chart_ms`: a goal page opened to its chart drawn, as the app
  draws it (server-side SVG);
- `browser_goal_chart_by_approach`: the same page with each way of drawing
  the chart, in the same run: `svg` (metrics/outputs/svg.py on the server), `plotly`
  (the interactive chart in place) and `lazy` (plotly drawn after the rest of
  the page); with `browser_text_page_ms`, the text-only "How we measure" page
  opened to its text, and each approach's ratio to it (the target is 1.5);
- `browser_neighbourhood_switch_ms`: another neighbourhood chosen to its
  first chart redrawn;
- `browser_overview_ms`: the Overview opened to its first goal drawn;
- `browser_partnership_ms`: a partnership page opened to every goal's small
  multiple drawn and its neighbourhood grid shown;
- `app_server_rss_mb`: the app server's memory once it has served them.

With `before=REF` (`bench --browser-before main`), the app as it was at that
git commit is served too, on a copy of the same database, and timed in the
same runs, alternating with this one so that both see the same load on the
machine: `browser_before` holds its figures.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metrics.store import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE_JS = "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'"
PLOTLY_DRAWN = ".js-plotly-plot .scatterlayer .trace"
# An <img> counts as drawn once the browser has decoded it; with a place
# name, only a chart whose text alternative names that place.
IMG_DRAWN_JS = """([sel, name]) => [...document.querySelectorAll(sel)].some(
    i => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0 && (!name || i.alt.includes(name)))"""
APPROACHES = ("svg", "plotly", "lazy")
TEXT_PAGE_TARGET = 1.5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class _App:
    """One served copy of the app and how to tell that its charts are drawn."""

    name: str
    base: str
    process: subprocess.Popen
    log: Path
    drawn_chart: Callable  # (page, approach, place_name | None) -> None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def wait_healthy(self) -> None:
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"the {self.name} app server stopped:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=1).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the {self.name} app server at {self.base} did not answer its health check")


def _serve(name: str, app_dir: Path, db_path: Path, log: Path, drawn_chart: Callable) -> _App:
    env = {**os.environ, "OUTCOMES_DB": str(db_path)}
    env.pop("OUTCOMES_MODE", None)
    port = _free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    return _App(name, f"http://127.0.0.1:{port}", process, log, drawn_chart)


def _drawn_now(page, approach: str, place_name: str | None) -> None:
    """This app's charts: SVG images (their text alternative names the place)."""
    if approach == "svg":
        page.wait_for_function(IMG_DRAWN_JS, arg=["img.od-chart-wide", place_name], timeout=60_000)
    else:
        page.locator(PLOTLY_DRAWN).first.wait_for(timeout=60_000)


def _drawn_before(page, approach: str, place_name: str | None) -> None:
    """The app before server-side charts: every chart is plotly."""
    page.locator(PLOTLY_DRAWN).first.wait_for(timeout=60_000)


def _export(ref: str, into: Path) -> Path:
    """The project's files at git commit `ref`, exported into `into`."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(PROJECT_ROOT), "archive", "--format=tar", ref], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


@contextlib.contextmanager
def _new_page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        yield page
    finally:
        page.close()


def _time_goal(browser, app: _App, goal_id: str, approach: str) -> float:
    with _new_page(browser) as page:
        suffix = "" if approach == "svg" else f"&chart={approach}"
        start = time.perf_counter()
        page.goto(f"{app.base}/goal?goal={goal_id}{suffix}")
        app.drawn_chart(page, approach, None)
        return _ms(start)


def _time_text_page(browser, app: _App) -> float:
    with _new_page(browser) as page:
        start = time.perf_counter()
        page.goto(f"{app.base}/methods")
        page.get_by_role("heading", name="How we measure", level=1).wait_for(timeout=60_000)
        page.get_by_text("Wilson").first.wait_for(timeout=60_000)  # the methods text itself, not only the title
        return _ms(start)


def _time_overview(browser, app: _App) -> float:
    """Opened to its first goal drawn: a card (this app) or the first summary table's cells (before)."""
    with _new_page(browser) as page:
        start = time.perf_counter()
        page.goto(f"{app.base}/")
        page.locator(".od-row, [data-testid='stDataFrame'] canvas").first.wait_for(timeout=120_000)
        page.wait_for_function(IDLE_JS, timeout=120_000)
        return _ms(start)


def _time_switch(browser, app: _App, hoods: list[str], names: dict[str, str], i: int) -> float:
    with _new_page(browser) as page:
        page.goto(f"{app.base}/neighbourhood?place={hoods[0]}")
        page.wait_for_function(IDLE_JS, timeout=60_000)
        app.drawn_chart(page, "svg", names[hoods[0]])
        box = page.get_by_role("combobox", name="Neighbourhood")
        other = hoods[1 + i % (len(hoods) - 1)]
        start = time.perf_counter()
        box.click()
        page.keyboard.type(names[other])
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => location.search.includes('place={other}')", timeout=60_000)
        page.wait_for_function(IDLE_JS, timeout=60_000)
        app.drawn_chart(page, "svg", names[other])
        return _ms(start)


def _time_partnership(browser, app: _App, partnership_id: str) -> float:
    """Opened to every goal's small multiple drawn and the neighbourhood grid shown."""
    with _new_page(browser) as page:
        start = time.perf_counter()
        page.goto(f"{app.base}/partnership?partnership={partnership_id}")
        page.locator(".od-cmp").first.wait_for(timeout=60_000)
        page.wait_for_function(IDLE_JS, timeout=60_000)
        page.wait_for_function("() => [...document.querySelectorAll('img.od-chart')].every(i => i.complete && i.naturalWidth > 0)", timeout=60_000)
        return _ms(start)


def _median(xs: list[float]) -> float:
    return round(statistics.median(xs), 1)


def browser_timings(db_path: str | os.PathLike[str], targets: dict, runs: int = 5, before: str | None = None) -> dict:
    """Time the pages in Chromium (module docstring); `before` is a git ref of
    the app to time beside this one."""
    import duckdb
    from playwright.sync_api import sync_playwright

    con = duckdb.connect(str(db_path), read_only=True)
    names = dict(con.execute("SELECT place_id, name FROM places WHERE superseded_at IS NULL").fetchall())
    con.close()
    goal_id, hoods = targets["goal_id"], targets["neighbourhoods"]
    with tempfile.TemporaryDirectory(prefix="outcomes-browser-") as tmp, contextlib.ExitStack() as stack:
        apps = [_serve("now", PROJECT_ROOT, Path(db_path), Path(tmp) / "now.log", _drawn_now)]
        stack.callback(apps[0].stop)
        # Which ways each app draws a goal chart: one from before server-side
        # charts draws plotly only (and has no dashboard partnership page to time).
        approaches = {"now": APPROACHES}
        if before:
            # DuckDB lets one process hold a file: the other app reads a copy.
            copy = Path(tmp) / "before.duckdb"
            shutil.copy(db_path, copy)
            old_app = _export(before, Path(tmp) / "app")
            svg_charts = (old_app / "metrics" / "outputs" / "svg.py").exists()
            approaches["before"] = APPROACHES if svg_charts else ("plotly",)
            apps.append(_serve("before", old_app, copy, Path(tmp) / "before.log", _drawn_now if svg_charts else _drawn_before))
            stack.callback(apps[1].stop)
        for app in apps:
            app.wait_healthy()
        times: dict[str, dict[str, list[float]]] = {a.name: {} for a in apps}

        def keep(app: _App, key: str, ms: float) -> None:
            times[app.name].setdefault(key, []).append(ms)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # Warm each server once per page (imports, connection, caches): a
            # user's first page after a restart is not the point.
            for app in apps:
                _time_overview(browser, app)
                _time_text_page(browser, app)
                for approach in approaches[app.name]:
                    _time_goal(browser, app, goal_id, approach)
                _time_switch(browser, app, hoods, names, 0)
                if "svg" in approaches[app.name]:
                    _time_partnership(browser, app, targets["partnership_id"])
            for i in range(runs):
                for app in apps if i % 2 == 0 else list(reversed(apps)):
                    keep(app, "text", _time_text_page(browser, app))
                    for approach in approaches[app.name]:
                        keep(app, f"goal_{approach}", _time_goal(browser, app, goal_id, approach))
                    keep(app, "switch", _time_switch(browser, app, hoods, names, i))
                    keep(app, "overview", _time_overview(browser, app))
                    if "svg" in approaches[app.name]:
                        keep(app, "partnership", _time_partnership(browser, app, targets["partnership_id"]))
            browser.close()
        now = {k: _median(v) for k, v in times["now"].items()}
        result = {
            "browser_goal_chart_ms": now["goal_svg"],
            "browser_neighbourhood_switch_ms": now["switch"],
            "browser_overview_ms": now["overview"],
            "browser_partnership_ms": now["partnership"],
            "browser_text_page_ms": now["text"],
            "browser_goal_chart_by_approach": {a: now[f"goal_{a}"] for a in APPROACHES},
            "browser_chart_over_text": {a: round(now[f"goal_{a}"] / now["text"], 2) for a in APPROACHES},
            "browser_runs": runs,
            "app_server_rss_mb": round(_rss_mb(apps[0].process.pid), 1),
        }
        if before:
            old = {k: _median(v) for k, v in times["before"].items()}
            result["browser_before"] = {
                "ref": before,
                "goal_chart_ms": old.get("goal_svg", old["goal_plotly"]),
                "neighbourhood_switch_ms": old["switch"],
                "overview_ms": old["overview"],
                "partnership_ms": old.get("partnership"),
                "text_page_ms": old["text"],
                "app_server_rss_mb": round(_rss_mb(apps[1].process.pid), 1),
            }
        return result
