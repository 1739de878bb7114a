"""An import killed at any moment (kill -9) leaves the database exactly as it
was before the import, and usable at once; the same import then succeeds.

A 300,000-row observations file is imported by `python -m metrics import` in
a subprocess, which is sent SIGKILL at several moments: during validation,
as soon as it starts writing to the database file, a little later, and as
soon as its write-ahead log appears (the commit). Every kill must leave all or
nothing: the export equals the one taken before the import byte for byte, or
(a kill that lands after the commit) the data equals an uninterrupted import.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO

from metrics import store
from metrics.contract.export import export_csv
from metrics.contract.importer import import_paths

NEIGHBOURHOODS = 100
DAYS = 1500  # x 100 places x 2 measures = 300,000 rows
ROWS = NEIGHBOURHOODS * DAYS * 2
POLL = 0.001


def write_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    places = ["place_id,name,level,parent_id,code", "england,England,nation,,E92000001", "shire,Shire,local_area,england,"]
    places += [f"n{i:03d},Neighbourhood {i},neighbourhood,shire," for i in range(NEIGHBOURHOODS)]
    (folder / "places.csv").write_text("\n".join(places) + "\n", encoding="utf-8")
    (folder / "measures.csv").write_text(
        "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\n"
        "attendance,Attendance rate,attendance,percent,higher_is_better,0,100,,Share of possible sessions attended,MIS\n"
        "incidents,Incidents,safety,count,lower_is_better,,,,Police-recorded incidents,Police\n",
        encoding="utf-8",
    )
    rng = random.Random(20240901)
    lines = ["measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"]
    start = dt.date(2020, 1, 1)
    for k in range(DAYS):
        day = (start + dt.timedelta(days=k)).isoformat()
        for i in range(NEIGHBOURHOODS):
            den = rng.randint(200, 1000)
            lines.append(f"attendance,n{i:03d},{day},{day},,{rng.randint(0, den)},{den},,,,")
            lines.append(f"incidents,n{i:03d},{day},{day},{rng.randint(0, 30)},,,,,MIS,{'true' if k % 7 == 0 else ''}")
    (folder / "observations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {p.stem: p for p in folder.glob("*.csv")}


def export_bytes(db: Path, folder: Path) -> dict[str, bytes]:
    """export_csv of the database, as file name -> bytes; opening the database
    must succeed at once."""
    started = time.monotonic()
    con = store.connect(db)
    opened = time.monotonic() - started
    try:
        export_csv(con, folder)
        batches = con.execute("SELECT count(*) FROM batches").fetchall()[0][0]
    finally:
        con.close()
    assert opened < 5, f"opening after the kill took {opened:.1f} s"
    out = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    out["(batches)"] = str(batches).encode()
    return out


@dataclass
class Run:
    seconds: float  # whole run
    first_write: float  # when the database file first grew


def start_import(db: Path, csv: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "metrics", "import", str(csv), "--db", str(db)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def wal(db: Path) -> Path:
    return Path(f"{db}.wal")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The input files, a database holding the places and measures, its
    export, and the result of the import run to completion."""
    root = tmp_path_factory.mktemp("crash")
    inputs = write_inputs(root / "in")
    base = root / "base.duckdb"
    con = store.connect(base)
    result = import_paths(con, [inputs["places"], inputs["measures"]])
    con.close()
    assert result.ok, result.problems
    before = export_bytes(base, root / "export-before")
    # The uninterrupted import: its timing guides the kills, its data is
    # what a kill after the commit must give.
    complete = root / "complete.duckdb"
    shutil.copy(base, complete)
    size = complete.stat().st_size
    started = time.monotonic()
    proc = start_import(complete, inputs["observations"])
    first_write = None
    while proc.poll() is None:
        if first_write is None and (complete.stat().st_size != size or wal(complete).exists()):
            first_write = time.monotonic() - started
        time.sleep(POLL)
    seconds = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert first_write is not None, "the import wrote nothing the poll could see"
    con = store.connect(complete, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM observations").fetchall() == [(ROWS,)]
    finally:
        con.close()
    return {"inputs": inputs, "base": base, "before": before, "complete_data": data_fingerprint(complete), "run": Run(seconds, first_write)}


def data_fingerprint(db: Path) -> dict[str, tuple]:
    """Per kind: the number of rows and two order-free sums of row hashes,
    over every column except the time and batch stamps an import gives (two
    imports of one file differ only in those)."""
    con = store.connect(db)
    try:
        out = {}
        for table in store.VERSIONED_TABLES:
            cols = [
                r[0] for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "AND column_name NOT IN ('recorded_at', 'superseded_at', 'batch_id') ORDER BY ordinal_position",
                    [table],
                ).fetchall()
            ]
            row = f"hash({', '.join(cols)})"
            out[table] = con.execute(
                f"SELECT count(*), sum({row}::HUGEINT), bit_xor({row}), count(*) FILTER (superseded_at IS NOT NULL) FROM {table}"
            ).fetchall()[0]
        return out
    finally:
        con.close()


