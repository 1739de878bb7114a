"""The edges of events, SPC change points, series breaks, packs and
accountability health. Each test here failed when it was written: it pins a
problem found by trying to break the new kinds, the public gate, the charts
and the board health. The expected results are written by hand from the
issue, README's security section and docs/data-contract.md."""

from __future__ import annotations

import datetime as dt
import json
import re

from conftest import snapshot, write_files
from roles import STEWARD

from metrics.contract.importer import import_paths
from metrics.methods.series import PHASE, SeriesChange
from metrics.methods.status import GoalSpec, Point, goal_status
from metrics.outputs.boardpack import board_pack_html
from metrics.outputs.public import public_site, site_to_dict
from metrics.outputs.publish import goal_svg, publish

EVENT_HEAD = "event_id,partnership_id,goal_id,date,title,visibility"
PHASE_HEAD = "measure_id,place_id,start_date,reason"
BREAK_HEAD = "measure_id,date,reason"
GOAL_HEAD = "goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner"


def load(con, tmp_path, name: str, files: dict[str, str], **kw):
    return import_paths(con, write_files(tmp_path / name, files), **kw)


# --- 1. the public gate: who recorded a break is not public ------------------------------


def test_public_site_data_does_not_carry_who_recorded_a_break(two_db, tmp_path):
    """A break is public (its date and its reason from the closed list), but
    the person who recorded it is the board's record: the public gate hands
    the whole SeriesChange (recorded_by = the steward's sign-in email,
    recorded_at) to PublicGoal.breaks, so it lands in the public site's data
    and the app's snapshot of it (site_to_dict), which "holds only what may be
    published"."""
    who = "jo.steward@shire.example"
    result = load(two_db, tmp_path, "b", {"measure_breaks.csv": f"{BREAK_HEAD}\nattendance,2024-10-01,new_definition\n"}, actor=who)
    assert result.ok, [str(p) for p in result.problems]
    site = public_site(two_db)
    assert site.goal("attend-up").breaks  # the break is published (that is right)
    data = json.dumps(site_to_dict(site))
    assert who not in data
    assert "recorded_by" not in data and "recorded_at" not in data


# --- 2. a date no one checks: one steward's event breaks every partnership's publish ---------


def test_an_event_dated_in_year_9999_does_not_break_publish_or_the_pack(two_db, tmp_path):
    """A steward of one partnership imports a public event dated 9999-03-01
    (a typo for 2025, say). The importer takes it, and then publishing the
    whole site (every partnership's pages) and the partnership's board pack
    both crash in svg.figure_to_svg ("year 10000 is out of range"). Either the
    importer refuses an implausible date with a row-level message, or the
    outputs draw it; they must not fall over."""
    result = load(two_db, tmp_path, "e", {"events.csv": f"{EVENT_HEAD}\ne-typo,shire-board,attend-up,9999-03-01,Breakfast club,public\n"}, perms=STEWARD)
    if not result.ok:
        assert any(p.column == "date" for p in result.problems)
        return
    publish(two_db, tmp_path / "site")
    board_pack_html(two_db, "shire-board", dt.date(2026, 11, 30))


def test_an_event_far_before_the_figures_does_not_stretch_the_public_chart(two_db, tmp_path):
    """A public event dated 0001-01-01 is accepted and the public chart's time
    axis then runs from year 1: over two thousand year labels and a 280 KB
    page, the figures squeezed into one pixel. The importer should refuse an
    implausible date, or the chart keep markers to the span it draws."""
    result = load(two_db, tmp_path, "e", {"events.csv": f"{EVENT_HEAD}\ne-old,shire-board,attend-up,0001-01-01,Ancient,public\n"}, perms=STEWARD)
    if not result.ok:
        assert any(p.column == "date" for p in result.problems)
        return
    svg = goal_svg(public_site(two_db).goal("attend-up"))
    years = re.findall(r">(\d{1,4})</text>", svg)
    assert len(years) < 50, f"{len(years)} year labels on the public chart"


# --- 3. accountability health: next review due -------------------------------------------


def test_public_next_review_due_ignores_internal_goals(two_db, tmp_path):
    """Before a partnership's first review, its next review is due one cadence
    after its first promise was stated. The public pages take the earliest
    stated_on of every goal, internal ones included, so an internal promise's
    date (and existence) shows on the public page: here the public promise was
    stated on 15 October 2024, and the page says the review was due by
    26 April 2019, eight weeks after an internal goal's stated_on."""
    before = public_site(two_db).partnerships[0].board
    assert before.next_due == dt.date(2024, 10, 15) + dt.timedelta(weeks=8)
    text = f"{GOAL_HEAD}\nsecret-goal,shire-board,incidents,south,A confidential promise,4,2024-09-30,2,2026-07-31,2019-03-01,internal,\n"
    assert load(two_db, tmp_path, "g", {"goals.csv": text}).ok
    after = public_site(two_db).partnerships[0].board
    assert after.next_due == before.next_due


