"""One import = one transaction; idempotent; revisions keep history; export
round-trips; workbooks import like CSV files."""

from __future__ import annotations

import datetime as dt
import filecmp

import openpyxl
from conftest import BASE_FILES, snapshot, write_files

from metrics import store
from metrics.contract.export import export_csv
from metrics.contract.importer import import_paths
from metrics.contract.kinds import KINDS

OBS_HEAD = "measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional"


def test_a_bad_row_in_one_file_stops_every_file_of_the_import(fresh_db, tmp_path):
    files = dict(BASE_FILES)
    files["actions.csv"] = BASE_FILES["actions.csv"].replace("2024-12-31,open", "2024-12-31,someday")
    before = snapshot(fresh_db)
    result = import_paths(fresh_db, write_files(tmp_path / "in", files))
    assert not result.ok
    assert [(p.file, p.column) for p in result.problems] == [("actions.csv", "status")]
    assert snapshot(fresh_db) == before


def test_a_failure_while_writing_rolls_back_everything(seeded_db, tmp_path, monkeypatch):
    from metrics.contract import importer

    before = snapshot(seeded_db)
    calls = []
    real = importer.apply_stage

    def flaky(con, table, *args, **kwargs):
        calls.append(table)
        if table == "observations":
            raise RuntimeError("disk full")
        return real(con, table, *args, **kwargs)

    monkeypatch.setattr(importer, "apply_stage", flaky)
    paths = write_files(
        tmp_path / "in",
        {
            "places.csv": "place_id,name,level,parent_id,code\neast,East End,neighbourhood,shire,",
            "observations.csv": f"{OBS_HEAD}\nattendance,east,2025-01-01,2025-01-31,,950,1000,,,,",
        },
    )
    try:
        import_paths(seeded_db, paths)
    except RuntimeError:
        pass
    assert calls == ["places", "observations"]  # places were written before the failure...
    assert snapshot(seeded_db) == before  # ...and rolled back with it


def test_importing_the_same_files_twice_changes_nothing(seeded_db, base_paths):
    before = snapshot(seeded_db)
    version = store.data_version(seeded_db)
    result = import_paths(seeded_db, base_paths)
    assert result.ok
    assert all(c.added == 0 and c.revised == 0 for c in result.changes.values())
    assert result.changes["observations"].unchanged == 5
    assert snapshot(seeded_db) == before
    assert store.data_version(seeded_db) == version


def test_same_number_written_differently_is_not_a_revision(seeded_db, tmp_path):
    (path,) = write_files(tmp_path / "r", {"observations.csv": f"{OBS_HEAD}\nattendance,south,2024-09-01,2024-09-30,91.50,915.0,1000,,,,false"})
    result = import_paths(seeded_db, [path])
    assert result.ok and result.changes["observations"].unchanged == 1 and result.changes["observations"].revised == 0


