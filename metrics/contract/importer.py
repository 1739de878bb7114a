"""Importing a steward's files: validate everything, then write everything or
nothing.

One call takes any number of CSV/XLSX files of any kinds. Every problem in
every file is collected (file, sheet, Excel row, column, value, what is wrong,
how to fix it); if there is one, nothing is written. Otherwise all rows land
in one transaction: new keys are added, changed keys become revisions (the
old row is kept, closed with the time it was replaced), identical rows change
nothing, so importing the same file twice is harmless.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import ValidationError

from metrics import access
from metrics.contract import observations_sql as obs_sql
from metrics.contract.kinds import KINDS, kind_from_filename
from metrics.contract.models import MODELS, ImportRow, ObservationRow, validation_errors
from metrics.contract.problems import Problem
from metrics.contract.readers import ROW, Sheet, Upload, read_csv_parts, read_paths, source_name
from metrics.store import VERSIONED_TABLES, Batch, memory_limit, one, scalar, serialised, write_batch
from metrics.vocab import LEVEL_RANK, is_gss_code

BOOKKEEPING = ("recorded_at", "superseded_at", "batch_id", "change_reason")
GOAL_PROMISE_FIELDS = ("baseline_value", "baseline_date", "target_value", "target_date")
# Python checks of rows the bulk path could not clear stop after this many
# problems: the steward has enough to fix, and a broken million-row file
# still answers in seconds.
MAX_OBSERVATION_PROBLEMS = 5000
DRY_RUN_AT = dt.datetime(1970, 1, 1)  # a dry run's writes are rolled back; no stored row has this time


@dataclass
class KindChange:
    added: int = 0
    revised: int = 0
    unchanged: int = 0
    revised_examples: list[dict] = field(default_factory=list)

    def add(self, other: KindChange) -> None:
        """Count another part of the same import in."""
        self.added += other.added
        self.revised += other.revised
        self.unchanged += other.unchanged
        self.revised_examples += other.revised_examples[: max(0, 20 - len(self.revised_examples))]


@dataclass
class ImportResult:
    ok: bool
    problems: list[Problem]
    changes: dict[str, KindChange]
    files: list[str]
    batch_id: int | None = None
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)  # said in the summary; nothing refused

    def summary_lines(self) -> list[str]:
        verb = "Would import" if self.dry_run else "Imported"
        lines = [f"{verb} {len(self.files)} file(s): {', '.join(self.files)}"]
        for kind in KINDS:
            c = self.changes.get(kind)
            if c is None:
                continue
            lines.append(f"  {kind}: {c.added:,} added, {c.revised:,} revised, {c.unchanged:,} unchanged")
        lines += [f"Warning: {w}" for w in self.warnings]
        if self.ok and not self.dry_run and not any(c.added or c.revised for c in self.changes.values()):
            lines.append("Nothing changed: the database already held exactly these rows.")
        return lines


class NothingChanged(Exception):
    def __init__(self, changes: dict[str, KindChange]):
        self.changes = changes


@dataclass
class Row:
    """A validated row and where it came from."""

    sheet: Sheet
    number: int
    cells: dict[str, str]
    model: ImportRow

    @property
    def key(self) -> tuple:
        return tuple(getattr(self.model, k) for k in self.sheet.kind.key)

    def problem(self, column: str | None, message: str, fix: str, code: str = "invalid") -> Problem:
        return Problem(
            file=self.sheet.file,
            sheet=self.sheet.sheet,
            row=self.number,
            column=column,
            value=self.cells.get(column) if column else None,
            message=message,
            fix=fix,
            code=code,
        )


def default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


def import_paths(
    con: duckdb.DuckDBPyConnection,
    paths: Iterable[str | Path | Upload],
    *,
    kind: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    at: dt.datetime | None = None,
    dry_run: bool = False,
    action: str = "import",
    perms: access.Permissions = access.LOCAL,
    record: Callable[[duckdb.DuckDBPyConnection, int, dt.datetime], None] | None = None,
    in_parts: bool = False,
) -> ImportResult:
    """Import files as one transaction (see the module docstring).

    `paths` are files on disk or `Upload`s (bytes in memory: the app's
    uploads, never written to disk). `dry_run` validates and counts what
    would change without writing: the preview the Data page shows before a
    steward confirms. `perms` is who is importing: every row is checked
    against what they may change (the command line, like local mode, may
    change everything). `in_parts` (the command line) reads observations
    CSVs of `PARTS_FROM_BYTES` or more a part at a time, whatever their size
    (`import_in_parts`).
    """
    sources = [p if isinstance(p, Upload) else Path(p) for p in paths]
    files = [source_name(p) for p in sources]
    if in_parts and perms.local:
        large = [p for p in sources if _read_in_parts(p, kind)]
        if large:
            small = [p for p in sources if p not in large]
            return import_in_parts(con, small, large, files, kind=kind, reason=reason, actor=actor, at=at, dry_run=dry_run, action=action)
    read = read_paths(sources, kind)
    if read.problems:
        # Still check the files that could be read, so every problem is
        # reported at once; nothing is written either way.
        problems = list(read.problems)
        if read.sheets:
            plan = Plan(con, read.sheets, reason, perms)
            refusals = plan.refusals()
            problems += refusals or plan.validate()
        return ImportResult(False, problems, {}, files, dry_run=dry_run)
    return import_sheets(con, read.sheets, files, reason=reason, actor=actor, at=at, dry_run=dry_run, action=action, perms=perms)


# An observations CSV this large is read a part at a time on the command line:
# memory is one part's cells (readers.PART_ROWS rows), whatever the file's size.
PARTS_FROM_BYTES = 64 * 1024 * 1024
PARTS_MEMORY_LIMIT = "300MB"  # DuckDB's, while such an import runs (the rest spills to its temporary files)


def _read_in_parts(source: Path | Upload, kind: str | None) -> bool:
    if isinstance(source, Upload) or source.suffix.lower() != ".csv" or not source.is_file():
        return False
    k = kind or kind_from_filename(source.stem)
    return k == "observations" and source.stat().st_size >= PARTS_FROM_BYTES


def _record_summary(con: duckdb.DuckDBPyConnection, batch_id: int, changes: dict[str, KindChange]) -> None:
    """What the batch added, revised and left unchanged, kind by kind, for the audit trail."""
    con.execute(
        "UPDATE batches SET summary = ? WHERE batch_id = ?",
        [json.dumps({k: [v.added, v.revised, v.unchanged] for k, v in changes.items()}), batch_id],
    )


class _Refused(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


@contextlib.contextmanager
def _rolled_back(con: duckdb.DuckDBPyConnection) -> Iterator[Batch]:
    """A dry run's transaction: the writes are counted, then undone."""
    with serialised():
        con.execute("BEGIN TRANSACTION")
        try:
            yield Batch(0, DRY_RUN_AT)
        finally:
            con.execute("ROLLBACK")


