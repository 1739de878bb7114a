"""The areas a publisher's file holds, by code and name (`python -m metrics areas`).

A steward building a neighbourhood knows its wards or LSOAs by name ("Kentish
Town South", "Leeds 001A"), the file knows them by GSS code. This reads the
file exactly as `import-source` would (same columns, same messages) and lists
each area's code, name, kind and the number of the file's rows that name it,
so the codes for `place_areas` come from the publisher's own file, never from
grepping it. Nothing is written.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from metrics.contract.problems import Problem
from metrics.contract.sources import ees, fingertips, met_ward, police_uk
from metrics.contract.sources.common import PublishedFile, read_files, source_of_header
from metrics.vocab import area_type, is_gss_code


@dataclass(frozen=True)
class FileArea:
    """One area a file names: its code, its name as published, what kind of
    area it is, the larger area the file puts it in (borough, parent), and
    how many of the file's rows name it."""

    code: str
    name: str
    kind: str
    within: str
    rows: int

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind, "within": self.within, "rows": self.rows}


@dataclass
class AreasResult:
    source: str
    files: list[str]
    areas: list[FileArea]
    problems: list[Problem]
    total: int = 0  # areas before the search

    @property
    def ok(self) -> bool:
        return not self.problems


# source -> (required columns, download fix, what the file is)
_READ = {
    police_uk.NAME: (police_uk.COLUMNS, police_uk.DOWNLOAD_FIX, "a police.uk street-level crime file"),
    met_ward.NAME: (met_ward.COLUMNS, met_ward.DOWNLOAD_FIX, "a Met ward-level crime file"),
    fingertips.NAME: (fingertips.COLUMNS, fingertips.DOWNLOAD_FIX, "a Fingertips indicator export"),
    ees.NAME: (ees.BASE_COLUMNS, ees.DOWNLOAD_FIX, "an explore-education-statistics file"),
}


def _located(source: str, f: PublishedFile):
    """(code, name, kind, within) of each row of the file."""
    h = f.header
    if source == police_uk.NAME:
        c, n = h.index("LSOA code"), h.index("LSOA name")
        for _, rec in f.rows:
            if rec[c]:
                yield rec[c], rec[n], area_type(rec[c]) or "not an area", ""
    elif source == met_ward.NAME:
        c, n, b = h.index("WardCode"), h.index("WardName"), h.index("LookUp_BoroughName")
        for _, rec in f.rows:
            yield rec[c], rec[n], area_type(rec[c]) or "not a ward", rec[b]
    elif source == fingertips.NAME:
        c, n, t, p = h.index("Area Code"), h.index("Area Name"), h.index("Area Type"), h.index("Parent Name")
        for _, rec in f.rows:
            yield rec[c], rec[n], rec[t], rec[p]
    else:
        lv = h.index("geographic_level")
        for _, rec in f.rows:
            level = rec[lv]
            cols = ees.LEVELS.get(level)
            if cols is None or cols[0] not in h:
                continue
            code = rec[h.index(cols[0])]
            name = rec[h.index(cols[1])] if cols[1] in h else code
            within = ""
            above = cols[3]
            if above is not None and ees.LEVELS[above][1] in h:
                within = rec[h.index(ees.LEVELS[above][1])]
            yield code, name, level, within


def file_areas(source: str, paths: Sequence[str | Path], search: str | None = None) -> AreasResult:
    """Every area the files name, sorted by name then code; with `search`, those
    whose name or code holds it (any case). Files are read as `import-source`
    reads them, so a file it would refuse is refused here with the same words."""
    names = [Path(p).name for p in paths]
    spec = _READ.get(source)
    if spec is None:
        return AreasResult(source, names, [], [Problem(file="SOURCE", value=source, message="is not a source.", fix=f"Use one of: {', '.join(_READ)} (python -m metrics sources).")])
    files, problems = read_files(paths, *spec)
    if problems:
        return AreasResult(source, names, [], problems)
    counts: dict[tuple[str, str, str, str], int] = {}
    for f in files:
        for key in _located(source, f):
            counts[key] = counts.get(key, 0) + 1
    areas = [FileArea(code, name, kind, within, n) for (code, name, kind, within), n in counts.items()]
    areas.sort(key=lambda a: (a.name.casefold(), a.code))
    total = len(areas)
    if search:
        needle = search.casefold().strip()
        areas = [a for a in areas if needle in a.name.casefold() or needle in a.code.casefold() or needle in a.within.casefold()]
    return AreasResult(source, names, areas, [], total)


