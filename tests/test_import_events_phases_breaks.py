"""The three new import kinds (issue 17): events, spc_phases and
measure_breaks. Each goes through the one import contract (columns, row
rules, references), history, the audit trail and the permission rules of
README's security section: events and change points belong to a partnership
and are judged like goals, notes and actions (against the stored owner);
breaks are shared, like measures, so only an admin of every partnership may
record one."""

from __future__ import annotations

import pytest
from conftest import snapshot, write_files
from roles import OTHER, STEWARD, perms

from metrics import store
from metrics.contract.export import export_csv
from metrics.contract.importer import import_paths
from metrics.contract.kinds import KINDS

EVENT_HEAD = "event_id,partnership_id,goal_id,date,title,visibility"
PHASE_HEAD = "measure_id,place_id,start_date,reason"
BREAK_HEAD = "measure_id,date,reason"


def test_the_new_kinds_have_exactly_the_contract_columns():
    """The data contract gives the events columns; the other two follow the issue."""
    assert KINDS["events"].column_names == ("event_id", "partnership_id", "goal_id", "date", "title", "visibility")
    assert KINDS["spc_phases"].column_names == ("measure_id", "place_id", "start_date", "reason")
    assert KINDS["measure_breaks"].column_names == ("measure_id", "date", "reason")
    assert KINDS["measure_breaks"].column("reason").choices == ("new_definition", "gap_in_collection", "boundary_change")


def good_files() -> dict[str, str]:
    return {
        "events.csv": f"{EVENT_HEAD}\ne1,shire-board,attend-up,2024-11-05,Breakfast club opens,public\ne2,shire-board,,2024-12-01,Council restructure,internal\n",
        "spc_phases.csv": f"{PHASE_HEAD}\nattendance,shire-board,2024-11-01,New attendance officers in both schools\nincidents,north,2024-10-01,Street lighting replaced\n",
        "measure_breaks.csv": f"{BREAK_HEAD}\nwellbeing,2025-01-01,new_definition\n",
    }


def test_a_valid_import_of_each_kind_is_stored_with_who_recorded_it(seeded_db, tmp_path):
    result = import_paths(seeded_db, write_files(tmp_path / "new", good_files()), actor="steward@shire.example")
    assert result.ok, [str(p) for p in result.problems]
    assert {k: result.changes[k].added for k in ("events", "spc_phases", "measure_breaks")} == {"events": 2, "spc_phases": 2, "measure_breaks": 1}
    who = store.dict_rows(seeded_db, "SELECT p.reason, b.actor FROM spc_phases p JOIN batches b USING (batch_id) ORDER BY p.start_date")
    assert [(r["reason"], r["actor"]) for r in who] == [
        ("Street lighting replaced", "steward@shire.example"), ("New attendance officers in both schools", "steward@shire.example"),
    ]
    again = import_paths(seeded_db, write_files(tmp_path / "again", good_files()))
    assert again.ok and again.batch_id is None  # the same files twice change nothing


def test_a_changed_reason_is_a_revision_and_the_old_one_stays_in_history(seeded_db, tmp_path):
    assert import_paths(seeded_db, write_files(tmp_path / "a", good_files())).ok
    text = f"{PHASE_HEAD}\nattendance,shire-board,2024-11-01,Attendance officers in both schools from November\n"
    result = import_paths(seeded_db, write_files(tmp_path / "b", {"spc_phases.csv": text}))
    assert result.ok and result.changes["spc_phases"].revised == 1
    rows = store.dict_rows(seeded_db, "SELECT reason, superseded_at FROM spc_phases WHERE place_id = 'shire-board' ORDER BY recorded_at")
    assert [r["reason"] for r in rows] == ["New attendance officers in both schools", "Attendance officers in both schools from November"]
    assert rows[0]["superseded_at"] is not None and rows[1]["superseded_at"] is None


def test_export_then_import_gives_back_the_new_kinds(seeded_db, tmp_path, db_path):
    assert import_paths(seeded_db, write_files(tmp_path / "a", good_files())).ok
    export_csv(seeded_db, tmp_path / "out")
    assert (tmp_path / "out" / "events.csv").read_text(encoding="utf-8").splitlines()[0] == EVENT_HEAD
    fresh = store.connect(tmp_path / "copy.duckdb")
    assert import_paths(fresh, sorted((tmp_path / "out").glob("*.csv"))).ok
    for table in ("events", "spc_phases", "measure_breaks"):
        cols = ", ".join(KINDS[table].column_names)
        assert fresh.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall() == seeded_db.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
    fresh.close()


