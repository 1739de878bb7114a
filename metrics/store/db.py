"""The DuckDB store: where the database lives, its schema and migrations, and
the one way to write to it.

Writes go through `write_batch`, which runs in one transaction and records a
batch (who, what, when) so that an import or an edit either lands whole or not
at all (sqlite-utils' `atomic()`, Datasette's single write path).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = PROJECT_ROOT / "data" / "schema"
DEFAULT_DB = PROJECT_ROOT / "data" / "outcomes.duckdb"
T = TypeVar("T")

# Every kind that keeps history (docs/methods.md, "What did we know on that day?"), with its key.
VERSIONED_TABLES: dict[str, tuple[str, ...]] = {
    "places": ("place_id",),
    "place_areas": ("place_id", "area_code"),
    "measures": ("measure_id",),
    "partnerships": ("partnership_id",),
    "goals": ("goal_id",),
    "observations": ("measure_id", "place_id", "period_start", "period_end"),
    "notes": ("note_id",),
    "actions": ("action_id",),
    "events": ("event_id",),
    "spc_phases": ("measure_id", "place_id", "start_date"),
    "measure_breaks": ("measure_id", "date"),
}


class StoreError(Exception):
    """A problem with the database a user can act on (message says how)."""


class DatabaseInUse(StoreError):
    """Another process (usually the app) holds the database file."""


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> tuple | None:
    """The first row of a query, or None.

    Always fetches the whole result: DuckDB 2.0 keeps a partly fetched result
    open and refuses other work on the connection until it is finished.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def dict_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """A query's rows as dicts keyed by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def fetched_in_chunks(cur: duckdb.DuckDBPyConnection, size: int = 10_000) -> Iterator[tuple]:
    """A result's rows, `size` at a time: all of a national read's rows as
    Python tuples at once took several hundred MB that stayed taken after
    they were used (issue 23, finding 9). Fetch every row before running
    another statement on the connection (see `one`)."""
    while rows := cur.fetchmany(size):
        yield from rows


@contextlib.contextmanager
def memory_limit(con: duckdb.DuckDBPyConnection, limit: str) -> Iterator[None]:
    """DuckDB's memory limit lowered for one long job (an import in parts, a
    publish), then reset to DuckDB's default (nothing else here sets it):
    what the job holds beyond it goes to DuckDB's temporary files, and its
    allocator returns what it freed early (DuckDB otherwise keeps up to 80%
    of the machine's memory for itself). Reset, not set back: DuckDB shows
    the limit rounded ("18.8 GiB"), and setting that back lowered the limit
    a little every time."""
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET allocator_flush_threshold = '16MB'")
    try:
        yield
    finally:
        con.execute("RESET memory_limit")
        con.execute("RESET allocator_flush_threshold")


def within_memory(con: duckdb.DuckDBPyConnection, limit: str, job: Callable[[], T]) -> T:
    """`job()` with DuckDB's memory held to `limit` (`memory_limit`); when
    DuckDB cannot do it within that, once more with its usual limit, so a
    larger data set than the limit was chosen for costs memory, never the
    job. Only for a job that is safe to run again: reads, and writes in a
    batch that rolled back when DuckDB ran out."""
    try:
        with memory_limit(con, limit):
            return job()
    except duckdb.OutOfMemoryException:
        return job()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The single value of a one-row, one-column query (see `one`)."""
    row = one(con, sql, params)
    return None if row is None else row[0]


def resolve_db_path(db: str | os.PathLike[str] | None = None) -> Path:
    """`--db PATH`, else `$OUTCOMES_DB`, else `data/outcomes.duckdb` (docs/architecture.md)."""
    if db:
        return Path(db)
    env = os.environ.get("OUTCOMES_DB")
    if env:
        return Path(env)
    return DEFAULT_DB


def migrations() -> list[tuple[int, Path]]:
    """The schema files in data/schema, as (version, path), in order.

    Two files with the same number (two branches that each added "their" next
    version) would apply both and then fail on the version table, so they are
    refused here, by name, before anything is touched.
    """
    found: dict[int, Path] = {}
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        m = re.match(r"(\d+)_", path.name)
        if not m:
            continue
        version = int(m.group(1))
        if version in found:
            raise StoreError(
                f"Two schema files share version {version}: {found[version].name} and {path.name}. "
                "Renumber the later one to the next free version; each version must be applied once."
            )
        found[version] = path
    return sorted(found.items())


LATEST_SCHEMA_VERSION = migrations()[-1][0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open database (0 for a new, empty file)."""
    exists = scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
    if not exists:
        return 0
    return int(scalar(con, "SELECT max(version) FROM schema_version") or 0)


def migrate(con: duckdb.DuckDBPyConnection, up_to: int | None = None) -> int:
    """Bring the schema up to date (or up to version `up_to`) in one
    transaction: every pending version lands, or none does (the database
    stays as it was and usable).

    Returns the number of versions applied. A database made by an older
    version of the app is upgraded in place rather than refused; a restore
    builds a backup's schema version from these same files (never from SQL
    the backup carries: metrics.store.backup).
    """
    current = schema_version(con)
    pending = [(v, path) for v, path in migrations() if v > current and (up_to is None or v <= up_to)]
    if not pending:
        return 0
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
        for version, path in pending:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, utc_now()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(pending)


def open_database(
    db: str | os.PathLike[str] | None = None,
    read_only: bool = False,
    before_upgrade: Callable[[duckdb.DuckDBPyConnection], object] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating when needed) the database; metrics.store.connect
    is this with a backup taken before an upgrade (`before_upgrade`).

    DuckDB lets one process write a file at a time; when another program holds
    it the error says which and what to do instead of a traceback.
    """
    path = resolve_db_path(db)
    if read_only and not path.exists():
        raise StoreError(f"There is no database at {path}. Create it with: python -m metrics init --db {path}")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            holder = re.search(r"PID (\d+)", text)
            who = f" (process {holder.group(1)})" if holder else ""
            raise DatabaseInUse(
                f"The database {path} is in use by another program{who}, probably the app. "
                "Stop that program, or import through the app's Data page, then try again."
            ) from None
        if "not a valid DuckDB database" in text:
            raise StoreError(
                f"{path} is not a database this app can open (it is some other kind of file). "
                "Check the --db path; a new database is created when the file does not exist."
            ) from None
        raise StoreError(f"Cannot open the database {path}: {text}") from None
    except duckdb.Error as exc:
        raise StoreError(
            f"{path} is not a database this app can open ({exc}). "
            "Check the --db path; a new database is created when the file does not exist."
        ) from None
    if not read_only:
        try:
            if before_upgrade is not None and 0 < schema_version(con) < LATEST_SCHEMA_VERSION:
                before_upgrade(con)  # an older database is copied to backups/ beside it first
            migrate(con)
        except BaseException as exc:
            con.close()
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"The database {path} could not be upgraded ({exc}). Each step is a transaction, so it was left as it was; "
                    f"a backup taken before the upgrade is in {path.parent / 'backups'}."
                ) from None
            raise
    elif schema_version(con) < LATEST_SCHEMA_VERSION:
        con.close()
        raise StoreError(f"The database {path} needs upgrading; open it once without read-only access.")
    return con