def areas_text(result: AreasResult, search: str | None = None) -> list[str]:
    """What `python -m metrics areas` prints: a line per area, then a count."""
    lines = []
    code_w = max((len(a.code) for a in result.areas), default=4)
    name_w = max((len(a.name) for a in result.areas), default=4)
    for a in result.areas:
        within = f", in {a.within}" if a.within else ""
        lines.append(f"{a.code:<{code_w}}  {a.name:<{name_w}}  {a.kind}{within}  {a.rows:,} row{'s' if a.rows != 1 else ''}")
    what = f' matching "{search}"' if search else ""
    if result.areas:
        lines.append(f"{len(result.areas):,} area{'s' if len(result.areas) != 1 else ''}{what} of {result.total:,} in {', '.join(result.files)}. "
                     "Put a code in place_areas (place_id,area_code) to make it part of a neighbourhood.")
    else:
        lines.append(f"No area{what} in {', '.join(result.files)} ({result.total:,} areas in all). Try part of the name, e.g. --search \"{(search or '')[:4]}\".")
    return lines


def record_source_areas(source: str, files: Sequence[PublishedFile]):
    """A writer for `import_sheets(record=...)`: the GSS codes the files name,
    with their names, added to `source_areas` (those this source has not named
    before), in the import's own batch. place_areas imports then warn about a
    code no source has named ("not seen in any source yet")."""
    named: dict[str, str] = {}
    for f in files:
        for code, name, _, _ in _located(source, f):
            if is_gss_code(code):
                named.setdefault(code, name)

    def write(con, batch_id: int, at) -> None:
        if not named:
            return
        con.execute(
            """INSERT INTO source_areas
               SELECT t.code, t.name, ?, ?, ? FROM (SELECT unnest(?) AS code, unnest(?) AS name) t
               WHERE t.code NOT IN (SELECT area_code FROM source_areas WHERE source = ?)""",
            [source, batch_id, at, list(named), list(named.values()), source],
        )

    return write


# --- for the app's Data pages: a publisher's files as uploaded ----------------------

TITLES = {
    met_ward.NAME: "Metropolitan Police ward-level crime (London Datastore)",
    police_uk.NAME: "data.police.uk street-level crime",
    fingertips.NAME: "OHID Fingertips indicator export",
    ees.NAME: "Explore education statistics (DfE)",
}
# The column a steward most often keeps rows by, per source (the Data page's first choice).
USUAL_FILTER = {met_ward.NAME: "MajorText", police_uk.NAME: "Crime type", fingertips.NAME: "", ees.NAME: "education_phase"}


@contextmanager
def uploaded_files(uploads: Sequence[tuple[str, bytes]]):
    """A publisher's files uploaded in the app, as paths the adapters read.
    They are published open data (never a steward's own records), written to a
    private temporary folder removed as soon as the block ends."""
    with tempfile.TemporaryDirectory(prefix="outcomes-upload-") as folder:
        paths = []
        for i, (name, data) in enumerate(uploads):
            sub = Path(folder) / str(i)
            sub.mkdir()
            path = sub / Path(name).name
            path.write_bytes(data)
            paths.append(path)
        yield paths


def guess_source(data: bytes) -> str | None:
    """The source whose columns an uploaded file's header holds, or None."""
    first = data[:65536].decode("utf-8-sig", errors="replace").splitlines()[:1]
    if not first:
        return None
    header = next(csv.reader(first), [])
    return source_of_header(header)


def file_columns(source: str, paths: Sequence[str | Path]) -> dict[str, list[str]]:
    """Each column of the files and its distinct values (at most 200 each), for
    the Data page's choices; {} when the files cannot be read as that source."""
    spec = _READ.get(source)
    if spec is None:
        return {}
    files, problems = read_files(paths, *spec)
    if problems or not files:
        return {}
    out: dict[str, set[str]] = {c: set() for c in files[0].header}
    for f in files:
        for i, c in enumerate(f.header):
            values = out.setdefault(c, set())
            if len(values) <= 200:
                values.update(rec[i] for _, rec in f.rows[:20000])
    return {c: sorted(v)[:200] for c, v in out.items()}