def import_in_parts(
    con: duckdb.DuckDBPyConnection,
    small: list[Path | Upload],
    large: list[Path],
    files: list[str],
    *,
    kind: str | None = None,
    reason: str | None = None,
    actor: str | None = None,
    at: dt.datetime | None = None,
    dry_run: bool = False,
    action: str = "import",
) -> ImportResult:
    """Import with the large observations files read a part at a time, still
    as one transaction and one audited batch: everything or nothing.

    The other files are read and checked first, as `import_paths` does. Then,
    inside the batch's transaction, each part of each large file is checked
    as a file of its own would be and written; a row that repeats the
    measure, place and period of a row written earlier in this import (an
    earlier part, or another file) with different figures is a problem. The
    first problem stops the writing, the rest of the files is still checked
    (up to the usual number of problems), and the transaction is rolled
    back. For the command line only, where the person importing may change
    everything: the app's uploads keep the limits of one file."""
    reason = reason.strip() if reason and reason.strip() else None
    read = read_paths(small, kind)
    plan = Plan(con, read.sheets, reason)
    problems = list(read.problems) + (plan.validate() if read.sheets else [])
    if problems:
        return ImportResult(False, problems, {}, files, dry_run=dry_run)
    warnings = plan.warnings()
    with memory_limit(con, PARTS_MEMORY_LIMIT):
        return _import_parts(con, plan, large, files, warnings, reason, actor, at, dry_run, action)


def _import_parts(
    con: duckdb.DuckDBPyConnection, plan: Plan, large: list[Path], files: list[str], warnings: list[str],
    reason: str | None, actor: str | None, at: dt.datetime | None, dry_run: bool, action: str,
) -> ImportResult:
    """The transaction of `import_in_parts`: the small files' rows, then each part of each large file."""
    problems: list[Problem] = []
    opened = _rolled_back(con) if dry_run else write_batch(
        con, actor=actor or default_actor(), action=action, files=";".join(files), reason=reason, at=at, partnerships=plan.touched()
    )
    try:
        with opened as batch:
            changes = plan.apply(batch.batch_id, batch.at)
            observations = changes.setdefault("observations", KindChange())
            for path in large:
                for part in read_csv_parts(path, KINDS["observations"]):
                    if not isinstance(part, Sheet):
                        problems += part
                        break
                    plan.by_kind["observations"] = [part]
                    plan.problems = []
                    plan._validate_observations()
                    problems += plan.problems
                    if not problems:
                        problems += plan.repeats_of_this_batch(batch.batch_id)
                    if len(problems) >= MAX_OBSERVATION_PROBLEMS:
                        break
                    if problems:
                        continue  # nothing more is written; the rest is still checked
                    batch.touch(plan.touched())
                    observations.add(plan.apply_observations(batch.batch_id, batch.at, staged=True))
                if len(problems) >= MAX_OBSERVATION_PROBLEMS:
                    break
            if problems:
                raise _Refused(problems)
            if dry_run:
                return ImportResult(True, [], changes, files, dry_run=True, warnings=warnings)
            if not any(c.added or c.revised for c in changes.values()):
                raise NothingChanged(changes)
            _record_summary(con, batch.batch_id, changes)
    except _Refused as refused:
        return ImportResult(False, refused.problems, {}, files, dry_run=dry_run)
    except NothingChanged as same:
        return ImportResult(True, [], same.changes, files, warnings=warnings)
    return ImportResult(True, [], changes, files, batch_id=batch.batch_id, warnings=warnings)


