"""Backups in an open format, and restoring them (docs/architecture.md: `backup --out DIR`,
`restore DIR`).

A backup is a folder made by DuckDB's `EXPORT DATABASE ... (FORMAT parquet)`:
`schema.sql`, `load.sql` and one Parquet file per table, every table whole
(history, batches and reviews included, docs/methods.md, "What did we know on that day?"), readable by
any Parquet tool without this app. Beside them `manifest.json` records the
schema version, the rows of every table and a checksum of every file, so a
restore can prove it brought everything back.

A restore never executes SQL from a backup (its schema.sql and load.sql are
for other tools): the schema comes from the app's own migrations for the
backup's schema version, and only the Parquet files of tables the app knows
are loaded, columns checked.

A restore never works on the database in place: it loads into a new file
next to the target, checks it against the manifest, migrates it to the
current schema when the backup is older, and only then moves it over the
target in one rename. A restore that fails at any step leaves the target as
it was. A database that holds data is replaced only when asked (`force`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from metrics.store import db as store
from metrics.store.db import StoreError

MANIFEST = "manifest.json"
BACKUP_FORMAT = "outcomes-dashboard-backup"
FORMAT_VERSION = 1
# Tables that exist in a database with no data yet (made by `init`).
BOOKKEEPING_TABLES = ("schema_version", "meta")
_TABLE_NAME = re.compile(r"[a-z][a-z_]{0,62}")


@dataclass(frozen=True)
class BackupInfo:
    """What a backup holds, as its manifest says."""

    path: Path
    created_at: str
    schema_version: int
    app_version: str
    tables: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def summary_lines(self) -> list[str]:
        lines = [
            f"Backup {self.path}: schema version {self.schema_version}, made {self.created_at} by app {self.app_version}.",
        ]
        lines += [f"  {table}: {n:,} rows" for table, n in sorted(self.tables.items())]
        return lines


@dataclass(frozen=True)
class RestoreInfo:
    """What a restore did."""

    db_path: Path
    backup: BackupInfo
    replaced: bool  # an existing database (with or without data) was replaced
    migrated_from: int | None  # the backup's schema version when it was upgraded, else None
    schema_version: int

    def summary_lines(self) -> list[str]:
        verb = "Replaced" if self.replaced else "Created"
        lines = [f"{verb} {self.db_path} from the backup {self.backup.path} ({self.backup.rows:,} rows in {len(self.backup.tables)} tables, all checked)."]
        if self.migrated_from is not None:
            lines.append(f"The backup was made with schema version {self.migrated_from}; the database was upgraded to version {self.schema_version}.")
        return lines


# --- helpers -----------------------------------------------------------------

def _sql_string(text: str) -> str:
    """A SQL string literal (EXPORT/IMPORT DATABASE take no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _utc_stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def app_version() -> str:
    """The app's version: `metrics.__version__` when set, else the git commit."""
    import metrics

    version = getattr(metrics, "__version__", None)
    if version:
        return str(version)
    try:
        out = subprocess.run(
            ["git", "-C", str(store.PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        )
        return f"git {out.stdout.strip()}"
    except Exception:  # no git, not a checkout: the schema version still says what matters
        return "unknown"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    """Make a file (or a folder's entries) durable before it is relied on."""
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) if path.is_dir() else os.O_RDONLY
    try:
        fd = os.open(path, flags)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_database_file(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def open_existing(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open an existing database file as it is, without migrating it, with the
    messages `store.connect` gives (in use, not a database)."""
    if not path.exists():
        raise StoreError(f"There is no database at {path}. Check the --db path (or $OUTCOMES_DB).")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(
                f"The database {path} is in use by another program, probably the app. Stop that program, then try again."
            ) from None
        raise StoreError(
            f"{path} is not a database this app can open ({text}). Check the --db path."
        ) from None


def base_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the open database (not views, not temporary tables)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' AND table_catalog = current_database() ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per table of the open database."""
    return {t: int(store.scalar(con, f'SELECT count(*) FROM "{t}"')) for t in base_tables(con)}


def database_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind an open connection (None for an in-memory database)."""
    path = store.scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
    return Path(path) if path else None


# --- backup --------------------------------------------------------------------

def backup(con_or_path: duckdb.DuckDBPyConnection | str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> BackupInfo:
    """Write everything in the database to `out_dir` (see the module docstring).

    `out_dir` must not exist or be empty, so an older backup is never mixed
    with a new one. Given a path, the database is opened read-only and as it
    is (an older schema is backed up unchanged). The export and the row counts
    are taken in one transaction, so they describe the same moment.
    """
    out = Path(out_dir)
    if out.exists():
        if not out.is_dir():
            raise StoreError(f"{out} is a file, not a folder. Give a new folder for the backup, e.g. --out {_suggested_folder(out)}.")
        if any(out.iterdir()):
            raise StoreError(
                f"The folder {out} already exists and is not empty: a backup goes into a new or empty folder, "
                f"so that it never mixes with older files. Use e.g. --out {_suggested_folder(out)}."
            )
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        return _backup_connection(con_or_path, out)
    con = open_existing(store.resolve_db_path(con_or_path), read_only=True)
    try:
        return _backup_connection(con, out)
    finally:
        con.close()


def _suggested_folder(out: Path) -> Path:
    stamp = store.utc_now().strftime("%Y%m%dT%H%M%SZ")
    return out.parent / f"{out.name}-{stamp}"


def _backup_connection(con: duckdb.DuckDBPyConnection, out: Path) -> BackupInfo:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed into place when complete: a folder
    # named like the backup is always a whole backup.
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            version = store.schema_version(con)
            counts = row_counts(con)
            con.execute(f"EXPORT DATABASE {_sql_string(str(staging.resolve()))} (FORMAT parquet)")
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        files = {}
        for p in sorted(staging.iterdir()):
            _fsync(p)
            files[p.name] = {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        created = _utc_stamp(store.utc_now())
        manifest = {
            "format": BACKUP_FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": created,
            "app_version": app_version(),
            "duckdb_version": duckdb.__version__,
            "schema_version": version,
            "tables": counts,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        _fsync(staging / MANIFEST)
        if out.exists():
            out.rmdir()  # checked empty above
        staging.rename(out)
        _fsync(out.parent)
    except duckdb.Error as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"The backup could not be written to {out} ({exc}). Check the folder is writable and the disk has room.") from None
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoreError(f"The backup could not be written to {out} ({exc.strerror or exc}). Check the folder is writable and the disk has room.") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BackupInfo(out, created, version, manifest["app_version"], counts, files)


def backup_before_migration(
    con_or_path: duckdb.DuckDBPyConnection | str | os.PathLike[str], backups_dir: str | os.PathLike[str] | None = None
) -> BackupInfo | None:
    """Back up a database made by an older schema before it is upgraded.

    Returns None (and writes nothing) for a new file or one already at the
    current schema. The backup goes to `backups/<name>-v<version>-<UTC time>/`
    beside the database file (data/backups/... for the default database), or
    under `backups_dir`.
    """
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        return _backup_before_migration(con_or_path, database_path(con_or_path), backups_dir)
    path = store.resolve_db_path(con_or_path)
    if not path.exists():
        return None
    con = open_existing(path, read_only=True)
    try:
        return _backup_before_migration(con, path, backups_dir)
    finally:
        con.close()


def _backup_before_migration(con: duckdb.DuckDBPyConnection, path: Path | None, backups_dir: str | os.PathLike[str] | None) -> BackupInfo | None:
    version = store.schema_version(con)
    if version == 0 or version >= store.LATEST_SCHEMA_VERSION:
        return None
    if path is None and backups_dir is None:
        return None  # an in-memory database has nothing to lose on disk
    folder = Path(backups_dir) if backups_dir is not None else path.parent / "backups"
    stem = path.stem if path is not None else "database"
    name = f"{stem}-v{version}-{store.utc_now().strftime('%Y%m%dT%H%M%SZ')}"
    out = folder / name
    n = 2
    while out.exists():
        out = folder / f"{name}-{n}"
        n += 1
    try:
        return backup(con, out)
    except StoreError as exc:
        raise StoreError(f"The database needs upgrading, but a backup could not be taken first, so it was not changed. {exc}") from None


# --- reading and checking a backup ---------------------------------------------

def read_manifest(backup_dir: str | os.PathLike[str]) -> BackupInfo:
    """The manifest of a backup folder, checked for shape; a clear StoreError
    when the folder is not a backup or the manifest is damaged."""
    folder = Path(backup_dir)
    if not folder.is_dir():
        raise StoreError(f"There is no backup folder at {folder}. Give the folder made by: python -m metrics backup --out DIR")
    path = folder / MANIFEST
    if not path.exists():
        raise StoreError(
            f"{folder} has no {MANIFEST}, so it is not a complete backup made by this app (or the file was deleted). "
            "Without it the backup cannot be checked; restore from another backup folder."
        )
    damaged = f"The backup's {MANIFEST} in {folder} is damaged"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{damaged} ({exc}). Restore from another backup folder.") from None
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise StoreError(f"{damaged}, or the folder is not a backup made by this app. Restore from another backup folder.")
    if data.get("format_version") != FORMAT_VERSION:
        raise StoreError(
            f"The backup in {folder} uses backup format {data.get('format_version')!r}; this app reads format {FORMAT_VERSION}. "
            "Restore it with the version of the app that made it."
        )
    try:
        tables = {str(k): int(v) for k, v in data["tables"].items()}
        files = {str(k): {"bytes": int(v["bytes"]), "sha256": str(v["sha256"])} for k, v in data["files"].items()}
        version = int(data["schema_version"])
        created = str(data["created_at"])
        app = str(data.get("app_version", "unknown"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StoreError(f"{damaged} (missing or wrong entry: {exc}). Restore from another backup folder.") from None
    if not tables or "schema.sql" not in files or "load.sql" not in files:
        raise StoreError(f"{damaged} (it lists no tables or no schema). Restore from another backup folder.")
    # Only names a backup made by this app can hold: a table name of lower-case letters and _, its Parquet
    # file, and DuckDB's two SQL files (kept for other tools, never run here). No path leads out of the folder.
    odd = sorted(t for t in tables if not _TABLE_NAME.fullmatch(t)) + sorted(
        f for f in files if f not in ("schema.sql", "load.sql") and not (f.endswith(".parquet") and f.removesuffix(".parquet") in tables)
    )
    if odd:
        raise StoreError(f"{damaged}: it names {', '.join(repr(x) for x in odd[:5])}, which no backup made by this app holds. Restore from another backup folder.")
    return BackupInfo(folder, created, version, app, tables, files)


def verify_backup(backup_dir: str | os.PathLike[str]) -> BackupInfo:
    """Read the manifest and check every file it lists is there, whole."""
    info = read_manifest(backup_dir)
    for name, expected in info.files.items():
        p = info.path / name
        if not p.is_file():
            raise StoreError(f"The backup in {info.path} is incomplete: {name} is missing. Restore from another backup folder.")
        if p.stat().st_size != expected["bytes"] or _sha256(p) != expected["sha256"]:
            raise StoreError(
                f"The backup in {info.path} is damaged: {name} is not the file that was backed up (its checksum differs). "
                "Restore from another backup folder."
            )
    if info.schema_version > store.LATEST_SCHEMA_VERSION:
        raise StoreError(
            f"The backup in {info.path} was made by a newer version of the app (schema version {info.schema_version}; "
            f"this one knows up to {store.LATEST_SCHEMA_VERSION}). Update the app, then restore."
        )
    return info


# --- restore -------------------------------------------------------------------

def _existing_data(path: Path) -> tuple[int, int] | None:
    """(tables with rows, rows) of the database at `path`, or None when there
    is nothing to lose (no file, an empty file, a database with no data).

    Opening it read-write also folds a leftover write-ahead log into the file,
    so the rename that replaces it leaves no old log behind."""
    if not path.exists() or (path.is_file() and path.stat().st_size == 0):
        return None
    if path.is_dir():
        raise StoreError(f"{path} is a folder. Give the path of a database file with --db.")
    con = open_existing(path, read_only=False)
    try:
        counts = {t: n for t, n in row_counts(con).items() if t not in BOOKKEEPING_TABLES and n}
    finally:
        con.close()
    return (len(counts), sum(counts.values())) if counts else None


def restore(
    backup_dir: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None, force: bool = False
) -> RestoreInfo:
    """Restore a backup into `db_path` (see the module docstring).

    Refuses a database that holds data unless `force`; the database must not
    be open in any program (stop the app first).
    """
    info = verify_backup(backup_dir)
    target = store.resolve_db_path(db_path)
    existing = _existing_data(target)
    if existing is not None and not force:
        tables, rows = existing
        raise StoreError(
            f"{target} already holds data ({rows:,} rows in {tables} tables). Restoring would replace all of it. "
            f"To replace it, run again with --force (python -m metrics restore {info.path} --db {target} --force); "
            "to keep it, restore into a new --db path."
        )
    replaced = target.exists()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.restore-{os.getpid()}.duckdb"
    _remove_database_file(tmp)
    try:
        migrated_from, version = _restore_into(info, tmp, target)
        _fsync(tmp)
        os.replace(tmp, target)
        # A log left by the replaced database must never be replayed onto this one.
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}.wal").unlink()
        _fsync(target.parent)
    except BaseException:
        _remove_database_file(tmp)
        raise
    return RestoreInfo(target, info, replaced, migrated_from, version)


def _load_tables(con: duckdb.DuckDBPyConnection, info: BackupInfo, untouched: str) -> None:
    """Build the backup's schema from the app's own migrations (data/schema,
    up to the backup's version), then load each table the app knows from its
    Parquet file, column by column. Nothing the backup carries is executed:
    its schema.sql and load.sql are for other tools, and a backup that names
    a table this schema version does not have is refused."""
    if info.schema_version < 1:
        raise StoreError(f"The backup in {info.path} says schema version {info.schema_version}, which no app made. {untouched}")
    store.migrate(con, up_to=info.schema_version)
    known = set(base_tables(con))
    unknown = sorted(set(info.tables) - known)
    if unknown:
        raise StoreError(
            f"The backup in {info.path} lists table{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}, which schema version "
            f"{info.schema_version} of this app does not have. It was not made by this app, or was changed. {untouched}"
        )
    missing = sorted(known - set(info.tables))
    if missing:
        raise StoreError(f"The backup in {info.path} has no {', '.join(missing)} (schema version {info.schema_version} has them). {untouched}")
    con.execute("BEGIN TRANSACTION")
    try:
        for table in sorted(info.tables):
            con.execute(f'DELETE FROM "{table}"')  # what the migrations wrote (versions applied now) gives way to the backup's own
            path = str((info.path / f"{table}.parquet").resolve())
            want = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
            got = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet($1)", [path]).fetchall()]
            if sorted(got) != sorted(want):
                raise StoreError(
                    f"The backup in {info.path}: {table}.parquet has columns {', '.join(got)}; schema version {info.schema_version} "
                    f"has {', '.join(want)}. The backup may be damaged. {untouched}"
                )
            cols = ", ".join(f'"{c}"' for c in want)
            con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM read_parquet($1)', [path])
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        raise StoreError(f"The backup in {info.path} could not be read back ({exc}). {untouched}") from None
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _restore_into(info: BackupInfo, tmp: Path, target: Path) -> tuple[int | None, int]:
    untouched = f"Nothing was changed at {target}."
    try:
        con = duckdb.connect(str(tmp))
    except duckdb.Error as exc:
        raise StoreError(f"Cannot create a new database file in {tmp.parent} ({exc}). {untouched}") from None
    try:
        _load_tables(con, info, untouched)
        counts = row_counts(con)
        for table, expected in sorted(info.tables.items()):
            got = counts.get(table)
            if got != expected:
                found = "is missing" if got is None else f"has {got:,} rows"
                raise StoreError(
                    f"The backup in {info.path} did not restore completely: table {table} {found}, "
                    f"its manifest says {expected:,}. The backup may be damaged. {untouched}"
                )
        restored_version = store.schema_version(con)
        if restored_version != info.schema_version:
            raise StoreError(
                f"The backup in {info.path} holds schema version {restored_version}, its manifest says {info.schema_version}. "
                f"The backup may be damaged. {untouched}"
            )
        try:
            applied = store.migrate(con)
        except duckdb.Error as exc:
            raise StoreError(f"The backup was read but could not be upgraded to the current schema ({exc}). {untouched}") from None
        version = store.schema_version(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return (info.schema_version if applied else None), version
