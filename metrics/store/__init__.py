"""The database: where it lives, its schema and migrations, the one write
path (every change a transaction and an audited batch), history and as-of
times (db.py), and backups (backup.py). Everything else reads and writes
through here, by the names below.

`connect` opens the database and, when it was made by an older version of
the app, backs it up (backup.py) before upgrading it (db.py): db.py itself
knows nothing of backups, so the two modules do not import each other.
"""

from __future__ import annotations

import os

import duckdb

from metrics.store import backup
from metrics.store.db import (
    CALENDAR_ACTIONS,
    DEFAULT_DB,
    LATEST_SCHEMA_VERSION,
    LONDON,
    PROJECT_ROOT,
    SCHEMA_DIR,
    VERSIONED_TABLES,
    Batch,
    DatabaseInUse,
    StoreError,
    as_of_day,
    as_of_filter,
    data_version,
    dict_rows,
    fetched_in_chunks,
    is_empty,
    memory_limit,
    migrate,
    migrations,
    one,
    open_database,
    parse_as_of,
    resolve_db_path,
    scalar,
    schema_version,
    serialised,
    utc_now,
    within_memory,
    write_batch,
)

__all__ = [
    "CALENDAR_ACTIONS", "DEFAULT_DB", "LATEST_SCHEMA_VERSION", "LONDON", "PROJECT_ROOT", "SCHEMA_DIR", "VERSIONED_TABLES",
    "Batch", "DatabaseInUse", "StoreError", "as_of_day", "as_of_filter", "backup", "connect", "data_version", "dict_rows", "fetched_in_chunks", "is_empty",
    "memory_limit", "migrate", "migrations", "one", "open_database", "parse_as_of", "resolve_db_path", "scalar", "schema_version",
    "serialised", "utc_now", "within_memory", "write_batch",
]


def connect(path: str | os.PathLike[str] | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database (`--db PATH`, else $OUTCOMES_DB, else data/outcomes.duckdb),
    creating it when new; an older database is backed up, then upgraded."""
    return open_database(path, read_only, before_upgrade=backup.backup_before_migration)