def utc_now() -> dt.datetime:
    """The current time in UTC, without a zone (how the store keeps times)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes on every write: the key for cached queries."""
    value = scalar(con, "SELECT value FROM meta WHERE key = 'data_version'")
    return int(value) if value is not None else 0


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when no batch has ever been written."""
    return scalar(con, "SELECT count(*) FROM batches") == 0


@dataclass(frozen=True)
class Batch:
    """One write: its id, the time every row it writes is recorded at, and the
    partnerships it touches (for the audit trail)."""

    batch_id: int
    at: dt.datetime
    partnerships: set[str] = field(default_factory=set, compare=False)

    def touch(self, partnerships: Iterable[str]) -> None:
        self.partnerships.update(partnerships)


# Batches that write no versioned rows, only the review calendar: they keep
# the time they happened and stay out of the clock that orders the data's
# history (a seeded or back-dated history must not be pushed past them).
CALENDAR_ACTIONS = ("review recorded", "review frozen", "pack archived")


def _next_batch_time(con: duckdb.DuckDBPyConnection, at: dt.datetime | None, action: str) -> dt.datetime:
    """A batch time strictly after every earlier batch that wrote data.

    As-of views compare times, so two writes must never share a timestamp,
    even when the clock is coarse or has stepped back.
    """
    at = at or utc_now()
    if action in CALENDAR_ACTIONS:
        return at
    marks = ", ".join("?" * len(CALENDAR_ACTIONS))
    last = scalar(con, f"SELECT max(happened_at) FROM batches WHERE action NOT IN ({marks})", list(CALENDAR_ACTIONS))
    if last is not None and at <= last:
        at = last + dt.timedelta(microseconds=1)
    return at


# One writer at a time in this process (Datasette's single write path): the
# app serves many sessions from one connection's cursors, and DuckDB would
# otherwise answer two overlapping writes with a transaction conflict. Dry
# runs (an import's preview) write and roll back, so they queue here too.
_WRITE_LOCK = threading.RLock()


@contextlib.contextmanager
def serialised() -> Iterator[None]:
    """Hold the process's write lock for a block of writes (or a dry run)."""
    with _WRITE_LOCK:
        yield


