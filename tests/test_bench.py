"""The scale benchmark's harness at a tiny scale: the contract keys of
`bench --json`, the three paths agreeing, the synthetic data being valid and
reproducible. Timings are not asserted here (README reports them)."""

from __future__ import annotations

import datetime as dt
import filecmp
import json

import pytest

from tools.bench import bench

CONTRACT_KEYS = ("observations", "app_ms", "bare_duckdb_ms", "pandas_ms", "status_all_ms", "import_rows_per_s", "publish_s")


@pytest.fixture(scope="module")
def tiny_result() -> dict:
    return bench.run_bench(scale="tiny", repeats=2)


def test_bench_reports_every_contract_key_as_a_number(tiny_result):
    for key in CONTRACT_KEYS:
        assert isinstance(tiny_result[key], int | float), key
        assert tiny_result[key] > 0, key
    assert isinstance(tiny_result["observations"], int)


def test_bench_reports_the_scale_and_the_machine(tiny_result):
    assert tiny_result["scale"]["name"] == "tiny"
    assert tiny_result["goals"] == bench.SCALES["tiny"].goals
    machine = tiny_result["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["python"].count(".") == 2
    assert machine["duckdb"]


def test_bench_times_publishing_the_demo_and_the_school_year_world_in_the_same_run(tiny_result):
    worlds = tiny_result["publish_worlds_s"]
    assert worlds["school_year_rows"] == 4 * (6 * 7 // 2)  # four neighbourhoods, every span of 6 months
    assert worlds["demo"] > 0 and worlds["school_year"] > 0
    assert 0 < worlds["demo_cells_hidden"] < worlds["demo_cells"]
    assert tiny_result["ratios"]["school_year_over_demo"] == round(worlds["school_year"] / worlds["demo"], 2)


def test_bench_leaves_keys_for_the_browser_timings(tiny_result):
    assert tiny_result["browser_goal_chart_ms"] is None
    assert tiny_result["browser_neighbourhood_switch_ms"] is None


def test_bench_shows_where_the_app_time_goes(tiny_result):
    steps = tiny_result["app_steps_ms"]
    assert list(steps) == ["views.partnerships", "pages.partnership_page"]  # the chooser, then everything the page draws
    assert sum(steps.values()) <= tiny_result["app_ms"] * 1.5
    assert tiny_result["app_statements"] == 6  # the chooser; goals, measures, places, changes; observations (tests/test_page_reads.py)


def test_three_paths_return_the_same_figures(tiny_result):
    assert tiny_result["paths_agree"] is True
    assert tiny_result["figures_compared"] > 100
    assert tiny_result["partnership"]["measures_drawn"] == len(bench.MEASURES)


def test_medians_come_from_the_repeats(tiny_result):
    for path, runs in tiny_result["runs_ms"].items():
        assert len(runs) == 2, path
    assert tiny_result["app_ms"] == pytest.approx(sum(tiny_result["runs_ms"]["app"]) / 2, abs=0.02)


def test_result_serialises_as_json(tiny_result):
    again = json.loads(json.dumps(tiny_result))
    assert again["observations"] == tiny_result["observations"]
    assert bench.format_report(tiny_result).startswith("Scale tiny:")


def test_browser_hook_gets_a_closed_database_and_what_to_open(tmp_path):
    seen = {}

    def browser(db_path, targets):
        from metrics import store

        con = store.connect(db_path, read_only=True)  # the bench no longer holds the file
        seen["goals"] = store.scalar(con, "SELECT count(*) FROM goals WHERE goal_id = ?", [targets["goal_id"]])
        con.close()
        seen.update(targets)
        return {"browser_goal_chart_ms": 1.5, "browser_neighbourhood_switch_ms": 0.5}

    result = bench.run_bench(scale="tiny", repeats=1, db_path=tmp_path / "kept.duckdb", browser=browser)
    assert (tmp_path / "kept.duckdb").exists()
    assert seen["goals"] == 1
    assert seen["partnership_id"] == result["partnership"]["partnership_id"]
    assert len(seen["neighbourhoods"]) == result["partnership"]["neighbourhoods"]
    assert result["browser_goal_chart_ms"] == 1.5


def test_bench_refuses_an_existing_database(tmp_path):
    from metrics.store import StoreError

    (tmp_path / "mine.duckdb").write_bytes(b"")
    with pytest.raises(StoreError, match="already exists"):
        bench.run_bench(scale="tiny", repeats=1, db_path=tmp_path / "mine.duckdb")


def test_generated_data_is_the_same_every_time(tmp_path):
    a = bench.generate(tmp_path / "a", "tiny")
    b = bench.generate(tmp_path / "b", "tiny")
    for kind, path in a.files.items():
        assert filecmp.cmp(path, b.files[kind], shallow=False), kind
    assert a.partnership_id == b.partnership_id


def test_generated_data_has_every_place_level_and_unit(tmp_path):
    g = bench.generate(tmp_path, "tiny")
    levels = [line.split(",")[2] for line in g.files["places"].read_text().splitlines()[1:]]
    assert levels.count("nation") == 1
    assert levels.count("region") == 9
    assert levels.count("local_area") == bench.SCALES["tiny"].local_areas
    assert levels.count("neighbourhood") == bench.SCALES["tiny"].neighbourhoods
    assert {m.unit for m in bench.MEASURES} == {"percent", "rate_per_1000", "count", "score"}
    assert len(bench.MEASURES) == 8
    sizes = [len(line.split(",")[2].split(";")) for line in g.files["partnerships"].read_text().splitlines()[1:]]
    assert min(sizes) >= 3 and max(sizes) <= 10


# --- the comparison that keeps a fast wrong path from winning -----------------

D1, D2 = dt.date(2025, 1, 1), dt.date(2025, 1, 31)


def figures(wide_value=93.5, place_value=92.0) -> bench.Figures:
    return {
        "wide": {("attendance", D1, D2): (wide_value, 2)},
        "places": {("north", "attendance", D1, D2): place_value, ("south", "attendance", D1, D2): None},
        "benchmarks": {("nation", "attendance", D1, D2): 94.0},
    }


def test_figures_within_a_billionth_agree():
    assert bench.compare_figures("bare", figures(), figures(wide_value=93.5 + 1e-12)) == 4


@pytest.mark.parametrize(
    "wrong",
    [
        figures(wide_value=93.5001),
        figures(wide_value=None),
        figures(place_value=None),
        {**figures(), "places": {("north", "attendance", D1, D2): 92.0}},
        {**figures(), "benchmarks": {}},
    ],
    ids=["wrong value", "missing partnership value", "missing place value", "missing place row", "missing benchmark"],
)
def test_a_path_with_other_figures_fails_the_bench(wrong):
    with pytest.raises(bench.BenchMismatch):
        bench.compare_figures("bare", figures(), wrong)


def test_the_report_puts_each_chart_approach_beside_the_text_page(tiny_result):
    result = {
        **tiny_result,
        "browser_goal_chart_ms": 1500.0, "browser_neighbourhood_switch_ms": 1200.0, "browser_overview_ms": 2000.0,
        "browser_text_page_ms": 2000.0, "browser_runs": 5,
        "browser_goal_chart_by_approach": {"svg": 1500.0, "plotly": 4000.0, "lazy": 3000.0},
        "browser_chart_over_text": {"svg": 0.75, "plotly": 2.0, "lazy": 1.5},
        "browser_before": {"ref": "main", "text_page_ms": 1900.0, "goal_chart_ms": 3600.0, "neighbourhood_switch_ms": 2400.0, "overview_ms": 28000.0},
    }
    report = bench.format_report(result)
    assert "goal page to chart, svg          1500 ms  (0.75x the text page)" in report
    assert "goal page to chart, plotly       4000 ms  (2.00x the text page)" in report
    assert "before (main): text page 1900 ms, goal chart 3600 ms, switch 2400 ms, Overview 28000 ms" in report
    assert "partnership page" not in report  # timed only when both apps have the dashboard's partnership page
    both = {**result, "browser_partnership_ms": 900.0, "browser_before": {**result["browser_before"], "partnership_ms": 1100.0}}
    again = bench.format_report(both)
    assert "  partnership page                  900 ms" in again
    assert again.rstrip().endswith("Overview 28000 ms, partnership page 1100 ms")


def test_browser_before_needs_browser(capsys):
    from metrics.cli import main

    assert main(["bench", "--quick", "--browser-before", "main"]) == 1
    assert "--browser-before needs --browser" in capsys.readouterr().err


def test_a_large_scale_writes_observations_in_files_the_import_accepts(tmp_path, monkeypatch):
    """Full scale is 3.3 million rows, over one file's limit: the rows are split
    over several files, in order, and imported together."""
    one = bench.generate(tmp_path / "one", "tiny")
    monkeypatch.setattr(bench, "OBSERVATIONS_PER_FILE", 1000)
    split = bench.generate(tmp_path / "split", "tiny")
    assert one.observation_files == (one.files["observations"],)
    assert len(split.observation_files) == -(-one.observations // 1000) > 1
    lines = one.files["observations"].read_text().splitlines()
    parts = [p.read_text().splitlines() for p in split.observation_files]
    assert all(p[0] == lines[0] for p in parts)
    assert [row for p in parts for row in p[1:]] == lines[1:]