def test_a_changed_figure_is_a_revision_and_the_old_value_is_kept(seeded_db, tmp_path):
    (path,) = write_files(tmp_path / "r", {"observations.csv": f"{OBS_HEAD}\nattendance,north,2024-09-01,2024-09-30,,910,1000,,,,"})
    result = import_paths(seeded_db, [path])
    assert result.ok and result.changes["observations"].revised == 1
    rows = seeded_db.execute(
        "SELECT numerator, figure, recorded_at, superseded_at FROM observations WHERE measure_id = 'attendance' AND place_id = 'north' AND period_end = '2024-09-30' ORDER BY recorded_at"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [(900.0, 90.0), (910.0, 91.0)]
    old, new = rows
    assert old[3] == new[2]  # superseded exactly when the revision was recorded
    assert new[3] is None


def test_as_of_before_a_revision_sees_the_old_figure(seeded_db, tmp_path):
    first_time = seeded_db.execute("SELECT max(recorded_at) FROM observations").fetchall()[0][0]
    (path,) = write_files(tmp_path / "r", {"observations.csv": f"{OBS_HEAD}\nattendance,north,2024-09-01,2024-09-30,,910,1000,,,,"})
    assert import_paths(seeded_db, [path]).ok
    sql = "SELECT numerator FROM observations WHERE measure_id = 'attendance' AND place_id = 'north' AND period_end = '2024-09-30' AND {}"
    assert seeded_db.execute(sql.format(store.as_of_filter(first_time))).fetchall() == [(900.0,)]
    assert seeded_db.execute(sql.format(store.as_of_filter(None))).fetchall() == [(910.0,)]


def test_goal_change_with_a_reason_keeps_the_original_promise(seeded_db, tmp_path):
    text = BASE_FILES["goals.csv"].replace("Shire Council\n", "X\n").replace(",95,2026-07-31,", ",96,2026-07-31,")
    (path,) = write_files(tmp_path / "g", {"goals.csv": text})
    result = import_paths(seeded_db, [path], reason="Council raised the ambition after the first term")
    assert result.ok, [str(p) for p in result.problems]
    rows = seeded_db.execute("SELECT target_value, change_reason, superseded_at IS NULL FROM goals WHERE goal_id = 'attend-up' ORDER BY recorded_at").fetchall()
    assert rows == [(95.0, None, False), (96.0, "Council raised the ambition after the first term", True)]


def test_goal_wording_can_change_without_a_reason(seeded_db, tmp_path):
    text = BASE_FILES["goals.csv"].replace("Attendance rises to 95% by July 2026", "Attendance in Shire rises to 95% by July 2026")
    (path,) = write_files(tmp_path / "g", {"goals.csv": text})
    result = import_paths(seeded_db, [path])
    assert result.ok and result.changes["goals"].revised == 1


def test_dry_run_counts_changes_without_writing(seeded_db, tmp_path):
    before = snapshot(seeded_db)
    (path,) = write_files(
        tmp_path / "d",
        {"observations.csv": f"{OBS_HEAD}\nattendance,north,2024-09-01,2024-09-30,,910,1000,,,,\nattendance,north,2024-11-01,2024-11-30,,930,1000,,,,"},
    )
    result = import_paths(seeded_db, [path], dry_run=True)
    assert result.ok and result.dry_run
    c = result.changes["observations"]
    assert (c.added, c.revised) == (1, 1)
    assert c.revised_examples[0]["changed"]["numerator"] == (900.0, 910.0)
    assert snapshot(seeded_db) == before


def test_export_then_import_into_an_empty_database_reproduces_the_export(seeded_db, tmp_path):
    first = tmp_path / "first"
    export_csv(seeded_db, first)
    con = store.connect(tmp_path / "copy.duckdb")
    result = import_paths(con, sorted(first.glob("*.csv")))
    assert result.ok, [str(p) for p in result.problems]
    second = tmp_path / "second"
    export_csv(con, second)
    names = sorted(p.name for p in first.glob("*.csv"))
    assert names == sorted(f"{k}.csv" for k in KINDS)  # one file per import kind (metrics.contract.kinds)
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


def test_export_writes_rows_sorted_by_key_with_symbols_kept(seeded_db, tmp_path):
    export_csv(seeded_db, tmp_path / "e")
    lines = (tmp_path / "e" / "observations.csv").read_text(encoding="utf-8").splitlines()
    # The contract's columns, with ci_low and ci_high (a publisher's own interval) before source.
    assert lines[0] == OBS_HEAD.replace("std_dev,source", "std_dev,ci_low,ci_high,source")
    assert lines[1:] == [
        "attendance,north,2024-09-01,2024-09-30,,900,1000,,,,,,false",
        "attendance,north,2024-10-01,2024-10-31,c,c,c,,,,,,true",
        "attendance,south,2024-09-01,2024-09-30,91.5,915,1000,,,,,,false",
        "incidents,north,2024-09-01,2024-09-30,4,,,,,,,,false",
        "wellbeing,south,2024-09-01,2024-12-31,24.1,,,85,4.2,,,,false",
    ]


def _workbook(path, sheets: dict[str, list[list]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
    wb.save(path)


def test_a_workbook_with_a_sheet_per_kind_imports_like_csv_files(fresh_db, tmp_path):
    path = tmp_path / "partnership.xlsx"
    _workbook(
        path,
        {
            "places": [["place_id", "name", "level", "parent_id", "code"], ["england", "England", "nation", None, "E92000001"], ["north", "North", "neighbourhood", "england", None]],
            "measures": [["measure_id", "name", "domain", "unit", "direction", "definition"], ["attendance", "Attendance", "attendance", "percent", "higher_is_better", "Sessions attended"]],
            "observations": [
                ["measure_id", "place_id", "period_start", "period_end", "value", "numerator", "denominator"],
                ["attendance", "north", dt.datetime(2025, 1, 1), dt.datetime(2025, 1, 31), 95, 950, 1000],
                [None, None, None, None, None, None, None],
                ["attendance", "north", dt.date(2025, 2, 1), "2025-02-28", 93.7, 937, 1000],
            ],
            "_my notes": [["anything", "goes"]],
        },
    )
    result = import_paths(fresh_db, [path])
    assert result.ok, [str(p) for p in result.problems]
    assert result.changes["observations"].added == 2
    assert fresh_db.execute("SELECT period_end, value FROM observations ORDER BY 1").fetchall() == [
        (dt.date(2025, 1, 31), 95.0),
        (dt.date(2025, 2, 28), 93.7),
    ]


def test_workbook_problems_name_the_sheet_and_excel_row(seeded_db, tmp_path):
    path = tmp_path / "book.xlsx"
    _workbook(
        path,
        {
            "observations": [
                OBS_HEAD.split(","),
                ["attendance", "north", "2025-01-01", "2025-01-31", None, 950, 1000],
                [],
                ["attendance", "north", "2025-02-01", "2025-02-28", "93,7", None, None],
            ],
            "Sheet1": [["x"]],
        },
    )
    result = import_paths(seeded_db, [path])
    assert not result.ok
    found = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("observations", 4, "value") in found
    assert ("Sheet1", None, None) in found
    assert "book.xlsx, sheet observations, row 4, column value" in "\n".join(str(p) for p in result.problems)


def test_blank_templates_import_cleanly_and_match_the_generator(tmp_path, fresh_db):
    from metrics.contract.templates import write_templates
    from metrics.store import PROJECT_ROOT

    committed = PROJECT_ROOT / "data" / "templates"
    write_templates(tmp_path / "t")
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "t").iterdir())
    _, mismatch, errors = filecmp.cmpfiles(committed, tmp_path / "t", names, shallow=False)
    assert mismatch == [] and errors == [], "run: python -m metrics templates"
    result = import_paths(fresh_db, sorted(committed.iterdir()))
    assert result.ok, [str(p) for p in result.problems]
    wb = openpyxl.load_workbook(committed / "outcomes_templates.xlsx", read_only=True)
    assert wb.sheetnames == ["_guide", *KINDS]
