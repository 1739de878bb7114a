"""Publishing within a small DuckDB memory limit (issue 23, finding 9): a
national site is built with DuckDB held to `PUBLISH_MEMORY_LIMIT`; when the
data need more, the publish runs once more with DuckDB's usual limit, so a
larger data set costs memory, never the site."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import duckdb
import pytest

from metrics import store
from metrics.outputs import publish as publishing


def _same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    pending = [cmp]
    while pending:
        c = pending.pop()
        if c.left_only or c.right_only or c.diff_files or c.funny_files:
            return False
        pending.extend(c.subdirs.values())
    return True


def test_a_job_that_runs_out_of_memory_at_the_held_limit_runs_again_at_the_usual_one(tmp_path: Path):
    con = store.connect(tmp_path / "x.duckdb")
    usual = store.scalar(con, "SELECT current_setting('memory_limit')")
    seen = []

    def job() -> str:
        seen.append(store.scalar(con, "SELECT current_setting('memory_limit')"))
        if len(seen) == 1:
            raise duckdb.OutOfMemoryException("pretend the job needed more")
        return "done"

    assert store.within_memory(con, "64MB", job) == "done"
    assert seen == ["61.0 MiB", usual]  # held first (64 MB as DuckDB writes it), then the usual limit
    assert store.scalar(con, "SELECT current_setting('memory_limit')") == usual


def test_holding_the_memory_limit_again_and_again_leaves_it_where_it_was(tmp_path: Path):
    """DuckDB shows its limit rounded; setting the shown value back lowered it each time."""
    con = store.connect(tmp_path / "x.duckdb")
    usual = store.scalar(con, "SELECT current_setting('memory_limit')")
    for _ in range(5):
        with store.memory_limit(con, "100MB"):
            pass
    assert store.scalar(con, "SELECT current_setting('memory_limit')") == usual


def test_a_publish_too_big_for_the_held_limit_writes_the_same_site(demo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    other = tmp_path / "other.duckdb"
    shutil.copy(demo_copy, other)
    usual_site, small_site = tmp_path / "usual", tmp_path / "small"
    publishing.publish_from_db(demo_copy, usual_site)
    monkeypatch.setattr(publishing, "PUBLISH_MEMORY_LIMIT", "1MB")  # no read of the demo fits in 1 MB
    publishing.publish_from_db(other, small_site)
    assert _same_tree(usual_site, small_site)
    with store.connect(other) as con:
        assert store.scalar(con, "SELECT count(*) FROM published_cells") > 0
