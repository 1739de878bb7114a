"""The server-side SVG charts (metrics.outputs.svg) drawn from a figure given
as plotly's plain data: the neighbourhood page's charts are built that way
(no plotly objects on every switch), and must draw exactly as plotly's own
validated figure of the same data does (the oracle: plotly itself)."""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

from metrics.outputs.charts import multi_series_figure
from metrics.outputs.svg import figure_to_svg

LINES = {
    "North <End> & co": [(dt.date(2024, m, 28), 90.0 + m / 2) for m in range(1, 13)],
    "Shire": [(dt.date(2024, m, 28), None if m == 5 else 91.0) for m in range(1, 13)],
    "England": [(dt.date(2024, m, 28), 92.5) for m in range(1, 13)],
    "Nowhere": [],
}


def test_a_figure_as_plain_data_draws_as_plotlys_own_figure_of_it():
    spec = multi_series_figure("Attendance rate", "percent", LINES)
    fig = go.Figure(spec)  # plotly validates it: a spec it would reject fails here
    for width, height, columns in ((760, 340, 3), (360, 400, 1)):
        assert figure_to_svg(spec, "summary", width=width, height=height, legend_columns=columns) == figure_to_svg(
            fig, "summary", width=width, height=height, legend_columns=columns
        )


def test_the_plain_figure_keeps_every_place_with_figures_and_escapes_names():
    spec = multi_series_figure("Attendance rate", "percent", LINES)
    assert [t["name"] for t in spec["data"]] == ["North &lt;End&gt; &amp; co", "Shire", "England"]
    assert len(spec["data"][1]["x"]) == 11  # the missing month is left out, not drawn as zero
    assert spec["layout"]["yaxis"]["title"]["text"] == go.Figure(spec).layout.yaxis.title.text


def test_a_line_stops_at_a_series_break_and_joins_across_a_missing_month():
    from metrics.methods.series import BREAK, SeriesChange
    from metrics.outputs.charts import line_points
    from metrics.outputs.dashboard import lines_table
    from metrics.read.readmodel import SeriesPoint

    def month(m: int, value: float | None) -> SeriesPoint:
        start = dt.date(2025, m, 1)
        end = (dt.date(2025, m + 1, 1) if m < 12 else dt.date(2026, 1, 1)) - dt.timedelta(days=1)
        return SeriesPoint(start, end, value, None, None)

    points = [month(7, 60.0), month(8, None), month(9, 70.0), month(10, 71.0), month(11, 72.0)]
    # A break from 15 September: September began before it, so the line stops after September.
    pts = line_points(points, [SeriesChange(dt.date(2025, 9, 15), BREAK, "new_definition")])
    assert pts == [(dt.date(2025, 7, 31), 60.0), (dt.date(2025, 8, 31), None), (dt.date(2025, 9, 30), 70.0), (None, None), (dt.date(2025, 10, 31), 71.0), (dt.date(2025, 11, 30), 72.0)]
    spec = multi_series_figure("Feel safe", "percent", {"Lockgate": pts})
    (trace,) = spec["data"]
    assert trace["x"] == [dt.date(2025, 7, 31), dt.date(2025, 9, 30), None, dt.date(2025, 10, 31), dt.date(2025, 11, 30)]  # August left out, the break kept
    svg = figure_to_svg(spec, "summary")
    assert svg.count("<path") == 2 and svg == figure_to_svg(go.Figure(spec), "summary")  # two runs of line, as plotly's own figure draws
    columns, rows = lines_table("percent", {"Lockgate": pts})
    assert [r[0] for r in rows] == ["Nov 2025", "Oct 2025", "Sep 2025", "Aug 2025", "Jul 2025"]  # the gap is no period of the table


def test_every_demo_goal_chart_as_plain_data_draws_as_plotlys_own_figure_of_it(demo_db_path, tmp_path):
    """The static site and the board pack draw the goal chart from its plain
    data (issue 23, finding 9: plotly's objects cost 15 s of a national
    publish); the app draws plotly's validated figure. Both give the same SVG,
    for every demo goal, public and internal, markers and breaks included."""
    from metrics import store
    from metrics.outputs.charts import goal_chart, goal_chart_spec, public_goal_chart
    from metrics.outputs.public import public_gate
    from metrics.read import readmodel

    import shutil

    shutil.copy(demo_db_path, tmp_path / "demo.duckdb")  # a served app may hold the shared file
    con = store.connect(tmp_path / "demo.duckdb", read_only=True)
    try:
        site, _ = public_gate(con)
        charts = [public_goal_chart(g) for g in site.goals]
        charts += [goal_chart(r) for r in readmodel.goal_results(con)]
    finally:
        con.close()
    assert len(charts) > 20 and any(c.markers for c in charts) and any(c.spc for c in charts)
    for c in charts:
        spec = goal_chart_spec(c)
        assert figure_to_svg(spec, "summary") == figure_to_svg(go.Figure(spec), "summary"), c.title
