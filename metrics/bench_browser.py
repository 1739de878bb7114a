"""Browser timings for the scale benchmark (`bench --browser`).

Serves the app on the benchmark's database and measures, in Debian's
Chromium, what a person waits for: from opening a goal page to its chart
drawn, and from choosing another neighbourhood to its chart redrawn; and
the app server's memory once it has served them. Medians of several runs.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from metrics.store import PROJECT_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE_JS = "() => document.querySelector(\"[data-testid='stApp']\")?.getAttribute('data-test-script-state') === 'notRunning'"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browser_timings(db_path: str | os.PathLike[str], targets: dict, runs: int = 5) -> dict:
    """Time the goal chart and a neighbourhood switch in Chromium (ms, medians)."""
    import duckdb
    from playwright.sync_api import sync_playwright

    con = duckdb.connect(str(db_path), read_only=True)
    names = dict(con.execute("SELECT place_id, name FROM places WHERE superseded_at IS NULL").fetchall())
    con.close()
    port = _free_port()
    env = {**os.environ, "OUTCOMES_DB": str(db_path)}
    env.pop("OUTCOMES_MODE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.2)
        chart, switch = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # Warm the server once (imports, connection): a user's first page after a restart is not the point.
            page = browser.new_page()
            page.goto(f"{base}/overview")
            page.wait_for_function(IDLE_JS, timeout=120_000)
            page.close()
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                start = time.perf_counter()
                page.goto(f"{base}/goal?goal={targets['goal_id']}")
                page.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for(timeout=60_000)
                chart.append((time.perf_counter() - start) * 1000)
                page.close()
            hoods = targets["neighbourhoods"]
            for i in range(runs):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{base}/neighbourhood?place={hoods[0]}")
                page.wait_for_function(IDLE_JS, timeout=60_000)
                page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
                box = page.get_by_role("combobox", name="Neighbourhood")
                other = hoods[1 + i % (len(hoods) - 1)]
                start = time.perf_counter()
                box.click()
                page.keyboard.type(names[other])
                page.keyboard.press("Enter")
                page.wait_for_function(f"() => location.search.includes('place={other}')", timeout=60_000)
                page.wait_for_function(IDLE_JS, timeout=60_000)
                page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
                switch.append((time.perf_counter() - start) * 1000)
                page.close()
            browser.close()
        return {
            "browser_goal_chart_ms": round(statistics.median(chart), 1),
            "browser_neighbourhood_switch_ms": round(statistics.median(switch), 1),
            "app_server_rss_mb": round(_rss_mb(server.pid), 1),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
