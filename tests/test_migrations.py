"""A database made by an older version of the app opens in this one: it is
migrated to the current schema, each version in a transaction, and keeps
every row, history included; a backup is taken before it is changed.

The tests are written for v1 -> latest (001 the first schema, 002 access,
003 the audit trail's partnerships, 004 place_areas and publishers'
intervals); the tests marked "next version" add a stand-in for the version
after the latest (tests/fixtures/schema_v1.py), so a migration someone adds
next is exercised before it exists.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest
from conftest import snapshot
from fixtures.schema_v1 import (
    NEXT_VERSION_SQL,
    REASON,
    REVISION,
    V1_ROWS,
    expected_v1_rows,
    make_v1_database,
    schema_dir_with_next_version,
    v1_rows,
)

from metrics import store
from metrics.contract.export import export_csv
from metrics.read.readmodel import goal_results, goals
from metrics.store.backup import backup_before_migration, read_manifest, restore


@pytest.fixture
def v1_db(tmp_path):
    return make_v1_database(tmp_path / "made-by-v1.duckdb")


@pytest.fixture
def next_version(tmp_path, monkeypatch):
    """Pretend the app has one more schema version than it has."""
    folder, version = schema_dir_with_next_version(tmp_path / "schema", NEXT_VERSION_SQL)
    monkeypatch.setattr(store.db, "SCHEMA_DIR", folder)
    monkeypatch.setattr(store.db, "LATEST_SCHEMA_VERSION", version)
    return version


def test_schema_versions_are_numbered_from_1_without_gaps():
    versions = [v for v, _ in store.migrations()]
    assert versions[0] == 1
    assert versions == list(range(1, len(versions) + 1))
    assert store.LATEST_SCHEMA_VERSION == versions[-1]
    assert all(re.fullmatch(r"\d{3}_[a-z0-9_]+\.sql", p.name) for _, p in store.migrations())


def test_the_v1_fixture_is_a_version_1_database(v1_db):
    con = duckdb.connect(str(v1_db), read_only=True)
    try:
        assert store.schema_version(con) == 1
    finally:
        con.close()


def test_v1_database_opens_at_the_latest_version_with_every_row(v1_db):
    con = store.connect(v1_db)
    try:
        assert store.schema_version(con) == store.LATEST_SCHEMA_VERSION
        for table in V1_ROWS:
            if table == "schema_version":
                continue
            assert v1_rows(con, table) == expected_v1_rows(table), table
        versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
        assert versions == list(range(1, store.LATEST_SCHEMA_VERSION + 1))
    finally:
        con.close()


def test_v1_database_keeps_its_history_after_opening(v1_db):
    con = store.connect(v1_db)
    try:
        before_revision = goals(con, as_of=REVISION - dt.timedelta(seconds=1))
        now = goals(con)
        assert [(g.goal_id, g.baseline_value, g.change_reason) for g in before_revision] == [("attend-up", 90.0, None)]
        assert [(g.goal_id, g.baseline_value, g.change_reason) for g in now] == [("attend-up", 90.5, REASON)]
        assert [r.goal.goal_id for r in goal_results(con)] == ["attend-up"]
    finally:
        con.close()


def test_v1_database_exports_in_the_import_formats(v1_db, tmp_path):
    con = store.connect(v1_db)
    try:
        export_csv(con, tmp_path / "out")
    finally:
        con.close()
    assert (tmp_path / "out" / "places.csv").read_text(encoding="utf-8") == (
        "place_id,name,level,parent_id,code\n"
        "england,England,nation,,E92000001\n"
        "north,North End,neighbourhood,shire,\n"
        "shire,Shire,local_area,england,E06000001\n"
        "south,Söuth End – “Riverside”,neighbourhood,shire,\n"
    )
    assert (tmp_path / "out" / "observations.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "attendance,north,2024-09-01,2024-09-30,,910,1000,,,,,corrected census,false",
        "attendance,north,2024-10-01,2024-10-31,c,c,c,,,,,,true",
        "attendance,south,2024-09-01,2024-09-30,91.5,915,1000,,,,,,false",
    ]


def test_a_current_database_is_not_backed_up_on_opening(fresh_db, db_path):
    assert backup_before_migration(fresh_db) is None
    assert not (db_path.parent / "backups").exists()


def test_a_new_file_is_not_backed_up(tmp_path):
    assert backup_before_migration(tmp_path / "not-yet.duckdb") is None


# --- with a stand-in for the next schema version --------------------------------

def test_next_version_migrates_v1_and_keeps_every_row(v1_db, next_version):
    con = store.connect(v1_db)
    try:
        assert store.schema_version(con) == next_version
        for table in V1_ROWS:
            if table != "schema_version":
                assert v1_rows(con, table) == expected_v1_rows(table), table
        assert con.execute("SELECT redacted FROM notes").fetchall() == [(False,)]
        assert con.execute("SELECT count(*) FROM publish_log").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_failing_migration_is_rolled_back_whole(v1_db, tmp_path, monkeypatch):
    folder, version = schema_dir_with_next_version(
        tmp_path / "bad-schema",
        "ALTER TABLE notes ADD COLUMN redacted BOOLEAN DEFAULT false;\nSELECT * FROM no_such_table;\n",
    )
    monkeypatch.setattr(store.db, "SCHEMA_DIR", folder)
    monkeypatch.setattr(store.db, "LATEST_SCHEMA_VERSION", version)
    con = duckdb.connect(str(v1_db), read_only=True)
    before = snapshot(con)
    con.close()
    with pytest.raises(Exception):
        store.connect(v1_db).close()
    con = duckdb.connect(str(v1_db), read_only=True)
    try:
        assert store.schema_version(con) == 1
        assert snapshot(con) == before
        columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'notes'").fetchall()]
        assert "redacted" not in columns
    finally:
        con.close()


def test_backup_before_migration_keeps_the_old_database_restorable(v1_db, next_version, tmp_path):
    info = backup_before_migration(v1_db)
    assert info is not None
    assert info.path.parent == v1_db.parent / "backups"
    assert info.path.name.startswith("made-by-v1-v1-")
    assert read_manifest(info.path).schema_version == 1
    # Restoring the old backup gives the same rows, upgraded to the new version.
    restored = restore(info.path, tmp_path / "restored.duckdb")
    assert restored.migrated_from == 1 and restored.schema_version == next_version
    con = store.connect(tmp_path / "restored.duckdb")
    try:
        for table in V1_ROWS:
            if table != "schema_version":
                assert v1_rows(con, table) == expected_v1_rows(table), table
    finally:
        con.close()


def test_backup_before_migration_takes_a_new_folder_each_time(v1_db, next_version):
    first = backup_before_migration(v1_db)
    second = backup_before_migration(v1_db)
    assert first.path != second.path
    assert sorted(p.name for p in (v1_db.parent / "backups").iterdir()) == sorted([first.path.name, second.path.name])


def test_backup_before_migration_of_an_open_connection(v1_db, next_version, tmp_path):
    con = duckdb.connect(str(v1_db))
    try:
        info = backup_before_migration(con, tmp_path / "elsewhere")
    finally:
        con.close()
    assert info.path.parent == tmp_path / "elsewhere"
    assert info.tables["goals"] == 2 and info.tables["observations"] == 4


def test_opening_an_older_database_backs_it_up_then_migrates(v1_db, next_version):
    store.connect(v1_db).close()
    [taken] = list((v1_db.parent / "backups").iterdir())
    assert read_manifest(taken).schema_version == 1
    assert read_manifest(taken).tables["observations"] == len(V1_ROWS["observations"][1])
    # Opening it again, now current, takes no second backup.
    store.connect(v1_db).close()
    assert len(list((v1_db.parent / "backups").iterdir())) == 1


def test_a_failed_upgrade_is_a_message_naming_the_backup(v1_db, tmp_path, monkeypatch):
    folder, version = schema_dir_with_next_version(tmp_path / "bad-schema", "SELECT * FROM no_such_table;\n")
    monkeypatch.setattr(store.db, "SCHEMA_DIR", folder)
    monkeypatch.setattr(store.db, "LATEST_SCHEMA_VERSION", version)
    with pytest.raises(store.StoreError, match="(?s)could not be upgraded.*backups"):
        store.connect(v1_db)
    con = duckdb.connect(str(v1_db), read_only=True)
    try:
        assert store.schema_version(con) == 1
    finally:
        con.close()


# --- version 4: place_areas and publishers' intervals -------------------------------

def test_v1_database_gains_place_areas_and_interval_columns_and_old_figures_have_no_interval(v1_db):
    con = store.connect(v1_db)
    try:
        assert con.execute("SELECT count(*) FROM place_areas").fetchall() == [(0,)]
        assert con.execute("SELECT count(*), count(ci_low), count(ci_high) FROM observations").fetchall() == [(4, 0, 0)]
        assert v1_rows(con, "observations") == expected_v1_rows("observations")
    finally:
        con.close()


def test_two_schema_files_with_the_same_version_are_refused_naming_both(tmp_path, monkeypatch):
    folder, _ = schema_dir_with_next_version(tmp_path / "schema", "SELECT 1;\n")
    (folder / "003_from_another_branch.sql").write_text("SELECT 1;\n", encoding="utf-8")
    monkeypatch.setattr(store.db, "SCHEMA_DIR", folder)
    with pytest.raises(store.StoreError, match="003_from_another_branch.sql"):
        store.migrations()


def test_a_next_version_that_alters_observations_again_migrates_and_imports(v1_db, tmp_path, monkeypatch):
    """The next version may add a column to observations again: the runner
    applies it after the last in the same transaction, and imports and exports
    still work (the new column keeps its default)."""
    folder, version = schema_dir_with_next_version(
        tmp_path / "schema", "ALTER TABLE observations ADD COLUMN IF NOT EXISTS reviewed BOOLEAN DEFAULT false;\n"
    )
    monkeypatch.setattr(store.db, "SCHEMA_DIR", folder)
    monkeypatch.setattr(store.db, "LATEST_SCHEMA_VERSION", version)
    con = store.connect(v1_db)
    try:
        assert store.schema_version(con) == version  # the version after the last in data/schema
        obs = tmp_path / "obs" / "observations.csv"
        obs.parent.mkdir()
        obs.write_text(
            "measure_id,place_id,period_start,period_end,value,numerator,denominator,ci_low,ci_high\n"
            "attendance,north,2024-11-01,2024-11-30,93,930,1000,92,94\n",
            encoding="utf-8",
        )
        from metrics.contract.importer import import_paths

        result = import_paths(con, [obs])
        assert result.ok, [str(p) for p in result.problems]
        assert con.execute("SELECT ci_low, ci_high, reviewed FROM observations WHERE period_start = DATE '2024-11-01'").fetchall() == [(92.0, 94.0, False)]
        export_csv(con, tmp_path / "out")
    finally:
        con.close()
    assert "attendance,north,2024-11-01,2024-11-30,93,930,1000,,,92,94,,false" in (tmp_path / "out" / "observations.csv").read_text(encoding="utf-8")
