"""`sources` and `import-source` as a steward meets them: one command per
published file, exit codes 0/1, messages instead of tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REAL_MET_2025_12, REAL_POLICE, REPO, write_files

SETUP = {
    "places.csv": "place_id,name,level,parent_id,code\nkings-cross,King's Cross,neighbourhood,,E05013666\n",
    "measures.csv": (
        "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\n"
        "violence,Violence,safety,count,lower_is_better,,,,Crimes of violence,Met\n"
        "rate,A rate,safety,rate_per_1000,lower_is_better,,,,Per 1000,\n"
    ),
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=REPO, capture_output=True, text=True, env=dict(os.environ), timeout=120)


def test_sources_lists_every_source_with_what_it_reads_and_its_usage():
    out = run("sources")
    assert out.returncode == 0
    for name in ("police-uk-street", "met-ward-crime", "fingertips", "ees"):
        assert f"\n{name}\n" in f"\n{out.stdout}" and f"python -m metrics import-source {name} FILE... --measure ID" in out.stdout
    assert "--value-column COLUMN" in out.stdout and "Sex=Persons" in out.stdout


def test_import_source_writes_the_figures_and_says_what_it_could_not_place(tmp_path):
    db = str(tmp_path / "d.duckdb")
    assert run("import", *map(str, write_files(tmp_path / "in", SETUP)), "--db", db).returncode == 0
    out = run("import-source", "met-ward-crime", str(REAL_MET_2025_12), "--measure", "violence",
              "--filter", "MajorText=VIOLENCE AGAINST THE PERSON", "--db", db)
    assert out.returncode == 0, out.stderr
    assert "observations: 24 added" in out.stdout
    assert "Unallocated:" in out.stdout and "36 wards that belong to no place" in out.stdout
    again = run("import-source", "met-ward-crime", str(REAL_MET_2025_12), "--measure", "violence",
                "--filter", "MajorText=VIOLENCE AGAINST THE PERSON", "--db", db)
    assert again.returncode == 0 and "Nothing changed" in again.stdout


def test_mistakes_are_messages_with_exit_1_and_no_traceback(tmp_path):
    db = str(tmp_path / "d.duckdb")
    assert run("import", *map(str, write_files(tmp_path / "in", SETUP)), "--db", db).returncode == 0
    cases = [
        (("import-source", "met-ward-crime", str(REAL_MET_2025_12), "--measure", "rate"), "it needs a measure in count"),
        (("import-source", "met-ward-crime", str(REAL_MET_2025_12), "--measure", "violence", "--filter", "MajorText"), "is not COLUMN=VALUE"),
        (("import-source", "met-ward-crime", str(REAL_POLICE), "--measure", "violence"), "this looks like a police-uk-street file"),
        (("import-source", "census", str(REAL_POLICE), "--measure", "violence"), "is not a source"),
        (("import-source", "met-ward-crime", str(tmp_path / "none.csv"), "--measure", "violence"), "There is no file at"),
        (("import-source", "met-ward-crime", str(REAL_MET_2025_12), "--measure", "violence", "--value-column", "x"), "is not an option of met-ward-crime"),
    ]
    for args, words in cases:
        out = run(*args, "--db", db)
        assert out.returncode == 1, args
        assert "Nothing was imported" in out.stderr and words in out.stderr, (args, out.stderr)
        assert "Traceback" not in out.stderr and "Internal error" not in out.stderr