def bytes_read(pid: int) -> int:
    """How many bytes the process has read so far (Linux /proc/PID/io rchar)."""
    try:
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def kill_at(db: Path, csv: Path, trigger: str, delay: float, run: Run) -> str:
    """Start the import, SIGKILL it at the moment `trigger` + `delay`, and say
    what the process was doing: 'validating', 'writing' or 'finished'.

    'read' fires once the process has read `delay` of the file's size (its
    progress, not the clock: a busy machine cannot make it fire too late)."""
    size = db.stat().st_size
    proc = start_import(db, csv)
    state = "validating"
    fired_at = None
    while proc.poll() is None:
        now = time.monotonic()
        if state == "validating" and (db.stat().st_size != size or wal(db).exists()):
            state = "writing"
        if fired_at is None:
            if trigger == "read" and bytes_read(proc.pid) >= delay * csv.stat().st_size:
                fired_at = now
            elif trigger == "write" and state == "writing":
                fired_at = now + delay
            elif trigger == "wal" and wal(db).exists():
                fired_at = now + delay
        if fired_at is not None and now >= fired_at:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return state
        time.sleep(POLL)
    return "finished"


# Kill moments: half way through reading the file (validation), the first
# write to the file and a little after, and the commit's log.
MOMENTS = [("read", 0.5), ("write", 0.0), ("write", 0.03), ("wal", 0.0)]


def test_kill_9_during_a_large_import_leaves_all_or_nothing(world, tmp_path):
    inputs, run = world["inputs"], world["run"]
    outcomes = []
    for i, (trigger, amount) in enumerate(MOMENTS):
        db = tmp_path / f"killed-{i}.duckdb"
        shutil.copy(world["base"], db)
        delay = amount
        state = kill_at(db, inputs["observations"], trigger, delay, run)
        exported = export_bytes(db, tmp_path / f"export-{i}")
        if exported == world["before"]:
            outcome = "nothing"
        else:
            assert data_fingerprint(db) == world["complete_data"], f"kill {trigger}+{amount} ({state}) left part of the import"
            outcome = "all"
        outcomes.append((trigger, amount, state, outcome))
        # The same import then succeeds and gives the complete data.
        con = store.connect(db)
        try:
            result = import_paths(con, [inputs["observations"]])
        finally:
            con.close()
        assert result.ok, result.problems[:3]
        assert result.changes["observations"].added == (ROWS if outcome == "nothing" else 0)
        assert data_fingerprint(db) == world["complete_data"]
    # A kill while the process was writing must have happened at least once,
    # and left nothing (the commit had not been reached).
    assert any(state == "writing" and outcome == "nothing" for _, _, state, outcome in outcomes), outcomes
    assert outcomes[0][2:] == ("validating", "nothing"), outcomes


def test_the_kill_moments_fall_inside_the_import(world):
    """The run is long enough for the kills to land where intended."""
    run = world["run"]
    assert 0 < run.first_write < run.seconds
    assert os.path.getsize(world["inputs"]["observations"]) > 10_000_000
