"""Delivery board reviews: their dates, their frozen as-of times, and what
changed between two reviews (docs/methods.md, "What did we know on that day?").

A review's pack is computed as of the end of the review day (UK time), or as
of the moment it is first produced if that is earlier, and that time is
frozen in the `reviews` table the first time: reprinting the pack later gives
the same numbers, whatever was imported or revised since. "Changes since the
last review" is the difference between the two reviews' as-of views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from metrics.methods.series import SeriesChange
from metrics.read import readmodel, views
from metrics.store import as_of_filter, dict_rows, parse_as_of

DONE = ("done", "dropped")


def end_of_day(day: dt.date) -> dt.datetime:
    """The end of a day in Europe/London, as the store's UTC time."""
    return parse_as_of(day.isoformat())


def is_recorded(con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date) -> bool:
    """True when the review date is in the reviews table (met, or its pack made)."""
    return bool(con.execute(
        "SELECT count(*) FROM reviews WHERE partnership_id = ? AND review_date = ?", [partnership_id, review_date]
    ).fetchall()[0][0])


def review_as_of(con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date) -> dt.datetime | None:
    """The review's frozen as-of time, or None when its pack was never made.

    Freezing (metrics.edits.freeze_review) is a steward's audited write: the
    end of the review day, or the moment the pack is first made if the day has
    not ended, so nothing recorded later can change that pack."""
    rows = con.execute(
        "SELECT as_of FROM reviews WHERE partnership_id = ? AND review_date = ?", [partnership_id, review_date]
    ).fetchall()
    return rows[0][0] if rows and rows[0][0] is not None else None


def previous_review(con: duckdb.DuckDBPyConnection, partnership: views.Partnership, review_date: dt.date) -> tuple[dt.date, dt.datetime] | None:
    """The review held before `review_date` and its as-of time (frozen if its pack
    was made, else the end of that day). Only a review the board held counts
    (recorded as met, or whose pack was frozen: `reviews_held`), never a date
    the calendar only planned: a first pack compares with nothing rather
    than with a review that never happened."""
    earlier = [d for d in reviews_held(con, [partnership.partnership_id], review_date)[partnership.partnership_id] if d < review_date]
    if not earlier:
        return None
    return earlier[-1], review_moment(con, partnership.partnership_id, earlier[-1])


def review_moment(con: duckdb.DuckDBPyConnection, partnership_id: str, day: dt.date) -> dt.datetime:
    """What a review knew: its frozen as-of time if its pack was made, else the end of its day."""
    return review_as_of(con, partnership_id, day) or end_of_day(day)


def reviews_held(
    con: duckdb.DuckDBPyConnection, partnership_ids: list[str], today: dt.date | None = None, as_of: dt.datetime | None = None
) -> dict[str, list[dt.date]]:
    """The reviews each partnership's board held up to `today` (default
    today), in order: the dates in the reviews table (recorded as met, or
    whose pack was made) on or before that day, and, given `as_of`, recorded
    by then (a view of the past does not know of a review recorded later).
    The calendar's planned dates are not reviews held (metrics.read.health)."""
    today = today or dt.date.today()
    out: dict[str, list[dt.date]] = {pid: [] for pid in partnership_ids}
    for pid, day in con.execute(
        "SELECT partnership_id, review_date FROM reviews WHERE partnership_id IN (SELECT unnest($1::VARCHAR[])) AND review_date <= $2"
        " AND ($3::TIMESTAMP IS NULL OR created_at <= $3) ORDER BY 1, 2",
        [list(partnership_ids), today, as_of],
    ).fetchall():
        out[pid].append(day)
    return out