def import_sheets(
    con: duckdb.DuckDBPyConnection,
    sheets: list[Sheet],
    files: list[str],
    *,
    reason: str | None = None,
    actor: str | None = None,
    at: dt.datetime | None = None,
    dry_run: bool = False,
    action: str = "import",
    perms: access.Permissions = access.LOCAL,
    record: Callable[[duckdb.DuckDBPyConnection, int, dt.datetime], None] | None = None,
) -> ImportResult:
    """Import sheets already read (see `import_paths`). `action` names the
    change in the audit trail (an import, a goal edit, a note approval, ...).

    Rows the importer may not write are refused before anything else is
    checked, and then nothing else is reported: other checks compare with the
    stored rows, and their messages must not show another partnership's.
    `record` writes what a source import notes beside the rows (the areas its
    files name) in the same batch, when the import changes something."""
    if not sheets:
        return ImportResult(
            False, [Problem(file="(import)", message="No files were given.", fix="Name one or more .csv or .xlsx files.")], {}, files
        )
    reason = reason.strip() if reason and reason.strip() else None
    plan = Plan(con, sheets, reason, perms)
    problems = plan.refusals() or plan.validate()
    if problems:
        return ImportResult(False, problems, {}, files, dry_run=dry_run)
    warnings = plan.warnings()
    if dry_run:
        with _rolled_back(con) as batch:
            changes = plan.apply(batch.batch_id, batch.at)
        return ImportResult(True, [], changes, files, dry_run=True, warnings=warnings)
    try:
        with write_batch(
            con, actor=actor or default_actor(), action=action, files=";".join(files), reason=reason, at=at, partnerships=plan.touched()
        ) as batch:
            changes = plan.apply(batch.batch_id, batch.at)
            if not any(c.added or c.revised for c in changes.values()):
                raise NothingChanged(changes)
            if record is not None:
                record(con, batch.batch_id, batch.at)
            _record_summary(con, batch.batch_id, changes)
    except NothingChanged as same:
        # Rolled back: an import that changes nothing leaves no trace, not even a batch.
        return ImportResult(True, [], same.changes, files, warnings=warnings)
    return ImportResult(True, [], changes, files, batch_id=batch.batch_id, warnings=warnings)


def current_rows(con: duckdb.DuckDBPyConnection, table: str) -> dict[tuple, dict[str, Any]]:
    """The current rows of a (small) kind, by key."""
    cur = con.execute(f"SELECT * EXCLUDE ({', '.join(BOOKKEEPING)}) FROM {table} WHERE superseded_at IS NULL")
    names = [c[0] for c in cur.description]
    key = VERSIONED_TABLES[table]
    out = {}
    for r in cur.fetchall():
        d = dict(zip(names, r))
        out[tuple(d[k] for k in key)] = d
    return out


