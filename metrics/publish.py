"""The static public site: `python -m metrics publish --out DIR`.

Plain HTML, one stylesheet and no JavaScript, so a trust can put it on any
static host: it works offline and behind a strict content security policy,
and the same data gives the same bytes. Everything on it comes through
`metrics.public.public_site`, the one gate for public output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import jinja2
import markdown

from metrics.charts import goal_figure
from metrics.explain import format_month, format_value
from metrics.public import PublicFigure, PublicGoal, PublicSeries, PublicSite, public_site
from metrics.store import PROJECT_ROOT
from metrics.svg import figure_to_svg
from metrics.vocab import STATUS_ICONS

SITE_DIR = Path(__file__).resolve().parent / "site"
VOICE_WORDS = {"young_person": "A young person", "parent_carer": "A parent or carer", "resident": "A resident", "staff": "A member of staff", "partner": "A partner organisation"}
FIGURE_COLUMNS = [
    "partnership_id", "goal_id", "measure_id", "place_id", "place_name", "series", "period_start", "period_end",
    "value", "ci_low", "ci_high", "unit", "provisional", "status",
]
NEIGHBOURHOOD_PERIODS = 6


from metrics.csvsafe import excel_safe  # noqa: E402  (the one rule for every CSV people open; see csvsafe.py)


def _number(x: float | None) -> str:
    if x is None:
        return ""
    return repr(round(x, 10))


def published_figures_csv(site: PublicSite) -> str:
    """Every figure the site shows (open data): suppressed values and their
    intervals as c; periods with no figure at all are left out."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(FIGURE_COLUMNS)
    rows = []
    for g in site.goals:
        for s in g.series:
            for f in s.figures:
                if f.value is None and not f.suppressed:
                    continue
                value = "c" if f.suppressed else _number(f.value)
                lo = "c" if f.suppressed else _number(f.ci_low)
                hi = "c" if f.suppressed else _number(f.ci_high)
                rows.append([
                    g.partnership_id, g.goal_id, g.measure_id, s.place_id, excel_safe(s.place_name), s.role,
                    f.period_start.isoformat(), f.period_end.isoformat(), value, lo, hi, g.unit,
                    "true" if f.provisional else "false", g.status,
                ])
    rows.sort(key=lambda r: (r[0], r[1], {"scope": 0, "neighbourhood": 1, "benchmark": 2}[r[5]], r[3], r[6], r[7]))
    w.writerows(rows)
    return buf.getvalue()


def _figure_text(f: PublicFigure, unit: str) -> str:
    if f.suppressed:
        return "c"
    if f.value is None:
        return f.note or "not available"
    return format_value(f.value, unit) + (" (provisional)" if f.provisional else "")


def _range_text(f: PublicFigure, unit: str) -> str:
    if f.suppressed:
        return "c"
    if f.ci_low is None:
        return "–"
    return f"{format_value(f.ci_low, unit)} to {format_value(f.ci_high, unit)}"


def _latest_text(g: PublicGoal) -> str:
    if g.latest is None:
        return "no figure yet"
    if g.latest.suppressed:
        return f"c ({format_month(g.latest.period_end)})"
    return f"{format_value(g.latest.value, g.unit)} ({format_month(g.latest.period_end)})"


def chart_summary(g: PublicGoal) -> str:
    """The chart in words (its text alternative)."""
    figs = [f for f in g.scope_series.figures if f.value is not None]
    text = f"{g.measure_name} for {g.scope_name}"
    if figs:
        text += f", {format_month(figs[0].period_end)} to {format_month(figs[-1].period_end)}: latest {_latest_text(g)}"
    text += f". The promise: from {format_value(g.baseline_value, g.unit)} ({format_month(g.baseline_date)}) to {format_value(g.target_value, g.unit)} by {format_month(g.target_date)}, shown as a dotted straight line."
    text += f" Status: {g.status_label}."
    return text