@contextlib.contextmanager
def write_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    actor: str,
    action: str,
    files: str | None = None,
    reason: str | None = None,
    at: dt.datetime | None = None,
    partnerships: Iterable[str] | None = None,
) -> Iterator[Batch]:
    """Run a write as one transaction and record it as a batch.

    Commits when the block finishes, rolls everything back (and re-raises) when
    it fails, so a failed import leaves the database exactly as it was.
    `at` back-dates a batch (used only to seed the demo's history).
    `partnerships` names the partnerships the write touches ('*' for shared
    data), which decides which admins see it in the audit trail; the block may
    add to it through `Batch.touch` once it knows.
    """
    with _WRITE_LOCK:
        yield from _write_batch(con, actor, action, files, reason, at, partnerships)


def _write_batch(con, actor, action, files, reason, at, partnerships) -> Iterator[Batch]:
    con.execute("BEGIN TRANSACTION")
    try:
        when = _next_batch_time(con, at, action)
        batch_id = scalar(con, "SELECT coalesce(max(batch_id), 0) + 1 FROM batches")
        con.execute(
            "INSERT INTO batches (batch_id, happened_at, actor, action, files, reason) VALUES (?, ?, ?, ?, ?, ?)",
            [batch_id, when, actor, action, files, reason],
        )
        batch = Batch(batch_id, when, set(partnerships or ()))
        yield batch
        con.execute("UPDATE batches SET partnerships = ? WHERE batch_id = ?", [sorted(batch.partnerships) or None, batch_id])
        con.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'"
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


LONDON = "Europe/London"


def parse_as_of(text: str) -> dt.datetime:
    """`--as-of` as a UTC time (docs/methods.md, "What did we know on that day?").

    A date (2026-03-31) means the end of that day in Europe/London; a time
    without an offset (2026-03-31T14:00) is London time; a time with an offset
    or Z is taken as given.
    """
    from zoneinfo import ZoneInfo

    text = text.strip()
    london = ZoneInfo(LONDON)
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=london) - dt.timedelta(microseconds=1)
            return end.astimezone(dt.UTC).replace(tzinfo=None)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise StoreError(f'"{text}" is not a date or time. Use 2026-03-31 (the end of that day, UK time) or 2026-03-31T14:00.') from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=london)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def as_of_day(as_of: dt.datetime | None = None) -> dt.date:
    """The day (in Europe/London) an as-of time falls on: the day a judgement
    is made for. Without a time, today."""
    from zoneinfo import ZoneInfo

    moment = (as_of or utc_now()).replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(LONDON)).date()


def as_of_filter(as_of: dt.datetime | None, alias: str = "") -> str:
    """SQL condition selecting the rows known at `as_of` (docs/methods.md, "What did we know on that day?").

    Without a time, the current rows. The time is formatted into the SQL as a
    literal so the condition can be used inside views and CTEs.
    """
    p = f"{alias}." if alias else ""
    if as_of is None:
        return f"{p}superseded_at IS NULL"
    t = f"TIMESTAMP '{as_of.isoformat(sep=' ')}'"
    return f"{p}recorded_at <= {t} AND ({p}superseded_at IS NULL OR {p}superseded_at > {t})"
