"""The command line as a steward meets it: help for every verb, exit codes
0/1, messages instead of tracebacks for every mistake."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import BASE_FILES, REPO, write_files

from metrics.cli import main

VERBS = ["init", "import", "export", "status", "import-dfe-attendance", "sources", "import-source", "board-pack", "publish", "backup", "restore", "templates"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args], cwd=REPO, capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb):
    out = run(verb, "--help")
    assert out.returncode == 0
    assert "usage: python -m metrics " + verb in out.stdout
    assert len(out.stdout.splitlines()) > 4


def test_no_verb_prints_help_and_exits_1(capsys):
    assert main([]) == 1
    assert "init" in capsys.readouterr().out


def test_unknown_option_exits_1_without_traceback():
    out = run("import", "--kynd", "observations", "x.csv")
    assert out.returncode == 1
    assert "unrecognized arguments" in out.stderr and "Traceback" not in out.stderr


def test_missing_file_is_a_message_not_a_traceback(tmp_path):
    out = run("import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "d.duckdb"))
    assert out.returncode == 1
    assert "There is no file at" in out.stderr and "Traceback" not in out.stderr


def test_bad_import_exits_1_and_lists_problems_then_good_import_exits_0(tmp_path):
    db = str(tmp_path / "d.duckdb")
    paths = write_files(tmp_path / "in", BASE_FILES)
    bad = write_files(tmp_path / "bad", {"observations_bad.csv": "measure_id,place_id,period_start,period_end,value\nattendance,north,2025-01-01,2025-01-31,95%\n"})
    out = run("import", *map(str, paths), *map(str, bad), "--db", db)
    assert out.returncode == 1
    assert "Nothing was imported" in out.stderr and "row 2, column value" in out.stderr
    out = run("import", *map(str, paths), "--db", db)
    assert out.returncode == 0, out.stderr
    assert "observations: 5 added" in out.stdout


def test_init_demo_refuses_a_database_that_holds_data(tmp_path):
    db = str(tmp_path / "d.duckdb")
    assert run("import", *map(str, write_files(tmp_path / "in", BASE_FILES)), "--db", db).returncode == 0
    out = run("init", "--demo", "--db", db)
    assert out.returncode == 1 and "already holds data" in out.stderr


def test_db_in_use_by_another_process_says_what_to_do(tmp_path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}); print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        out = run("status", "--db", str(db))
        assert out.returncode == 1
        assert "in use by another program" in out.stderr and "Traceback" not in out.stderr
    finally:
        holder.kill()
        holder.wait()


def test_db_path_from_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    out = run("init", env={"OUTCOMES_DB": str(db)})
    assert out.returncode == 0 and db.exists()


def test_a_file_that_is_not_a_database_is_a_message(tmp_path):
    db = tmp_path / "not.duckdb"
    db.write_text("hello")
    out = run("status", "--db", str(db))
    assert out.returncode == 1 and "Traceback" not in out.stderr and "not a database" in out.stderr


def test_export_then_reimport_via_the_command_line(tmp_path):
    db, copy = str(tmp_path / "a.duckdb"), str(tmp_path / "b.duckdb")
    assert run("import", *map(str, write_files(tmp_path / "in", BASE_FILES)), "--db", db).returncode == 0
    assert run("export", "--out", str(tmp_path / "out"), "--db", db).returncode == 0
    csvs = sorted(str(p) for p in (tmp_path / "out").glob("*.csv"))
    out = run("import", *csvs, "--db", copy)
    assert out.returncode == 0, out.stderr


def test_schema_version_is_recorded_and_not_reapplied(tmp_path):
    from metrics import store

    con = store.connect(tmp_path / "v.duckdb")
    assert store.schema_version(con) == store.LATEST_SCHEMA_VERSION
    assert store.migrate(con) == 0
    con.close()
