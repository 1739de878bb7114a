"""The Met's ward-level crime releases, for a partnership of three real
Camden wards (King's Cross, St Pancras & Somers Town, Regent's Park): the
sector's "25% cut in youth violence" promise made one command.

Expected values are computed here from the published files with the csv
module (tests/fixtures/real/met_ward), never from the adapter under test.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from conftest import REAL_MET_2025_12, REAL_MET_2026_01, snapshot, write_files
from fixtures.camden import (
    NAMES,
    VIOLENCE,
    WARDS,
    import_release,
    months,
    published,
    set_up_partnership,
)

from metrics.contract.importer import import_paths
from metrics.contract.sources import import_source
from metrics.contract.sources.periods import met_month
from metrics.outputs.boardpack import board_pack_html
from metrics.read import readmodel


@pytest.fixture
def kx_db(fresh_db, tmp_path):
    """The partnership as set up a month ago (so reviews since can see it)."""
    set_up_partnership(fresh_db, tmp_path / "setup", at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=30))
    return fresh_db


def stored(con, as_of=None) -> dict[tuple[str, str], float]:
    where = "superseded_at IS NULL" if as_of is None else f"recorded_at <= TIMESTAMP '{as_of}' AND (superseded_at IS NULL OR superseded_at > TIMESTAMP '{as_of}')"
    return {
        (place, start.strftime("%Y%m")): value
        for place, start, value in con.execute(f"SELECT place_id, period_start, value FROM observations WHERE measure_id = 'violence' AND {where}").fetchall()
    }


def expected(path, major=frozenset({VIOLENCE}), minor=None) -> dict[tuple[str, str], float]:
    totals, _ = published(path, set(major), set(minor) if minor else None)
    return {(place, m): float(totals[(code, m)]) for place, code in WARDS.items() for m in months(path)}


def test_each_neighbourhood_gets_its_wards_crimes_for_every_month_of_the_release(kx_db):
    result = import_release(kx_db, REAL_MET_2025_12)
    assert result.ok, [str(p) for p in result.problems]
    assert stored(kx_db) == expected(REAL_MET_2025_12)
    assert len(stored(kx_db)) == 3 * 24
    # calendar months, first to last day
    assert kx_db.execute("SELECT DISTINCT period_start, period_end FROM observations WHERE period_start = DATE '2024-02-01'").fetchall() == [
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29))]


def test_the_next_release_records_its_corrections_as_revisions(kx_db):
    assert import_release(kx_db, REAL_MET_2025_12).ok
    first = stored(kx_db)
    before = kx_db.execute("SELECT max(recorded_at) FROM observations").fetchone()[0]
    result = import_release(kx_db, REAL_MET_2026_01)
    assert result.ok, [str(p) for p in result.problems]

    later = expected(REAL_MET_2026_01)
    corrected = {k: (first[k], v) for k, v in later.items() if k in first and first[k] != v}
    # Worked out from the two files: one correction in each ward's violence count.
    assert corrected == {
        ("kings-cross", "202509"): (34.0, 35.0),
        ("somers-town", "202503"): (38.0, 37.0),
        ("regents-park", "202512"): (40.0, 41.0),
    }
    c = result.changes["observations"]
    assert (c.added, c.revised, c.unchanged) == (3, 3, 23 * 3 - 3)
    assert stored(kx_db) == {**first, **later}  # January 2024 (not in the new release) is kept as it was
    assert stored(kx_db, as_of=before) == first  # as of before the release: the first figures
    history = kx_db.execute(
        "SELECT value, superseded_at IS NOT NULL FROM observations WHERE place_id = 'kings-cross' AND period_start = DATE '2025-09-01' ORDER BY recorded_at"
    ).fetchall()
    assert history == [(34.0, True), (35.0, False)]


def test_importing_the_same_release_twice_changes_nothing(kx_db):
    assert import_release(kx_db, REAL_MET_2025_12).ok
    before = snapshot(kx_db)
    again = import_release(kx_db, REAL_MET_2025_12)
    assert again.ok and again.batch_id is None
    assert snapshot(kx_db) == before


def test_the_board_pack_lists_the_corrections_under_revisions_to_earlier_figures(kx_db):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert import_release(kx_db, REAL_MET_2025_12, at=now - dt.timedelta(days=20)).ok
    first_review = (now - dt.timedelta(days=10)).date()
    first_pack = board_pack_html(kx_db, "kx-board", first_review)
    assert "Revisions to earlier figures" in first_pack
    assert import_release(kx_db, REAL_MET_2026_01).ok
    html = board_pack_html(kx_db, "kx-board", now.date())

    revisions = html.split("Revisions to earlier figures")[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", revisions)
    shown = {(place, end, old, new) for measure, place, end, old, new in rows}
    first, later = expected(REAL_MET_2025_12), expected(REAL_MET_2026_01)
    want = set()
    for (place, month), value in later.items():
        if (place, month) in first and first[(place, month)] != value:
            end = met_month(month).end
            want.add((NAMES[place].replace("'", "&#39;"), f"{end.day} {end:%B %Y}", f"{first[(place, month)]:.0f}", f"{value:.0f}"))
    assert shown == want and len(want) == 3
    assert all(measure == "Violence against the person" for measure, *_ in rows)
    # Reprinting the first pack later gives the same bytes, corrections notwithstanding.
    assert board_pack_html(kx_db, "kx-board", first_review) == first_pack


def test_the_goal_is_judged_on_the_three_wards_together(kx_db):
    assert import_release(kx_db, REAL_MET_2026_01).ok
    [result] = readmodel.goal_results(kx_db)
    totals, _ = published(REAL_MET_2026_01, {VIOLENCE})
    latest = sum(totals[(code, "202601")] for code in WARDS.values())
    assert result.assessment.latest_value == latest
    assert result.assessment.latest_period_end == dt.date(2026, 1, 31)


def test_values_of_one_column_are_alternatives_and_columns_combine(kx_db):
    result = import_release(kx_db, REAL_MET_2025_12, f"MajorText={VIOLENCE}", "MajorText=ROBBERY")
    assert result.ok, [str(p) for p in result.problems]
    assert stored(kx_db) == expected(REAL_MET_2025_12, {VIOLENCE, "ROBBERY"})
    result = import_release(kx_db, REAL_MET_2025_12, f"MajorText={VIOLENCE}", "MinorText=VIOLENCE WITH INJURY", reason="Narrowed to violence with injury")
    assert result.ok
    assert stored(kx_db) == expected(REAL_MET_2025_12, {VIOLENCE}, {"VIOLENCE WITH INJURY"})
    assert result.changes["observations"].revised > 0  # the same months, other figures: revisions


def test_rows_of_wards_in_no_place_are_counted_in_the_summary(kx_db):
    result = import_release(kx_db, REAL_MET_2025_12)
    totals, rows = published(REAL_MET_2025_12, {VIOLENCE})
    others = {code for code in rows if code not in WARDS.values()}
    crimes = sum(v for (code, _), v in totals.items() if code in others)
    line = next(x for x in result.summary_lines() if x.startswith("Unallocated"))
    assert line.startswith(f"Unallocated: {sum(rows[c] for c in others):,} rows ({crimes:,} crimes) in {len(others)} wards that belong to no place")


def test_a_neighbourhood_whose_ward_is_not_in_the_file_gets_no_figure_and_the_summary_says_so(kx_db, tmp_path):
    # Hoxton East & Shoreditch (Hackney): not in a Camden and Islington file.
    assert import_paths(kx_db, write_files(tmp_path / "more", {
        "places.csv": "place_id,name,level,parent_id,code\nshoreditch,Shoreditch,neighbourhood,,\n",
        "place_areas.csv": "place_id,area_code,valid_from,valid_to\nshoreditch,E05009377,,\n",
    })).ok
    result = import_release(kx_db, REAL_MET_2025_12)
    assert result.ok
    assert "    shoreditch (24 periods, 202401 to 202512): its area E05009377 is not in the files." in result.summary_lines()
    assert kx_db.execute("SELECT count(*) FROM observations WHERE place_id = 'shoreditch'").fetchone() == (0,)


def test_a_measure_in_another_unit_is_refused_naming_the_unit_it_needs(kx_db, tmp_path):
    assert import_paths(kx_db, write_files(tmp_path / "m", {"measures.csv": (
        "measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source\n"
        "violence-rate,Violence rate,safety,rate_per_1000,lower_is_better,,,,Per 1000 residents,\n")})).ok
    before = snapshot(kx_db)
    result = import_source(kx_db, "met-ward-crime", [REAL_MET_2025_12], "violence-rate")
    assert not result.ok
    [problem] = result.problems
    assert problem.column == "unit" and "it needs a measure in count" in problem.message
    assert snapshot(kx_db) == before
    result = import_source(kx_db, "met-ward-crime", [REAL_MET_2025_12], "no-such-measure")
    assert "is not a measure in the database" in result.problems[0].message and result.problems[0].fix


def test_a_hostile_cell_names_the_file_row_and_month_and_nothing_is_written(kx_db, tmp_path):
    lines = REAL_MET_2025_12.read_text(encoding="utf-8").splitlines()
    cells = lines[5].split(",")
    header = lines[0].split(",")
    cells[header.index("202405")] = "5.5"
    lines[5] = ",".join(cells)
    bad = tmp_path / "met_ward_bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(kx_db)
    result = import_release(kx_db, bad, "MajorText=" + cells[0])
    assert not result.ok
    assert [(p.file, p.row, p.column, p.value) for p in result.problems] == [("met_ward_bad.csv", 6, "202405", "5.5")]
    assert "not a whole number" in result.problems[0].message and result.problems[0].fix
    assert snapshot(kx_db) == before


def test_two_releases_at_once_are_a_problem(kx_db, tmp_path):
    result = import_source(kx_db, "met-ward-crime", [REAL_MET_2025_12, REAL_MET_2026_01], "violence")
    assert not result.ok
    assert result.problems[0].code == "overlap" and "one release at a time" in result.problems[0].fix
    copy = tmp_path / "copy.csv"
    shutil.copy(REAL_MET_2025_12, copy)
    result = import_source(kx_db, "met-ward-crime", [REAL_MET_2025_12, copy], "violence")
    assert "exactly the same contents" in result.problems[0].message


def test_a_release_imported_without_the_filter_is_refused_naming_the_old_and_new_definitions(kx_db):
    """Issue 23, finding 8: forgetting --filter once replaced violence counts
    with all-crime counts ("48 revised") without a word."""
    assert import_release(kx_db, REAL_MET_2025_12).ok
    before = snapshot(kx_db)
    result = import_source(kx_db, "met-ward-crime", [REAL_MET_2026_01], "violence", [])
    assert not result.ok
    problem = result.problems[0]
    assert problem.code == "definition_changed" and problem.column == "--filter"
    assert VIOLENCE in problem.message and "--reason" in problem.fix and "break" in problem.fix
    assert snapshot(kx_db) == before
    # The next release with the same filter goes in as before; a change said on purpose is recorded.
    assert import_release(kx_db, REAL_MET_2026_01).ok
    on_purpose = import_source(kx_db, "met-ward-crime", [REAL_MET_2026_01], "violence", [], reason="Now counting all crime, agreed at the board")
    assert on_purpose.ok
    assert kx_db.execute("SELECT reason FROM batches WHERE batch_id = ?", [on_purpose.batch_id]).fetchone()[0] == "Now counting all crime, agreed at the board"


def test_an_older_release_after_a_newer_one_is_refused_naming_both(kx_db):
    """Issue 23, finding 7: December's release imported after January's said
    "5 revised" and put the publisher's corrected months back."""
    assert import_release(kx_db, REAL_MET_2026_01).ok
    january = stored(kx_db)
    # Independently: the months both releases cover whose violence counts differ.
    dec, jan = expected(REAL_MET_2025_12), expected(REAL_MET_2026_01)
    corrected = {k for k in dec if k in jan and dec[k] != jan[k]}
    assert corrected  # the real files hold corrections, or this test pins nothing
    before = snapshot(kx_db)
    result = import_release(kx_db, REAL_MET_2025_12)
    assert not result.ok
    problem = result.problems[0]
    assert problem.code == "older_release"
    assert "2025-12-31" in problem.message and "2026-01-31" in problem.message  # this file's and the later release's last month
    assert f"{len(corrected)} figure" in problem.message
    assert "--reason" in problem.fix
    assert snapshot(kx_db) == before and stored(kx_db) == january
    # Going back on purpose is allowed, and said in the batch.
    back = import_release(kx_db, REAL_MET_2025_12, reason="The Met withdrew January's release")
    assert back.ok and back.changes["observations"].revised == len(corrected)
    assert {k: v for k, v in stored(kx_db).items() if k in corrected} == {k: dec[k] for k in corrected}

