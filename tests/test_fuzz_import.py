"""Property-based fuzzing of every import kind (hypothesis).

Files of every kind, as CSV (in UTF-8, UTF-8 with BOM, Latin-1, Windows-1252
or UTF-16 bytes) and as XLSX, with hostile cells (unicode, blanks, huge
strings, numbers in odd forms, impossible dates, GSS symbols, formulas, HTML
and script), columns missing, added, renamed and shuffled, any number of
rows. Whatever arrives, `import_paths`:

- never raises;
- either succeeds, or returns problems that each name a file and say what is
  wrong and how to fix it;
- when it fails, leaves the database exactly as it was;
- when it succeeds, leaves a database the exporter and the methods can read.

The command line is fuzzed once too, to prove a hostile file gives a message,
never a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import BASE_FILES, REPO, snapshot, write_files
from metrics import store
from metrics.export import export_csv
from metrics.importer import import_paths
from metrics.kinds import KINDS, Column
from metrics.queries import goal_results
from metrics.vocab import GSS_SYMBOLS

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Ids the seeded database already holds, so that some rows refer to real things.
KNOWN_IDS = ["england", "shire", "north", "south", "attendance", "incidents", "wellbeing", "shire-board", "attend-up", "north-safer", "n1", "a1"]

HOSTILE = [
    "", " ", "  padded  ", "\t", "\n", "a\nb", "\r\n", "'", '"', '""', ",", ";", ";;", "a;b", "north;north", "north;;south",
    "=1+1", "=HYPERLINK(\"http://example.com\",\"click\")", "+1", "-1", "@SUM(A1:A9)", "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>", "<b>bold</b>", "<img src=x onerror=alert(1)>", "&amp;", "{{7*7}}", "${jndi:ldap://x}",
    "1,234", "1 234", "1,5", "1e3", "1E-3", "1e999", "-1e999", "1e-999", "NaN", "nan", "inf", "-Infinity", "0x10", "0b1",
    "١٢٣", "½", "93.5%", "−5", "00012", ".5", "5.", "+.5e-3", "9" * 40, "-0", "1_000",
    "2026-02-30", "2026-13-01", "31/03/2026", "2026-3-1", "9999-12-31", "0001-01-01", "2026-03-31T00:00", "20260331",
    "true", "TRUE", "False", "yes", "1", "0", "NULL", "None", "null", "N/A", "-", "..",
    *GSS_SYMBOLS, "[c]", "[x]", "C", "c ",
    "DROP TABLE observations; --", "Robert'); DROP TABLE goals;--", "\\", "%s%s%s", "\u202e\u0646\u0635", "\ufeff", "\u200b",
    "🙂", "👩‍👩‍👧", "Ünïcödé ñame", "日本語", "x" * 5000,
]
# A huge cell now and then: 200 kB, and over 1 MB (which sends a CSV down the
# readers' fast path for large files).
HUGE_SIZES = [200_000, 1_100_000]


def valid_cell(column: Column) -> st.SearchStrategy[str]:
    """Cells a steward might well type for this column."""
    if column.type == "slug":
        return st.sampled_from(KNOWN_IDS) | st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
    if column.type == "date":
        return st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    if column.type == "number":
        return st.sampled_from(["0", "4", "90.75", "95", "100", "1000", "12.5"]) | st.floats(-1e6, 1e6, allow_nan=False).map(repr)
    if column.type == "whole":
        return st.integers(0, 10_000).map(str)
    if column.type == "bool":
        return st.sampled_from(["true", "false", ""])
    if column.type == "list":
        return st.lists(st.sampled_from(["north", "south", "shire", "elsewhere"]), min_size=1, max_size=3).map(";".join)
    if column.type == "enum":
        return st.sampled_from(column.choices)
    return st.text(max_size=40) | st.sampled_from(["A board for the estate", "The bus is always late", "Shire Council"])


def cell(column: Column) -> st.SearchStrategy[str]:
    return st.one_of(
        valid_cell(column),
        valid_cell(column),
        st.sampled_from(HOSTILE),
        st.text(max_size=30),
    )


@st.composite
def sheet_content(draw, kind: str) -> tuple[list[str], list[list[str]]]:
    """A header (the kind's columns, some dropped, extras added, shuffled) and rows."""
    spec = KINDS[kind]
    columns = [c for c in spec.columns if draw(st.integers(0, 9)) > 0]  # each column kept 9 times in 10
    extras = draw(st.lists(st.sampled_from(["_notes", "Value", "valu", "", "measure id", "x;y;z", "_", "PLACE_ID", "🙂"]) | st.text(max_size=12), max_size=2))
    header = [c.name for c in columns] + extras
    header = draw(st.permutations(header))
    by_name = {c.name: c for c in spec.columns}
    n_rows = draw(st.integers(0, 12))
    rows = []
    for _ in range(n_rows):
        row = []
        for name in header:
            row.append(draw(cell(by_name[name])) if name in by_name else draw(st.sampled_from(HOSTILE) | st.text(max_size=10)))
        # Now and then a ragged row.
        cut = draw(st.integers(-2, 40))
        if cut < 0:
            row = row[: max(0, len(row) + cut)]
        elif cut == 40:
            row.append("extra")
        rows.append(row)
    if rows and draw(st.integers(0, 9)) == 0:
        r = draw(st.integers(0, len(rows) - 1))
        if rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(st.sampled_from(["y", "é", "<b>"])) * draw(st.sampled_from(HUGE_SIZES))
    return header, rows


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str, newline: str) -> bytes:
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows([header, *rows])
    return buf.getvalue().encode(encoding, errors="replace")


