"""A national file may hold more suppressed cells than the importer checks
one by one at a time: they are all valid, and a real mistake after them is
still found."""

from __future__ import annotations

import csv

from metrics import store
from metrics.contract.importer import MAX_OBSERVATION_PROBLEMS, import_paths
from tools.bench import bench


def _suppress_every_figure(src, dst, broken_last_row=False):
    with src.open(newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        for col in ("value", "numerator", "denominator", "sample_size", "std_dev"):
            if r[col]:
                r[col] = "c"
    if broken_last_row:
        rows[-1]["period_end"] = "not a date"
    with dst.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def test_more_suppressed_cells_than_the_check_limit_import(tmp_path):
    g = bench.generate(tmp_path / "files", "tiny")
    n = _suppress_every_figure(g.files["observations"], tmp_path / "observations.csv")
    assert n > MAX_OBSERVATION_PROBLEMS
    con = store.connect(tmp_path / "db.duckdb")
    assert import_paths(con, [g.files[k] for k in ("places", "measures", "partnerships", "goals")]).ok
    result = import_paths(con, [tmp_path / "observations.csv"])
    assert result.ok, result.problems[:2]
    assert store.scalar(con, "SELECT count(*) FROM observations WHERE figure IS NULL") == n


def test_a_mistake_after_many_suppressed_cells_is_found(tmp_path):
    g = bench.generate(tmp_path / "files", "tiny")
    _suppress_every_figure(g.files["observations"], tmp_path / "observations.csv", broken_last_row=True)
    con = store.connect(tmp_path / "db.duckdb")
    assert import_paths(con, [g.files[k] for k in ("places", "measures", "partnerships", "goals")]).ok
    result = import_paths(con, [tmp_path / "observations.csv"])
    assert not result.ok
    assert [p.column for p in result.problems] == ["period_end"]
