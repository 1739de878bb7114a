"""One concept, one place (issue: "One figure, one place"): the literals and
shapes that used to be restated across the code must not come back. Each check
names the one definition to use instead."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted((REPO / "app_pages").rglob("*.py"))
METRICS = sorted((REPO / "metrics").rglob("*.py"))


def hits(files: list[Path], pattern: str, allowed: tuple[str, ...] = ()) -> list[str]:
    out = []
    for path in files:
        rel = str(path.relative_to(REPO))
        if rel in allowed:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                out.append(f"{rel}:{n}: {line.strip()}")
    return out


def test_importing_metrics_pulls_in_no_streamlit():
    code = (
        "import importlib, pkgutil, sys, metrics\n"
        "for m in pkgutil.walk_packages(metrics.__path__, 'metrics.'):\n"
        "    if not m.name.endswith('__main__'):\n"
        "        importlib.import_module(m.name)\n"
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_no_page_holds_sql():
    assert hits(PAGES, r"\b(SELECT|INSERT|UPDATE|DELETE)\s+[\w*]|\.execute\(") == []


def test_no_page_decides_a_role():
    """Pages ask metrics.access (perms.can, ui.require); they never rank roles."""
    assert hits(PAGES, r"ROLE_RANK|\.roles\b|role_in\(") == []


@pytest.mark.parametrize("pattern, one_place", [
    (r"strftime\(|:%[bBd]|%b %Y|%B %Y", "metrics.methods.explain.format_month / format_day (locale-free)"),
    (r"\bround\([^)]*,\s*[2-9]\)", "metrics.methods.explain.table_number (the precision the pages show)"),
    (r"\b15 points|\b15\+ points", "metrics.methods.spc.MIN_POINTS"),
    (r"SeriesPoint\(", "metrics.read.readmodel.series_point"),
    (r"[\"']rate_per_1000[\"']\s*:\s*1000|100\.0 if unit|\* 1000\.0\b", "metrics.vocab.UNIT_SCALE"),
    (r"\"Whole partnership\"|'whole partnership'", "metrics.read.readmodel.scope_name"),
])
def test_a_concept_is_defined_once(pattern, one_place):
    allowed = {
        r"SeriesPoint\(": ("metrics/read/readmodel.py",),
        r"[\"']rate_per_1000[\"']\s*:\s*1000|100\.0 if unit|\* 1000\.0\b": ("metrics/vocab.py",),
        r"\b15 points|\b15\+ points": ("metrics/methods/spc.py",),
    }.get(pattern, ())
    found = [h for h in hits(PAGES + METRICS, pattern, allowed) if "hovertemplate" not in h and "%Y%m%d" not in h and "%Y-%m-%d" not in h]
    assert found == [], f"use {one_place}:\n" + "\n".join(found)