def last_reviews(con: duckdb.DuckDBPyConnection, partnerships: list[views.Partnership], today: dt.date | None = None) -> dict[str, tuple[dt.date, dt.datetime] | None]:
    """Each partnership's last review held up to today (its date and what it
    knew), or None before the first: the `since` of "new data since the last
    review" on the Overview (readmodel.new_data_since), and the last review
    of its accountability health (metrics.read.health)."""
    held = reviews_held(con, [p.partnership_id for p in partnerships], today)
    out: dict[str, tuple[dt.date, dt.datetime] | None] = {}
    for p in partnerships:
        days = held[p.partnership_id]
        out[p.partnership_id] = (days[-1], review_moment(con, p.partnership_id, days[-1])) if days else None
    return out


def new_data_flags(
    con: duckdb.DuckDBPyConnection, goals: list[readmodel.Goal], partnerships: list[views.Partnership], today: dt.date | None = None
) -> dict[str, bool | None]:
    """For each goal, whether new data arrived since its partnership's last
    review (readmodel.new_data_since, the board pack's rule), or None before
    the first review: the Overview's "no new data since the last review"."""
    last = last_reviews(con, partnerships, today)
    since = {pid: (r[1] if r else None) for pid, r in last.items()}
    places = {p.partnership_id: p.places for p in partnerships}
    latest = readmodel.new_data_since(con, [g for g in goals if g.partnership_id in since], places, since)
    return {g.goal_id: (None if since.get(g.partnership_id) is None else latest.get(g.goal_id) is not None) for g in goals}


@dataclass
class Changes:
    """What changed between two as-of views of a partnership (docs/methods.md, "What did we know on that day?")."""

    status_changes: list[tuple[readmodel.Goal, str | None, str]] = field(default_factory=list)  # goal, before, after
    new_goals: list[readmodel.Goal] = field(default_factory=list)
    goal_revisions: list[tuple[str, dt.datetime, str | None]] = field(default_factory=list)  # goal_id, when, reason
    new_data: list[tuple[str, str, dt.date]] = field(default_factory=list)  # goal_id, measure, latest new period_end
    revised_figures: list[dict] = field(default_factory=list)  # measure_id, place_id, period_end, old, new, when
    stale_goals: list[str] = field(default_factory=list)  # goal ids with no new data since the last review
    change_points: list[tuple[str, str, SeriesChange]] = field(default_factory=list)  # measure_id, scope, the change point
    breaks: list[tuple[str, SeriesChange]] = field(default_factory=list)  # measure_id, the break


def recorded_changes(
    con: duckdb.DuckDBPyConnection, results: list[readmodel.GoalResult], before: dt.datetime | None, after: dt.datetime
) -> tuple[list[tuple[str, str, SeriesChange]], list[tuple[str, SeriesChange]]]:
    """The SPC change points (for the goals' scopes) and series breaks (for
    their measures) recorded after `before` and by `after` (every one known
    at `after` when there is no earlier review), each once, in date order:
    what the board's "changes since the last review" lists."""
    changes = readmodel.series_changes(con, sorted({(r.goal.scope, r.goal.measure_id) for r in results}), after)
    known = {(m, scope, c) for (scope, m), found in changes.items() for c in found}
    new = [(m, scope, c) for m, scope, c in known if before is None or (c.recorded_at is not None and c.recorded_at > before)]
    points = sorted(((m, scope, c) for m, scope, c in new if c.kind == "phase"), key=lambda t: (t[2].date, t[0], t[1]))
    breaks = sorted({(m, c) for m, _, c in new if c.kind == "break"}, key=lambda t: (t[1].date, t[0]))
    return points, breaks


