"""Plotly figures shared by the app, the board pack and the public site.

Every chart is built here once from the same numbers the status uses, with
the Okabe-Ito palette (distinguishable with every common colour-vision
deficiency) and with meaning carried by shape and line style as well as
colour: the baseline is a diamond, the target a star, the straight line dotted,
the projection dashed, special-cause points triangles. Each figure has a table
twin (`goal_table`) as its accessible alternative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from metrics.explain import format_value
from metrics.queries import GoalResult, SeriesPoint
from metrics.vocab import UNIT_SUFFIX, VARIATION_LABELS

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#595959",
}
SERIES_COLOURS = [OKABE_ITO[c] for c in ("blue", "vermillion", "green", "purple", "orange", "sky", "black")]

UNIT_AXIS = {**{unit: suffix.strip() for unit, suffix in UNIT_SUFFIX.items()}, "count": "count", "score": "score"}


def _layout(fig: go.Figure, title: str, unit: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": 16}},
        height=height,
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#0b0c0c"},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0},
        hovermode="x unified",
    )
    fig.update_xaxes(showgrid=False, linecolor="#505a5f", ticks="outside")
    fig.update_yaxes(title_text=UNIT_AXIS.get(unit, ""), gridcolor="#e5e5e5", linecolor="#505a5f", zeroline=False)
    return fig


def _points(series: Sequence[SeriesPoint]) -> list[SeriesPoint]:
    return [p for p in series if p.value is not None]


def goal_figure(result: GoalResult, benchmark: Sequence[tuple[dt.date, float]] | None = None, benchmark_name: str = "England") -> go.Figure:
    """The goal chart (issue: the richest chart): the series with its 95%
    interval band, the baseline and target points, the straight line between
    them, the projection, the benchmark and, with 15+ points, SPC limits with
    special-cause points marked by shape."""
    g, m, a = result.goal, result.measure, result.assessment
    unit = m.unit
    pts = _points(result.series)
    x = [p.period_end for p in pts]
    y = [p.value for p in pts]
    fig = go.Figure()
    with_ci = [p for p in pts if p.ci_low is not None]
    if with_ci:
        fig.add_trace(
            go.Scatter(
                x=[p.period_end for p in with_ci] + [p.period_end for p in reversed(with_ci)],
                y=[p.ci_high for p in with_ci] + [p.ci_low for p in reversed(with_ci)],
                fill="toself",
                fillcolor="rgba(86,180,233,0.25)",
                line={"width": 0},
                hoverinfo="skip",
                name="95% interval",
            )
        )
    chart = a.spc
    if chart is not None:
        lim = chart.limits
        for yv, name, dash in ((lim.upper, "Upper process limit", "dot"), (lim.centre, "Mean", "solid"), (lim.lower, "Lower process limit", "dot")):
            fig.add_trace(
                go.Scatter(x=[x[0], x[-1]], y=[yv, yv], mode="lines", line={"color": OKABE_ITO["grey"], "width": 1, "dash": dash}, name=name, hoverinfo="skip")
            )
    fig.add_trace(
        go.Scatter(
            x=x, y=y, mode="lines+markers", name=m.name,
            line={"color": OKABE_ITO["blue"], "width": 2.5},
            marker={"size": 7, "symbol": "circle", "color": OKABE_ITO["blue"]},
            hovertemplate="%{x|%b %Y}: %{y:.2f}<extra></extra>",
        )
    )
    if chart is not None:
        for kind, symbol, colour, label in (
            ("improvement", "triangle-up", OKABE_ITO["blue"], "Special cause: improvement"),
            ("concern", "triangle-down", OKABE_ITO["orange"], "Special cause: concern"),
        ):
            sx = [xi for xi, t in zip(x, chart.point_types) if t == kind]
            sy = [yi for yi, t in zip(y, chart.point_types) if t == kind]
            if sx:
                fig.add_trace(
                    go.Scatter(x=sx, y=sy, mode="markers", name=label, marker={"size": 13, "symbol": symbol, "color": colour, "line": {"color": "black", "width": 1}})
                )
    if benchmark:
        bx, by = zip(*sorted(benchmark))
        fig.add_trace(
            go.Scatter(x=list(bx), y=list(by), mode="lines", name=benchmark_name, line={"color": OKABE_ITO["black"], "width": 1.5, "dash": "dashdot"})
        )
    fig.add_trace(
        go.Scatter(
            x=[g.baseline_date, g.target_date], y=[g.baseline_value, g.target_value], mode="lines",
            name="Straight line from baseline to target", line={"color": OKABE_ITO["green"], "width": 2, "dash": "dot"},
        )
    )
    fig.add_trace(
        go.Scatter(x=[g.baseline_date], y=[g.baseline_value], mode="markers", name=f"Baseline {format_value(g.baseline_value, unit)}",
                   marker={"size": 14, "symbol": "diamond", "color": OKABE_ITO["green"], "line": {"color": "black", "width": 1}})
    )
    fig.add_trace(
        go.Scatter(x=[g.target_date], y=[g.target_value], mode="markers", name=f"Target {format_value(g.target_value, unit)}",
                   marker={"size": 18, "symbol": "star", "color": OKABE_ITO["yellow"], "line": {"color": "black", "width": 1}})
    )
    if a.projected_value is not None and a.latest_period_end is not None:
        fig.add_trace(
            go.Scatter(
                x=[a.latest_period_end, g.target_date], y=[a.latest_value, a.projected_value], mode="lines",
                name="Projection on the current trend", line={"color": OKABE_ITO["vermillion"], "width": 2, "dash": "dash"},
            )
        )
    return _layout(fig, m.name, unit)


def goal_table(result: GoalResult, benchmark: dict[tuple[dt.date, dt.date], float] | None = None) -> pd.DataFrame:
    """The chart's data as a table: every period, its figure, interval,
    completeness and SPC type (the accessible alternative and the CSV)."""
    types: dict[dt.date, str] = {}
    a = result.assessment
    if a.spc is not None:
        pts = _points(result.series)
        types = {p.period_end: t for p, t in zip(pts, a.spc.point_types)}
    rows = []
    unit = result.measure.unit
    for p in result.series:
        rows.append(
            {
                "period_start": p.period_start.isoformat(),
                "period_end": p.period_end.isoformat(),
                "value": None if p.value is None else round(p.value, 4),
                "ci_low": None if p.ci_low is None else round(p.ci_low, 4),
                "ci_high": None if p.ci_high is None else round(p.ci_high, 4),
                "shown_as": format_value(p.value, unit) if p.value is not None else (
                    f"incomplete ({p.places_with_data} of {p.places_total} neighbourhoods)" if not p.complete else "not available"
                ),
                "england": None if not benchmark or (p.period_start, p.period_end) not in benchmark else round(benchmark[(p.period_start, p.period_end)], 4),
                "variation": VARIATION_LABELS.get(types.get(p.period_end, ""), ""),
                "provisional": "yes" if p.provisional else "",
            }
        )
    return pd.DataFrame(rows)


def multi_series_figure(title: str, unit: str, series: dict[str, Sequence[tuple[dt.date, float | None]]], height: int = 320) -> go.Figure:
    """Several places' series of one measure on one chart (small multiples use one per measure).
    Lines are told apart by colour, dash and marker shape."""
    fig = go.Figure()
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
    for i, (name, pts) in enumerate(series.items()):
        pts = [(x, y) for x, y in pts if y is not None]
        if not pts:
            continue
        x, y = zip(*pts)
        fig.add_trace(
            go.Scatter(
                x=list(x), y=list(y), mode="lines+markers", name=name,
                line={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "dash": dashes[i % len(dashes)], "width": 2},
                marker={"symbol": symbols[i % len(symbols)], "size": 6},
            )
        )
    return _layout(fig, title, unit, height)
