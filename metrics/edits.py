"""The changes people make in the app, one function each, shared with the
command line: record or approve a note, record an action or change its
status, save a goal, record a review date, freeze a review for its pack.

Each checks on the server, against the row as it is stored now, that the
person may make the change (metrics.access), and each is one audited batch
(metrics.store.db.write_batch). Rows go through the importer, so a typed row
gets exactly the checks and messages of an imported file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import duckdb

from metrics import access
from metrics.access import PermissionDenied, Permissions
from metrics.contract.importer import ImportResult, import_sheets
from metrics.contract.readers import sheet_from_records
from metrics.methods.explain import format_day
from metrics.read import reviews
from metrics.store import StoreError, dict_rows, utc_now, write_batch

NOTE_FIELDS = ("note_id", "recorded_on", "partnership_id", "place_id", "goal_id", "domain", "voice", "text", "source", "consent")
ACTION_FIELDS = ("action_id", "partnership_id", "goal_id", "description", "owner", "agreed_on", "due_on", "status")


def _stored(con: duckdb.DuckDBPyConnection, table: str, key: str, value: str) -> dict | None:
    rows = dict_rows(con, f"SELECT * FROM {table} WHERE {key} = ? AND superseded_at IS NULL", [value])
    return rows[0] if rows else None


def _import_one(con, perms: Permissions, kind: str, record: dict, label: str, action: str, actor: str, reason: str | None = None) -> ImportResult:
    return import_sheets(con, [sheet_from_records(kind, [record], file=label)], [label], reason=reason, actor=actor, action=action, perms=perms)


def record_note(con: duckdb.DuckDBPyConnection, perms: Permissions, record: dict, actor: str) -> ImportResult:
    """A note typed into the app (the note form)."""
    return _import_one(con, perms, "notes", record, "note form", "note recorded", actor)


def approve_note(
    con: duckdb.DuckDBPyConnection, perms: Permissions, note_id: str, wording: str, approved_by: str, approved_on: dt.date, actor: str
) -> ImportResult:
    """Approve a stored note for publication in the given wording.

    The note is read as stored: the person must be a steward of the
    partnership that owns it, and only a note with public consent can be
    approved (the importer says so otherwise)."""
    note = _stored(con, "notes", "note_id", note_id)
    if note is None:
        raise StoreError(f'There is no note "{note_id}". It may have been removed; reload the page.')
    access.require(perms, "steward", note["partnership_id"])
    row = {k: note[k] for k in NOTE_FIELDS}
    row.update(approved_wording=wording, approved_by=approved_by, approved_on=approved_on)
    return _import_one(con, perms, "notes", row, "approval form", "note approval", actor)


def record_action(con: duckdb.DuckDBPyConnection, perms: Permissions, record: dict, actor: str) -> ImportResult:
    """An action agreed at a review, typed into the app."""
    return _import_one(con, perms, "actions", {**record, "status": record.get("status") or "open"}, "action form", "action recorded", actor)


def set_action_status(con: duckdb.DuckDBPyConnection, perms: Permissions, action_id: str, status: str, actor: str) -> ImportResult:
    """Change a stored action's status (open, done, dropped); the rest of the
    action stays as stored."""
    act = _stored(con, "actions", "action_id", action_id)
    if act is None:
        raise StoreError(f'There is no action "{action_id}". It may have been removed; reload the page.')
    access.require(perms, "steward", act["partnership_id"])
    row = {k: act[k] for k in ACTION_FIELDS}
    row["status"] = status
    return _import_one(con, perms, "actions", row, "action update", "action update", actor)


def save_goal(con: duckdb.DuckDBPyConnection, perms: Permissions, record: dict, actor: str, reason: str | None = None) -> ImportResult:
    """Add or change a goal from the goals editor. A change to its baseline,
    target or dates needs `reason`; a goal stays with the partnership that
    owns it unless the person is a steward of both (the importer checks)."""
    return _import_one(con, perms, "goals", record, "goals form", "goal edit", actor, reason=reason)


def id_from_name(name: str, taken: Iterable[str] = (), longest: int = 40) -> str:
    """An id made from what a person typed (docs/data-contract.md: a lower-case
    slug): "King's Cross & Somers Town" -> "kings-cross-somers-town"; a number
    is added when the id is taken ("-2", "-3", ...). The forms show it, and let
    it be changed under "Advanced"."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]", "", text)
    base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:longest].strip("-") or "item"
    taken = set(taken)
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[: longest - len(str(n)) - 1]}-{n}"
    return candidate


