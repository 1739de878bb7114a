"""The step every source adapter shares: published rows, read as downloaded,
become figures per official area and period; those become figures per place
through the places' own GSS codes and their `place_areas`; and the figures
are written through the one import path (`metrics.contract.importer.import_sheets`).

How an area's figures roll up into a place (docs/methods.md, "Neighbourhoods
made of official areas"):

- a place whose own code is a GSS code that the file gives figures for takes
  that figure exactly as published (with the publisher's interval and note);
- otherwise a place adds up the areas it is made of in the period (its
  `place_areas` rows whose validity overlaps the period; with none, its own
  code): counts are summed, rates are a ratio of sums of their counts; every
  area must be in the file, or the place gets no figure and the summary says
  why;
- a source may say that an area of its own kind that does not appear in a
  period it covers had nothing to count (police.uk: an LSOA with no crimes in
  a month is not in that month's file): such an area counts as 0.

Rows of the file that reach no place are counted and reported, never
silently dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from metrics.contract.importer import ImportResult, import_sheets
from metrics.contract.kinds import OBSERVATIONS, PLACES, Kind
from metrics.contract.limits import (
    MAX_SOURCE_FILE_BYTES,
    SOURCE_COLUMN_MARGIN,
    size_in_words,
)
from metrics.contract.problems import Problem
from metrics.contract.readers import ROW, Sheet, cell_text
from metrics.contract.sources.periods import Period
from metrics.vocab import UNIT_SCALE, area_type, is_gss_code

ENGLAND_CODE = "E92000001"
# Benchmark places an adapter may create when absent, by the start of their GSS code.
BENCHMARK_LEVELS: dict[str, str] = {
    "E92": "nation",
    "E12": "region",
    **{prefix: "local_area" for prefix in ("E06", "E07", "E08", "E09", "E10", "W06")},
}
MAX_ROW_PROBLEMS = 200  # per file: enough to see the pattern, cheap for a broken million-row file


# --- reading a published CSV -----------------------------------------------------

# A publisher's file this large is not held in memory: its rows are read from
# disk again each time an adapter walks them (`FileRows`).
ROWS_ON_DISK_FROM_BYTES = 64 * 1024 * 1024


class FileChanged(Exception):
    """A file kept on disk changed between two readings of its rows."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def problem(self) -> Problem:
        return Problem(
            file=self.name, code="file_changed",
            message="The file changed while it was being read, so its rows may not be the ones checked.",
            fix="Wait until the download or the program writing it has finished, and import again.",
        )


class FileRows:
    """The rows of a large publisher's file (row number, cells), read again
    from disk each time they are walked, so memory is one row, not the file:
    a national police.uk month or a school-level EES file can be read at any
    size. The file was checked whole first (`read_published_csv`): a walk
    yields the rows of the header's width, as that check kept them, and stops
    with `FileChanged` if the file is no longer the one checked."""

    def __init__(self, path: Path, name: str, first: int, width: int, count: int):
        self.path, self.name, self.first, self.width, self.count = path, name, first, width, count
        self._stamp = self._now()

    def _now(self) -> tuple[int, int]:
        st = self.path.stat()
        return st.st_size, st.st_mtime_ns

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        if self._now() != self._stamp:
            raise FileChanged(self.name)
        kept = 0
        with self.path.open(encoding="utf-8-sig", newline="") as fh:
            for number, rec in enumerate(csv.reader(fh), start=1):
                if number > self.first and len(rec) == self.width:
                    kept += 1
                    yield number, rec
        if kept != self.count or self._now() != self._stamp:
            raise FileChanged(self.name)

    def __getitem__(self, part: slice) -> list[tuple[int, list[str]]]:
        rows = iter(self)
        out = list(itertools.islice(rows, part.start, part.stop, part.step))
        rows.close()  # a slice reads only what it needs
        return out


