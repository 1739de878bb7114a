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