def save_neighbourhood(
    con: duckdb.DuckDBPyConnection, perms: Permissions, place_id: str, name: str, area_codes: list[str],
    partnership_id: str, actor: str, partnership_name: str | None = None,
) -> ImportResult:
    """A neighbourhood made of official areas, from the Data page: the place,
    its areas (place_areas) and its partnership (an existing one gains it; with
    `partnership_name`, a new one holding it), in one audited batch through the
    importer, so every check of an imported file applies (codes, areas counted
    twice, who may change the partnership)."""
    existing = _stored(con, "partnerships", "partnership_id", partnership_id)
    if existing is not None:
        hoods = list(existing["places"] or [])
        partnership = {k: existing[k] for k in ("partnership_id", "name", "review_every_weeks", "members", "description")}
        partnership["places"] = hoods + ([place_id] if place_id not in hoods else [])
    else:
        partnership = {"partnership_id": partnership_id, "name": partnership_name or partnership_id, "places": [place_id]}
    stored_place = _stored(con, "places", "place_id", place_id)
    place = {"place_id": place_id, "name": name, "level": "neighbourhood",
             "parent_id": (stored_place or {}).get("parent_id"), "code": (stored_place or {}).get("code")}
    sheets = [
        sheet_from_records("places", [place], file="neighbourhood form"),
        sheet_from_records("place_areas", [{"place_id": place_id, "area_code": c} for c in area_codes], file="neighbourhood form"),
        sheet_from_records("partnerships", [partnership], file="neighbourhood form"),
    ]
    return import_sheets(con, sheets, ["neighbourhood form"], actor=actor, action="neighbourhood saved", perms=perms)


def record_review(
    con: duckdb.DuckDBPyConnection, perms: Permissions, partnership_id: str, review_date: dt.date, actor: str, now: dt.datetime | None = None
) -> bool:
    """Record the date a board met (it replaces the nearby cadence date);
    returns False when that date was already recorded. A steward's change,
    audited like every other; `now` (UTC) is when it is recorded (the demo
    replays its history), which a view as of an earlier time does not see."""
    access.require(perms, "steward", partnership_id)
    if reviews.is_recorded(con, partnership_id, review_date):
        return False
    now = now or utc_now()
    with write_batch(con, actor=actor, action="review recorded", reason=f"{partnership_id} met on {review_date.isoformat()}", at=now, partnerships=[partnership_id]):
        con.execute(
            "INSERT INTO reviews (partnership_id, review_date, as_of, created_at) VALUES (?, ?, NULL, ?)",
            [partnership_id, review_date, now],
        )
    return True


def freeze_review(
    con: duckdb.DuckDBPyConnection, perms: Permissions, partnership_id: str, review_date: dt.date, actor: str, now: dt.datetime | None = None
) -> dt.datetime:
    """The review's as-of time, frozen the first time its pack is made.

    Freezing fixes what the pack of that review will say for ever, so only a
    steward or admin may do it; once frozen, anyone who may read the
    partnership may reprint the pack (nothing is written then)."""
    frozen = reviews.review_as_of(con, partnership_id, review_date)
    if frozen is not None:
        access.require(perms, "viewer", partnership_id)
        return frozen
    if not perms.can("steward", partnership_id):
        raise PermissionDenied(
            f"The pack for the review of {format_day(review_date)} has not been made yet. Making it freezes what it will say, "
            f"so a steward or admin of {partnership_id} makes it first; after that you can download it."
        )
    now = now or utc_now()
    as_of = min(reviews.end_of_day(review_date), now)
    reason = f"{partnership_id} review of {review_date.isoformat()} frozen as of {as_of.isoformat(sep=' ')} UTC"
    with write_batch(con, actor=actor, action="review frozen", reason=reason, at=now, partnerships=[partnership_id]):
        con.execute(
            """INSERT INTO reviews (partnership_id, review_date, as_of, created_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (partnership_id, review_date) DO UPDATE SET as_of = excluded.as_of""",
            [partnership_id, review_date, as_of, now],
        )
    return as_of


def archive_pack(
    con: duckdb.DuckDBPyConnection, perms: Permissions, partnership_id: str, review_date: dt.date, as_of: dt.datetime,
    html: str, methods_version: str, methods: str, summary: str, actor: str,
) -> bool:
    """Keep a review's pack as it was made (its bytes, the methods version and
    parameters, its as-of time and what it said of each goal), so every
    reprint is this archive whatever the code says later. Written once, by a
    steward or admin, in an audited batch; returns False when the review
    already has an archived pack (which is never replaced)."""
    access.require(perms, "steward", partnership_id)
    if reviews.archived_pack(con, partnership_id, review_date) is not None:
        return False
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    reason = f"{partnership_id} pack for the review of {review_date.isoformat()} archived (methods version {methods_version}, sha256 {digest[:12]})"
    with write_batch(con, actor=actor, action="pack archived", reason=reason, partnerships=[partnership_id]) as batch:
        con.execute(
            "INSERT INTO pack_archive VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [partnership_id, review_date, as_of, methods_version, methods, summary, html, digest, batch.at, batch.batch_id],
        )
    return True
