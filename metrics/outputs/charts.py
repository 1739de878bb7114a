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
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
import plotly.graph_objects as go

from metrics.methods.explain import break_text, format_day, format_value, table_number
from metrics.methods.series import SeriesChange, breaks_of, segments
from metrics.methods.spc import XmrChart
from metrics.read.readmodel import BenchmarkLine, GoalResult, Marker, SeriesPoint
from metrics.vocab import BENCHMARK_LABELS, UNIT_SUFFIX, VARIATION_LABELS

if TYPE_CHECKING:
    from metrics.outputs.public import PublicGoal

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
# England, then the local area (readmodel.benchmark_places): told apart by dash, not colour.
BENCHMARK_DASHES = ("dashdot", "longdash")

UNIT_AXIS = {**{unit: suffix.strip() for unit, suffix in UNIT_SUFFIX.items()}, "count": "count", "score": "score"}


def axis_title(unit: str) -> str:
    """The y axis's unit: '%', 'per 1,000' and the other rates (vocab.UNIT_SUFFIX), 'count', 'score'."""
    return UNIT_AXIS.get(unit, "")


def plotly_text(text: str) -> str:
    """Text from a user (a measure's or a place's name) for a plotly title or
    legend: plotly reads <a>, <b>, <span style> and friends in text as markup,
    so < > & go in as entities, which it shows as the characters themselves."""
    return html.escape(text, quote=False)


def _layout_spec(title: str, unit: str, height: int = 420) -> dict:
    """Every chart's layout, as plotly's plain data (its one x and one y axis)."""
    return {
        "title": {"text": plotly_text(title), "font": {"size": 16}},
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": "Arial, Helvetica, sans-serif", "size": 14, "color": "#0b0c0c"},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0},
        "hovermode": "x unified",
        "xaxis": {"showgrid": False, "linecolor": "#505a5f", "ticks": "outside"},
        "yaxis": {"title": {"text": axis_title(unit)}, "gridcolor": "#e5e5e5", "linecolor": "#505a5f", "zeroline": False},
    }


def _points(series: Sequence[SeriesPoint]) -> list[SeriesPoint]:
    return [p for p in series if p.value is not None]


MARKERS_NAME = "What was done (numbered below the chart)"
MARKER_COLOUR = OKABE_ITO["purple"]
BREAK_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class ChartMarker:
    """A numbered marker on a goal chart: an action agreed or an event, with
    its title (listed under the chart by number)."""

    number: int
    date: dt.date
    title: str
    kind: str  # action | event

    @property
    def label(self) -> str:
        """The marker in words: "5 November 2024: Breakfast club opens (action agreed)"."""
        what = "action agreed" if self.kind == "action" else "event"
        return f"{format_day(self.date)}: {self.title} ({what})"

    @property
    def text(self) -> str:
        """The marker as numbered under the chart (and in its hover text): "1. 5 November 2024: ..."."""
        return f"{self.number}. {self.label}"


def chart_markers(items: Sequence[tuple[dt.date, str, str]]) -> list[ChartMarker]:
    """(date, title, kind) as numbered markers, in date order."""
    ordered = sorted(items, key=lambda m: (m[0], m[2] != "action", m[1]))
    return [ChartMarker(i, d, title, kind) for i, (d, title, kind) in enumerate(ordered, start=1)]


def markers_of(markers: Sequence[Marker]) -> list[ChartMarker]:
    """A goal's markers (readmodel.goal_markers) as the chart numbers them."""
    return chart_markers([(m.date, m.title, m.kind) for m in markers])


@dataclass(frozen=True)
class GoalChart:
    """What a goal chart draws, from the internal judgement or from the public
    gate's published figures: the same drawing either way."""

    title: str
    unit: str
    points: list[tuple[dt.date, float]]
    band: list[tuple[dt.date, float, float]]
    baseline: tuple[dt.date, float]
    target: tuple[dt.date, float]
    spc: XmrChart | None = None
    projection: tuple[dt.date, float, dt.date, float] | None = None
    benchmarks: list[tuple[str, list[tuple[dt.date, float]]]] = field(default_factory=list)  # (name, points), in readmodel.benchmark_places order
    markers: list[ChartMarker] = field(default_factory=list)
    breaks: list[SeriesChange] = field(default_factory=list)
    starts: list[dt.date] = field(default_factory=list)  # each point's period_start, for where a break falls (default: the point's date)


def goal_figure(result: GoalResult, benchmarks: Sequence[BenchmarkLine] = (), markers: Sequence[Marker] = ()) -> go.Figure:
    """The goal chart of the internal goal page (`goal_chart`)."""
    return draw_goal_chart(goal_chart(result, benchmarks, markers))