def xlsx_cell(text: str, typed: bool):
    """A cell as Excel would hold it: numbers and dates typed, when asked."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:32_000]  # Excel's limits
    if not typed:
        return text
    try:
        if len(text) == 10 and text[4] == "-":
            return dt.datetime.fromisoformat(text)
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list[str]]]], typed: bool) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        ws = wb.create_sheet(title[:31])
        ws.append([xlsx_cell(h, False) for h in header])
        for row in rows:
            ws.append([xlsx_cell(c, typed) for c in row])
    wb.save(path)


@st.composite
def import_files(draw, kinds: list[str]) -> list[tuple[str, bytes | dict, dict]]:
    """Files for `kinds`: each kind as a CSV (random encoding and name) or a
    sheet of one workbook. Returns (file name, CSV bytes or sheets, options)."""
    files = []
    workbook: dict[str, tuple] = {}
    for kind in kinds:
        content = draw(sheet_content(kind))
        if draw(st.booleans()):
            encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]))
            newline = draw(st.sampled_from(["\n", "\r\n"]))
            name = draw(st.sampled_from([f"{kind}.csv", f"{kind}_2026.csv", f"{kind.capitalize()}-june.CSV"]))
            files.append((name, csv_bytes(*content, encoding, newline), {}))
        else:
            title = draw(st.sampled_from([kind, kind, f"{kind}_spring", f"{kind.upper()}"]))
            workbook[title] = content
    if workbook:
        files.append(("upload.xlsx", workbook, {"typed": draw(st.booleans())}))
    return files


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory):
    """The base data set, shared by every example (each failed import must
    leave it unchanged; the successful ones add to it)."""
    root = tmp_path_factory.mktemp("fuzz")
    con = store.connect(root / "fuzz.duckdb")
    result = import_paths(con, write_files(root / "base", BASE_FILES))
    assert result.ok
    yield con
    con.close()


def check_import(con, files) -> None:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        paths = []
        for name, content, options in files:
            path = folder / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                write_xlsx(path, content, options["typed"])
            paths.append(path)
        before = snapshot(con)
        result = import_paths(con, paths)
        if result.ok:
            assert result.problems == []
            export_csv(con, folder / "export")
            for r in goal_results(con):
                r.status_json()
        else:
            assert result.problems, "a failed import says why"
            for p in result.problems:
                assert isinstance(p.file, str) and p.file.strip(), p
                assert p.message.strip(), p
                assert p.fix.strip(), f"no fix given: {p}"
                str(p)
            assert snapshot(con) == before, "a failed import changed the database"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("kind", list(KINDS))
@FUZZ
@given(data=st.data())
def test_fuzzed_file_of_each_kind_imports_or_says_why(fuzz_db, kind, data):
    check_import(fuzz_db, data.draw(import_files([kind])))


@FUZZ
@given(data=st.data())
def test_fuzzed_files_of_several_kinds_at_once(fuzz_db, data):
    kinds = data.draw(st.lists(st.sampled_from(list(KINDS)), min_size=2, max_size=4, unique=True))
    check_import(fuzz_db, data.draw(import_files(kinds)))


def test_hostile_files_through_the_command_line_give_messages_not_tracebacks(tmp_path):
    db = tmp_path / "cli.duckdb"
    con = store.connect(db)
    assert import_paths(con, write_files(tmp_path / "base", BASE_FILES)).ok
    con.close()
    header = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"
    rows = [
        "attendance,north,2025-01-01,2025-01-31,=1+1,,,,,<script>alert(1)</script>,yes",
        "attendance,north,2025-02-30,2025-02-28,1e999,c,,,,,",
        "incidents,\u202enorth,2025-01-01,2025-01-31,١٢,,,,,,",
        "wellbeing,south,2025-01-01,2025-01-31,NaN,,,-5,inf,,",
        f"attendance,south,2025-01-01,2025-01-31,{'9' * 400},,,,,{'y' * 200_000},",
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "observations.csv").write_bytes(("\n".join([header, *rows]) + "\n").encode("utf-8"))
    (tmp_path / "in" / "notes.csv").write_bytes("note_id,text\nn9,Caf\xe9 \xab\xa0quoted\xa0\xbb\n".encode("latin-1"))
    write_xlsx(
        tmp_path / "in" / "goals.xlsx",
        {"goals": (["goal_id", "statement", "=SUM(1,2)"], [["g-1", "<img src=x onerror=alert(1)>", "@cmd"]]), "Sheet 2": (["a"], [["b"]])},
        typed=True,
    )
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "import", *map(str, sorted((tmp_path / "in").iterdir())), "--db", str(db)],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, "OUTCOMES_DEBUG": ""},
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "Internal error" not in out.stderr, out.stderr
    assert "Nothing was imported" in out.stderr
    for expected in ("observations.csv", "notes.csv", "goals.xlsx"):
        assert expected in out.stderr