def goal_svg(g: PublicGoal, benchmark: PublicSeries | None) -> str:
    bench = [(f.period_end, f.value) for f in benchmark.figures if f.value is not None] if benchmark else None
    fig = goal_figure(g.chart, bench or None, benchmark.place_name if benchmark else "England")
    return figure_to_svg(fig, chart_summary(g), chart_id=f"chart-{g.goal_id}")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SITE_DIR),
        autoescape=jinja2.select_autoescape(["html"]),  # notes and names are text, never markup
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(
        fmt=format_value, month=format_month, day=lambda d: f"{d.day} {d:%B %Y}", icons=STATUS_ICONS, voices=VOICE_WORDS,
        latest_text=_latest_text, figure_text=_figure_text, range_text=_range_text,
    )
    return env


def render_site(site: PublicSite, site_name: str = "Partnership progress") -> dict[str, str]:
    """Every page of the site as text, by file name."""
    env = _environment()
    data_date_text = format_month(site.data_date) if site.data_date else "no figures yet"
    common = {"site_name": site_name, "root": "", "illustrative": site.illustrative, "data_date_text": data_date_text}
    pages = {
        "index.html": env.get_template("index.html").render(
            title="Our promises", partnerships=site.partnerships, goal_count=len(site.goals), **common
        )
    }
    for p in site.partnerships:
        pages[f"partnership-{p.partnership_id}.html"] = env.get_template("partnership.html").render(title=p.name, p=p, **common)
        for g in p.goals:
            benchmark = next((s for s in g.series if s.role == "benchmark" and s.place_id != g.scope_series.place_id and any(f.value is not None for f in s.figures)), None)
            bench_by_period = {(f.period_start, f.period_end): f for f in benchmark.figures} if benchmark else {}
            hoods = [s for s in g.series if s.role == "neighbourhood"]
            periods = sorted({(f.period_start, f.period_end) for s in hoods for f in s.figures}, key=lambda k: (k[1], k[0]))[-NEIGHBOURHOOD_PERIODS:]

            def cell_text(s: PublicSeries, period, unit) -> str:
                f = next((f for f in s.figures if (f.period_start, f.period_end) == period), None)
                return "–" if f is None else _figure_text(f, unit)

            def bench_text(b: PublicSeries, f: PublicFigure, unit: str) -> str:
                bf = bench_by_period.get((f.period_start, f.period_end))
                return "–" if bf is None else _figure_text(bf, unit)

            pages[f"goal-{g.goal_id}.html"] = env.get_template("goal.html").render(
                title=g.statement, g=g, partnership=p, chart_svg=goal_svg(g, benchmark), chart_summary=chart_summary(g),
                benchmark=benchmark, neighbourhoods=hoods, neighbourhood_periods=periods, cell_text=cell_text, bench_text=bench_text,
                any_provisional=any(f.provisional for s in g.series for f in s.figures), **common,
            )
    methods = (PROJECT_ROOT / "metrics" / "methods.md").read_text(encoding="utf-8")
    methods_html = markdown.markdown(methods, extensions=["tables", "sane_lists"])
    # Wide tables scroll inside a focusable region instead of the whole page (320px screens).
    methods_html = methods_html.replace(
        "<table>", '<div class="table-wrap" tabindex="0" role="region" aria-label="Table (scroll sideways on a small screen)"><table>'
    ).replace("</table>", "</table></div>")
    # The methods page's own headings start at h2 under the page's h1.
    pages["methods.html"] = env.get_template("methods.html").render(title="How we measure", methods_html=methods_html, **common)
    pages["accessibility.html"] = env.get_template("accessibility.html").render(title="Accessibility statement", **common)
    return pages


def publish(con, out_dir: str | Path, partnership: str | None = None, as_of: dt.datetime | None = None) -> list[Path]:
    """Write the static site into `out_dir` (replacing what a previous publish wrote there)."""
    site = public_site(con, partnership=partnership, as_of=as_of)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(render_site(site).items()):
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    assets = out / "assets"
    assets.mkdir(exist_ok=True)
    shutil.copyfile(SITE_DIR / "site.css", assets / "site.css")
    written.append(assets / "site.css")
    figures = out / "published_figures.csv"
    figures.write_text(published_figures_csv(site), encoding="utf-8")
    written.append(figures)
    return written