def goal_chart(result: GoalResult, benchmarks: Sequence[BenchmarkLine] = (), markers: Sequence[Marker] = ()) -> GoalChart:
    """The goal chart of the internal pages and the board pack, from a goal's
    judgement, its benchmark lines (readmodel.benchmark_series) and its
    markers (readmodel.goal_markers: actions and events, internal ones too)."""
    g, a = result.goal, result.assessment
    pts = _points(result.series)
    projection = None
    if a.projected_value is not None and a.latest_period_end is not None:
        projection = (a.latest_period_end, a.latest_value, g.target_date, a.projected_value)
    return GoalChart(
        title=result.measure.name, unit=result.measure.unit,
        points=[(p.period_end, p.value) for p in pts],
        band=[(p.period_end, p.ci_low, p.ci_high) for p in pts if p.ci_low is not None],
        baseline=(g.baseline_date, g.baseline_value), target=(g.target_date, g.target_value),
        spc=a.spc, projection=projection,
        benchmarks=[(b.name, [(p.period_end, p.value) for p in b.points if p.value is not None]) for b in benchmarks],
        markers=markers_of(markers), breaks=breaks_of(result.changes), starts=[p.period_start for p in pts],
    )


def public_goal_figure(g: PublicGoal) -> go.Figure:
    """The goal chart of the live public page (`public_goal_chart`)."""
    return draw_goal_chart(public_goal_chart(g))


def public_goal_chart(g: PublicGoal) -> GoalChart:
    """The goal chart of the public page and site: published figures only, at
    the precision the page shows; the projection through published figures."""
    figs = [f for f in g.scope_series.figures if f.value is not None]
    p = g.projection
    return GoalChart(
        title=g.measure_name, unit=g.unit,
        points=[(f.period_end, f.value) for f in figs],
        band=[(f.period_end, f.ci_low, f.ci_high) for f in figs if f.ci_low is not None],
        baseline=(g.baseline_date, g.baseline_value), target=(g.target_date, g.target_value),
        spc=g.spc, projection=(p.from_date, p.from_value, p.to_date, p.value) if p else None,
        benchmarks=[(b.place_name, [(f.period_end, f.value) for f in b.figures if f.value is not None]) for b in g.benchmarks],
        markers=chart_markers([(m.date, m.title, "event") for m in g.markers]), breaks=[b.change for b in g.breaks], starts=[f.period_start for f in figs],
    )


def _gapped(xs: Sequence, ys: Sequence, pieces: Sequence[int]) -> tuple[list, list]:
    """xs and ys with a gap (None) wherever the piece number changes: plotly
    and the SVG both stop the line there."""
    gx, gy = [], []
    for i, (x, y) in enumerate(zip(xs, ys)):
        if i and pieces[i] != pieces[i - 1]:
            gx.append(None)
            gy.append(None)
        gx.append(x)
        gy.append(y)
    return gx, gy


def draw_goal_chart(c: GoalChart) -> go.Figure:
    """The goal chart (`goal_chart_spec`) as a plotly figure, for the app."""
    return go.Figure(goal_chart_spec(c))


def _scatter(**trace) -> dict:
    """A scatter trace as plotly's plain data."""
    return {"type": "scatter", **trace}


