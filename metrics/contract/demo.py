"""Seed the illustrative demo data set (data/demo) with a realistic history.

The demo files hold three school years of fictional figures. Importing them
all at once would make every row "recorded today", and the as-of views, the
board packs' "changes since the last review" and the goals' history would
have nothing to show. So the seed replays the data as it would have arrived:
places, measures and partnerships first; each month's figures about two weeks
after the month ends; goals on the day they were stated; notes when recorded
(and again when approved); actions when agreed (and again when closed);
events on their day; SPC change points and series breaks on the day they were
recorded (board/recorded_on.csv); then the later corrections with their
reason, and last the reviews each board held (board/reviews_held.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from metrics.contract.importer import import_sheets
from metrics.contract.kinds import KINDS
from metrics.contract.readers import Sheet, read_paths
from metrics.store import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
DEMO_ACTOR = "demo seed"
# Figures reach the steward about two weeks after their period ends.
FIGURE_DELAY = dt.timedelta(days=14)
SETUP_TIME = dt.datetime(2023, 9, 1, 9, 0)
APPROVAL_COLUMNS = ("approved_wording", "approved_by", "approved_on")


def _at(day: dt.date | str, hour: int = 9) -> dt.datetime:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime(day.year, day.month, day.day, hour)


def _subset(sheet: Sheet, mask: pa.Array, table: pa.Table | None = None) -> Sheet:
    return Sheet(file=sheet.file, sheet=sheet.sheet, kind=sheet.kind, table=(table or sheet.table).filter(mask), present=sheet.present)


def _blank(table: pa.Table, columns: tuple[str, ...], value: str = "") -> pa.Table:
    for c in columns:
        i = table.schema.get_field_index(c)
        table = table.set_column(i, c, pa.array([value] * table.num_rows, type=pa.string()))
    return table


def _board_rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / "board" / name
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def demo_events(folder: Path = DEMO_DIR) -> list[tuple[dt.datetime, list[Sheet]]]:
    """The demo data as a time-ordered list of imports."""
    recorded_on = {(r["kind"], r["key"]): r["recorded_on"] for r in _board_rows(folder, "recorded_on.csv")}
    read = read_paths(sorted(folder.glob("*.csv")))
    if read.problems:
        raise ValueError("The demo data set does not import cleanly: " + "; ".join(map(str, read.problems)))
    events: dict[dt.datetime, list[Sheet]] = defaultdict(list)
    for sheet in read.sheets:
        kind = sheet.kind.name
        t = sheet.table
        if kind in ("places", "measures", "partnerships"):
            events[SETUP_TIME].append(sheet)
        elif kind == "observations":
            for end in sorted(set(t["period_end"].to_pylist())):
                events[_at(dt.date.fromisoformat(end) + FIGURE_DELAY)].append(_subset(sheet, pc.equal(t["period_end"], end)))
        elif kind == "goals":
            for day in sorted(set(t["stated_on"].to_pylist())):
                events[_at(day)].append(_subset(sheet, pc.equal(t["stated_on"], day)))
        elif kind == "notes":
            # Recorded first without approval; approval is a later revision.
            unapproved = _blank(t, APPROVAL_COLUMNS)
            for day in sorted(set(t["recorded_on"].to_pylist())):
                events[_at(day, 17)].append(_subset(sheet, pc.equal(t["recorded_on"], day), unapproved))
            for day in sorted(set(t["approved_on"].to_pylist()) - {""}):
                events[_at(day, 12)].append(_subset(sheet, pc.equal(t["approved_on"], day)))
        elif kind == "actions":
            opened = _blank(t, ("status",), "open")
            for day in sorted(set(t["agreed_on"].to_pylist())):
                events[_at(day, 16)].append(_subset(sheet, pc.equal(t["agreed_on"], day), opened))
            # Closed actions are closed halfway to their due date.
            for i, row in enumerate(t.to_pylist()):
                if row["status"] != "open":
                    agreed, due = dt.date.fromisoformat(row["agreed_on"]), dt.date.fromisoformat(row["due_on"])
                    mask = pa.array([j == i for j in range(t.num_rows)])
                    events[_at(agreed + (due - agreed) / 2, 15)].append(_subset(sheet, mask))
        elif kind == "events":
            for day in sorted(set(t["date"].to_pylist())):
                events[_at(day, 17)].append(_subset(sheet, pc.equal(t["date"], day)))
        elif kind in ("spc_phases", "measure_breaks"):
            # Recorded by a steward on the day board/recorded_on.csv gives (the board agreed it then).
            for i, row in enumerate(t.to_pylist()):
                key = "|".join(row[k] for k in KINDS[kind].key)
                mask = pa.array([j == i for j in range(t.num_rows)])
                events[_at(recorded_on[(kind, key)], 10)].append(_subset(sheet, mask))
    return sorted(events.items(), key=lambda e: e[0])


def seed_demo(con: duckdb.DuckDBPyConnection, folder: Path = DEMO_DIR) -> list[str]:
    """Load the demo data set into an empty database; returns summary lines."""
    counts: dict[str, int] = defaultdict(int)
    last = SETUP_TIME
    for at, sheets in demo_events(folder):
        # Kinds within one moment in dependency order (importer handles it too).
        result = import_sheets(con, sheets, [s.file for s in sheets], actor=DEMO_ACTOR, at=at)
        if not result.ok:
            raise ValueError(f"Demo import at {at} failed: " + "; ".join(map(str, result.problems[:5])))
        for kind, change in result.changes.items():
            counts[kind] += change.added
        last = at
    revisions = folder / "revisions"
    if revisions.exists():
        reason = (revisions / "REASON.txt").read_text(encoding="utf-8").strip()
        read = read_paths(sorted(revisions.glob("*.csv")))
        at = max(last + dt.timedelta(days=1), dt.datetime(2026, 11, 20, 10, 0))
        result = import_sheets(con, read.sheets, [s.file for s in read.sheets], reason=reason, actor=DEMO_ACTOR, at=at)
        if not result.ok:
            raise ValueError("Demo revisions failed: " + "; ".join(map(str, result.problems[:5])))
        counts["revisions"] = sum(c.revised for c in result.changes.values())
    from metrics import edits
    from metrics.access import LOCAL

    for r in _board_rows(folder, "reviews_held.csv"):
        day = dt.date.fromisoformat(r["review_date"])  # recorded the afternoon the board met
        counts["reviews held"] += edits.record_review(con, LOCAL, r["partnership_id"], day, actor=DEMO_ACTOR, now=_at(day, 16))
    con.execute("INSERT INTO meta VALUES ('dataset', 'demo') ON CONFLICT (key) DO UPDATE SET value = 'demo'")
    return [f"{kind}: {n:,}" for kind, n in counts.items()]


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds the illustrative demo data set."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'dataset'").fetchall()
    return bool(rows) and rows[0][0] == "demo"
