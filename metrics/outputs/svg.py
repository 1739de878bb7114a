"""Static SVG from the plotly figures of `metrics.charts`.

The public site and the board pack must work offline, print well and pass a
strict content security policy, so they carry no JavaScript. Rather than
build a second set of charts, this draws the same plotly figures (the same
traces, colours, dashes and marker shapes the app shows) as plain SVG, with
a <title> and <desc> so a screen reader hears what the chart says.
Deterministic: the same figure always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape, unescape

import plotly.graph_objects as go

DASHES = {"solid": "", "dot": "2,4", "dash": "8,5", "dashdot": "8,4,2,4", "longdash": "12,5", "longdashdot": "12,4,2,4"}


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else str(int(round(x)))


def _as_date(x) -> dt.date:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    return dt.date.fromisoformat(str(x)[:10])


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values spanning [lo, hi] (1, 2 or 5 times a power of ten apart)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = [round(start, 10)]
    while ticks[-1] < hi - step * 1e-9:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _marker(symbol: str, x: float, y: float, size: float, fill: str, stroke: str) -> str:
    r = size / 2
    if symbol == "diamond":
        pts = f"{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}"/>'
    if symbol in ("triangle-up", "triangle-down"):
        s = -1 if symbol == "triangle-up" else 1
        pts = f"{x},{y + s * r} {x + r},{y - s * r} {x - r},{y - s * r}"
        return f'<polygon points="{pts}" fill="{fill}" stroke="{stroke}"/>'
    if symbol == "star":
        pts = []
        for i in range(10):
            ang = math.pi / 2 + i * math.pi / 5
            rad = r if i % 2 == 0 else r * 0.45
            pts.append(f"{x + rad * math.cos(ang):.1f},{y - rad * math.sin(ang):.1f}")
        return f'<polygon points="{" ".join(pts)}" fill="{fill}" stroke="{stroke}"/>'
    if symbol == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{size:.1f}" height="{size:.1f}" fill="{fill}" stroke="{stroke}"/>'
    if symbol in ("x", "cross"):
        return f'<path d="M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}" stroke="{fill}" stroke-width="2"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}"/>'


def figure_to_svg(
    fig: go.Figure | dict, description: str, width: int = 760, height: int = 380, chart_id: str = "chart", legend_columns: int = 3,
) -> str:
    """Draw a figure of scatter traces (lines, markers, filled bands) over a date axis as SVG.

    A phone-sized chart (width about 360) takes `legend_columns=1`, so each
    legend entry has the whole width and the text stays at 12px when the
    chart is shown at its natural size. The figure is read once as plain
    data (`to_dict`): reading plotly's validated properties one by one took
    about 20 ms a chart."""
    spec = fig if isinstance(fig, dict) else fig.to_dict()  # a figure already as plain data is read as it is
    layout = spec.get("layout", {})
    traces = [t for t in spec.get("data", []) if t.get("x") is not None and len(t["x"])]
    title = unescape((layout.get("title") or {}).get("text") or "")  # plotly text: entities stand for the characters
    # A None in x and y is a gap: the line (or the band) stops there.
    xs = [_as_date(x) for t in traces for x in t["x"] if x is not None]
    ys = [float(y) for t in traces for y in t["y"] if y is not None]
    in_legend = [t for t in traces if t.get("showlegend") is not False]
    legend_rows = math.ceil(len(in_legend) / legend_columns)
    left, right, top = 64, 20, 36
    bottom = 48 + 20 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    if not xs or not ys:
        body = f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">No figures to show yet.</text>'
        return _wrap(body, title, description, width, height, chart_id)
    x0, x1 = min(xs), max(xs)
    span = max((x1 - x0).days, 1)
    ticks = nice_ticks(min(ys), max(ys))
    y0, y1 = ticks[0], ticks[-1]

    def px(d) -> float:
        return left + ((_as_date(d) - x0).days / span) * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - y0) / (y1 - y0) * plot_h

    parts = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff"/>']
    for t in ticks:
        y = py(t)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">{_num(t)}</text>')
    year = x0.year
    while dt.date(year, 1, 1) <= x1:
        d = dt.date(year, 1, 1)
        if d >= x0:
            x = px(d)
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}" stroke="#505a5f"/>')
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#0b0c0c">{year}</text>')
        year += 1
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#505a5f"/>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#505a5f"/>')
    unit = unescape(((layout.get("yaxis") or {}).get("title") or {}).get("text") or "")
    if unit:
        parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" text-anchor="middle" fill="#0b0c0c">{escape(unit)}</text>')

    legend = []
    for t in traces:
        line = t.get("line") or {}
        marker = t.get("marker") or {}
        colour = line.get("color") or marker.get("color") or "#000000"
        dash = DASHES.get(line.get("dash") or "solid", "")
        mode = t.get("mode") or ""
        pts = [(px(x), py(float(y))) for x, y in zip(t["x"], t["y"]) if x is not None and y is not None]
        # Runs of points between gaps (a value or a date left as None).
        runs, run = [], []
        for x, y in zip(t["x"], t["y"]):
            if x is None or y is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((px(x), py(float(y))))
        if run:
            runs.append(run)
        if t.get("fill") == "toself" and pts:
            for r in runs:
                d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in r) + "Z"
                parts.append(f'<path d="{d}" fill="{t.get("fillcolor") or "#cccccc"}" stroke="none"/>')
            swatch = f'<rect x="0" y="-6" width="22" height="12" fill="{t.get("fillcolor") or "#cccccc"}"/>'
        else:
            swatch = ""
            if "lines" in mode and len(pts) > 1:
                width_px = line.get("width") or 2
                for r in runs:
                    if len(r) > 1:
                        d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in r)
                        parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width_px}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
                swatch += f'<line x1="0" x2="22" y1="0" y2="0" stroke="{colour}" stroke-width="{width_px}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            if "markers" in mode:
                symbol = marker.get("symbol") or "circle"
                size = marker.get("size") or 6
                fill = marker.get("color") or colour
                stroke = (marker.get("line") or {}).get("color") or fill
                for x, y in pts:
                    parts.append(_marker(symbol, x, y, size, fill, stroke))
                swatch += _marker(symbol, 11, 0, min(size, 12), fill, stroke)
            if "text" in mode:
                # Labels (the markers' numbers): above a marker, or on the point itself.
                # Two labels that would touch (markers days apart) go one above, one below,
                # so "3" and "4" never read as "34".
                lift = (marker.get("size") or 6) / 2 + 4 if "markers" in mode else -4
                placed: list[tuple[float, float]] = []
                for a, b, label in zip(t["x"], t["y"], t.get("text") or []):
                    if a is not None and b is not None and label:
                        lx, ly = px(a), py(float(b)) - lift
                        if "markers" in mode and any(abs(lx - x0) < 7 * (len(str(label)) + 1) and abs(ly - y0) < 1 for x0, y0 in placed):
                            ly = py(float(b)) + lift + 9
                        placed.append((lx, ly))
                        parts.append(
                            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="middle" font-weight="bold" fill="{colour}">'
                            f"{escape(unescape(str(label)))}</text>"
                        )
        if t.get("showlegend") is False:
            continue
        i = len(legend)
        col, row = i % legend_columns, i // legend_columns
        lx, ly = (left if legend_columns > 1 else 8) + col * (plot_w / legend_columns), height - 20 * legend_rows + row * 20 - 4
        legend.append(f'<g transform="translate({lx:.1f},{ly:.1f})">{swatch}<text x="28" y="4" fill="#0b0c0c">{escape(unescape(t.get("name") or ""))}</text></g>')
    parts += legend
    return _wrap("".join(parts), title, description, width, height, chart_id)


def _wrap(body: str, title: str, description: str, width: int, height: int, chart_id: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        # Presentation attributes, not a <style> element: a strict content
        # security policy (style-src 'self') blocks inline styles.
        f'<g font-family="Arial, Helvetica, sans-serif" font-size="12">{body}</g></svg>'
    )


# --- sparklines and small multiples (the internal dashboard) ---------------------

PROMISE_COLOUR = "#00703c"  # the straight line and the baseline: Okabe-Ito green, darkened for 3:1 on white
SERIES_COLOUR = "#1d70b8"
BAND_COLOUR = "#cfe3f3"
TARGET_FILL = "#F0E442"  # Okabe-Ito yellow with a black outline, as in metrics.outputs.charts
BENCHMARK_COLOUR = "#0b0c0c"


def _star(x: float, y: float, r: float) -> str:
    return _marker("star", x, y, 2 * r, TARGET_FILL, "#0b0c0c")


def _diamond(x: float, y: float, r: float) -> str:
    return _marker("diamond", round(x, 1), round(y, 1), 2 * r, PROMISE_COLOUR, "#0b0c0c")


def promise_chart_svg(
    points: list[tuple[dt.date, float | None]],
    baseline: tuple[dt.date, float],
    target: tuple[dt.date, float],
    description: str,
    *,
    width: int = 160,
    height: int = 44,
    axes: bool = False,
    band: list[tuple[dt.date, float, float]] | None = None,
    benchmark: list[tuple[dt.date, float]] | None = None,
) -> str:
    """A goal's series against its promise, small: the figures (a line, broken
    where one is missing, the latest a dot), the baseline (a diamond), the
    straight line from baseline to target (dotted) and the target (a star),
    as the full goal chart draws them (metrics.outputs.charts.goal_figure).

    `axes=False` gives a sparkline for a summary table (no text at all);
    `axes=True` a small multiple with value ticks and years, optionally the
    95% interval band and a benchmark line (dash-dot). The x axis runs from the
    first figure or the baseline, whichever is earlier, to the target date, so
    the reader sees how much of the way is left. `description` is the chart
    in words (its <title>); it is the caller's text, escaped here."""
    known = [(d, v) for d, v in points if v is not None]
    bench = [(d, v) for d, v in (benchmark or []) if v is not None]
    dates = [d for d, _ in known] + [baseline[0], target[0]]
    x0, x1 = min(dates), max(dates)
    bench = [(d, v) for d, v in bench if x0 <= d <= x1]
    values = [v for _, v in known] + [baseline[1], target[1]] + [v for _, v in bench]
    if band:
        values += [lo for _, lo, _ in band] + [hi for _, _, hi in band]
    lo, hi = min(values), max(values)
    if axes:
        ticks = nice_ticks(lo, hi, 3)
        lo, hi = ticks[0], ticks[-1]
        left, right, top, bottom = 44, 12, 8, 22
    else:
        pad = (hi - lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
        left, right, top, bottom = 6, 8, 6, 6
    plot_w, plot_h = width - left - right, height - top - bottom
    span = max((x1 - x0).days, 1)

    def px(d: dt.date) -> float:
        return left + (d - x0).days / span * plot_w

    def py(v: float) -> float:
        return top + plot_h - (v - lo) / ((hi - lo) or 1.0) * plot_h

    parts: list[str] = []
    if axes:
        for t in nice_ticks(lo, hi, 3):
            y = py(t)
            parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
            parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">{_num(t)}</text>')
        for year in range(x0.year + 1, x1.year + 1):
            x = px(dt.date(year, 1, 1))
            parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" stroke="#505a5f"/>')
            parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#0b0c0c">{year}</text>')
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#505a5f"/>')
        if band:
            pts = [(px(d), py(h)) for d, _, h in band] + [(px(d), py(lw)) for d, lw, _ in reversed(band)]
            parts.append('<path d="M' + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + f'Z" fill="{BAND_COLOUR}"/>')
        if len(bench) > 1:
            d = "M" + "L".join(f"{px(x):.1f},{py(v):.1f}" for x, v in bench)
            parts.append(f'<path d="{d}" fill="none" stroke="{BENCHMARK_COLOUR}" stroke-width="1.2" stroke-dasharray="6,3,1.5,3"/>')
    parts.append(
        f'<line x1="{px(baseline[0]):.1f}" y1="{py(baseline[1]):.1f}" x2="{px(target[0]):.1f}" y2="{py(target[1]):.1f}" '
        f'stroke="{PROMISE_COLOUR}" stroke-width="1.6" stroke-dasharray="2,3"/>'
    )
    run: list[tuple[float, float]] = []
    for d, v in points + [(x1, None)]:
        if v is None:
            if len(run) > 1:
                parts.append('<path d="M' + "L".join(f"{x:.1f},{y:.1f}" for x, y in run) + f'" fill="none" stroke="{SERIES_COLOUR}" stroke-width="{2 if axes else 1.6}" stroke-linejoin="round"/>')
            run = []
        else:
            run.append((px(d), py(v)))
    if known:
        d, v = known[-1]
        parts.append(f'<circle cx="{px(d):.1f}" cy="{py(v):.1f}" r="{3 if axes else 2.6}" fill="{SERIES_COLOUR}"/>')
    size = 5 if axes else 4
    parts.append(_diamond(px(baseline[0]), py(baseline[1]), size))
    parts.append(_star(px(target[0]), py(target[1]), size + 2))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">'
        f"<title>{escape(description)}</title>"
        f'<g font-family="Arial, Helvetica, sans-serif" font-size="12">{"".join(parts)}</g></svg>'
    )