def changes_between(
    con: duckdb.DuckDBPyConnection, partnership: views.Partnership, before: dt.datetime | None, after: dt.datetime
) -> Changes:
    """The changes from the `before` view to the `after` view of one partnership."""
    pid = partnership.partnership_id
    now_results = {r.goal.goal_id: r for r in readmodel.goal_results(con, as_of=after, partnership=pid)}
    then_results = {r.goal.goal_id: r for r in readmodel.goal_results(con, as_of=before, partnership=pid)} if before else {}
    out = Changes()
    for goal_id, r in sorted(now_results.items()):
        old = then_results.get(goal_id)
        if old is None:
            out.new_goals.append(r.goal)
        elif old.assessment.status != r.assessment.status:
            out.status_changes.append((r.goal, old.assessment.status, r.assessment.status))
    out.change_points, out.breaks = recorded_changes(con, list(now_results.values()), before, after)
    if before is None:
        return out
    for row in dict_rows(
        con,
        """SELECT goal_id, recorded_at, change_reason FROM goals
           WHERE partnership_id = ? AND recorded_at > ? AND recorded_at <= ?
             AND goal_id IN (SELECT goal_id FROM goals WHERE recorded_at <= ?)
           ORDER BY recorded_at, goal_id""",
        [pid, before, after, before],
    ):
        out.goal_revisions.append((row["goal_id"], row["recorded_at"], row["change_reason"]))
    places = {pid: partnership.places}
    latest_new = readmodel.new_data_since(con, [r.goal for r in now_results.values()], places, {pid: before}, after)
    for goal_id, r in sorted(now_results.items()):
        if latest_new[goal_id] is not None:
            out.new_data.append((goal_id, r.measure.name, latest_new[goal_id]))
        else:
            out.stale_goals.append(goal_id)
    place_measures = sorted({(p, r.goal.measure_id) for r in now_results.values() for p in readmodel.goal_places(r.goal, places)})
    if place_measures:
        pairs = readmodel.PAIRS_SQL.format(key="place_id")
        out.revised_figures = dict_rows(
            con,
            f"""SELECT old.measure_id, old.place_id, old.period_start, old.period_end, old.figure AS old_figure, new.figure AS new_figure,
                       new.recorded_at AS revised_at
                FROM observations old
                JOIN observations new ON new.measure_id = old.measure_id AND new.place_id = old.place_id
                     AND new.period_start = old.period_start AND new.period_end = old.period_end AND new.recorded_at = old.superseded_at
                JOIN ({pairs}) want ON want.measure_id = old.measure_id AND want.place_id = old.place_id
                WHERE old.superseded_at > $3 AND old.superseded_at <= $4 AND old.recorded_at <= $3
                ORDER BY old.measure_id, old.place_id, old.period_end""",
            [*readmodel.pairs_params(place_measures), before, after],
        )
    return out


def actions_for_review(
    con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date, as_of: dt.datetime,
    previous_as_of: dt.datetime | None, next_review: dt.date,
) -> dict[str, list[dict]]:
    """Actions as known at the review: overdue (open, due before the review),
    due (open, due by the next review) and done since the last review."""
    rows = dict_rows(
        con,
        f"SELECT * FROM actions WHERE partnership_id = ? AND {as_of_filter(as_of)} ORDER BY due_on, action_id",
        [partnership_id],
    )
    overdue = [r for r in rows if r["status"] == "open" and r["due_on"] < review_date]
    due = [r for r in rows if r["status"] == "open" and review_date <= r["due_on"] <= next_review]
    closed = [r for r in rows if r["status"] in DONE and (previous_as_of is None or r["recorded_at"] > previous_as_of)]
    return {"overdue": overdue, "due": due, "closed": closed}


# -- the archive of board packs -----------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedPack:
    """A board pack as it was first made for a review (metrics.edits.archive_pack)."""

    partnership_id: str
    review_date: dt.date
    as_of: dt.datetime
    methods_version: str
    methods: str  # JSON: the parameters of that version
    summary: str  # JSON: each goal's line of `status --json`, with its statement
    html: str
    sha256: str
    archived_at: dt.datetime


def archived_pack(con: duckdb.DuckDBPyConnection, partnership_id: str, review_date: dt.date) -> ArchivedPack | None:
    """The archived pack of a review, or None when none was made (or only by an
    older version of the app, before packs were archived)."""
    rows = dict_rows(
        con,
        """SELECT partnership_id, review_date, as_of, methods_version, methods, summary, html, sha256, archived_at
           FROM pack_archive WHERE partnership_id = ? AND review_date = ?""",
        [partnership_id, review_date],
    )
    return ArchivedPack(**rows[0]) if rows else None