class Plan:
    """The validation and then the writes of one import."""

    def __init__(self, con: duckdb.DuckDBPyConnection, sheets: list[Sheet], reason: str | None, perms: access.Permissions = access.LOCAL):
        self.con = con
        self.reason = reason
        self.perms = perms
        self.by_kind: dict[str, list[Sheet]] = defaultdict(list)
        for s in sheets:
            self.by_kind[s.kind.name].append(s)
        self.rows: dict[str, list[Row]] = {}
        self.problems: list[Problem] = []
        # Current rows of the small kinds, then merged with this import's rows.
        self.current = {k: current_rows(con, k) for k in KINDS if k != "observations"}
        self.merged: dict[str, dict[tuple, dict]] = {k: dict(v) for k, v in self.current.items()}

    # -- authorisation ---------------------------------------------------------

    def _small_rows(self) -> dict[str, list[Row]]:
        """Each small kind's rows, validated row by row (once), and merged with
        the stored rows kind by kind (a goal's checks see the measures of the
        same import)."""
        for kind in KINDS:
            if kind != "observations" and kind in self.by_kind and kind not in self.rows:
                self.rows[kind] = self._validate_small_kind(kind)
                for row in self.rows[kind]:
                    self.merged[kind][row.key] = row.model.model_dump()
        return self.rows

    def _incoming(self) -> list[access.IncomingRow]:
        return [
            access.IncomingRow(kind, r.sheet.file, r.sheet.sheet, r.number, r.model.model_dump())
            for kind, rows in self._small_rows().items() for r in rows
        ]

    def _observation_places(self) -> list[tuple[str, str | None, int, str]]:
        """Per observations file, each place it has figures for, with its first row."""
        out = []
        for sheet in self.by_kind.get("observations", []):
            grouped = sheet.table.select(["place_id", ROW]).group_by("place_id").aggregate([(ROW, "min")])
            for place, row in zip(grouped["place_id"].to_pylist(), grouped[f"{ROW}_min"].to_pylist()):
                out.append((sheet.file, sheet.sheet, row, place))
        return out

    def refusals(self) -> list[Problem]:
        """The rows this importer may not write (access.import_refusals)."""
        if self.perms.local:
            return []
        return access.import_refusals(self.perms, self._incoming(), self.current, self._observation_places())

    def touched(self) -> set[str]:
        """The partnerships this import changes ('*' for shared data), for the audit trail."""
        return access.touched_partnerships(self._incoming(), self.current, self._observation_places())

    # -- validation ----------------------------------------------------------

    def validate(self) -> list[Problem]:
        self._small_rows()
        self._check_places()
        self._check_place_areas()
        self._check_measures()
        self._check_partnerships()
        self._check_goals()
        self._check_notes_and_actions()
        self._check_phases_and_breaks()
        if "observations" in self.by_kind:
            self._validate_observations()
        return self.problems

    def warnings(self) -> list[str]:
        """What the summary says without refusing anything: a place_areas code
        that no publisher's file imported so far names and no place has as
        its code is "not seen in any source yet" (often a typo, found only
        when its neighbourhood gets no figure)."""
        rows = self.rows.get("place_areas", [])
        if not rows:
            return []
        codes = sorted({r.model.area_code for r in rows})
        seen = {c for (c,) in self.con.execute(
            "SELECT DISTINCT area_code FROM source_areas WHERE area_code IN (SELECT unnest(?))", [codes]).fetchall()}
        seen |= {p.get("code") for p in self.merged["places"].values()}
        out = []
        for r in rows:
            code = r.model.area_code
            if code in seen:
                continue
            seen.add(code)  # once per code
            where = f"{r.sheet.file}" + (f", sheet {r.sheet.sheet}" if r.sheet.sheet else "") + f", row {r.number}"
            out.append(
                f"{where}: area {code} (for {r.model.place_id}) is not seen in any source yet: no publisher's file imported so far "
                "names it, and no place has it as its code. If it is a typo its neighbourhood will get no figure: find the code by name "
                'with python -m metrics areas SOURCE FILE --search "NAME" (or on the Data page). If it is right, the first import of a file that holds it confirms it.'
            )
        return out

    def _context(self) -> dict:
        return {"measures": {k[0]: v for k, v in self.merged["measures"].items()}}

    def _validate_small_kind(self, kind: str) -> list[Row]:
        model = MODELS[kind]
        rows: list[Row] = []
        first: dict[tuple, Row] = {}
        for sheet in self.by_kind[kind]:
            names = list(sheet.kind.column_names)
            for rec in sheet.table.to_pylist():
                number = rec.pop(ROW)
                cells = {n: rec[n] for n in names}
                try:
                    m = model.model_validate(cells, context=self._context())
                except ValidationError as exc:
                    for column, code, message, fix in validation_errors(exc):
                        self.problems.append(
                            Problem(
                                file=sheet.file, sheet=sheet.sheet, row=number, column=column,
                                value=cells.get(column) if column else None, message=message, fix=fix, code=code,
                            )
                        )
                    continue
                row = Row(sheet, number, cells, m)
                earlier = first.get(row.key)
                if earlier is None:
                    first[row.key] = row
                    rows.append(row)
                elif earlier.model != m:
                    self.problems.append(
                        row.problem(
                            sheet.kind.key[0],
                            f"repeats the {' / '.join(sheet.kind.key)} of {earlier.sheet.file} row {earlier.number} with different values.",
                            "Keep one row per key: delete or correct one of the two rows.",
                            "duplicate_key",
                        )
                    )
        return rows

    def _exists(self, kind: str, key: str | None) -> bool:
        return key is None or (key,) in self.merged[kind]

    def _check_places(self) -> None:
        places = self.merged["places"]
        for row in self.rows.get("places", []):
            m = row.model
            if m.parent_id is None or m.parent_id == m.place_id:
                continue
            parent = places.get((m.parent_id,))
            if parent is None:
                self.problems.append(
                    row.problem("parent_id", "is not a known place.", "Add the enclosing place to places (in this import or earlier), or correct the id.", "unknown_ref")
                )
            elif LEVEL_RANK[parent["level"]] <= LEVEL_RANK[m.level]:
                self.problems.append(
                    row.problem(
                        "parent_id",
                        f"is a {parent['level']}, which cannot enclose a {m.level}.",
                        "A place's parent sits above it: neighbourhood < local_area < region < nation.",
                        "bad_parent",
                    )
                )
        # Cycles (possible only through rows already stored with bad levels, but
        # the tree must hold whatever the levels say).
        for row in self.rows.get("places", []):
            seen = {row.model.place_id}
            node = places.get((row.model.place_id,))
            while node is not None and node.get("parent_id"):
                pid = node["parent_id"]
                if pid in seen:
                    self.problems.append(
                        row.problem("parent_id", "makes the places loop back on themselves.", "Fix the parent_id values so that each place sits inside a larger one.", "cycle")
                    )
                    break
                seen.add(pid)
                node = places.get((pid,))
        # A place used as a partnership's neighbourhood must stay a neighbourhood.
        for row in self.rows.get("places", []):
            if row.model.level == "neighbourhood":
                continue
            users = [k[0] for k, p in self.merged["partnerships"].items() if row.model.place_id in p["places"]]
            if users:
                self.problems.append(
                    row.problem("level", f"makes this place a {row.model.level}, but partnership {users[0]} lists it as a neighbourhood.", "Keep it a neighbourhood, or remove it from the partnership first.", "bad_level")
                )

    def _check_place_areas(self) -> None:
        for row in self.rows.get("place_areas", []):
            if not self._exists("places", row.model.place_id):
                self.problems.append(row.problem("place_id", "is not a known place.", "Add the place to places (in this import or earlier), or correct the id.", "unknown_ref"))
        if self.rows.get("place_areas") or self.rows.get("partnerships") or self.rows.get("places"):
            self._check_areas_counted_once()
            self._check_areas_nest()

    def _check_areas_nest(self) -> None:
        """No partnership may hold a local authority as one neighbourhood's area
        and an LSOA or MSOA inside it as another's: its sums would count the
        small area twice. Where an area lies is known from its name as a
        publisher gave it (police.uk names an LSOA "Bradford 001A": an LSOA of
        Bradford), recorded in source_areas, and the authority's own name (a
        place with its code, or a source's name for it)."""
        areas: dict[str, set[str]] = defaultdict(set)
        for place_id, code in self.merged["place_areas"]:
            areas[place_id].add(code)
        for (place_id,), place in self.merged["places"].items():
            if is_gss_code(place.get("code")) and not areas[place_id]:
                areas[place_id].add(place["code"])
        lsoa_types = ("E01", "W01", "E02", "W02")
        la_types = ("E06", "E07", "E08", "E09", "E10", "W06")
        small = sorted({c for codes in areas.values() for c in codes if c[:3] in lsoa_types})
        las = sorted({c for codes in areas.values() for c in codes if c[:3] in la_types})
        if not small or not las:
            return
        names: dict[str, str] = {}
        for code, name in self.con.execute(
            "SELECT area_code, min(name) FROM source_areas WHERE area_code IN (SELECT unnest(?)) AND name IS NOT NULL GROUP BY area_code",
            [small + las],
        ).fetchall():
            names[code] = name
        for place in self.merged["places"].values():
            if place.get("code") in las:
                names.setdefault(place["code"], place["name"])
        la_by_name = {names[c].casefold(): c for c in las if c in names}
        area_rows = {row.key: row for row in self.rows.get("place_areas", [])}
        partnership_rows = {row.model.partnership_id: row for row in self.rows.get("partnerships", [])}
        place_rows = {row.model.place_id: row for row in self.rows.get("places", [])}
        for (pid,), partnership in self.merged["partnerships"].items():
            holder = {c: hood for hood in partnership["places"] for c in areas.get(hood, ())}
            for code, hood in sorted(holder.items()):
                if code[:3] not in lsoa_types or code not in names:
                    continue
                authority_name = names[code].rsplit(" ", 1)[0] if " " in names[code] else None
                la = la_by_name.get(authority_name.casefold()) if authority_name else None
                if la is None or la not in holder:
                    continue
                other = holder[la]
                row = area_rows.get((hood, code)) or area_rows.get((other, la)) or partnership_rows.get(pid) or place_rows.get(hood) or place_rows.get(other)
                if row is None:
                    continue
                column = "area_code" if row.sheet.kind.name == "place_areas" else "places" if row.sheet.kind.name == "partnerships" else "code"
                where = (f"in {hood} and local authority {la} ({names[la]}), which holds it, in {other}: two neighbourhoods of partnership {pid}."
                         if other != hood else f"in {hood} together with local authority {la} ({names[la]}), which holds it (partnership {pid}).")
                self.problems.append(row.problem(
                    column,
                    f"puts area {code} ({names[code]}, an area of {names[la]} by its published name) {where} "
                    "The partnership's figures add up its neighbourhoods, so that area would be counted twice.",
                    f"Keep {other} (the whole authority) in a partnership of its own, or take {la} out of {pid} and keep the small areas.",
                    "areas_nest",
                ))
                break

    def _check_areas_counted_once(self) -> None:
        """No area may belong to two neighbourhoods of one partnership at the
        same time: the partnership's figures add up its neighbourhoods, so the
        area would be counted twice (docs/methods.md, "Figures for a whole partnership")."""
        areas: dict[str, list[tuple[str, Any, Any]]] = defaultdict(list)
        for (place_id, code), a in self.merged["place_areas"].items():
            areas[place_id].append((code, a["valid_from"], a["valid_to"]))
        for (place_id,), place in self.merged["places"].items():
            if is_gss_code(place.get("code")) and not any(c == place["code"] for c, _, _ in areas[place_id]):
                areas[place_id].append((place["code"], None, None))
        area_rows = {row.key: row for row in self.rows.get("place_areas", [])}
        partnership_rows = {row.model.partnership_id: row for row in self.rows.get("partnerships", [])}
        place_rows = {row.model.place_id: row for row in self.rows.get("places", [])}
        reported: set[tuple[str, str]] = set()
        for (pid,), partnership in self.merged["partnerships"].items():
            seen: dict[str, list[tuple[str, Any, Any]]] = defaultdict(list)
            for hood in partnership["places"]:
                for code, start, end in areas.get(hood, []):
                    for other, o_start, o_end in seen[code]:
                        overlap = (start is None or o_end is None or start <= o_end) and (o_start is None or end is None or o_start <= end)
                        if not overlap or (hood, code) in reported:
                            continue
                        row = area_rows.get((hood, code)) or area_rows.get((other, code)) or partnership_rows.get(pid) or place_rows.get(hood) or place_rows.get(other)
                        if row is None:
                            continue  # stored before this check existed; this import does not touch it
                        reported.add((hood, code))
                        self.problems.append(
                            row.problem(
                                "area_code" if row.sheet.kind.name == "place_areas" else "places" if row.sheet.kind.name == "partnerships" else "code",
                                f"puts area {code} in both {other} and {hood}, two neighbourhoods of partnership {pid}, for part of the same time: "
                                "the partnership's figures add up its neighbourhoods, so the area would be counted twice.",
                                "Give each area to one neighbourhood of a partnership, or set valid_from / valid_to so that the two do not overlap.",
                                "area_twice",
                            )
                        )
                    seen[code].append((hood, start, end))

    def _check_measures(self) -> None:
        for row in self.rows.get("measures", []):
            old = self.current["measures"].get(row.key)
            if old is None or old["unit"] == row.model.unit:
                continue
            n = scalar(self.con, "SELECT count(*) FROM observations WHERE measure_id = ?", [row.model.measure_id])
            if n:
                self.problems.append(
                    row.problem(
                        "unit",
                        f"changes the unit from {old['unit']} to {row.model.unit}, but {n:,} stored figures are in {old['unit']}.",
                        "Keep the unit, or create a new measure (a new measure_id) for figures in the new unit.",
                        "unit_change",
                    )
                )

    def _check_partnerships(self) -> None:
        places = self.merged["places"]
        # Partnerships and places share one name space on the public site (a figure is
        # filed under its id): an id may name one or the other, never both.
        for row in self.rows.get("partnerships", []):
            if (row.model.partnership_id,) in places:
                self.problems.append(
                    row.problem(
                        "partnership_id", f'is "{row.model.partnership_id}", which is already the id of a place.',
                        "Give the partnership an id of its own (for example lockgate-board), different from every place_id.", "id_collision",
                    )
                )
        for row in self.rows.get("places", []):
            if (row.model.place_id,) in self.merged["partnerships"] and not any(r.model.partnership_id == row.model.place_id for r in self.rows.get("partnerships", [])):
                self.problems.append(
                    row.problem(
                        "place_id", f'is "{row.model.place_id}", which is already the id of a partnership.',
                        "Give the place an id of its own, different from every partnership_id.", "id_collision",
                    )
                )
        for row in self.rows.get("partnerships", []):
            for pid in row.model.places:
                place = places.get((pid,))
                if place is None:
                    self.problems.append(row.problem("places", f'names "{pid}", which is not a known place.', "Add it to places (in this import or earlier), or correct the id.", "unknown_ref"))
                elif place["level"] != "neighbourhood":
                    self.problems.append(row.problem("places", f'names "{pid}", which is a {place["level"]}, not a neighbourhood.', "List only neighbourhoods; local areas, regions and the nation are benchmarks.", "bad_level"))

    def _check_goals(self) -> None:
        partnerships = self.merged["partnerships"]
        for row in self.rows.get("goals", []):
            m = row.model
            p = partnerships.get((m.partnership_id,))
            if p is None:
                self.problems.append(row.problem("partnership_id", "is not a known partnership.", "Add it to partnerships, or correct the id.", "unknown_ref"))
            elif m.scope != m.partnership_id and m.scope not in p["places"]:
                self.problems.append(
                    row.problem("scope", f"is neither {m.partnership_id} nor one of its neighbourhoods ({', '.join(p['places'])}).", "Use the partnership_id for a partnership-wide goal, or one of its neighbourhoods.", "bad_scope")
                )
            if not self._exists("measures", m.measure_id):
                self.problems.append(row.problem("measure_id", "is not a known measure.", "Add it to measures, or correct the id.", "unknown_ref"))
            old = self.current["goals"].get(row.key)
            if old is not None and self.reason is None:
                for f in GOAL_PROMISE_FIELDS:
                    if old[f] != getattr(m, f):
                        self.problems.append(
                            row.problem(
                                f,
                                f"changes the goal's {f} from {_show(old[f])} to {_show(getattr(m, f))}.",
                                'A promise can change only with a reason: import again with --reason "why it changed" (the original stays in the goal\'s history).',
                                "reason_required",
                            )
                        )
        # A partnership changed by this import must still hold every goal's scope.
        for row in self.rows.get("partnerships", []):
            for goal in self.merged["goals"].values():
                if goal["partnership_id"] == row.model.partnership_id and goal["scope"] not in (row.model.partnership_id, *row.model.places):
                    self.problems.append(
                        row.problem("places", f"drops {goal['scope']}, the scope of goal {goal['goal_id']}.", "Keep the neighbourhood in the partnership, or change the goal first.", "bad_scope")
                    )

    def _check_notes_and_actions(self) -> None:
        for kind in ("notes", "actions", "events"):
            for row in self.rows.get(kind, []):
                m = row.model
                if not self._exists("partnerships", m.partnership_id):
                    self.problems.append(row.problem("partnership_id", "is not a known partnership.", "Add it to partnerships, or correct the id.", "unknown_ref"))
                if m.goal_id is not None:
                    goal = self.merged["goals"].get((m.goal_id,))
                    if goal is not None and not self.perms.can("viewer", goal["partnership_id"]):
                        goal = None  # another partnership's goal is, to this person, no goal at all (no oracle of who owns which id)
                    if goal is None:
                        self.problems.append(row.problem("goal_id", "is not a known goal.", "Add it to goals, or correct the id.", "unknown_ref"))
                    elif goal["partnership_id"] != m.partnership_id:
                        self.problems.append(row.problem("goal_id", f"belongs to partnership {goal['partnership_id']}, not {m.partnership_id}.", f"Link the {kind[:-1]} to a goal of its own partnership.", "bad_ref"))
                if kind == "notes" and m.place_id is not None and not self._exists("places", m.place_id):
                    self.problems.append(row.problem("place_id", "is not a known place.", "Add it to places, or correct the id.", "unknown_ref"))

    def _check_phases_and_breaks(self) -> None:
        """A change point is for a measure and a goal's scope (a partnership, or
        a neighbourhood); a break for a measure (docs/data-contract.md)."""
        for kind in ("spc_phases", "measure_breaks"):
            for row in self.rows.get(kind, []):
                m = row.model
                if not self._exists("measures", m.measure_id):
                    self.problems.append(row.problem("measure_id", "is not a known measure.", "Add it to measures, or correct the id.", "unknown_ref"))
                if kind != "spc_phases" or (m.place_id,) in self.merged["partnerships"]:
                    continue
                place = self.merged["places"].get((m.place_id,))
                if place is None or place["level"] != "neighbourhood":
                    self.problems.append(
                        row.problem(
                            "place_id",
                            "is neither a partnership nor a neighbourhood: a change point is for a goal's scope.",
                            "Use the partnership_id for a partnership-wide figure, or one of its neighbourhoods' place_ids.",
                            "bad_scope",
                        )
                    )

    def _validate_observations(self) -> None:
        sheets = self.by_kind["observations"]
        table = pa.concat_tables([s.table.append_column("_sheet", pa.array([i] * s.table.num_rows, type=pa.int32())) for i, s in enumerate(sheets)])
        measures = pa.Table.from_pylist(
            [
                {"measure_id": m["measure_id"], "unit": m["unit"], "min_value": m["min_value"], "max_value": m["max_value"]}
                for m in self.merged["measures"].values()
            ],
            schema=pa.schema([("measure_id", pa.string()), ("unit", pa.string()), ("min_value", pa.float64()), ("max_value", pa.float64())]),
        )
        places = pa.Table.from_pylist([{"place_id": k[0]} for k in self.merged["places"]], schema=pa.schema([("place_id", pa.string())]))
        con = self.con
        con.register("import_measures", measures)
        con.register("import_places", places)
        try:
            obs_sql.stage_observations(con, table, "SELECT * FROM import_measures", "SELECT * FROM import_places")
        finally:
            con.unregister("import_measures")
            con.unregister("import_places")
        context = self._context()

        # Rows the bulk path could not clear (GSS symbols, mistakes) are checked
        # page by page until every one is checked or enough problems are found:
        # a national file may hold tens of thousands of valid "c" cells.
        found = checked = 0
        while found < MAX_OBSERVATION_PROBLEMS:
            page = obs_sql.unclean_rows(con, limit=MAX_OBSERVATION_PROBLEMS, offset=checked)
            if not page:
                break
            checked += len(page)
            for rec in page:
                sheet = sheets[rec.pop("_sheet")]
                number = rec.pop(ROW)
                try:
                    ObservationRow.model_validate(rec, context=context)
                except ValidationError as exc:
                    for column, code, message, fix in validation_errors(exc):
                        found += 1
                        self.problems.append(
                            Problem(file=sheet.file, sheet=sheet.sheet, row=number, column=column, value=rec.get(column) if column else None, message=message, fix=fix, code=code)
                        )
        unclean = obs_sql.count_unclean(con)
        if checked < unclean:
            self.problems.append(
                Problem(
                    file=sheets[0].file if len(sheets) == 1 else "observations",
                    message=f"{unclean:,} rows need attention; the first {checked:,} were checked in detail above.",
                    fix="Fix the problems shown (they are usually the same mistake repeated) and import again to see any others.",
                    code="too_many",
                )
            )
        sheet_of = {i: s for i, s in enumerate(sheets)}
        for sheet_idx, number, column, value in obs_sql.unknown_references(con, MAX_OBSERVATION_PROBLEMS):
            sheet = sheet_of[sheet_idx]
            what = "measure" if column == "measure_id" else "place"
            self.problems.append(
                Problem(file=sheet.file, sheet=sheet.sheet, row=number, column=column, value=value, message=f"is not a known {what}.", fix=f"Add the {what} to {what}s (in this import or earlier), or correct the id.", code="unknown_ref")
            )
        for sheet_idx, row, first_sheet, first_row in obs_sql.conflicting_duplicates(con, MAX_OBSERVATION_PROBLEMS):
            sheet = sheet_of[sheet_idx]
            self.problems.append(
                Problem(
                    file=sheet.file, sheet=sheet.sheet, row=row, column="measure_id",
                    message=f"repeats the measure, place and period of {sheet_of[first_sheet].file} row {first_row} with different figures.",
                    fix="Keep one row per measure, place and period: delete or correct one of them.", code="duplicate_key",
                )
            )

    # -- writing -------------------------------------------------------------

    def apply_observations(self, batch_id: int, at: dt.datetime, staged: bool = False) -> KindChange:
        """Write the observations checked last (`_validate_observations`);
        `staged` when `repeats_of_this_batch` has typed them already."""
        if not staged:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE stage_observations AS {obs_sql.typed_observations_sql()}")
        return apply_stage(self.con, "observations", "stage_observations", batch_id, at, None)

    def repeats_of_this_batch(self, batch_id: int) -> list[Problem]:
        """Rows checked last (`_validate_observations`) that repeat, with
        other figures, the key of a row this batch has already written: in a
        file read in parts, a repeat in an earlier part (the bulk checks see
        one part at a time). Leaves them typed in `stage_observations`."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE stage_observations AS {obs_sql.typed_observations_sql()}")
        cols, values, join, same = _comparison(self.con, "observations", "stage_observations")
        keys = self.con.execute(
            f"""SELECT DISTINCT {', '.join('s.' + k for k in VERSIONED_TABLES['observations'])}
            FROM stage_observations s JOIN observations c ON {join}
            WHERE c.superseded_at IS NULL AND c.batch_id = ? AND NOT ({same}) LIMIT ?""",
            [batch_id, MAX_OBSERVATION_PROBLEMS],
        ).fetchall()
        sheet = self.by_kind["observations"][0]
        rows = obs_sql.first_rows_of(self.con, keys)
        return [
            Problem(
                file=sheet.file, sheet=sheet.sheet, row=row, column="measure_id",
                message="repeats the measure, place and period of an earlier row of this import with different figures.",
                fix="Keep one row per measure, place and period: find the earlier row (sort the file by measure_id, place_id and period_start) and delete or correct one of them.",
                code="duplicate_key",
            )
            for row in rows
        ]

    def apply(self, batch_id: int, at: dt.datetime) -> dict[str, KindChange]:
        changes: dict[str, KindChange] = {}
        for kind in KINDS:
            if kind not in self.by_kind:
                continue
            if kind == "observations":
                changes[kind] = self.apply_observations(batch_id, at)
                continue
            else:
                records = [r.model.model_dump() for r in self.rows.get(kind, [])]
                if not records:
                    changes[kind] = KindChange()
                    continue
                arrow = pa.Table.from_pylist(records)
                self.con.register("stage_arrow", arrow)
                try:
                    self.con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{kind} AS SELECT * FROM stage_arrow")
                finally:
                    self.con.unregister("stage_arrow")
            reason = self.reason if kind == "goals" else None
            changes[kind] = apply_stage(self.con, kind, f"stage_{kind}", batch_id, at, reason)
        return changes


def _show(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


# The order new rows are written in: pages read observations a few places at a time.
CLUSTER_ORDER: dict[str, tuple[str, ...]] = {"observations": ("place_id", "measure_id", "period_end", "period_start")}


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [table],
    ).fetchall()


def _comparison(con: duckdb.DuckDBPyConnection, table: str, stage: str) -> tuple[list[tuple[str, str]], list[str], str, str]:
    """How staged rows `s` meet stored rows `c`: the columns written (with
    their types), the value columns, the key join, and "the values are the same"."""
    key = VERSIONED_TABLES[table]
    # A column a later schema version added that this import does not fill keeps its default.
    staged = {r[0] for r in con.execute(f"DESCRIBE {stage}").fetchall()}
    cols = [(c, t) for c, t in table_columns(con, table) if c not in BOOKKEEPING and c in staged]
    values = [c for c, _ in cols if c not in key]
    join = " AND ".join(f"c.{k} = s.{k}" for k in key)
    same = " AND ".join(f"s.{v} IS NOT DISTINCT FROM c.{v}" for v in values)
    return cols, values, join, same


def apply_stage(con: duckdb.DuckDBPyConnection, table: str, stage: str, batch_id: int, at: dt.datetime, reason: str | None) -> KindChange:
    """Write a staged set of rows into a versioned table (docs/methods.md, "What did we know on that day?").

    New keys are inserted; keys whose values differ close the current row
    (superseded_at = at) and insert the new one; identical rows are left alone.
    """
    key = VERSIONED_TABLES[table]
    cols, values, join, same = _comparison(con, table, stage)
    select = ", ".join(f"CAST(s.{c} AS {t}) AS {c}" for c, t in cols)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE classified AS
        WITH s AS (SELECT {select} FROM {stage} s)
        SELECT s.*, c.{key[0]} IS NULL AS is_new, c.{key[0]} IS NOT NULL AND NOT ({same}) AS is_changed
        FROM s LEFT JOIN (SELECT * FROM {table} WHERE superseded_at IS NULL) c ON {join}
        """
    )
    added, revised, unchanged = one(
        con, "SELECT count(*) FILTER (is_new), count(*) FILTER (is_changed), count(*) FILTER (NOT is_new AND NOT is_changed) FROM classified"
    )
    examples = []
    if revised:
        cur = con.execute(
            f"""SELECT {', '.join('s.' + c for c, _ in cols)}, {', '.join('c.' + v + ' AS old_' + v for v in values)}
            FROM (SELECT * FROM classified WHERE is_changed LIMIT 20) s
            JOIN (SELECT * FROM {table} WHERE superseded_at IS NULL) c ON {join}"""
        )
        names = [d[0] for d in cur.description]
        for r in cur.fetchall():
            d = dict(zip(names, r))
            changed = {v: (d[f"old_{v}"], d[v]) for v in values if d[f"old_{v}"] != d[v]}
            examples.append({"key": tuple(d[k] for k in key), "changed": changed})
        con.execute(
            f"""UPDATE {table} AS c SET superseded_at = ?
            FROM (SELECT * FROM classified WHERE is_changed) s
            WHERE c.superseded_at IS NULL AND {join}""",
            [at],
        )
    if added or revised:
        names = ", ".join(c for c, _ in cols)
        # Rows land clustered (observations by place first), so DuckDB's
        # per-row-group min/max lets a query for a few places skip most of a
        # large table.
        order = ", ".join(CLUSTER_ORDER.get(table, key))
        con.execute(
            f"""INSERT INTO {table} ({names}, recorded_at, superseded_at, batch_id, change_reason)
            SELECT {names}, ?, NULL, ?, CASE WHEN is_changed THEN ? END FROM classified WHERE is_new OR is_changed
            ORDER BY {order}""",
            [at, batch_id, reason],
        )
    return KindChange(added, revised, unchanged, examples)
