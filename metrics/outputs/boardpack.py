"""The delivery board's pack: `python -m metrics board-pack`.

One self-contained HTML file (styles inline, charts as SVG, no scripts, no
external requests) that opens offline and prints to A4. Computed as of the
review's frozen time (metrics.read.reviews), with no clock anywhere in it.

The first pack made for a review is archived in the database (its bytes, the
methods version and parameters that made it, its as-of time and what it said
of each goal: metrics.edits.archive_pack), and every reprint is that archive,
byte for byte, whatever the code says since. `recompute_pack_html` shows
what today's methods say beside it, without changing it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import jinja2

from metrics import access, edits
from metrics.access import LOCAL, Permissions
from metrics.contract.demo import is_demo
from metrics.methods.explain import (
    assurance_label,
    break_sentence,
    format_day,
    format_month,
    format_value,
    phase_sentence,
    variation_label,
)
from metrics.methods.intervals import INTERVAL_MODEL_LABELS
from metrics.methods.stamp import methods_stamp
from metrics.outputs.charts import goal_chart, goal_chart_spec, markers_of
from metrics.outputs.svg import figure_to_svg
from metrics.outputs.templating import TEMPLATE_DIR, environment
from metrics.read import health, readmodel, reviews, views
from metrics.store import StoreError, as_of_filter, dict_rows, utc_now
from metrics.vocab import BENCHMARK_LABELS, STATUS_ICONS, STATUS_LABELS

PACK_TEMPLATE = "boardpack.html"


def _env() -> jinja2.Environment:
    return environment(
        icons=STATUS_ICONS, labels=STATUS_LABELS, variation=variation_label, assurance=assurance_label,
        bench=lambda c: BENCHMARK_LABELS.get(c or "not_compared"), break_sentence=break_sentence, phase_sentence=phase_sentence,
    )


def _partnership(con: duckdb.DuckDBPyConnection, partnership_id: str, perms: Permissions) -> views.Partnership:
    parts = {p.partnership_id: p for p in views.partnerships(con)}
    if partnership_id not in parts or not perms.can("viewer", partnership_id):
        raise StoreError(access.no_such_partnership(partnership_id, [p for p in parts if perms.can("viewer", p)], readable=True))
    return parts[partnership_id]


def board_pack_html(
    con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, perms: Permissions = LOCAL, actor: str = "cli"
) -> str:
    """The pack for one review, as HTML text.

    The archived pack when the review has one (anyone who may read the
    partnership). Otherwise the first pack of a review freezes its as-of time
    and is archived (a steward's audited writes, metrics.edits); a review
    frozen before packs were archived is drawn again from its frozen time, and
    archived when a steward reprints it."""
    _partnership(con, partnership_id, perms)
    archived = reviews.archived_pack(con, partnership_id, review_date)
    if archived is not None:
        access.require(perms, "viewer", partnership_id)
        return archived.html
    as_of = edits.freeze_review(con, perms, partnership_id, review_date, actor=actor)
    html, summary = render_pack(con, partnership_id, review_date, as_of)
    if perms.can("steward", partnership_id):
        s = methods_stamp()
        edits.archive_pack(con, perms, partnership_id, review_date, as_of, html, s.version, s.as_json(), summary, actor=actor)
    return html


def draft_pack_html(
    con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, perms: Permissions = LOCAL, now: dt.datetime | None = None
) -> str:
    """A draft of a review's pack, for the board to read before it meets: the
    data as known now (or at the end of the review day, if that has passed),
    marked "Draft: figures may still change" on every page. It reads only:
    no review is frozen and nothing is archived, so the pack the board then
    reviews is made (and frozen) from what is known on the day."""
    _partnership(con, partnership_id, perms)
    as_of = min(reviews.end_of_day(review_date), now or utc_now())
    html, _ = render_pack(con, partnership_id, review_date, as_of, draft=True)
    return html


def recompute_pack_html(con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, perms: Permissions = LOCAL) -> str:
    """What today's methods say about a review's data, beside what its archived
    pack said: the same as-of time, every goal's status and icons side by side
    (changes marked), then today's pack in full. Reads only: the archive stays
    as it is."""
    _partnership(con, partnership_id, perms)
    archived = reviews.archived_pack(con, partnership_id, review_date)
    if archived is None:
        raise StoreError(
            f"There is no archived pack for the review of {format_day(review_date)} yet: make it first "
            f"(python -m metrics board-pack --partnership {partnership_id} --review-date {review_date.isoformat()} --out FILE.html), then recompute."
        )
    then = {g["goal_id"]: g for g in json.loads(archived.summary)}
    html, summary = render_pack(con, partnership_id, review_date, archived.as_of, archived=archived, before=then)
    return html


def _summary(results: list[readmodel.GoalResult]) -> str:
    """What the pack said of each goal: its `status --json` line and its statement (for the archive)."""
    return json.dumps([{**r.status_json(), "statement": r.goal.statement} for r in results], ensure_ascii=False, sort_keys=True)


def render_pack(
    con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, as_of: dt.datetime,
    archived: reviews.ArchivedPack | None = None, before: dict[str, dict] | None = None, draft: bool = False,
) -> tuple[str, str]:
    """The pack of a review as of its frozen time, with today's methods, and
    its per-goal summary. With `archived`, a recomputation: a banner says so and
    a table sets each goal beside what the archived pack said (`before`)."""
    partnership = {p.partnership_id: p for p in views.partnerships(con, as_of)}.get(partnership_id) or next(
        p for p in views.partnerships(con) if p.partnership_id == partnership_id
    )
    previous = reviews.previous_review(con, partnership, review_date)
    previous_date, previous_as_of = previous if previous else (None, None)
    next_review = review_date + dt.timedelta(weeks=partnership.cadence_weeks)
    results = readmodel.goal_results(con, as_of=as_of, partnership=partnership_id)
    places = views.places(con, as_of)
    changes = reviews.changes_between(con, partnership, previous_as_of, as_of)
    benchmarks = readmodel.benchmark_series(con, results, as_of)
    markers = readmodel.goal_markers(con, results, as_of)

    charts, summaries, numbered = {}, {}, {}
    for r in results:
        summary = f"{r.measure.name}: " + r.explanation
        charts[r.goal.goal_id] = figure_to_svg(goal_chart_spec(goal_chart(r, benchmarks[r.goal.goal_id], markers[r.goal.goal_id])), summary, chart_id=f"chart-{r.goal.goal_id}")
        summaries[r.goal.goal_id] = summary
        numbered[r.goal.goal_id] = markers_of(markers[r.goal.goal_id])
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
    names = {partnership_id: partnership.name}
    scope_names = {r.goal.scope: readmodel.scope_name(r.goal, names, places) for r in results}
    compare = None
    if archived is not None:
        compare = [(r, (before or {}).get(r.goal.goal_id)) for r in results]
    html = _env().get_template(PACK_TEMPLATE).render(
        partnership=partnership, review_date=review_date, previous_date=previous_date, next_review=next_review,
        cutoff=f"{format_day(cutoff)}, {cutoff:%H:%M}", neighbourhoods=[places.get(h, {}).get("name", h) for h in partnership.places],
        results=results, changes=changes, charts=charts, summaries=summaries, notes=notes, markers=numbered,
        actions=reviews.actions_for_review(con, partnership_id, review_date, as_of, previous_as_of, next_review),
        titles={r.goal.goal_id: r.goal.statement for r in results}, place_names={k: v["name"] for k, v in places.items()},
        measure_names={k: m.name for k, m in measures.items()}, units={k: m.unit for k, m in measures.items()},
        scope_names=scope_names, intervals=INTERVAL_MODEL_LABELS, ages={r.goal.goal_id: health.promise_age(r) for r in results},
        latest=lambda r: f"{format_value(r.assessment.latest_value, r.measure.unit)} ({format_month(r.assessment.latest_period_end)})" if r.assessment.latest_value is not None else "–",
        scope_name=lambda r: scope_names[r.goal.scope],
        css=(TEMPLATE_DIR / "boardpack.css").read_text(encoding="utf-8"), illustrative=is_demo(con),
        stamp=methods_stamp(), archived=archived, compare=compare, draft=draft,
    )
    return html, _summary(results)


def write_board_pack(
    con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, out: str | Path, actor: str = "cli",
    recompute: bool = False, draft: bool = False,
) -> Path:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    if draft:
        html = draft_pack_html(con, partnership_id, review_date)
    elif recompute:
        html = recompute_pack_html(con, partnership_id, review_date)
    else:
        html = board_pack_html(con, partnership_id, review_date, actor=actor)
    path.write_text(html, encoding="utf-8")
    return path
