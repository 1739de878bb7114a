"""The delivery board's pack: `python -m metrics board-pack`.

One self-contained HTML file (styles inline, charts as SVG, no scripts, no
external requests) that opens offline and prints to A4. Computed as of the
review's frozen time (metrics.read.reviews), with no clock anywhere in it, so the
pack of a past review is byte-identical however often it is reprinted, even
after later revisions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import jinja2

from metrics import edits
from metrics.access import LOCAL, Permissions
from metrics.contract.demo import is_demo
from metrics.methods.explain import assurance_label, format_day, format_month, format_value, variation_label
from metrics.outputs.charts import goal_figure
from metrics.outputs.svg import figure_to_svg
from metrics.outputs.templating import TEMPLATE_DIR, environment
from metrics.read import readmodel, reviews, views
from metrics.store import StoreError, as_of_filter, dict_rows
from metrics.vocab import BENCHMARK_LABELS, STATUS_ICONS, STATUS_LABELS


def _env() -> jinja2.Environment:
    return environment(
        icons=STATUS_ICONS, labels=STATUS_LABELS, variation=variation_label, assurance=assurance_label,
        bench=lambda c: BENCHMARK_LABELS.get(c or "not_compared"),
    )


def board_pack_html(
    con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, perms: Permissions = LOCAL, actor: str = "cli"
) -> str:
    """The pack for one review, as HTML text.

    The first pack of a review freezes its as-of time (a steward's audited
    write, metrics.edits.freeze_review); later ones reprint it from there."""
    parts = {p.partnership_id: p for p in views.partnerships(con)}
    if partnership_id not in parts or not perms.can("viewer", partnership_id):
        raise StoreError(f'There is no partnership "{partnership_id}" you may read. Partnerships: {", ".join(sorted(p for p in parts if perms.can("viewer", p))) or "(none yet)"}.')
    as_of = edits.freeze_review(con, perms, partnership_id, review_date, actor=actor)
    partnership = {p.partnership_id: p for p in views.partnerships(con, as_of)}.get(partnership_id, parts[partnership_id])
    previous = reviews.previous_review(con, partnership, review_date)
    previous_date, previous_as_of = previous if previous else (None, None)
    next_review = review_date + dt.timedelta(weeks=partnership.cadence_weeks)
    results = readmodel.goal_results(con, as_of=as_of, partnership=partnership_id)
    places = views.places(con, as_of)
    changes = reviews.changes_between(con, partnership, previous_as_of, as_of)
    benchmarks = readmodel.benchmark_series(con, results, as_of)

    charts, summaries = {}, {}
    for r in results:
        summary = f"{r.measure.name}: " + r.explanation
        charts[r.goal.goal_id] = figure_to_svg(goal_figure(r, benchmarks[r.goal.goal_id]), summary, chart_id=f"chart-{r.goal.goal_id}")
        summaries[r.goal.goal_id] = summary
    notes_since = dict_rows(
        con,
        f"""SELECT note_id, goal_id, recorded_on, voice, text, consent FROM notes
            WHERE partnership_id = ? AND goal_id IS NOT NULL AND {as_of_filter(as_of)}
              AND recorded_on <= ? {"AND recorded_on > ?" if previous_date else ""}
            ORDER BY recorded_on, note_id""",
        [partnership_id, review_date] + ([previous_date] if previous_date else []),
    )
    notes: dict[str, list[dict]] = {}
    for n in notes_since:
        notes.setdefault(n["goal_id"], []).append(n)
    measures = readmodel.measures(con, as_of)
    cutoff = as_of.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/London"))
    return _env().get_template("boardpack.html").render(
        partnership=partnership, review_date=review_date, previous_date=previous_date, next_review=next_review,
        cutoff=f"{format_day(cutoff)}, {cutoff:%H:%M}", neighbourhoods=[places.get(h, {}).get("name", h) for h in partnership.places],
        results=results, changes=changes, charts=charts, summaries=summaries, notes=notes,
        actions=reviews.actions_for_review(con, partnership_id, review_date, as_of, previous_as_of, next_review),
        titles={r.goal.goal_id: r.goal.statement for r in results}, place_names={k: v["name"] for k, v in places.items()},
        measure_names={k: m.name for k, m in measures.items()}, units={k: m.unit for k, m in measures.items()},
        latest=lambda r: f"{format_value(r.assessment.latest_value, r.measure.unit)} ({format_month(r.assessment.latest_period_end)})" if r.assessment.latest_value is not None else "–",
        scope_name=lambda r: readmodel.scope_name(r.goal, {partnership_id: partnership.name}, places),
        css=(TEMPLATE_DIR / "boardpack.css").read_text(encoding="utf-8"), illustrative=is_demo(con),
    )


def write_board_pack(con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, out: str | Path, actor: str = "cli") -> Path:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(board_pack_html(con, partnership_id, review_date, actor=actor), encoding="utf-8")
    return path