def goal_chart_spec(c: GoalChart) -> dict:
    """The goal chart (the richest chart): the series with its 95% interval
    band, the baseline and target points, the straight line between them, the
    projection, the benchmark and, with enough points in a phase (spc.MIN_POINTS), SPC limits for
    each phase with special-cause points marked by shape. The line and the
    band stop at a series break, with the reason in the legend; actions and
    events stand at their dates as numbered dotted lines (their titles in the
    hover text and listed under the chart). Hover text shows each figure as
    the table does.

    The figure as plotly's plain data: `draw_goal_chart` makes it a plotly
    figure for the app, while the static site and the board pack draw the
    data as SVG directly (building plotly's validated objects took about 10 ms
    a chart, 15 of a national publish's 52 seconds, issue 23 finding 9)."""
    unit = c.unit
    x = [d for d, _ in c.points]
    y = [v for _, v in c.points]
    starts = c.starts or x
    pieces = segments([_Start(d) for d in starts], c.breaks)
    data: list[dict] = []
    if c.band:
        start_of = dict(zip(x, starts))
        band_pieces = segments([_Start(start_of.get(d, d)) for d, _, _ in c.band], c.breaks)
        bx, by = [], []
        for piece in sorted(set(band_pieces)):
            part = [b for b, k in zip(c.band, band_pieces) if k == piece]
            if bx:
                bx.append(None)
                by.append(None)
            bx += [d for d, _, _ in part] + [d for d, _, _ in reversed(part)]
            by += [hi for _, _, hi in part] + [lo for _, lo, _ in reversed(part)]
        data.append(
            _scatter(
                x=bx, y=by,
                fill="toself",
                mode="lines",  # plotly's default for a short trace adds markers: the band has none
                fillcolor="rgba(86,180,233,0.25)",
                line={"width": 0},
                hoverinfo="skip",
                name="95% interval",
            )
        )
    chart = c.spc
    if chart is not None and x:
        for attr, name, dash in (("upper", "Upper process limit", "dot"), ("centre", "Mean", "solid"), ("lower", "Lower process limit", "dot")):
            lx, ly = [], []
            for phase in chart.phases:
                if phase.limits is None:
                    continue
                if lx:
                    lx.append(None)
                    ly.append(None)
                value = getattr(phase.limits, attr)
                lx += [x[phase.start], x[phase.end - 1]]
                ly += [value, value]
            data.append(
                _scatter(x=lx, y=ly, mode="lines", line={"color": OKABE_ITO["grey"], "width": 1, "dash": dash}, name=name, hoverinfo="skip")
            )
    gx, gy = _gapped(x, y, pieces)
    data.append(
        _scatter(
            x=gx, y=gy, mode="lines+markers", name=plotly_text(c.title),
            line={"color": OKABE_ITO["blue"], "width": 2.5},
            marker={"size": 7, "symbol": "circle", "color": OKABE_ITO["blue"]},
            text=[format_value(v, unit) if v is not None else "" for v in gy],
            hovertemplate="%{x|%b %Y}: %{text}<extra></extra>",
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
                data.append(
                    _scatter(x=sx, y=sy, mode="markers", name=label, marker={"size": 13, "symbol": symbol, "color": colour, "line": {"color": "black", "width": 1}})
                )
    for (name, points), dash in zip(c.benchmarks, BENCHMARK_DASHES):
        if points:
            bx, by = zip(*sorted(points))
            data.append(
                _scatter(x=list(bx), y=list(by), mode="lines", name=plotly_text(name), line={"color": OKABE_ITO["black"], "width": 1.5, "dash": dash})
            )
    (t0, b), (t1, t) = c.baseline, c.target
    data.append(
        _scatter(
            x=[t0, t1], y=[b, t], mode="lines",
            name="Straight line from baseline to target", line={"color": OKABE_ITO["green"], "width": 2, "dash": "dot"},
        )
    )
    data.append(
        _scatter(x=[t0], y=[b], mode="markers", name=f"Baseline {format_value(b, unit)}",
                   marker={"size": 14, "symbol": "diamond", "color": OKABE_ITO["green"], "line": {"color": "black", "width": 1}})
    )
    data.append(
        _scatter(x=[t1], y=[t], mode="markers", name=f"Target {format_value(t, unit)}",
                   marker={"size": 18, "symbol": "star", "color": OKABE_ITO["yellow"], "line": {"color": "black", "width": 1}})
    )
    if c.projection is not None:
        start, start_value, end, end_value = c.projection
        data.append(
            _scatter(
                x=[start, end], y=[start_value, end_value], mode="lines",
                name="Projection on the current trend", line={"color": OKABE_ITO["vermillion"], "width": 2, "dash": "dash"},
            )
        )
    low, high = _value_range(data)
    for change in c.breaks:
        data.append(
            _scatter(
                x=[change.date, change.date], y=[low, high], mode="lines", name=plotly_text(break_text(change)),
                line={"color": BREAK_COLOUR, "width": 2, "dash": "longdash"}, hoverinfo="skip",
            )
        )
    # A marker is drawn only within the dates the chart already spans (its
    # figures, baseline and target): one dated decades away would squeeze the
    # figures into a sliver. It is still listed, by its number, under the chart.
    dates = [d for d, _ in c.points] + [c.baseline[0], c.target[0]]
    drawn = [m for m in c.markers if min(dates) <= m.date <= max(dates)]
    if drawn:
        mx, my = [], []
        for m in drawn:
            mx += [m.date, m.date, None]
            my += [low, high, None]
        data.append(
            _scatter(x=mx[:-1], y=my[:-1], mode="lines", name=MARKERS_NAME, line={"color": MARKER_COLOUR, "width": 1.5, "dash": "dot"}, hoverinfo="skip")
        )
        data.append(
            _scatter(
                x=[m.date for m in drawn], y=[high] * len(drawn), mode="markers+text", showlegend=False,
                text=[str(m.number) for m in drawn], textposition="top center", cliponaxis=False,  # the numbers sit above the plot
                marker={"size": 9, "symbol": "square", "color": MARKER_COLOUR},
                hovertext=[plotly_text(m.text) for m in drawn], hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return {"data": data, "layout": _layout_spec(c.title, unit)}


@dataclass(frozen=True)
class _Start:
    period_start: dt.date


def _value_range(data: Sequence[dict]) -> tuple[float, float]:
    """The lowest and highest value drawn so far: where the vertical markers
    run. Only what the chart already shows, so a marker gives nothing new away."""
    values = [float(v) for t in data for v in (t.get("y") or ()) if v is not None]
    return (min(values), max(values)) if values else (0.0, 1.0)


def goal_table(result: GoalResult, benchmarks: Sequence[BenchmarkLine] = ()) -> pd.DataFrame:
    """The chart's data as a table: every period, its figure, interval,
    completeness, each benchmark's figure for the same period and the SPC type
    (the accessible alternative and the CSV), at the precision the page shows."""
    types: dict[dt.date, str] = {}
    a = result.assessment
    if a.spc is not None:
        pts = _points(result.series)
        types = {p.period_end: t for p, t in zip(pts, a.spc.point_types)}
    rows = []
    unit = result.measure.unit
    by_period = [(b.name, {(q.period_start, q.period_end): q.value for q in b.points}) for b in benchmarks]
    vs_nation = {end: BENCHMARK_LABELS[vs] for end, vs in result.vs_nation_by_period if vs != "not_compared"}
    for p in result.series:
        row = {
            "period_start": p.period_start.isoformat(),
            "period_end": p.period_end.isoformat(),
            "value": table_number(p.value, unit),
            "ci_low": table_number(p.ci_low, unit),
            "ci_high": table_number(p.ci_high, unit),
            "shown_as": format_value(p.value, unit) if p.value is not None else (
                f"incomplete ({p.places_with_data} of {p.places_total} neighbourhoods)" if not p.complete else "not available"
            ),
        }
        for name, values in by_period:
            row[name] = table_number(values.get((p.period_start, p.period_end)), unit)
        if vs_nation:
            row["compared with England"] = vs_nation.get(p.period_end, "") if p.complete else ""
        row["variation"] = VARIATION_LABELS.get(types.get(p.period_end, ""), "")
        row["provisional"] = "yes" if p.provisional else ""
        rows.append(row)
    return pd.DataFrame(rows)


def line_points(points: Sequence[SeriesPoint], changes: Sequence[SeriesChange] = ()) -> list[tuple[dt.date | None, float | None]]:
    """A series as a chart line's (period end, value) pairs, with a (None, None)
    gap wherever a series break falls (methods.series.segments), so that no
    line joins figures from either side of a break."""
    xs, ys = _gapped([p.period_end for p in points], [p.value for p in points], segments(points, changes))
    return list(zip(xs, ys))


def multi_series_figure(title: str, unit: str, series: dict[str, Sequence[tuple[dt.date, float | None]]], height: int = 320) -> dict:
    """Several places' series of one measure on one chart (small multiples use one per measure).
    Lines are told apart by colour, dash and marker shape. A period without a
    figure is left out (the line joins its neighbours); a (None, None) pair,
    as `line_points` puts at a series break, stops the line there.

    The figure as plotly's plain data (what `go.Figure(...).to_dict()` would
    give), for `svg.figure_to_svg` and, if wanted, `st.plotly_chart`: the
    neighbourhood page draws one per measure on every switch, and building
    plotly's validated objects took about 22 ms a chart there."""
    symbols = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
    data = []
    for i, (name, pts) in enumerate(series.items()):
        pts = [(x, y) for x, y in pts if y is not None or x is None]
        while pts and pts[0][0] is None:
            pts = pts[1:]
        while pts and pts[-1][0] is None:
            pts = pts[:-1]
        if not pts:
            continue
        x, y = zip(*pts)
        data.append({
            "type": "scatter", "x": list(x), "y": list(y), "mode": "lines+markers", "name": plotly_text(name),
            "line": {"color": SERIES_COLOURS[i % len(SERIES_COLOURS)], "dash": dashes[i % len(dashes)], "width": 2},
            "marker": {"symbol": symbols[i % len(symbols)], "size": 6},
        })
    return {"data": data, "layout": _layout_spec(title, unit, height)}
