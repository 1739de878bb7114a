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


def figure_to_svg(fig: go.Figure, description: str, width: int = 760, height: int = 380, chart_id: str = "chart") -> str:
    """Draw a figure of scatter traces (lines, markers, filled bands) over a date axis as SVG."""
    traces = [t for t in fig.data if t.x is not None and len(t.x)]
    title = unescape(fig.layout.title.text or "")  # plotly text: entities stand for the characters
    xs = [_as_date(x) for t in traces for x in t.x]
    ys = [float(y) for t in traces for y in t.y if y is not None]
    legend_rows = math.ceil(len(traces) / 3)
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
    unit = unescape(fig.layout.yaxis.title.text or "")
    if unit:
        parts.append(f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" text-anchor="middle" fill="#0b0c0c">{escape(unit)}</text>')

    legend = []
    for i, t in enumerate(traces):
        line = t.line or {}
        colour = (line.color if line and line.color else None) or (t.marker.color if t.marker and t.marker.color else "#000000")
        dash = DASHES.get((line.dash if line and line.dash else "solid"), "")
        mode = t.mode or ""
        pts = [(px(x), py(float(y))) for x, y in zip(t.x, t.y) if y is not None]
        if t.fill == "toself" and pts:
            d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z"
            parts.append(f'<path d="{d}" fill="{t.fillcolor or "#cccccc"}" stroke="none"/>')
            swatch = f'<rect x="0" y="-6" width="22" height="12" fill="{t.fillcolor or "#cccccc"}"/>'
        else:
            swatch = ""
            if "lines" in mode and len(pts) > 1:
                # Break the line where a value is missing.
                runs, run = [], []
                for x, y in zip(t.x, t.y):
                    if y is None:
                        if run:
                            runs.append(run)
                        run = []
                    else:
                        run.append((px(x), py(float(y))))
                if run:
                    runs.append(run)
                width_px = (line.width if line and line.width else 2)
                for r in runs:
                    if len(r) > 1:
                        d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in r)
                        parts.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width_px}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
                swatch += f'<line x1="0" x2="22" y1="0" y2="0" stroke="{colour}" stroke-width="{width_px}"' + (f' stroke-dasharray="{dash}"' if dash else "") + "/>"
            if "markers" in mode:
                m = t.marker
                symbol = (m.symbol if m and m.symbol else "circle")
                size = (m.size if m and m.size else 6)
                fill = (m.color if m and m.color else colour)
                stroke = (m.line.color if m and m.line and m.line.color else fill)
                for x, y in pts:
                    parts.append(_marker(symbol, x, y, size, fill, stroke))
                swatch += _marker(symbol, 11, 0, min(size, 12), fill, stroke)
        col, row = i % 3, i // 3
        lx, ly = left + col * (plot_w / 3), height - 20 * legend_rows + row * 20 - 4
        legend.append(f'<g transform="translate({lx:.1f},{ly:.1f})">{swatch}<text x="28" y="4" fill="#0b0c0c">{escape(unescape(t.name or ""))}</text></g>')
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
