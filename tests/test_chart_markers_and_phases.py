"""The goal chart with what was done and what changed (issue 17): markers for
actions and events, the process limits of each SPC phase, and a line that
stops at a series break, in the plotly figure and in the server-side SVG
drawn from it (the app's goal page, the pack and the site)."""

from __future__ import annotations

import datetime as dt
import re

from metrics.methods.series import SeriesChange
from metrics.methods.spc import xmr_chart
from metrics.outputs.charts import GoalChart, chart_markers, draw_goal_chart
from metrics.outputs.svg import figure_to_svg

D = dt.date
POINTS = [(D(2024, m, 28), 90.0 + (m % 3)) for m in range(1, 13)] + [(D(2025, m, 28), 94.0 + (m % 3) / 2) for m in range(1, 13)]


def chart(**kw) -> GoalChart:
    base = dict(
        title="Attendance rate", unit="percent", points=POINTS, band=[], baseline=(D(2024, 1, 28), 90.0), target=(D(2026, 7, 31), 96.0),
    )
    return GoalChart(**(base | kw))


def traces(fig) -> dict[str, dict]:
    return {t["name"]: t for t in fig.to_dict()["data"] if t.get("name")}


def test_markers_are_drawn_at_their_dates_numbered_with_their_titles_on_hover():
    markers = chart_markers([(D(2024, 6, 3), "Breakfast club <b>opens</b>", "action"), (D(2025, 2, 10), "Walking bus starts", "event")])
    fig = draw_goal_chart(chart(markers=markers))
    lines = traces(fig)["What was done (numbered below the chart)"]
    assert [x for x in lines["x"] if x is not None] == [D(2024, 6, 3), D(2024, 6, 3), D(2025, 2, 10), D(2025, 2, 10)]
    low, high = min(v for _, v in POINTS), max(v for _, v in POINTS)
    assert min(y for y in lines["y"] if y is not None) <= low and max(y for y in lines["y"] if y is not None) >= high
    labels = next(t for t in fig.to_dict()["data"] if t.get("text") == ["1", "2"])
    assert "Breakfast club &lt;b&gt;opens&lt;/b&gt;" in labels["hovertext"][0]  # a user's title is text, never plotly markup
    svg = figure_to_svg(fig, "desc")
    assert ">1</text>" in svg and ">2</text>" in svg
    assert "<b>" not in svg


def test_the_line_stops_at_a_break_and_says_why():
    brk = SeriesChange(D(2025, 1, 1), "break", "new_definition")
    fig = draw_goal_chart(chart(breaks=[brk]))
    series = traces(fig)["Attendance rate"]
    gap = series["x"].index(None)
    assert series["x"][gap - 1] == D(2024, 12, 28) and series["x"][gap + 1] == D(2025, 1, 28) and series["y"][gap] is None
    assert "Series break: a new definition" in traces(fig)
    svg = figure_to_svg(fig, "desc")
    assert len(re.findall(r'<path d="M[^"]*" fill="none" stroke="#0072B2" stroke-width="2.5"', svg)) == 2  # two pieces of line
    assert "Series break: a new definition" in svg


def test_each_phase_has_its_own_limits_and_none_spans_a_change_point():
    values = [v for _, v in POINTS]
    spc = xmr_chart(values, "higher_is_better", target=96.0, min_points=12, groups=[0] * 12 + [1] * 12)
    fig = draw_goal_chart(chart(spc=spc))
    upper = traces(fig)["Upper process limit"]
    assert upper["x"] == [POINTS[0][0], POINTS[11][0], None, POINTS[12][0], POINTS[23][0]]
    assert upper["y"][:2] == [spc.phases[0].limits.upper] * 2 and upper["y"][3:] == [spc.phases[1].limits.upper] * 2
    svg = figure_to_svg(fig, "desc")
    assert len(re.findall(r'<path d="M[^"]*" fill="none" stroke="#595959" stroke-width="1" stroke-dasharray="2,4"', svg)) == 4  # 2 limits x 2 phases


def test_a_chart_without_markers_or_changes_draws_as_before():
    names = set(traces(draw_goal_chart(chart())))
    assert not any("What was done" in n or "Series break" in n for n in names)


def test_numbers_of_markers_days_apart_do_not_run_together_in_the_svg():
    # Two markers 15 days apart on a two-year axis sit a few pixels apart: drawn
    # both above, "1" and "2" would read as "12" (seen on the demo's Lockgate chart).
    markers = chart_markers([(D(2025, 3, 1), "Boxing club opens", "event"), (D(2025, 3, 16), "Walking bus starts", "event")])
    svg = figure_to_svg(draw_goal_chart(chart(markers=markers)), "desc")
    found = {m.group(3): (float(m.group(1)), float(m.group(2))) for m in re.finditer(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*font-weight="bold"[^>]*>(\d)</text>', svg)}
    (x1, y1), (x2, y2) = found["1"], found["2"]
    assert abs(x1 - x2) < 14  # close enough to collide on one line
    assert abs(y1 - y2) >= 12  # so one is drawn above its marker and one below


def test_a_marker_outside_the_charts_dates_is_not_drawn_but_keeps_the_others_numbers():
    markers = chart_markers([(D(1950, 1, 1), "Long ago", "event"), (D(2024, 6, 3), "Breakfast club opens", "action")])
    fig = draw_goal_chart(chart(markers=markers))
    labels = next(t for t in fig.to_dict()["data"] if t.get("mode") == "markers+text")
    assert labels["text"] == ["2"] and [str(x) for x in labels["x"]] == ["2024-06-03"]
    svg = figure_to_svg(fig, "desc")
    assert ">1950<" not in svg and ">1960<" not in svg  # the axis still spans the figures and the target