@pytest.mark.parametrize(
    "name,text,column,words",
    [
        ("events.csv", f"{EVENT_HEAD}\ne9,nowhere,,2024-11-05,X,public\n", "partnership_id", "not a known partnership"),
        ("events.csv", f"{EVENT_HEAD}\ne9,shire-board,no-goal,2024-11-05,X,public\n", "goal_id", "not a known goal"),
        ("events.csv", f"{EVENT_HEAD}\ne9,shire-board,attend-up,2024-11-05,X,secret\n", "visibility", "is not one of: public, internal"),
        ("events.csv", f"{EVENT_HEAD}\ne9,shire-board,attend-up,5/11/2024,X,public\n", "date", "YYYY-MM-DD"),
        ("spc_phases.csv", f"{PHASE_HEAD}\nnope,north,2024-10-01,Why\n", "measure_id", "not a known measure"),
        ("spc_phases.csv", f"{PHASE_HEAD}\nattendance,shire,2024-10-01,Why\n", "place_id", "neither a partnership nor a neighbourhood"),
        ("spc_phases.csv", f"{PHASE_HEAD}\nattendance,north,2024-10-01,\n", "reason", "required"),
        ("measure_breaks.csv", f"{BREAK_HEAD}\nattendance,2025-01-01,we changed it\n", "reason", "new_definition, gap_in_collection, boundary_change"),
        ("measure_breaks.csv", f"{BREAK_HEAD}\nnope,2025-01-01,new_definition\n", "measure_id", "not a known measure"),
    ],
)
def test_bad_rows_are_refused_with_the_column_and_nothing_is_written(seeded_db, tmp_path, name, text, column, words):
    before = snapshot(seeded_db)
    result = import_paths(seeded_db, write_files(tmp_path / "bad", {name: text}))
    assert not result.ok
    assert any(p.column == column and words in f"{p.message} {p.fix}" for p in result.problems), [str(p) for p in result.problems]
    assert snapshot(seeded_db) == before


def test_an_event_for_another_partnerships_goal_is_refused(seeded_db, tmp_path):
    assert import_paths(seeded_db, write_files(tmp_path / "other", OTHER)).ok
    result = import_paths(seeded_db, write_files(tmp_path / "e", {"events.csv": f"{EVENT_HEAD}\ne9,shire-board,east-goal,2024-11-05,X,public\n"}))
    assert not result.ok and "belongs to partnership other-board" in result.problems[0].message


# --- who may record them ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,text,who,allowed",
    [
        ("events.csv", f"{EVENT_HEAD}\ne9,shire-board,attend-up,2024-11-05,Ours,public\n", STEWARD, True),
        ("events.csv", f"{EVENT_HEAD}\ne9,other-board,east-goal,2024-11-05,Theirs,public\n", STEWARD, False),
        ("events.csv", f"{EVENT_HEAD}\ne9,shire-board,attend-up,2024-11-05,Ours,public\n", perms(shire_board="viewer"), False),
        ("spc_phases.csv", f"{PHASE_HEAD}\nattendance,shire-board,2024-11-01,Ours\n", STEWARD, True),
        ("spc_phases.csv", f"{PHASE_HEAD}\nincidents,north,2024-11-01,Our neighbourhood\n", STEWARD, True),
        ("spc_phases.csv", f"{PHASE_HEAD}\nincidents,east,2024-11-01,Their neighbourhood\n", STEWARD, False),
        ("spc_phases.csv", f"{PHASE_HEAD}\nincidents,other-board,2024-11-01,Their partnership\n", STEWARD, False),
        ("measure_breaks.csv", f"{BREAK_HEAD}\nattendance,2025-01-01,new_definition\n", perms(shire_board="admin"), False),
        ("measure_breaks.csv", f"{BREAK_HEAD}\nattendance,2025-01-01,new_definition\n", perms(every="admin"), True),
    ],
)
def test_who_may_record_events_change_points_and_breaks(two_db, tmp_path, name, text, who, allowed):
    before = snapshot(two_db)
    result = import_paths(two_db, write_files(tmp_path / "try", {name: text}), perms=who)
    assert result.ok is allowed, [str(p) for p in result.problems]
    if not allowed:
        assert all(p.code == "forbidden" for p in result.problems)
        assert snapshot(two_db) == before


def test_an_event_id_of_another_partnership_cannot_be_taken_over(two_db, tmp_path):
    assert import_paths(two_db, write_files(tmp_path / "theirs", {"events.csv": f"{EVENT_HEAD}\nev-east,other-board,east-goal,2024-11-05,SECRET-EVENT-TITLE,internal\n"})).ok
    result = import_paths(two_db, write_files(tmp_path / "mine", {"events.csv": f"{EVENT_HEAD}\nev-east,shire-board,attend-up,2024-11-05,Mine now,public\n"}), perms=STEWARD)
    assert not result.ok and "other-board" in result.problems[0].message
    assert "SECRET-EVENT-TITLE" not in "\n".join(str(p) for p in result.problems)


def test_the_audit_trail_knows_which_partnerships_each_batch_touched(two_db, tmp_path):
    for name, text in (
        ("events.csv", f"{EVENT_HEAD}\ne9,shire-board,attend-up,2024-11-05,Ours,public\n"),
        ("spc_phases.csv", f"{PHASE_HEAD}\nincidents,east,2024-11-01,Theirs\n"),
        ("measure_breaks.csv", f"{BREAK_HEAD}\nattendance,2025-01-01,boundary_change\n"),
    ):
        result = import_paths(two_db, write_files(tmp_path / name, {name: text}))
        assert result.ok
        touched = store.scalar(two_db, "SELECT partnerships FROM batches WHERE batch_id = ?", [result.batch_id])
        assert touched == {"events.csv": ["shire-board"], "spc_phases.csv": ["other-board"], "measure_breaks.csv": ["*"]}[name]


def test_a_phase_date_is_a_real_date(seeded_db, tmp_path):
    result = import_paths(seeded_db, write_files(tmp_path / "p", {"spc_phases.csv": f"{PHASE_HEAD}\nattendance,north,2024-02-30,Why\n"}))
    assert not result.ok and result.problems[0].column == "start_date" and "not a real date" in result.problems[0].message
