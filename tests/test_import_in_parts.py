"""The command line reads an observations file of any size a part at a time
(issue 23, finding 4): a steward with a national file imports it in one go,
as one audited batch, with the same checks and the same result as a file read
whole, and with memory that does not grow with the file.

The parts are made small here (a few rows) so that small files cross many
part boundaries; the oracle is the same file imported whole by the ordinary
path, which reads it in one piece.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, snapshot
from metrics import cli, store
from metrics.contract import importer, readers
from metrics.contract.importer import import_paths

DEMO = REPO / "data" / "demo"
HEADER = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional\n"
STORED = "measure_id, place_id, period_start, period_end, value, numerator, denominator, sample_size, std_dev, source, provisional, figure"


@pytest.fixture
def small_parts(monkeypatch):
    """Every observations CSV is read in parts of 7 rows."""
    monkeypatch.setattr(importer, "PARTS_FROM_BYTES", 1)
    monkeypatch.setattr(readers, "PART_ROWS", 7)


def _seeded(path: Path):
    """A database holding the demo's places and measures."""
    con = store.connect(path)
    result = import_paths(con, [DEMO / "places.csv", DEMO / "measures.csv"])
    assert result.ok, [str(p) for p in result.problems]
    return con


def _observations(con) -> list[tuple]:
    return con.execute(f"SELECT {STORED} FROM observations WHERE superseded_at IS NULL ORDER BY ALL").fetchall()


def test_the_demo_observations_read_in_parts_store_exactly_what_reading_them_whole_stores(tmp_path, small_parts):
    whole, parts = _seeded(tmp_path / "whole.duckdb"), _seeded(tmp_path / "parts.duckdb")
    once = import_paths(whole, [DEMO / "observations.csv"])  # the ordinary path: in_parts is off
    assert once.ok, [str(p) for p in once.problems]
    inparts = import_paths(parts, [DEMO / "observations.csv"], in_parts=True)
    assert inparts.ok, [str(p) for p in inparts.problems]
    assert _observations(parts) == _observations(whole)
    assert len(_observations(parts)) == 1510  # the demo file's rows (1,511 lines with the header)
    assert inparts.changes["observations"].added == once.changes["observations"].added == 1510
    # One import, one audited batch, however many parts.
    assert store.scalar(parts, "SELECT count(*) FROM batches WHERE action = 'import' AND files = 'observations.csv'") == 1
    assert store.scalar(parts, "SELECT count(DISTINCT batch_id) FROM observations") == 1
    again = import_paths(parts, [DEMO / "observations.csv"], in_parts=True)
    assert again.ok and again.changes["observations"].unchanged == 1510 and again.batch_id is None


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _rows(n: int, measure: str = "attendance", place: str = "carrowfield") -> list[str]:
    """n monthly attendance rows from January 2010, numerator 900 of 1,000."""
    out = []
    for i in range(n):
        y, m = 2010 + i // 12, i % 12 + 1
        end = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] + (1 if m == 2 and y % 4 == 0 else 0)
        out.append(f"{measure},{place},{y}-{m:02d}-01,{y}-{m:02d}-{end},,900,1000,,,Test,false")
    return out


def test_a_row_repeating_an_earlier_parts_key_with_other_figures_is_refused_and_nothing_is_written(tmp_path, small_parts):
    con = _seeded(tmp_path / "db.duckdb")
    before = snapshot(con)
    rows = _rows(20)
    rows.append(rows[2].replace(",900,1000,", ",901,1000,"))  # row 22 repeats row 4 (in the first part of 7) with another numerator
    result = import_paths(con, [_write(tmp_path / "observations.csv", rows)], in_parts=True)
    assert not result.ok
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column, problem.code) == ("observations.csv", 22, "measure_id", "duplicate_key")
    assert "earlier row" in problem.message
    assert snapshot(con) == before


def test_a_row_repeating_an_earlier_parts_row_exactly_is_one_row(tmp_path, small_parts):
    con = _seeded(tmp_path / "db.duckdb")
    rows = _rows(20)
    rows.append(rows[2])
    result = import_paths(con, [_write(tmp_path / "observations.csv", rows)], in_parts=True)
    assert result.ok, [str(p) for p in result.problems]
    assert len(_observations(con)) == 20


def test_a_mistake_in_the_last_part_undoes_the_parts_already_written(tmp_path, small_parts):
    con = _seeded(tmp_path / "db.duckdb")
    before = snapshot(con)
    rows = _rows(30)
    rows[27] = rows[27].replace(",900,1000,", ",1200,1000,")  # row 29: more attended than possible
    rows.append("attendance,carrowfield,2013-01-01")  # row 32: ragged
    result = import_paths(con, [_write(tmp_path / "observations.csv", rows)], in_parts=True)
    assert not result.ok
    where = sorted((p.row, p.code) for p in result.problems)
    assert (32, "ragged") in where
    assert snapshot(con) == before


