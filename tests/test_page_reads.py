"""The partnership page's reads (metrics.read.pages) and the two statements
the read model judges goals from (metrics.read.readmodel): they give what the
separate, older reads give, in two statements.

Expected values come from other code paths written separately: the grid from
views.place_series_by_measure, benchmark lines from readmodel.benchmark_series,
England from views.place_series, a score's pooled SD from the pure reference
rule metrics.methods.aggregate.partnership_series (a two-pass sum), and every
demo goal's latest figure and status from METHODS.md sections 2 to 4 written
out again in this file over plain SQL (a second implementation: comparing
the page with goal_results alone runs the same code twice)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import BASE_FILES, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import store
from metrics.contract.importer import import_paths
from metrics.methods.aggregate import Figure, partnership_series
from metrics.read import pages, readmodel, views

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


class Counting:
    """A connection that counts the statements run through it."""

    def __init__(self, con):
        self.con, self.statements = con, 0

    def execute(self, *args, **kwargs):
        self.statements += 1
        return self.con.execute(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.con, name)


@pytest.fixture
def demo(demo_copy):
    con = store.connect(demo_copy)
    yield con
    con.close()


def test_the_partnership_page_is_read_in_five_statements_whatever_its_size(demo):
    """Goals, measures, places, recorded changes (and their recorders' names
    when there are any), then every observation: the partnership itself comes
    from the page's chooser."""
    partnerships = views.partnerships(demo)
    assert len(partnerships) == 3  # data/demo/partnerships.csv
    for p in partnerships:
        counting = Counting(demo)
        page = pages.partnership_page(counting, p)  # type: ignore[arg-type]
        assert page.partnership == p
        assert counting.statements == 5 + any(r.changes for r in page.results), p.partnership_id


def test_the_page_gives_what_the_separate_reads_give_for_every_demo_partnership(demo):
    units = {k: m.unit for k, m in readmodel.measures(demo).items()}
    nation = readmodel.nation_place(demo)
    all_places = views.places(demo)
    partnerships = views.partnerships(demo)
    assert len(partnerships) == 3  # data/demo/partnerships.csv
    for p in partnerships:
        page = pages.partnership_page(demo, p)
        assert page.results and page.grid, p.partnership_id
        # Goals: the same judgements as reading them on their own.
        alone = readmodel.goal_results(demo, partnership=p.partnership_id)
        assert [r.status_json() for r in page.results] == [r.status_json() for r in alone]
        assert [r.series for r in page.results] == [r.series for r in alone]
        # The grid's rule is checked against a hand-written oracle in tests/test_read_model.py.
        # England at each grid period, from England's whole series read on its own.
        for measure_id, by_place in page.grid.items():
            periods = {(x.period_start, x.period_end) for pts in by_place.values() for x in pts}
            whole = views.place_series(demo, [nation], measure_id, units[measure_id])[nation]
            assert page.england.get(measure_id, []) == [x for x in whole if (x.period_start, x.period_end) in periods]
        # Benchmark lines: the same values as readmodel.benchmark_series, drawn without intervals.
        lines = readmodel.benchmark_series(demo, alone)
        for r in page.results:
            got, want = page.benchmark_lines[r.goal.goal_id], lines[r.goal.goal_id]
            assert [(b.place_id, b.name) for b in got] == [(b.place_id, b.name) for b in want]
            for b, w in zip(got, want):
                assert [(x.period_end, x.value) for x in b.points] == [(x.period_end, x.value) for x in w.points]
                assert all(x.ci_low is None and x.ci_high is None for x in b.points)
        # Every place the page names, named as the places table names it.
        for place in [*p.places, *(b.place_id for r in page.results for b in page.benchmark_lines[r.goal.goal_id])]:
            assert page.places[place]["name"] == all_places[place]["name"]