def test_next_review_due_reads_the_current_goals_not_superseded_versions(two_db, tmp_path):
    """A steward types stated_on 2001-10-15 for 2024-10-15 and corrects it the
    same day (stated_on needs no reason). The board health still reads the
    superseded row (min(stated_on) over every version of every goal): the
    public page and the Overview say the first review was due in December
    2001 and the board is overdue by 25 years, for ever."""
    rows = {
        "attend-up": "attend-up,shire-board,attendance,shire-board,Attendance rises to 95% by July 2026,90.75,2024-09-30,95,2026-07-31,{},public,Shire Council",
        "north-safer": "north-safer,shire-board,incidents,north,Fewer incidents in North End,4,2024-09-30,2,2026-07-31,{},internal,Police",
    }
    wrong = "\n".join(r.format("2001-10-15") for r in rows.values())
    right = "\n".join(r.format("2024-10-15") for r in rows.values())
    assert load(two_db, tmp_path, "typo", {"goals.csv": f"{GOAL_HEAD}\n{wrong}\n"}).ok
    assert load(two_db, tmp_path, "fix", {"goals.csv": f"{GOAL_HEAD}\n{right}\n"}).ok
    board = public_site(two_db).partnerships[0].board
    assert board.next_due == dt.date(2024, 10, 15) + dt.timedelta(weeks=8)


# --- 4. what a refusal may say ---------------------------------------------------------


def test_an_event_naming_another_partnerships_goal_does_not_say_whose_it_is(two_db, tmp_path):
    """A steward of Shire links an event to goal id east-goal (Other Board's
    internal goal). Nothing is written (right), but the message says "belongs
    to partnership other-board", where an id that exists nowhere gets "is not a
    known goal": the import is an oracle for which partnership holds each
    (internal) goal id. The steward should hear what they would hear for an
    unknown goal."""
    before = snapshot(two_db)
    theirs = load(two_db, tmp_path, "theirs", {"events.csv": f"{EVENT_HEAD}\ne9,shire-board,east-goal,2024-11-05,X,public\n"}, perms=STEWARD)
    nowhere = load(two_db, tmp_path, "nowhere", {"events.csv": f"{EVENT_HEAD}\ne9,shire-board,no-such-goal,2024-11-05,X,public\n"}, perms=STEWARD)
    assert not theirs.ok and snapshot(two_db) == before
    shown = "\n".join(f"{p.message} {p.fix}" for p in theirs.problems)
    assert "other-board" not in shown
    assert [p.message for p in theirs.problems] == [p.message for p in nowhere.problems]


# --- 5. malformed rows: the message says what is wrong -----------------------------------


def test_a_change_point_for_an_unknown_place_says_the_place_is_unknown(two_db, tmp_path):
    """A steward of Shire mistypes their neighbourhood (nrth for north). The
    row is refused (right), but as a permission refusal: "is the scope of every
    partnership, where you may not record change points". The place is not
    anyone's scope; it does not exist, and the steward should be told so (and
    how to fix it), as a local user is told the place is not a scope."""
    result = load(two_db, tmp_path, "p", {"spc_phases.csv": f"{PHASE_HEAD}\nincidents,nrth,2024-11-01,New youth worker\n"}, perms=STEWARD)
    assert not result.ok
    (problem,) = result.problems
    assert (problem.file, problem.row, problem.column) == ("spc_phases.csv", 2, "place_id")
    assert "every partnership" not in problem.message
    assert "not a known place" in problem.message or "neither a partnership nor a neighbourhood" in problem.message


# --- 6. methods edge cases ---------------------------------------------------------------


def _monthly(n: int, start: dt.date) -> list[Point]:
    out, y, m = [], start.year, start.month
    for i in range(n):
        first = dt.date(y, m, 1)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        value = 50.0 + (i % 3)
        out.append(Point(first, dt.date(y, m, 1) - dt.timedelta(days=1), value, value - 1, value + 1))
    return out


def test_a_change_point_before_the_first_figure_does_not_move_phase_start():
    """A change point before the first point "changes nothing" (spc.phase_groups):
    the chart, its limits and its icons are those of the series without it.
    phase_start (status --json: "the start of the SPC phase the variation and
    assurance refer to") should then be the same too, the first period's
    start, 1 January 2022; it is the change point's date, 1 January 2020, two
    years before the phase's first figure."""
    spec = GoalSpec(50, dt.date(2022, 1, 31), 60, dt.date(2026, 12, 31), "higher_is_better", "percent")
    points = _monthly(30, dt.date(2022, 1, 1))
    plain = goal_status(spec, points, as_of=dt.date(2024, 8, 1))
    early = goal_status(spec, points, changes=[SeriesChange(dt.date(2020, 1, 1), PHASE, "Old change")], as_of=dt.date(2024, 8, 1))
    assert early.spc == plain.spc and early.variation == plain.variation
    assert plain.phase_start == dt.date(2022, 1, 1)
    assert early.phase_start == plain.phase_start