@dataclass
class PublishedFile:
    """A publisher's CSV as downloaded: its header and its rows as text, each
    with the row number a spreadsheet shows (the header is row 1). A large
    file's rows stay on disk (`FileRows`)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]] | FileRows
    digest: str

    def index(self, column: str) -> int:
        return self.header.index(column)


def read_published_csv(path: str | Path, required: Sequence[str], download_fix: str, what: str) -> tuple[PublishedFile | None, list[Problem]]:
    """Read a publisher's CSV; problems with the file as a whole (missing, not
    CSV, not UTF-8, too large, missing columns, ragged rows) come back as
    problems, never raised. `what` names the file for messages ("a police.uk
    street-level crime file")."""
    path = Path(path)
    name = path.name

    def whole(message: str, fix: str = download_fix, **kw) -> tuple[None, list[Problem]]:
        return None, [Problem(file=name, message=message, fix=fix, **kw)]

    if not path.exists():
        return whole(f"There is no file at {path}.", "Check the path and the file name.")
    if path.is_dir():
        return whole("This is a folder, not a file.", "Give the CSV file inside it.")
    if path.suffix.lower() != ".csv":
        return whole(f"This source reads {what} as CSV; this is a '{path.suffix or '(none)'}' file.", f"If it is a zip download, unzip it and give the .csv file. {download_fix}")
    size = path.stat().st_size
    if size > MAX_SOURCE_FILE_BYTES:
        return whole(f"The file is {size_in_words(size)}, over the {size_in_words(MAX_SOURCE_FILE_BYTES)} limit for one file.", "Split it (e.g. one file per year or per area) and import the parts together.")
    try:
        digest = file_digest(path)
        # Streamed, never held whole: memory is the rows kept, not the file's size.
        with path.open(encoding="utf-8-sig", newline="") as fh:
            on_disk = path if size >= ROWS_ON_DISK_FROM_BYTES else None
            return _read_rows(name, csv.reader(fh), required, download_fix, what, digest, on_disk)
    except UnicodeDecodeError:  # anywhere in the file: the header or any row
        return whole(f"The file is not UTF-8 text, so it is not {what} as downloaded (perhaps re-saved by Excel).", download_fix, code="encoding")
    except OSError as exc:
        return whole(f"The file cannot be read ({exc.strerror or exc}).", "Check that the file is not open in another program and that you may read it.")


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _read_rows(
    name: str, reader, required: Sequence[str], download_fix: str, what: str, digest: str, on_disk: Path | None = None
) -> tuple[PublishedFile | None, list[Problem]]:
    """Check every row; keep them in memory, or, for a file `on_disk`, count
    them and leave them there (`FileRows`)."""
    def whole(message: str, fix: str = download_fix, **kw) -> tuple[None, list[Problem]]:
        return None, [Problem(file=name, message=message, fix=fix, **kw)]

    first = 1  # the header's row as a spreadsheet numbers it
    try:
        header = next(reader, None)
        while header is not None and all(c.strip() == "" for c in header):
            header, first = next(reader, None), first + 1  # a file of blank lines is empty; blank lines above a header are not its header
    except csv.Error as exc:
        return whole(f"The file cannot be read as CSV ({exc}).", code="csv")
    if header is None:
        return whole("The file is empty.")
    allowed = len(required) + SOURCE_COLUMN_MARGIN
    if len(header) > allowed:
        # Refused before any row is read: every row of a wide file costs memory per column.
        return None, [Problem(
            file=name, row=first, code="too_many_columns",
            message=f"The file has {len(header):,} columns; {what} has {len(required)} that this source reads and rarely more than a few dozen others "
                    f"(at most {allowed:,} are read).",
            fix=f"{download_fix} If you added columns, remove them; keep the publisher's own.",
        )]
    missing = [c for c in required if c not in header]
    if missing:
        other = source_of_header(header)
        if other is not None and len(missing) * 2 > len(required):
            return None, [Problem(
                file=name, row=1, code="other_source",
                message=f"This is not {what}: this looks like a {other} file (it has that source's columns).",
                fix=f"Import it as one: python -m metrics import-source {other} {name} --measure ID (on the Data page, choose {other} as the source)."
                + (" DfE's pupil attendance file also imports with import-dfe-attendance." if other == "ees" else ""),
            )]
        hint = f" Its columns are those of a {other} file: if that is what it is, import it as one." if other else ""
        return None, [
            Problem(
                file=name, row=1, column=c, code="header",
                message=f"The column {c} is missing: this is not {what} with all its columns.",
                fix=f"{download_fix} It needs the columns {', '.join(required)}.{hint}",
            )
            for c in missing
        ]
    rows: list[tuple[int, list[str]]] = []
    count = 0
    problems: list[Problem] = []
    width = len(header)
    try:
        for number, rec in enumerate(reader, start=first + 1):
            if len(rec) != width:
                if not rec or all(c == "" for c in rec):
                    continue
                if len(problems) < MAX_ROW_PROBLEMS:
                    problems.append(Problem(file=name, row=number, code="ragged", message=f"This row has {len(rec)} cells but the header has {width} columns.", fix=download_fix))
                continue
            count += 1
            if on_disk is None:
                rows.append((number, rec))
    except csv.Error as exc:
        problems.append(Problem(file=name, row=reader.line_num, code="csv", message=f"The file cannot be read as CSV from here on ({exc}).", fix=download_fix))
    if not count and not problems:
        problems.append(Problem(file=name, message="The file has a header but no rows.", fix=download_fix))
    kept = FileRows(on_disk, name, first, width, count) if on_disk is not None else rows
    return PublishedFile(name, header, kept, digest), problems


def source_of_header(header: Sequence[str]) -> str | None:
    """The source whose columns a file's header holds (`met-ward-crime`, ...), or
    None: a file given to the wrong adapter is named for the right one instead of
    a list of missing columns. The more specific sources are tried first."""
    from metrics.contract.sources import ees, fingertips, met_ward, police_uk

    have = set(header)
    for name, columns in ((police_uk.NAME, police_uk.COLUMNS), (met_ward.NAME, met_ward.COLUMNS),
                          (fingertips.NAME, fingertips.COLUMNS), (ees.NAME, ees.BASE_COLUMNS)):
        if have.issuperset(columns):
            return name
    return None


def read_files(paths: Sequence[str | Path], required: Sequence[str], download_fix: str, what: str) -> tuple[list[PublishedFile], list[Problem]]:
    """Read every file given; the same file given twice (by content) is a
    problem, because its rows would be counted twice."""
    files: list[PublishedFile] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    if not paths:
        return [], [Problem(file="(import-source)", message="No files were given.", fix="Name one or more files as downloaded from the publisher.")]
    for path in paths:
        f, probs = read_published_csv(path, required, download_fix, what)
        problems += probs
        if f is None:
            continue
        if f.digest in seen:
            problems.append(Problem(file=f.name, message=f"This file has exactly the same contents as {seen[f.digest]}, so its rows would be counted twice.", fix="Give each file once."))
            continue
        seen[f.digest] = f.name
        files.append(f)
    return files, problems


def parse_number_cell(text: str) -> float | None:
    """A published number as a float; None when the text is not a plain number."""
    if text != text.strip() or text == "" or "," in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Request:
    """What `import-source` was asked: the files, the measure, the filters,
    and how to write (`at` back-dates the batch: only for building a history,
    as the demo and the tests do)."""

    paths: tuple[str | Path, ...]
    measure_id: str
    filters: tuple[str, ...] = ()
    reason: str | None = None
    actor: str | None = None
    dry_run: bool = False
    at: dt.datetime | None = None
    perms: object = None  # metrics.access.Permissions of the person importing (the app); None: local, the command line

    @property
    def names(self) -> list[str]:
        return [Path(p).name for p in self.paths]


@dataclass
class Opened:
    """A source's files read, its filters parsed and its measure found: what
    every adapter starts from, with every problem found so far."""

    names: list[str]
    files: list[PublishedFile]
    filters: Filters
    measure: dict | None
    problems: list[Problem]

    @property
    def rows_read(self) -> int:
        return sum(len(f.rows) for f in self.files)


def open_source(
    con: duckdb.DuckDBPyConnection,
    request: Request,
    *,
    source: str,
    units: Sequence[str],
    gives: str,
    required: Sequence[str],
    download_fix: str,
    what: str,
    default_filters: dict[str, str] | None = None,
) -> Opened:
    """Parse the filters, find the measure (in one of `units`), read the files
    (with the `required` columns) and check the filters against them. Every
    problem is collected, so one run reports them all."""
    chosen, problems = parse_filters(request.filters, default_filters)
    measure, measure_problems = source_measure(con, request.measure_id, units, gives, source)
    files, read_problems = read_files(request.paths, required, download_fix, what)
    problems += measure_problems + read_problems + filter_problems(chosen, files, request.filters)
    return Opened(request.names, files, chosen, measure, problems)


# --- filters ----------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """`--filter "COLUMN=VALUE"`, repeated: values for one column are
    alternatives (OR), different columns must all match (AND). A source's
    default filter on a column holds until a filter names that column."""

    by_column: dict[str, frozenset[str]]

    def describe(self) -> str:
        parts = []
        for column, values in self.by_column.items():
            shown = " or ".join(f'"{v}"' if v else "(empty)" for v in sorted(values))
            parts.append(f"{column} {shown}")
        return "; ".join(parts)

    def row_filter(self, header: list[str]) -> Callable[[list[str]], bool]:
        checks = [(header.index(c), values) for c, values in self.by_column.items()]
        if not checks:
            return lambda rec: True
        return lambda rec: all(rec[i] in values for i, values in checks)


def parse_filters(texts: Iterable[str], defaults: dict[str, str] | None = None) -> tuple[Filters, list[Problem]]:
    """The filters given (each "COLUMN=VALUE"), over the source's defaults."""
    given: dict[str, set[str]] = defaultdict(set)
    problems = []
    for text in texts:
        if "=" not in text:
            problems.append(Problem(file="--filter", value=text, message='is not COLUMN=VALUE.', fix='Write it as --filter "MajorText=VIOLENCE AGAINST THE PERSON" (the column as in the file\'s header, then =, then the value).'))
            continue
        column, value = text.split("=", 1)
        given[column].add(value)
    by_column = {c: frozenset([v]) for c, v in (defaults or {}).items() if c not in given}
    by_column.update({c: frozenset(v) for c, v in given.items()})
    return Filters(by_column), problems


def nothing_kept(filters: Filters, files: Sequence[PublishedFile]) -> Problem:
    """No row passes the filters (say, a Fingertips indicator published for
    males and females only, against the default Sex=Persons)."""
    return Problem(
        file=files[0].name if files else "--filter", code="nothing_kept",
        message=f"No row of the files passes the filters ({filters.describe() or 'none'}), so there is nothing to import.",
        fix='Give a --filter for the rows you want (it replaces the default for its column), e.g. --filter "Sex=Male".',
    )


def nearest(text: str, choices: Sequence[str]) -> list[str]:
    """The choice `text` most likely meant: the same in another case (or with
    other spaces), else the closest by spelling, ignoring case; [] when none is close."""
    folded = {" ".join(c.split()).casefold(): c for c in choices}
    key = " ".join(text.split()).casefold()
    if key in folded:
        return [folded[key]]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return [folded[close[0]]] if close else []


def filter_problems(filters: Filters, files: Sequence[PublishedFile], explicit: Iterable[str]) -> list[Problem]:
    """A filter on a column no file has, or a value no row holds, is a problem:
    otherwise a typo would silently give 0 everywhere."""
    problems = []
    named = {t.split("=", 1)[0] for t in explicit if "=" in t}
    for column, values in filters.by_column.items():
        holding = [f for f in files if column in f.header]
        if len(holding) < len(files):
            lacking = [f.name for f in files if column not in f.header]
            close = nearest(column, files[0].header if files else [])
            hint = f'Did you mean "{close[0]}"? ' if close else ""
            problems.append(Problem(file=lacking[0], row=1, column=column, message=f'has no column "{column}" to filter on.', fix=f"{hint}Columns: {', '.join(files[0].header if files else [])}."))
            continue
        if column not in named:
            continue
        present: set[str] = set()
        for f in holding:
            i = f.index(column)
            present.update(rec[i] for _, rec in f.rows)
        for value in sorted(values - present):
            close = nearest(value, sorted(present))
            hint = f'Did you mean "{close[0]}"? (--filter "{column}={close[0]}", in exactly that case) ' if close else ""
            some = ", ".join(f'"{v}"' for v in sorted(present)[:12])
            problems.append(Problem(file="--filter", value=f"{column}={value}", message=f'matches no row: no file has "{value}" in {column}.', fix=f"{hint}Values in {column} include {some}."))
    return problems


# --- figures of areas, and of places ----------------------------------------------

@dataclass(frozen=True)
class Origin:
    """The published row a figure comes from (its first row when it adds up several)."""

    file: str
    row: int


@dataclass
class AreaFigure:
    """One official area's figure for one period, as published.

    The text cells are kept as published (so a figure taken from one row is
    stored exactly as the publisher wrote it); the numbers are for adding up.
    `symbol` holds a GSS symbol where the figure is not available.
    """

    origin: Origin
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    symbol: str | None = None
    note: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    rows: int = 1  # published rows behind it
    amount: float = 0.0  # what those rows counted (crimes), for the unallocated report


@dataclass(frozen=True)
class PlaceAreas:
    """A place and what it is made of: its own GSS code and its listed areas."""

    place_id: str
    name: str
    level: str
    code: str | None
    areas: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()
    partnerships: tuple[str, ...] = ()  # the partnerships that list it, for the summary

    def parts(self, period: Period) -> list[str]:
        """The areas the place adds up in a period: its listed areas whose
        validity overlaps the period; with none listed, its own GSS code."""
        listed = [code for code, start, end in self.areas if (start is None or start <= period.end) and (end is None or end >= period.start)]
        if listed:
            return listed
        if self.areas:
            return []  # areas listed, none valid in this period
        return [self.code] if is_gss_code(self.code) else []

    @property
    def mapped(self) -> bool:
        return bool(self.areas) or is_gss_code(self.code)


def place_index(con: duckdb.DuckDBPyConnection | None, extra: Iterable[PlaceAreas] = ()) -> list[PlaceAreas]:
    """Every current place that is, or is made of, official areas; plus places
    this import creates (`extra`). Without a database, only those."""
    if con is None:
        return list(extra)
    areas: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = defaultdict(list)
    for place_id, code, start, end in con.execute(
        "SELECT place_id, area_code, valid_from, valid_to FROM place_areas WHERE superseded_at IS NULL ORDER BY place_id, area_code"
    ).fetchall():
        areas[place_id].append((code, start, end))
    members: dict[str, list[str]] = defaultdict(list)
    for pid, hoods in con.execute("SELECT partnership_id, places FROM partnerships WHERE superseded_at IS NULL ORDER BY partnership_id").fetchall():
        for hood in hoods or []:
            members[hood].append(pid)
    out = []
    known = set()
    for place_id, name, level, code in con.execute(
        "SELECT place_id, name, level, code FROM places WHERE superseded_at IS NULL ORDER BY place_id"
    ).fetchall():
        known.add(place_id)
        p = PlaceAreas(place_id, name, level, code, tuple(areas.get(place_id, ())), tuple(members.get(place_id, ())))
        if p.mapped:
            out.append(p)
    out += [p for p in extra if p.place_id not in known]
    return out


@dataclass
class Allocation:
    """What the mapping gave: figures per place and period, and what it could not place."""

    figures: list[tuple[PlaceAreas, Period, AreaFigure]] = field(default_factory=list)
    zero_filled: list[tuple[PlaceAreas, Period]] = field(default_factory=list)
    not_allocated: list[tuple[PlaceAreas, Period, str]] = field(default_factory=list)
    unused: dict[str, list[AreaFigure]] = field(default_factory=dict)  # area code -> its figures no place took


def combine(unit: str, parts: list[AreaFigure]) -> AreaFigure | str:
    """One figure for several areas in one period (docs/methods.md, "Figures for a whole partnership"), or
    why there is none: counts add up; rates and percentages are a ratio of
    sums of their counts; a part that is not available makes the whole not
    available (its symbol is kept)."""
    if len(parts) == 1:
        return parts[0]
    origin = min((p.origin for p in parts), key=lambda o: (o.file, o.row))
    notes = sorted({p.note for p in parts if p.note})
    base = AreaFigure(origin, rows=sum(p.rows for p in parts), amount=sum(p.amount for p in parts), note="; ".join(notes) or None)
    symbol = next((p.symbol for p in parts if p.symbol), None)
    if symbol:
        return replace(base, symbol=symbol, cells={"value": symbol})
    if unit == "count":
        if any(p.value is None for p in parts):
            return "an area's count is missing"
        total = math.fsum(p.value for p in parts)  # type: ignore[misc]
        return replace(base, value=total, cells={"value": cell_text(total)})
    if unit in UNIT_SCALE:
        if any(p.numerator is None or p.denominator is None for p in parts):
            return "an area's figure has no count and base, so the areas cannot be added up"
        n = math.fsum(p.numerator for p in parts)  # type: ignore[misc]
        d = math.fsum(p.denominator for p in parts)  # type: ignore[misc]
        return replace(base, numerator=n, denominator=d, cells={"numerator": cell_text(n), "denominator": cell_text(d)})
    return f"{unit} figures of several areas cannot be added up here"


def allocate(
    unit: str,
    figures: dict[tuple[str, tuple[dt.date, dt.date]], AreaFigure],
    periods: dict[tuple[dt.date, dt.date], Period],
    places: Sequence[PlaceAreas],
    zero_area_type: str | None = None,
    zero_origin: dict[tuple[dt.date, dt.date], Origin] | None = None,
) -> Allocation:
    """Figures per area and period -> figures per place and period (see the
    module docstring). `zero_area_type` ("LSOA") is the kind of area the source
    counts in: one of those missing from a period the source covers had
    nothing to count, and counts as 0."""
    out = Allocation()
    used: set[tuple[str, tuple[dt.date, dt.date]]] = set()
    for key, period in sorted(periods.items()):
        for place in places:
            own = figures.get((place.code, key)) if place.code else None
            if own is not None:
                used.add((place.code, key))  # type: ignore[arg-type]
                out.figures.append((place, period, own))
                continue
            parts = place.parts(period)
            if not parts:
                continue
            got: list[AreaFigure] = []
            missing: list[str] = []
            zeros = 0
            for code in parts:
                fig = figures.get((code, key))
                if fig is None and zero_area_type and area_type(code) == zero_area_type:
                    zeros += 1
                    fig = AreaFigure((zero_origin or {}).get(key, Origin("", 0)), value=0.0, numerator=None, cells={"value": "0"}, rows=0)
                if fig is None:
                    missing.append(code)
                else:
                    used.add((code, key))
                    got.append(fig)
            if missing:
                if got or place.level == "neighbourhood":
                    shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                    if len(parts) == 1:
                        why = f"its area {parts[0]} is not in the files"
                    elif len(missing) == len(parts):
                        why = f"none of its {len(parts)} areas is in the files ({shown})"
                    else:
                        why = f"{len(missing)} of its {len(parts)} areas are not in the files ({shown})"
                    out.not_allocated.append((place, period, why))
                continue
            combined = combine(unit, got)
            if isinstance(combined, str):
                out.not_allocated.append((place, period, combined))
                continue
            if zeros == len(parts):
                out.zero_filled.append((place, period))
            out.figures.append((place, period, combined))
    for (code, key), fig in figures.items():
        if (code, key) not in used:
            out.unused.setdefault(code, []).append(fig)
    return out


# --- measures ---------------------------------------------------------------------

def source_measure(con: duckdb.DuckDBPyConnection, measure_id: str, units: Sequence[str], gives: str, source: str) -> tuple[dict | None, list[Problem]]:
    """The stored measure the figures are for; it must exist and be in a unit
    the source can fill, else a problem saying which unit it needs."""
    rows = con.execute("SELECT measure_id, name, unit, min_value, max_value FROM measures WHERE superseded_at IS NULL ORDER BY measure_id").fetchall()
    measures = {r[0]: dict(zip(("measure_id", "name", "unit", "min_value", "max_value"), r)) for r in rows}
    needed = " or ".join(units)
    measure = measures.get(measure_id)
    if measure is None:
        known = ", ".join(measures) or "(none yet)"
        return None, [Problem(
            file="--measure", value=measure_id, code="unknown_measure",
            message=f"is not a measure in the database (measures: {known}).",
            fix=f"Create it first: a measures.csv row with unit {units[0]} (python -m metrics import measures.csv), or give the id of an existing measure in {needed}.",
        )]
    if measure["unit"] not in units:
        return None, [Problem(
            file="--measure", value=measure_id, column="unit", code="unit",
            message=f"is in {measure['unit']}, but {source} gives {gives}: it needs a measure in {needed}.",
            fix=f"Choose a measure in {needed}, or create one (a new measure_id with unit {units[0]}).",
        )]
    return measure, []


def inferred_scale_unit(rows: Iterable[tuple[float, float, float]], tolerance: float = 0.05) -> str | None:
    """The ratio unit whose scale turns most (value, count, base) rows into
    their value (value = count / base x scale, within `tolerance`), when it
    does for at least half of them; None when no scale does (an
    age-standardised rate, say) or there is nothing to go on."""
    rows = [(v, n, d) for v, n, d in rows if d > 0]
    if not rows:
        return None
    matches = {unit: sum(abs(v - n / d * scale) <= tolerance for v, n, d in rows) for unit, scale in UNIT_SCALE.items()}
    unit = max(matches, key=lambda u: matches[u])
    return unit if matches[unit] * 2 >= len(rows) else None


# --- places the source creates ------------------------------------------------------

@dataclass(frozen=True)
class WantedPlace:
    """A benchmark place (England, a region, a local authority) a file names,
    at the first row that names it."""

    code: str
    name: str
    level: str
    parent_code: str | None
    file: str
    row: int
    column: str


def gss_place_id(code: str) -> str:
    """The place id of a benchmark place: `england` for England, else its GSS
    code in lower case (`E09000030` -> `e09000030`), stable across releases."""
    return "england" if code == ENGLAND_CODE else code.lower()


def stored_rows(con: duckdb.DuckDBPyConnection, table: str, where: str, params: list) -> list[dict]:
    cur = con.execute(f"SELECT * EXCLUDE (recorded_at, superseded_at, batch_id, change_reason) FROM {table} WHERE superseded_at IS NULL AND ({where})", params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def as_cells(kind: Kind, stored: dict) -> dict[str, str]:
    """A stored row as the text a steward would type, so importing it again is no change."""
    return {c: cell_text(stored.get(c)) for c in kind.column_names}


@dataclass
class BenchmarkPlaces:
    place_id: dict[str, str]  # code -> place id
    rows: list[tuple[str, int, dict[str, str]]]  # (file, row, places cells)
    new: list[PlaceAreas]  # places this import creates, for the mapping
    problems: list[Problem]


def benchmark_places(con: duckdb.DuckDBPyConnection | None, wanted: dict[str, list[WantedPlace]]) -> BenchmarkPlaces:
    """England, regions and local authorities named by a file, reused from the
    database when a place has the same GSS code (else the same id), created
    otherwise. A reused place is written back exactly as stored, so it is never
    revised; an id the database uses for a place with another code is a problem."""
    codes = list(wanted)
    default_ids = {code: gss_place_id(code) for code in codes}
    stored = stored_rows(con, "places", "code IN (SELECT unnest(?)) OR place_id IN (SELECT unnest(?))", [codes, list(default_ids.values())]) if con is not None and codes else []
    out = BenchmarkPlaces({}, [], [], [])
    reused: dict[str, dict] = {}
    for code in codes:
        by_code = sorted((p for p in stored if p["code"] == code), key=lambda p: (p["place_id"] != default_ids[code], p["place_id"]))
        by_id = [p for p in stored if p["place_id"] == default_ids[code]]
        if not by_code and by_id and by_id[0]["code"]:
            first = wanted[code][0]
            out.problems.append(Problem(
                file=first.file, row=first.row, column=first.column, value=code, code="id_taken",
                message=f"The database already has a place {default_ids[code]} with another code ({by_id[0]['code']}), so this place cannot take that id.",
                fix=f"Give the stored place {default_ids[code]} its right code, or a new place_id, and import the file again.",
            ))
            continue
        match = (by_code or by_id or [None])[0]
        if match is not None:
            reused[code] = match
            out.place_id[code] = match["place_id"]
        else:
            out.place_id[code] = default_ids[code]
    if out.problems:
        return out
    for code, versions in wanted.items():
        if code in reused:
            out.rows.append((versions[0].file, versions[0].row, as_cells(PLACES, reused[code])))
            continue
        for p in versions:
            parent = out.place_id.get(p.parent_code) if p.parent_code else None
            out.rows.append((p.file, p.row, {"place_id": out.place_id[code], "name": p.name, "level": p.level, "parent_id": parent or "", "code": code}))
        out.new.append(PlaceAreas(out.place_id[code], versions[0].name, versions[0].level, code))
    out.rows.sort(key=lambda r: (r[0], r[1]))
    return out


def add_wanted(wanted: dict[str, list[WantedPlace]], place: WantedPlace) -> None:
    """Note a place a file names; the same code with another name, level or
    parent is kept too, so the importer reports the clash at that row."""
    seen = wanted.setdefault(place.code, [])
    if not any((p.name, p.level, p.parent_code) == (place.name, place.level, place.parent_code) for p in seen):
        seen.append(place)


# --- sheets and the import ----------------------------------------------------------

def kind_sheet(file: str, label: str, kind: Kind, rows: list[tuple[int, dict[str, str]]]) -> Sheet:
    """Rows of one kind as a Sheet the importer reads, each with its published row number."""
    arrays = {ROW: pa.array([r for r, _ in rows], type=pa.int64())}
    for c in kind.column_names:
        arrays[c] = pa.array([cells.get(c, "") for _, cells in rows], type=pa.string())
    return Sheet(file=file, sheet=label, kind=kind, table=pa.table(arrays), present=kind.column_names)


def observation_rows(measure_id: str, allocation: Allocation, source_text: Callable[[AreaFigure], str]) -> list[tuple[Origin, dict[str, str]]]:
    """The observations rows of the allocated figures, as a steward would type
    them, each with the published row it comes from, in the file's order."""
    out = []
    for place, period, fig in allocation.figures:
        cells = {
            "measure_id": measure_id,
            "place_id": place.place_id,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            **fig.cells,
            "source": source_text(fig),
        }
        out.append((fig.origin, cells))
    out.sort(key=lambda r: (r[0].file, r[0].row, r[1]["place_id"]))
    return out


def observation_sheets(rows: list[tuple[Origin, dict[str, str]]], label: str, files: Sequence[str]) -> list[Sheet]:
    """One observations sheet per published file, rows numbered as in that file."""
    by_file: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for origin, cells in rows:
        by_file[origin.file or files[0]].append((origin.row, cells))
    return [kind_sheet(name, label, OBSERVATIONS, by_file[name]) for name in files if by_file.get(name)] or [kind_sheet(files[0], label, OBSERVATIONS, [])]


def reword(problem: Problem, labels: set[str], columns: dict[str, str], note: str) -> Problem:
    """An importer's problem with a derived row, pointed back at the published
    file: the row the figure comes from, in the publisher's column names."""
    if problem.sheet not in labels:
        return problem
    return replace(
        problem,
        sheet=None,
        column=columns.get(problem.column or "", problem.column),
        message=f"{problem.message} ({note})",
    )


@dataclass
class SourceResult:
    """An import from a source: the import's own result, and what the source
    says about the rows it read (covered periods, unallocated rows)."""

    source: str
    files: list[str]
    problems: list[Problem]
    report: list[str]
    rows_read: int = 0
    imported: ImportResult | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and self.imported is not None and self.imported.ok

    @property
    def changes(self):
        return self.imported.changes if self.imported else {}

    @property
    def batch_id(self) -> int | None:
        return self.imported.batch_id if self.imported else None

    def summary_lines(self) -> list[str]:
        return list(self.report) + (self.imported.summary_lines() if self.imported else [])


def failed(source: str, request: Request, problems: list[Problem], rows_read: int = 0) -> SourceResult:
    return SourceResult(source, request.names, problems, [], rows_read, None, request.dry_run)


def write_through_importer(
    con: duckdb.DuckDBPyConnection,
    source: str,
    request: Request,
    sheets: list[Sheet],
    report: list[str],
    rows_read: int,
    reword_problem: Callable[[Problem], Problem],
    files: Sequence[PublishedFile] = (),
) -> SourceResult:
    """The one import path: one transaction, every problem or nothing written,
    idempotent, a changed figure a revision. The areas the `files` name are
    recorded in the same batch (`areas.record_source_areas`)."""
    from metrics.contract.sources.areas import record_source_areas

    r = request
    if not r.reason:
        changed = definition_changes(con, sheets)
        if changed:
            return SourceResult(source, r.names, [definition_problem(con, r.names[0], changed)], report, rows_read, None, r.dry_run)
        undone = later_release_revisions(con, f"import-source {source}", sheets)
        if undone:
            return SourceResult(source, r.names, [older_release_problem(r.names[0], undone)], report, rows_read, None, r.dry_run)
    extra = {"perms": r.perms} if r.perms is not None else {}
    result = import_sheets(con, sheets, r.names, reason=r.reason, actor=r.actor, dry_run=r.dry_run, action=f"import-source {source}", at=r.at,
                           record=record_source_areas(source, files) if files else None, **extra)
    problems = [reword_problem(p) for p in result.problems]
    return SourceResult(source, r.names, problems, report, rows_read, result, r.dry_run)


# Refusals a steward may override by saying why: the reason is recorded in the batch.
ON_PURPOSE = frozenset({"definition_changed", "older_release"})


# --- what a measure's figures were made from ---------------------------------------

VALUE_NOTE = ". Value note: "  # Fingertips' note on one figure, after the source's definition


def definition_of(source_text: str) -> str:
    """What a figure's `source` says it counts (publisher, filter, value
    column), without a note on that one figure."""
    return source_text.split(VALUE_NOTE, 1)[0]


def definition_changes(con: duckdb.DuckDBPyConnection, sheets: Sequence[Sheet]) -> list[tuple[str, str, str, str]]:
    """(measure, place, old definition, new definition) wherever this import
    would give a place's measure figures made another way than those it holds
    now: another filter, value column or publisher. Mixed in one series they
    would change what the measure counts without a word (issue 23, finding 8)."""
    new: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sheet in sheets:
        if sheet.kind is not OBSERVATIONS or sheet.table.num_rows == 0:
            continue
        t = sheet.table
        for m, p, src in zip(t.column("measure_id").to_pylist(), t.column("place_id").to_pylist(), t.column("source").to_pylist()):
            new[(m, p)].add(definition_of(src or ""))
    if not new:
        return []
    measures = sorted({m for m, _ in new})
    held = con.execute(
        "SELECT DISTINCT measure_id, place_id, source FROM observations WHERE superseded_at IS NULL AND source IS NOT NULL AND source <> '' "
        f"AND measure_id IN ({', '.join('?' for _ in measures)}) ORDER BY 1, 2, 3",
        measures,
    ).fetchall()
    out = []
    for m, p, src in held:
        old = definition_of(src)
        if (m, p) in new and old not in new[(m, p)]:
            out.append((m, p, old, min(new[(m, p)])))
    return out


def definition_problem(con: duckdb.DuckDBPyConnection, file: str, changed: list[tuple[str, str, str, str]]) -> Problem:
    m, p, old, new = changed[0]
    places = sorted({c[1] for c in changed if c[0] == m})
    name = _name_of(con, "places", "place_id", p)
    where = name if len(places) == 1 else f"{name} and {len(places) - 1} other place(s)"
    m = _name_of(con, "measures", "measure_id", m)
    return Problem(
        file=file, column="--filter", code="definition_changed", value=new,
        message=(f'The figures of {m} for {where} were made from "{old}"; this import would make them from "{new}", '
                 "so the series would count something else from here on."),
        fix=("Import with the same --filter and columns as before. If the definition really changed, say why "
             '(--reason "..." on the command line, "Why" on the Import page) and record a series break (breaks.csv) '
             "so the change is shown on the chart."),
    )


# --- which release a measure's figures came from --------------------------------------

@dataclass(frozen=True)
class LaterRelease:
    """Figures this import would revise that a later release of the same
    source wrote: importing an older file after a newer one would put the
    publisher's corrections back to their first values."""

    measure: str  # its name
    revised: int  # current figures of the later release this file would change
    example: tuple[str, str, str]  # place, period end, figure now
    this_release_end: str  # the last period this file covers for the measure
    later_release_end: str  # ... and the release that wrote the figures
    later_batch: int
    later_imported: str


def later_release_revisions(con: duckdb.DuckDBPyConnection, action: str, sheets: Sequence[Sheet]) -> list[LaterRelease]:
    """Where this import would change current figures written by an import of
    the same source (`action`) whose release runs to a later period for that
    measure than this file does (issue 23, finding 7). A release is known by
    the last period it covers: the Met file's 24-month window ends a month
    later each month, a police.uk file is one month, Fingertips and EES files
    end at their latest time period."""
    tables = [s.table.select(["measure_id", "place_id", "period_start", "period_end", "value", "numerator", "denominator"])
              for s in sheets if s.kind is OBSERVATIONS and s.table.num_rows]
    if not tables:
        return []
    new = pa.concat_tables(tables)
    con.register("release_new", new)
    try:
        rows = con.execute(
            """
            WITH n AS (
                SELECT measure_id, place_id, CAST(period_start AS DATE) AS period_start, CAST(period_end AS DATE) AS period_end,
                       TRY_CAST(NULLIF(value, '') AS DOUBLE) AS value, TRY_CAST(NULLIF(numerator, '') AS DOUBLE) AS numerator,
                       TRY_CAST(NULLIF(denominator, '') AS DOUBLE) AS denominator
                FROM release_new),
            ends AS (SELECT measure_id, max(period_end) AS release_end FROM n GROUP BY measure_id),
            revised AS (
                SELECT c.measure_id, c.place_id, c.period_end, c.value AS now_value, c.batch_id
                FROM n JOIN observations c USING (measure_id, place_id, period_start, period_end)
                JOIN batches b ON b.batch_id = c.batch_id AND b.action = ?
                WHERE c.superseded_at IS NULL
                  AND (n.value IS DISTINCT FROM c.value OR n.numerator IS DISTINCT FROM c.numerator OR n.denominator IS DISTINCT FROM c.denominator)),
            releases AS (
                SELECT o.batch_id, o.measure_id, max(o.period_end) AS release_end
                FROM observations o WHERE (o.batch_id, o.measure_id) IN (SELECT DISTINCT batch_id, measure_id FROM revised)
                GROUP BY ALL)
            SELECT r.measure_id, count(*), min(r.place_id), min(r.period_end), any_value(r.now_value), e.release_end, l.release_end,
                   max(r.batch_id), CAST(max(b.happened_at) AS DATE)
            FROM revised r JOIN releases l USING (batch_id, measure_id) JOIN ends e USING (measure_id)
            JOIN batches b ON b.batch_id = r.batch_id
            WHERE l.release_end > e.release_end
            GROUP BY r.measure_id, e.release_end, l.release_end ORDER BY 1, 7 DESC
            """,
            [action],
        ).fetchall()
    finally:
        con.unregister("release_new")
    out, seen = [], set()
    for m, n, place, end, now, this_end, later_end, batch, imported in rows:
        if m in seen:
            continue
        seen.add(m)
        out.append(LaterRelease(_name_of(con, "measures", "measure_id", m), n, (_name_of(con, "places", "place_id", place), end.isoformat(), _figure_text(now)),
                                this_end.isoformat(), later_end.isoformat(), batch, imported.isoformat()))
    return out


def _name_of(con: duckdb.DuckDBPyConnection, table: str, key: str, value: str) -> str:
    """A measure's or place's name, as the steward knows it (the id when it has none)."""
    row = con.execute(f"SELECT name FROM {table} WHERE {key} = ? AND superseded_at IS NULL LIMIT 1", [value]).fetchone()
    return row[0] if row and row[0] else value


def _figure_text(v: float | None) -> str:
    return "no figure" if v is None else f"{v:g}"


def older_release_problem(file: str, undone: list[LaterRelease]) -> Problem:
    u = undone[0]
    place, end, now = u.example
    return Problem(
        file=file, code="older_release", value=u.this_release_end,
        message=(f"This file covers {u.measure} up to {u.this_release_end}, but its figures were last imported from a later release "
                 f"(up to {u.later_release_end}, imported {u.later_imported}, batch {u.later_batch}). It would change {_plural(u.revised, 'figure')} "
                 f"of that release back, e.g. {place}'s figure for the period ending {end} (now {now}), undoing the publisher's corrections."),
        fix=("Import the latest release instead. If you mean to go back to the older figures, say why "
             '(--reason "..." on the command line, "Why" on the Import page) and the import records it.'),
    )


# --- the report -----------------------------------------------------------------------

def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


def allocation_report(
    allocation: Allocation,
    area_word: str,
    amount_word: str | None = None,
    limit: int = 10,
    rows_of: Callable[[list[AreaFigure]], int] = lambda figs: sum(f.rows for f in figs),
) -> list[str]:
    """Lines for the summary: places given figures, places that got 0 because
    none of their areas had anything, places that got nothing and why, and the
    published rows that reached no place. `rows_of` counts the published rows
    behind one area's unused figures (a row of a file with a column per month
    is behind every month's figure, so it counts once)."""
    lines = []
    placed = {p.place_id for p, _, _ in allocation.figures}
    lines.append(f"Figures for {_plural(len(placed), 'place')} ({_plural(len(allocation.figures), 'place-period', 'place-periods')}).")
    if allocation.zero_filled:
        shown = ", ".join(f"{p.place_id} {period.label or period.start}" for p, period in allocation.zero_filled[:limit])
        more = f" and {len(allocation.zero_filled) - limit} more" if len(allocation.zero_filled) > limit else ""
        lines.append(f"  0 written where none of a place's {area_word}s appears in a period the files cover: {shown}{more}.")
    # Only the partnerships the files reach: a Met file says nothing of a Bradford
    # partnership's neighbourhoods. A file that reaches none lists every place.
    touched = {pid for p, _, _ in allocation.figures for pid in p.partnerships}
    not_allocated = allocation.not_allocated
    elsewhere: set[str] = set()
    if touched:
        not_allocated = [n for n in not_allocated if not n[0].partnerships or touched.intersection(n[0].partnerships)]
        elsewhere = {n[0].place_id for n in allocation.not_allocated} - {n[0].place_id for n in not_allocated}
    if not_allocated:
        lines.append(f"  No figure for {_plural(len(not_allocated), 'place-period', 'place-periods')}:")
        grouped: dict[tuple[str, str], list[Period]] = defaultdict(list)
        for p, period, why in not_allocated:
            grouped[(p.place_id, why)].append(period)
        for (place_id, why), periods in list(grouped.items())[:limit]:
            first, last = periods[0].label or str(periods[0].start), periods[-1].label or str(periods[-1].start)
            when = first if len(periods) == 1 else f"{len(periods)} periods, {first} to {last}"
            lines.append(f"    {place_id} ({when}): {why}.")
        if len(grouped) > limit:
            lines.append(f"    ... and {len(grouped) - limit} more.")
    if elsewhere:
        others = sorted({pid for p, _, _ in allocation.not_allocated if p.place_id in elsewhere for pid in p.partnerships})
        lines.append(f"  Not listed: {_plural(len(elsewhere), 'neighbourhood')} of partnerships these files do not reach ({', '.join(others)}).")
    rows = {code: rows_of(figs) for code, figs in allocation.unused.items()}
    unused_rows = sum(rows.values())
    if unused_rows:
        amount = sum(f.amount for figs in allocation.unused.values() for f in figs)
        what = f" ({amount:,.0f} {amount_word})" if amount_word else ""
        codes = sorted(c for c, n in rows.items() if n)
        shown = ", ".join(codes[:limit]) + (f" and {len(codes) - limit} more" if len(codes) > limit else "")
        lines.append(f"Unallocated: {_plural(unused_rows, 'row')}{what} in {_plural(len(codes), area_word)} that belong to no place: {shown}.")
    return lines


def level_of(code: str) -> str | None:
    """The level of benchmark place a GSS code names, when an adapter may create it."""
    return BENCHMARK_LEVELS.get(code[:3]) if is_gss_code(code) else None