def test_a_partnership_without_goals_still_has_its_grid(seeded_db, tmp_path):
    extra = write_files(tmp_path / "x", {"partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members,description
        south-only,South Only,south,8,,
        """})
    assert import_paths(seeded_db, extra).ok
    (south,) = [p for p in views.partnerships(seeded_db) if p.partnership_id == "south-only"]
    page = pages.partnership_page(seeded_db, south)
    assert page.results == []
    assert set(page.grid) == {"attendance", "wellbeing"}
    assert [x.value for x in page.grid["wellbeing"]["south"]] == [24.1]


def test_a_goals_local_area_is_the_one_all_its_neighbourhoods_share():
    places = {
        "shire": {"level": "local_area", "parent_id": "england"},
        "wold": {"level": "local_area", "parent_id": "england"},
        "england": {"level": "nation", "parent_id": None},
        "north": {"level": "neighbourhood", "parent_id": "shire"},
        "south": {"level": "neighbourhood", "parent_id": "shire"},
        "east": {"level": "neighbourhood", "parent_id": "wold"},
        "loose": {"level": "neighbourhood", "parent_id": "england"},  # its parent is no local area
    }

    def goal(goal_id: str, partnership: str, scope: str) -> readmodel.Goal:
        return readmodel.Goal(goal_id, partnership, "m", scope, "", 0, dt.date(2024, 1, 1), 1, dt.date(2026, 1, 1),
                              dt.date(2024, 1, 1), "public", None, dt.datetime(2024, 1, 1), None)

    members = {"same": ["north", "south"], "split": ["north", "east"], "odd": ["north", "loose"]}
    gs = [goal("a", "same", "same"), goal("b", "split", "split"), goal("c", "odd", "odd"), goal("d", "split", "east"), goal("e", "odd", "loose")]
    assert readmodel.local_area_of(gs, members, places) == {"a": "shire", "d": "wold"}


_sizes = st.integers(2, 3000)
_means = st.floats(7, 35, allow_nan=False).map(lambda x: round(x, 2))
_sds = st.floats(0, 12, allow_nan=False).map(lambda x: round(x, 2))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_sizes, _means, _sds), min_size=2, max_size=2))
def test_a_partnership_score_pools_its_sd_as_the_reference_rule_does(tmp_path_factory, surveys):
    """The SQL sums in one pass (sum of n*x*x less (sum of n*x)^2 / sum of n
    for the spread between neighbourhoods); the reference rule sums the
    squared distances from the mean. They agree."""
    folder = tmp_path_factory.mktemp("sd")
    con = store.connect(folder / "s.duckdb")
    files = {k: v for k, v in BASE_FILES.items() if k in ("places.csv", "measures.csv", "partnerships.csv")}
    files["goals.csv"] = """
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        well-up,shire-board,wellbeing,shire-board,Wellbeing rises,24,2024-09-30,27,2026-07-31,2024-10-15,public,
        """
    start, end = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
    rows = [(place, start, end, Figure(mean, sample_size=n, std_dev=sd)) for place, (n, mean, sd) in zip(("north", "south"), surveys)]
    files["observations.csv"] = OBS_HEAD + "\n" + "\n".join(f"wellbeing,{p},{s},{e},{f.value},,,{f.sample_size},{f.std_dev},," for p, s, e, f in rows)
    assert import_paths(con, write_files(folder / "in", files)).ok
    (r,) = readmodel.goal_results(con, goal_ids=["well-up"])
    (expected,) = partnership_series("score", rows, ["north", "south"])
    (got,) = r.series
    assert math.isclose(got.value, expected.figure.value, rel_tol=1e-12)
    assert got.figure.sample_size == expected.figure.sample_size
    assert math.isclose(got.figure.std_dev, expected.figure.std_dev, rel_tol=1e-9, abs_tol=1e-6)
    con.close()


# --- every demo goal judged by a second, hand-written implementation ----------------------

Z = 1.959964
SCALE = {"percent": 100.0}


def _oracle_interval(unit: str, num: float | None, den: float | None, value: float, n: float | None, sd: float | None):
    """METHODS.md section 3, written out again: Wilson for a percent, Byar for a count, mean +- z sd / sqrt(n)."""
    if unit == "percent":
        x, m = num, den
        half = Z * math.sqrt(Z * Z + 4 * x * (1 - x / m))
        return (2 * x + Z * Z - half) / (2 * (m + Z * Z)) * 100, (2 * x + Z * Z + half) / (2 * (m + Z * Z)) * 100
    if unit == "count":
        x = value
        low = 0.0 if x == 0 else x * (1 - 1 / (9 * x) - Z / (3 * math.sqrt(x))) ** 3
        return low, (x + 1) * (1 - 1 / (9 * (x + 1)) + Z / (3 * math.sqrt(x + 1))) ** 3
    if sd is None:
        return None
    return value - Z * sd / math.sqrt(n), value + Z * sd / math.sqrt(n)


def _oracle_status(goal: dict, unit: str, direction: str, end: dt.date, value: float, ci) -> str:
    """METHODS.md section 4, written out again from the contract."""
    s = 1 if direction == "higher_is_better" else -1
    b, t, t0, t1 = goal["baseline_value"], goal["target_value"], goal["baseline_date"], goal["target_date"]
    if s * (value - t) >= 0:
        return "met"
    if end >= t1:
        return "missed"
    f = (end - t0).days / (t1 - t0).days
    expected = b + (t - b) * f
    if ci is not None and ci[0] <= b <= ci[1] and ci[0] <= expected <= ci[1]:
        return "too_uncertain"
    r = s * (value - b) / (s * (t - b) * f)
    return "on_track" if r >= 0.95 else "needs_acceleration" if r >= 0.6 else "limited_progress" if r >= 0 else "worsening"


def _oracle_latest(con, goal: dict, unit: str, places: list[str]):
    """The latest complete period after the baseline, aggregated by hand (METHODS.md section 2)."""
    rows = con.execute(
        "SELECT place_id, period_start, period_end, numerator, denominator, value, sample_size, std_dev, figure FROM observations "
        "WHERE superseded_at IS NULL AND measure_id = ? AND period_end > ? AND list_contains(?, place_id)",
        [goal["measure_id"], goal["baseline_date"], places],
    ).fetchall()
    by_period: dict[tuple, dict[str, tuple]] = {}
    for place, start, end, num, den, value, n, sd, figure in rows:
        by_period.setdefault((start, end), {})[place] = (num, den, value, n, sd, figure)
    complete = []
    for (start, end), got in by_period.items():
        if set(got) != set(places) or any(f is None for *_, f in got.values()):
            continue
        parts = list(got.values())
        if unit == "percent":
            if any(p[0] is None or p[1] is None for p in parts):
                continue
            num, den = sum(p[0] for p in parts), sum(p[1] for p in parts)
            complete.append((end, start, num / den * 100, _oracle_interval(unit, num, den, 0, None, None)))
        elif unit == "count":
            value = sum(p[2] for p in parts)
            complete.append((end, start, value, _oracle_interval(unit, None, None, value, None, None)))
        else:
            n = sum(p[3] for p in parts)
            mean = sum(p[3] * p[2] for p in parts) / n
            sd = None
            if all(p[4] is not None for p in parts):
                sd = math.sqrt((sum((p[3] - 1) * p[4] ** 2 for p in parts) + sum(p[3] * (p[2] - mean) ** 2 for p in parts)) / (n - 1))
            complete.append((end, start, mean, _oracle_interval(unit, None, None, mean, n, sd)))
    return max(complete, default=None)


def test_every_demo_goal_is_judged_as_a_hand_written_rule_judges_it(demo):
    """The page's judgements against METHODS.md sections 2 to 4 written out again
    here, reading the observations table with one plain statement per goal."""
    measures = {m: (u, d) for m, u, d in demo.execute("SELECT measure_id, unit, direction FROM measures WHERE superseded_at IS NULL").fetchall()}
    members = dict(demo.execute("SELECT partnership_id, places FROM partnerships WHERE superseded_at IS NULL").fetchall())
    cols = ["goal_id", "partnership_id", "measure_id", "scope", "baseline_value", "baseline_date", "target_value", "target_date"]
    goals = {r[0]: dict(zip(cols, r, strict=True)) for r in demo.execute(f"SELECT {', '.join(cols)} FROM goals WHERE superseded_at IS NULL").fetchall()}
    judged = {}
    for p in views.partnerships(demo):
        judged |= {r.goal.goal_id: r.status_json() for r in pages.partnership_page(demo, p).results}
    assert set(judged) == set(goals) and len(goals) >= 15
    statuses = set()
    for gid, goal in goals.items():
        unit, direction = measures[goal["measure_id"]]
        places = members[goal["scope"]] if goal["scope"] in members else [goal["scope"]]
        latest = _oracle_latest(demo, goal, unit, places)
        got = judged[gid]
        if latest is None:
            assert got["status"] == "awaiting_data" and got["latest_value"] is None, gid
            statuses.add("awaiting_data")
            continue
        end, _, value, ci = latest
        assert got["latest_period_end"] == end.isoformat(), gid
        assert got["latest_value"] == pytest.approx(value, abs=1e-9), gid
        want = _oracle_status(goal, unit, direction, end, value, ci)
        assert got["status"] == want, (gid, got["status"], want)
        statuses.add(want)
    assert len(statuses) >= 4, statuses  # the demo shows the statuses side by side
