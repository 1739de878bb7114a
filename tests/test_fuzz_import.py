"""Property-based fuzzing of every import kind (hypothesis).

Files of every kind, as CSV (in UTF-8, UTF-8 with BOM, Latin-1, Windows-1252
or UTF-16 bytes; LF, CRLF or CR line ends) and as XLSX (cells as text, or
numbers and dates typed as Excel holds them), with hostile cells (unicode, blanks, huge
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

import csv
import datetime as dt
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import BASE_FILES, REPO, snapshot, write_files
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from metrics import store
from metrics.contract.export import export_csv
from metrics.contract.importer import import_paths
from metrics.contract.kinds import KINDS, Column
from metrics.read.readmodel import goal_results
from metrics.vocab import GSS_SYMBOLS

# About 20 s in all; FUZZ_EXAMPLES=500 for a deeper hunt.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
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


# Text a steward may legitimately type in a free-text column: anything that
# is not blank, hostile or not.
TEXT = st.one_of(
    st.text(min_size=1, max_size=40).filter(str.strip),
    st.sampled_from([h for h in HOSTILE if h.strip()]),
)
NEW_ID = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
DATE = st.dates(dt.date(2019, 1, 1), dt.date(2030, 12, 31))


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.just("") | strategy


@st.composite
def clean_row(draw, kind: str) -> dict[str, str]:
    """A row that can pass every rule against the base data set, with any
    text in its free-text cells and new or existing keys (revisions)."""
    day = draw(DATE)
    later = (day + dt.timedelta(days=draw(st.integers(0, 400)))).isoformat()
    day = day.isoformat()
    if kind == "places":
        return {"place_id": draw(NEW_ID | st.just("north")), "name": draw(TEXT), "level": "neighbourhood",
                "parent_id": "shire", "code": draw(optional(TEXT))}
    if kind == "measures":
        return {"measure_id": draw(NEW_ID | st.just("incidents")), "name": draw(TEXT), "domain": draw(st.sampled_from(KINDS[kind].column("domain").choices)),
                "unit": "count", "direction": draw(st.sampled_from(["higher_is_better", "lower_is_better"])), "min_value": "", "max_value": "",
                "suppress_below": draw(optional(st.integers(0, 50).map(str))), "definition": draw(TEXT), "source": draw(optional(TEXT))}
    if kind == "partnerships":
        return {"partnership_id": draw(NEW_ID | st.just("shire-board")), "name": draw(TEXT), "places": "north;south",
                "review_every_weeks": draw(optional(st.integers(1, 52).map(str))), "members": draw(optional(TEXT)), "description": draw(optional(TEXT))}
    if kind == "goals":
        return {"goal_id": draw(NEW_ID | st.just("north-safer")), "partnership_id": "shire-board", "measure_id": "incidents",
                "scope": draw(st.sampled_from(["shire-board", "north", "south"])), "statement": draw(TEXT), "baseline_value": "4",
                "baseline_date": "2024-09-30", "target_value": "2", "target_date": "2026-07-31", "stated_on": "2024-10-15",
                "visibility": draw(st.sampled_from(["public", "internal"])), "owner": draw(optional(TEXT))}
    if kind == "observations":
        value = draw(st.integers(0, 500).map(str) | st.sampled_from(sorted(GSS_SYMBOLS)))
        return {"measure_id": "incidents", "place_id": draw(st.sampled_from(["north", "south", "shire", "england"])),
                "period_start": day, "period_end": later, "value": value, "numerator": "", "denominator": "", "sample_size": "",
                "std_dev": "", "ci_low": "", "ci_high": "", "source": draw(optional(TEXT)), "provisional": draw(st.sampled_from(["", "true", "false"]))}
    if kind == "place_areas":
        return {"place_id": draw(st.sampled_from(["north", "south", "shire"])), "area_code": draw(st.sampled_from(["E01011704", "W01000001", "E05013666", "E09000030"])),
                "valid_from": draw(optional(st.just(day))), "valid_to": draw(optional(st.just(later)))}
    if kind == "notes":
        return {"note_id": draw(NEW_ID | st.just("n2")), "recorded_on": day, "partnership_id": "shire-board",
                "place_id": draw(st.sampled_from(["", "north"])), "goal_id": draw(st.sampled_from(["", "attend-up"])),
                "domain": draw(st.sampled_from(KINDS[kind].column("domain").choices)), "voice": draw(st.sampled_from(KINDS[kind].column("voice").choices)),
                "text": draw(TEXT), "source": draw(optional(TEXT)), "consent": draw(st.sampled_from(["none", "internal", "public"])),
                "approved_wording": "", "approved_by": "", "approved_on": ""}
    if kind == "events":
        return {"event_id": draw(NEW_ID), "partnership_id": "shire-board", "goal_id": draw(st.sampled_from(["", "attend-up"])),
                "date": day, "title": draw(TEXT), "visibility": draw(st.sampled_from(["public", "internal"]))}
    if kind == "spc_phases":
        return {"measure_id": draw(st.sampled_from(["incidents", "attendance"])), "place_id": draw(st.sampled_from(["shire-board", "north", "south"])),
                "start_date": day, "reason": draw(TEXT)}
    if kind == "measure_breaks":
        return {"measure_id": draw(st.sampled_from(["incidents", "attendance"])), "date": day,
                "reason": draw(st.sampled_from(KINDS[kind].column("reason").choices))}
    return {"action_id": draw(NEW_ID | st.just("a1")), "partnership_id": "shire-board", "goal_id": draw(st.sampled_from(["", "attend-up"])),
            "description": draw(TEXT), "owner": draw(TEXT), "agreed_on": day, "due_on": later,
            "status": draw(st.sampled_from(["open", "done", "dropped"]))}


@st.composite
def sheet_content(draw, kind: str) -> tuple[list[str], list[list[str]]]:
    """A header and rows. Half the time "clean" (every column, rows that can
    pass, hostile text only where any text is allowed), else "wild": columns
    dropped, extras added, any cell hostile, ragged rows."""
    spec = KINDS[kind]
    by_name = {c.name: c for c in spec.columns}
    n_rows = draw(st.integers(0, 12))
    if draw(st.booleans()):
        header = draw(st.permutations([c.name for c in spec.columns]))
        records = {}
        for _ in range(n_rows):
            r = draw(clean_row(kind))
            records.setdefault(tuple(r[k] for k in spec.key), r)  # one row per key
        rows = [[r[name] for name in header] for r in records.values()]
    else:
        columns = [c for c in spec.columns if draw(st.integers(0, 9)) > 0]  # each column kept 9 times in 10
        extras = draw(st.lists(st.sampled_from(["_notes", "Value", "valu", "", "measure id", "x;y;z", "_", "PLACE_ID", "🙂"]) | st.text(max_size=12), max_size=2))
        header = draw(st.permutations([c.name for c in columns] + extras))
        rows = []
        for _ in range(n_rows):
            row = [draw(cell(by_name[name])) if name in by_name else draw(st.sampled_from(HOSTILE) | st.text(max_size=10)) for name in header]
            cut = draw(st.integers(-2, 40))  # now and then a ragged row
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
            newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
            name = draw(st.sampled_from([f"{kind}.csv", f"{kind}_2026.csv", f"{kind.capitalize()}-june.CSV"]))
            data = csv_bytes(*content, encoding, newline)
            files.append((name, data, {}))
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
        event("imported" if result.ok else "refused")  # see --hypothesis-show-statistics
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


# --- faults the fuzzing found, each pinned by its smallest input ---------------------

def _places_rows(n: int, name: str = "Place") -> list[str]:
    return ["place_id,name,level,parent_id,code"] + [f"p{i},{name} {i},neighbourhood,," for i in range(n)]


@pytest.mark.parametrize("encoding,newline", [("utf-8", "\r"), ("utf-16", "\r\n")], ids=["mac-cr", "utf-16"])
def test_large_csv_with_mac_line_endings_is_a_problem_not_an_exception(fresh_db, tmp_path, encoding, newline):
    path = tmp_path / "places.csv"
    path.write_bytes((newline.join(_places_rows(40_000)) + newline).encode(encoding))
    assert path.stat().st_size > 1_000_000
    result = import_paths(fresh_db, [path])
    assert result.ok or all(p.fix for p in result.problems)


def test_large_latin1_csv_with_a_ragged_row_prints_no_traceback(tmp_path):
    path = tmp_path / "places.csv"
    rows = _places_rows(40_000, "Caf\xe9") + ["p-x,Caf\xe9,neighbourhood,,,one cell too many"]
    path.write_bytes(("\n".join(rows) + "\n").encode("latin-1"))
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "import", str(path), "--db", str(tmp_path / "d.duckdb")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 1 and "not UTF-8" in out.stderr
    assert "Traceback" not in out.stderr, out.stderr


def test_a_long_cell_is_read_the_same_in_a_small_and_a_large_file(seeded_db, tmp_path):
    header = "note_id,recorded_on,partnership_id,domain,voice,text,consent\n"
    results = []
    for size in (140_000, 1_100_000):
        path = tmp_path / str(size) / "notes.csv"
        path.parent.mkdir()
        path.write_text(header + f"n{size},2025-01-01,shire-board,safety,resident,{'a' * size},none\n", encoding="utf-8")
        results.append(import_paths(seeded_db, [path], dry_run=True).ok)
    assert results[0] == results[1], results


@pytest.mark.parametrize(
    "name,text",
    [
        ("observations.csv", "measure_id,place_id,period_start,period_end,value\nincidents,north,2024-10-01,2024-10-31,1e999\n"),
        ("goals.csv", "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility\n"
                      "g-inf,shire-board,incidents,north,Fewer,1e999,2024-09-30,2,2026-07-31,2024-10-15,public\n"),
        ("measures.csv", "measure_id,name,domain,unit,direction,min_value,max_value,definition\nbig,Big,other,count,higher_is_better,-1e999,,Big\n"),
    ],
    ids=["observation-value", "goal-baseline", "measure-min"],
)
def test_a_number_beyond_the_range_of_a_double_is_refused(seeded_db, tmp_path, name, text):
    """1e999 is infinity as a double: stored, it makes status JSON hold
    Infinity and NaN, which JSON parsers reject."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_paths(seeded_db, [path], dry_run=True)
    assert not result.ok


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