def test_a_mistake_in_a_middle_part_is_reported_with_its_row_and_column(tmp_path, small_parts):
    con = _seeded(tmp_path / "db.duckdb")
    rows = _rows(30)
    rows[15] = rows[15].replace(",900,1000,", ",1200,1000,")  # row 17, in the third part
    rows[25] = rows[25].replace("carrowfield", "nowhere")  # row 27, in the fourth
    result = import_paths(con, [_write(tmp_path / "observations.csv", rows)], in_parts=True)
    assert not result.ok
    found = {(p.row, p.column) for p in result.problems}
    assert (27, "place_id") in found
    assert any(p.row == 17 for p in result.problems)
    assert store.scalar(con, "SELECT count(*) FROM observations") == 0


def test_a_dry_run_in_parts_counts_what_would_change_and_writes_nothing(tmp_path, small_parts):
    con = _seeded(tmp_path / "db.duckdb")
    before = snapshot(con)
    result = import_paths(con, [_write(tmp_path / "observations.csv", _rows(20))], in_parts=True, dry_run=True)
    assert result.ok and result.dry_run and result.changes["observations"].added == 20
    assert snapshot(con) == before


def test_the_command_line_imports_an_observations_file_over_one_files_limit(tmp_path, monkeypatch, capsys):
    """The limit of one file is the app's upload limit; on the command line a
    larger observations file is read in parts. The limit is lowered here so
    that a small file is over it."""
    db = tmp_path / "db.duckdb"
    _seeded(db).close()
    path = _write(tmp_path / "observations.csv", _rows(40))
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(importer, "PARTS_FROM_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(readers, "PART_ROWS", 9)
    con = store.connect(db)
    refused = import_paths(con, [path])  # the app's path keeps the limit
    con.close()
    assert not refused.ok and "limit for one file" in refused.problems[0].message
    assert cli.main(["import", str(path), "--db", str(db)]) == 0
    assert "observations: 40 added" in capsys.readouterr().out
    con = store.connect(db)
    assert store.scalar(con, "SELECT count(*) FROM observations WHERE superseded_at IS NULL") == 40
    assert store.scalar(con, "SELECT current_setting('memory_limit')") != importer.PARTS_MEMORY_LIMIT
    con.close()


def test_an_observations_file_in_parts_imports_beside_the_measures_it_needs(tmp_path, small_parts):
    """The small files of the same import (here the measure the rows use) are
    checked and written first, in the same batch."""
    con = store.connect(tmp_path / "db.duckdb")
    assert import_paths(con, [DEMO / "places.csv"]).ok
    measures = tmp_path / "measures.csv"
    shutil.copy(DEMO / "measures.csv", measures)
    result = import_paths(con, [measures, _write(tmp_path / "observations.csv", _rows(20))], in_parts=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.changes["observations"].added == 20 and result.changes["measures"].added > 0
    assert store.scalar(con, "SELECT count(DISTINCT batch_id) FROM observations") == 1
    assert store.scalar(con, "SELECT count(*) FROM batches WHERE action = 'import'") == 2


# --- publishers' files of any size (import-source) ---------------------------

@pytest.fixture
def rows_on_disk(monkeypatch):
    """Every publisher's file keeps its rows on disk, read again on each walk."""
    from metrics.contract.sources import common

    monkeypatch.setattr(common, "ROWS_ON_DISK_FROM_BYTES", 1)


def test_a_police_uk_file_whose_rows_stay_on_disk_counts_what_the_csv_module_counts(fresh_db, tmp_path, rows_on_disk):
    from collections import Counter

    from conftest import REAL_POLICE, write_files
    from test_source_police_uk import AREAS, SETUP, counts, published_rows

    from metrics.contract.sources import common, import_source

    assert import_paths(fresh_db, write_files(tmp_path / "setup", SETUP)).ok
    read, _ = common.read_published_csv(REAL_POLICE, ["LSOA code"], "", "a file")
    assert isinstance(read.rows, common.FileRows) and len(read.rows) == len(published_rows())
    result = import_source(fresh_db, "police-uk-street", [REAL_POLICE], "crimes")
    assert result.ok, [str(p) for p in result.problems]
    per_lsoa = Counter(r["LSOA code"] for r in published_rows())
    assert counts(fresh_db) == {place: float(sum(per_lsoa[c] for c in codes)) for place, codes in AREAS.items()}


def test_a_publishers_file_that_changes_while_it_is_read_is_refused_and_nothing_is_written(fresh_db, tmp_path, monkeypatch, rows_on_disk):
    from conftest import REAL_POLICE, write_files
    from test_source_police_uk import SETUP

    from metrics.contract.sources import common, import_source

    assert import_paths(fresh_db, write_files(tmp_path / "setup", SETUP)).ok
    before = snapshot(fresh_db)
    path = tmp_path / "2016-07-west-yorkshire-street.csv"
    shutil.copy(REAL_POLICE, path)
    checked = common.read_files

    def then_changed(*args, **kwargs):
        got = checked(*args, **kwargs)
        with path.open("a", encoding="utf-8") as fh:  # another program still writing the download
            fh.write(",2016-07,West Yorkshire Police,West Yorkshire Police,-1.6,53.9,On or near X,E01011704,Leeds 001A,Burglary,,\n")
        return got

    monkeypatch.setattr(common, "read_files", then_changed)
    result = import_source(fresh_db, "police-uk-street", [path], "crimes")
    assert not result.ok
    assert [(p.file, p.code) for p in result.problems] == [(path.name, "file_changed")]
    assert snapshot(fresh_db) == before
