"""Backup and restore: everything, history and audit included, in Parquet;
a restore brings back the same tables and the same as-of views, refuses to
replace data unless asked, and leaves the target untouched when it fails."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import REPO, snapshot
from fixtures.schema_v1 import NEXT_VERSION_SQL, schema_dir_with_next_version

from metrics import store
from metrics.read.readmodel import goal_results
from metrics.store import StoreError
from metrics.store.backup import MANIFEST, backup, read_manifest, restore

# Moments across the demo's replayed history (its figures arrive monthly from
# autumn 2023; its corrections on 20 November 2026), and "now".
AS_OF_TIMES = [
    dt.datetime(2023, 9, 30, 12, 0),
    dt.datetime(2024, 7, 31, 12, 0),
    dt.datetime(2025, 3, 15, 12, 0),
    dt.datetime(2026, 11, 19, 12, 0),
    None,
]


def read_snapshot(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


def status_views(path) -> list[list[dict]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [[r.status_json() for r in goal_results(con, as_of=t)] for t in AS_OF_TIMES]
    finally:
        con.close()


def files_in(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def demo_backup(demo_copy, tmp_path):
    """A backup of the demo database (taken from the file, as the CLI does)."""
    backup(demo_copy, tmp_path / "backup")
    return tmp_path / "backup"


@pytest.fixture
def base_db_path(seeded_db, db_path):
    """The small base data set in a closed database file."""
    seeded_db.close()
    return db_path


# --- what a backup holds ----------------------------------------------------------

def test_backup_holds_every_table_as_parquet_with_a_manifest(demo_copy, demo_backup):
    con = duckdb.connect(str(demo_copy), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()]
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}
    finally:
        con.close()
    assert {"batches", "observations", "goals", "notes", "reviews", "meta", "schema_version"} <= set(tables)
    assert files_in(demo_backup) == sorted([*(f"{t}.parquet" for t in tables), "schema.sql", "load.sql", MANIFEST])
    # Readable by any Parquet tool, with every row, superseded ones included.
    for t in tables:
        assert pq.read_table(demo_backup / f"{t}.parquet").num_rows == counts[t], t
    manifest = json.loads((demo_backup / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"] == counts
    assert manifest["schema_version"] == store.LATEST_SCHEMA_VERSION
    assert manifest["created_at"].endswith("Z") and manifest["app_version"]


def test_backup_keeps_history_and_the_audit_trail(demo_copy, demo_backup):
    observations = pq.read_table(demo_backup / "observations.parquet").to_pylist()
    revised = [r for r in observations if r["superseded_at"] is not None]
    assert revised, "the demo holds revised figures"
    batches = pq.read_table(demo_backup / "batches.parquet").to_pylist()
    con = duckdb.connect(str(demo_copy), read_only=True)
    try:
        assert len(batches) == con.execute("SELECT count(*) FROM batches").fetchall()[0][0]
        assert len(revised) == con.execute("SELECT count(*) FROM observations WHERE superseded_at IS NOT NULL").fetchall()[0][0]
    finally:
        con.close()
    assert {b["actor"] for b in batches} == {"demo seed"}


def test_backup_of_an_open_connection(seeded_db, tmp_path):
    info = backup(seeded_db, tmp_path / "b")
    assert info.tables["observations"] == 5 and info.tables["places"] == 4
    assert read_manifest(tmp_path / "b").tables == info.tables


def test_backup_into_an_existing_empty_folder(seeded_db, tmp_path):
    (tmp_path / "empty").mkdir()
    backup(seeded_db, tmp_path / "empty")
    assert MANIFEST in files_in(tmp_path / "empty")


def test_backup_refuses_a_folder_that_is_not_empty(seeded_db, tmp_path):
    out = tmp_path / "used"
    out.mkdir()
    (out / "older.txt").write_text("keep me", encoding="utf-8")
    listing = files_in(tmp_path)
    with pytest.raises(StoreError, match="already exists and is not empty.*--out"):
        backup(seeded_db, out)
    assert files_in(out) == ["older.txt"]
    assert files_in(tmp_path) == listing, "no half-written backup left behind"


def test_backup_of_a_missing_database_is_a_message(tmp_path):
    with pytest.raises(StoreError, match="There is no database at"):
        backup(tmp_path / "nope.duckdb", tmp_path / "b")
    assert not (tmp_path / "b").exists()


# --- restore gives back the same data ---------------------------------------------

def test_restore_gives_identical_tables(demo_copy, demo_backup, tmp_path):
    target = tmp_path / "restored.duckdb"
    info = restore(demo_backup, target)
    assert info.replaced is False and info.migrated_from is None
    assert read_snapshot(target) == read_snapshot(demo_copy)


def test_restore_gives_identical_as_of_views(demo_copy, demo_backup, tmp_path):
    target = tmp_path / "restored.duckdb"
    restore(demo_backup, target)
    original = status_views(demo_copy)
    # The views differ over time (else the comparison would prove little)...
    assert original[0] != original[2] != original[-1]
    assert all(original[1:])
    # ...and the restored database gives each of them exactly.
    assert status_views(target) == original


def test_restored_database_opens_and_takes_imports(demo_backup, tmp_path, base_paths):
    target = tmp_path / "restored.duckdb"
    restore(demo_backup, target)
    con = store.connect(target)
    try:
        assert store.schema_version(con) == store.LATEST_SCHEMA_VERSION
        before = con.execute("SELECT count(*) FROM partnership_places").fetchall()[0][0]
        assert before > 0, "the views came back too"
    finally:
        con.close()


def test_restore_into_a_database_without_data_needs_no_force(demo_copy, demo_backup, empty_db_path):
    info = restore(demo_backup, empty_db_path)
    assert info.replaced is True
    assert read_snapshot(empty_db_path) == read_snapshot(demo_copy)


def test_restore_refuses_a_database_that_holds_data(demo_backup, base_db_path):
    before = read_snapshot(base_db_path)
    with pytest.raises(StoreError) as err:
        restore(demo_backup, base_db_path)
    message = str(err.value)
    assert "already holds data" in message and "--force" in message and str(base_db_path) in message
    assert read_snapshot(base_db_path) == before


def test_restore_with_force_replaces_the_data(demo_copy, demo_backup, base_db_path):
    info = restore(demo_backup, base_db_path, force=True)
    assert info.replaced is True
    assert read_snapshot(base_db_path) == read_snapshot(demo_copy)
    assert not os.path.exists(f"{base_db_path}.wal")


def test_restore_refuses_a_file_that_is_not_a_database(demo_backup, tmp_path):
    target = tmp_path / "report.duckdb"
    target.write_text("not a database", encoding="utf-8")
    with pytest.raises(StoreError, match="not a database"):
        restore(demo_backup, target, force=True)
    assert target.read_text(encoding="utf-8") == "not a database"


def test_restore_refuses_a_database_in_use_by_another_program(demo_backup, base_db_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(base_db_path)!r}); print('open', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="in use by another program"):
            restore(demo_backup, base_db_path, force=True)
    finally:
        holder.kill()
        holder.wait()
    assert read_snapshot(base_db_path)["observations"], "the data is still there"


# --- damaged backups: clear messages, target untouched ------------------------------

def test_missing_manifest_is_a_clear_message(demo_backup, tmp_path):
    (demo_backup / MANIFEST).unlink()
    with pytest.raises(StoreError, match=f"has no {MANIFEST}.*another backup"):
        restore(demo_backup, tmp_path / "r.duckdb")
    assert not (tmp_path / "r.duckdb").exists()


@pytest.mark.parametrize(
    "text",
    ["", "{not json", '["a list"]', '{"format": "something-else"}', '{"format": "outcomes-dashboard-backup", "format_version": 1}'],
    ids=["empty", "broken-json", "not-an-object", "other-format", "no-tables"],
)
def test_corrupt_manifest_is_a_clear_message(demo_backup, tmp_path, text):
    (demo_backup / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(StoreError, match="damaged|not a backup"):
        restore(demo_backup, tmp_path / "r.duckdb")
    assert not (tmp_path / "r.duckdb").exists()


def test_a_damaged_data_file_is_found_before_anything_is_changed(demo_backup, base_db_path):
    before = read_snapshot(base_db_path)
    path = demo_backup / "observations.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="observations.parquet.*damaged|damaged.*observations.parquet"):
        restore(demo_backup, base_db_path, force=True)
    assert read_snapshot(base_db_path) == before


def test_a_missing_data_file_is_a_clear_message(demo_backup, tmp_path):
    (demo_backup / "goals.parquet").unlink()
    with pytest.raises(StoreError, match="incomplete: goals.parquet is missing"):
        restore(demo_backup, tmp_path / "r.duckdb")


def test_a_failed_restore_leaves_the_target_untouched(demo_backup, base_db_path):
    """The manifest promises a row the files do not hold: the check after the
    import fails, and the target is as it was, with no temporary file left."""
    manifest = json.loads((demo_backup / MANIFEST).read_text(encoding="utf-8"))
    manifest["tables"]["observations"] += 1
    (demo_backup / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    before = read_snapshot(base_db_path)
    listing = files_in(base_db_path.parent)
    with pytest.raises(StoreError, match="did not restore completely: table observations.*Nothing was changed"):
        restore(demo_backup, base_db_path, force=True)
    assert read_snapshot(base_db_path) == before
    assert files_in(base_db_path.parent) == listing


def test_missing_backup_folder_is_a_clear_message(tmp_path):
    with pytest.raises(StoreError, match="There is no backup folder"):
        restore(tmp_path / "nowhere", tmp_path / "r.duckdb")


# --- older and newer schema versions -------------------------------------------------

def test_backup_from_an_older_schema_is_restored_then_migrated(seeded_db, tmp_path, monkeypatch):
    backup(seeded_db, tmp_path / "old-backup")
    expected = snapshot(seeded_db)
    made_by = store.LATEST_SCHEMA_VERSION
    folder, version = schema_dir_with_next_version(tmp_path / "schema", NEXT_VERSION_SQL)
    monkeypatch.setattr(store.db, "SCHEMA_DIR", folder)
    monkeypatch.setattr(store.db, "LATEST_SCHEMA_VERSION", version)
    info = restore(tmp_path / "old-backup", tmp_path / "r.duckdb")
    assert info.migrated_from == made_by and info.schema_version == version
    got = read_snapshot(tmp_path / "r.duckdb")
    assert got.pop("publish_log") == []
    assert [r[0] for r in got.pop("schema_version")] == list(range(1, version + 1))
    expected.pop("schema_version")
    # notes gained a column (redacted = false); every old value is kept.
    assert [r[:-1] for r in got.pop("notes")] == expected.pop("notes")
    assert got == expected


def test_backup_from_a_newer_app_is_refused(demo_backup, tmp_path):
    manifest = json.loads((demo_backup / MANIFEST).read_text(encoding="utf-8"))
    manifest["schema_version"] = store.LATEST_SCHEMA_VERSION + 1
    (demo_backup / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StoreError, match="newer version of the app.*Update the app"):
        restore(demo_backup, tmp_path / "r.duckdb")


# --- the command line (once `backup` and `restore` are CLI verbs) ---------------------

def test_cli_backup_then_restore_without_and_with_force(tmp_path, demo_copy, base_db_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=REPO, capture_output=True, text=True, timeout=120)

    out = run("backup", "--out", str(tmp_path / "b"), "--db", str(demo_copy))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "b" / MANIFEST).exists()
    again = run("backup", "--out", str(tmp_path / "b"), "--db", str(demo_copy))
    assert again.returncode == 1 and "not empty" in again.stderr and "Traceback" not in again.stderr
    refused = run("restore", str(tmp_path / "b"), "--db", str(base_db_path))
    assert refused.returncode == 1 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    started = time.monotonic()
    done = run("restore", str(tmp_path / "b"), "--db", str(base_db_path), "--force")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 60
    assert read_snapshot(base_db_path) == read_snapshot(demo_copy)


# --- a backup is data, never code (issue 23, finding 1) --------------------------------

def _reseal(folder, names) -> None:
    """Recompute the manifest's checksums for changed files, as a tamperer would."""
    import hashlib

    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for name in names:
        data = (folder / name).read_bytes()
        manifest["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def test_restore_runs_no_sql_that_a_backup_carries(demo_backup, tmp_path):
    """A schema.sql that reads a host file into a table and writes a file, with
    the manifest resealed: restore builds the schema from the app's own
    migrations and loads only the tables it knows, so neither happens."""
    leak = tmp_path / "leak.csv"
    evil = (
        "\nCREATE TABLE loot AS SELECT content FROM read_text('/etc/hostname');\n"
        f"COPY (SELECT 42 AS answer) TO '{leak}' (FORMAT csv);\n"
    )
    for name in ("schema.sql", "load.sql"):
        with (demo_backup / name).open("a", encoding="utf-8") as f:
            f.write(evil)
    _reseal(demo_backup, ["schema.sql", "load.sql"])
    target = tmp_path / "restored.duckdb"
    restore(demo_backup, target)
    assert not leak.exists()
    con = duckdb.connect(str(target), read_only=True)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "loot" not in tables
        assert con.execute("SELECT count(*) FROM goals").fetchone()[0] > 0  # the data itself came back
    finally:
        con.close()


def test_a_backup_naming_a_table_or_file_the_app_does_not_have_is_refused(demo_backup, tmp_path):
    import shutil

    shutil.copy(demo_backup / "goals.parquet", demo_backup / "loot.parquet")
    manifest = json.loads((demo_backup / MANIFEST).read_text(encoding="utf-8"))
    manifest["tables"]["loot"] = manifest["tables"]["goals"]
    (demo_backup / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    _reseal(demo_backup, ["loot.parquet"])
    with pytest.raises(StoreError, match="loot"):
        restore(demo_backup, tmp_path / "r.duckdb")
    assert not (tmp_path / "r.duckdb").exists()
    manifest["files"]["../../etc/hostname"] = {"bytes": 1, "sha256": "0"}
    (demo_backup / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StoreError, match="no backup made by this app holds"):
        restore(demo_backup, tmp_path / "r.duckdb")
