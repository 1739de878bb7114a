"""Who may change what, decided in metrics/ against the row as stored now.

Each test pins a hole an attack found (issue: "Roles that hold"): a steward
taking over another partnership's goal, note or action by reusing its id, a
steward widening their own partnership, an audit trail that showed every
partnership's batches, and a viewer freezing a board review. The expected
results are the rules of README's security section, written by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import snapshot, write_files
from roles import ADMIN, SECRET_ACTION, SECRET_NOTE, SECRET_STATEMENT, STEWARD, VIEWER, perms

from metrics import access, edits
from metrics.access import EVERY, PermissionDenied, Permissions
from metrics.contract.importer import import_paths
from metrics.outputs.boardpack import board_pack_html
from metrics.read import reviews



def attempt(con, tmp_path, name: str, text: str, who: Permissions, dry_run: bool = False):
    return import_paths(con, write_files(tmp_path / f"try-{name}", {name: text}), perms=who, dry_run=dry_run)


def shown(result) -> str:
    return "\n".join(str(p) for p in result.problems)


@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "confirm"])
@pytest.mark.parametrize(
    "name, text, secret",
    [
        ("goals.csv", """
            goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
            east-goal,shire-board,incidents,north,Mine now,10,2024-09-30,5,2026-07-31,2024-10-15,internal,
            """, SECRET_STATEMENT),
        ("notes.csv", """
            note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on
            n-east,2024-10-20,shire-board,north,,safety,resident,Mine now,,internal,,,
            """, SECRET_NOTE),
        ("actions.csv", """
            action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
            a-east,shire-board,,Mine now,Shire Council,2024-11-01,2024-12-31,open
            """, SECRET_ACTION),
    ],
    ids=["goal", "note", "action"],
)
def test_a_steward_cannot_take_over_another_partnerships_row_by_reusing_its_id(two_db, tmp_path, name, text, secret, dry_run):
    before = snapshot(two_db)
    result = attempt(two_db, tmp_path, name, text, STEWARD, dry_run=dry_run)
    assert not result.ok
    assert [p.code for p in result.problems] == ["forbidden"]
    (problem,) = result.problems
    assert problem.file == name and problem.row == 2
    assert "other-board" in problem.message and "may not change" in problem.message
    assert secret not in shown(result)  # nothing of the other partnership's row is shown
    assert not result.changes  # the preview lists no revision (and so no old values)
    assert snapshot(two_db) == before


def test_a_steward_still_changes_their_own_partnerships_rows(two_db, tmp_path):
    text = """
        action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
        a1,shire-board,attend-up,Talk to the bus company,Shire Council,2024-11-01,2024-12-31,done
        """
    result = attempt(two_db, tmp_path, "actions.csv", text, STEWARD)
    assert result.ok and result.changes["actions"].revised == 1


def test_a_viewer_cannot_import_anything(two_db, tmp_path):
    text = """
        action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
        a9,shire-board,,New,Shire Council,2024-11-01,2024-12-31,open
        """
    result = attempt(two_db, tmp_path, "actions.csv", text, VIEWER)
    assert not result.ok and [p.code for p in result.problems] == ["forbidden"]


def test_a_steward_cannot_add_another_partnerships_neighbourhood(two_db, tmp_path):
    before = snapshot(two_db)
    text = """
        partnership_id,name,places,review_every_weeks,members,description
        shire-board,Shire Delivery Board,north;south;east,8,Shire Council;Oak Learning Trust,A board for the estate
        """
    result = attempt(two_db, tmp_path, "partnerships.csv", text, STEWARD)
    assert not result.ok and {p.code for p in result.problems} == {"forbidden"}
    assert "neighbourhoods or members" in shown(result)
    assert snapshot(two_db) == before


def test_a_steward_cannot_add_member_trusts(two_db, tmp_path):
    text = """
        partnership_id,name,places,review_every_weeks,members,description
        shire-board,Shire Delivery Board,north;south,8,Shire Council;Oak Learning Trust;Other Trust,A board for the estate
        """
    result = attempt(two_db, tmp_path, "partnerships.csv", text, STEWARD)
    assert not result.ok and {p.code for p in result.problems} == {"forbidden"}


def test_an_admin_of_one_partnership_cannot_take_another_partnerships_neighbourhood(two_db, tmp_path):
    text = """
        partnership_id,name,places,review_every_weeks,members,description
        shire-board,Shire Delivery Board,north;south;east,8,Shire Council;Oak Learning Trust,A board for the estate
        """
    result = attempt(two_db, tmp_path, "partnerships.csv", text, ADMIN)
    assert not result.ok
    assert "east, which belongs to other-board" in shown(result)


def test_a_steward_may_change_their_partnerships_description(two_db, tmp_path):
    text = """
        partnership_id,name,places,review_every_weeks,members,description
        shire-board,Shire Delivery Board,north;south,8,Shire Council;Oak Learning Trust,A new description
        """
    assert attempt(two_db, tmp_path, "partnerships.csv", text, STEWARD).ok


def test_shared_places_and_measures_need_an_admin_of_every_partnership(two_db, tmp_path):
    measure = """
        measure_id,name,domain,unit,direction,min_value,max_value,suppress_below,definition,source
        new-measure,New,other,count,lower_is_better,,,,Something,
        """
    assert not attempt(two_db, tmp_path, "measures.csv", measure, perms(every="steward")).ok
    assert attempt(two_db, tmp_path, "measures.csv", measure, perms(every="admin")).ok


def test_unchanged_shared_rows_in_a_re_imported_workbook_are_allowed(two_db, tmp_path):
    from conftest import BASE_FILES

    assert attempt(two_db, tmp_path, "places.csv", BASE_FILES["places.csv"], STEWARD).ok


def test_a_steward_cannot_import_figures_for_another_partnerships_neighbourhood(two_db, tmp_path):
    text = """
        measure_id,place_id,period_start,period_end,value,numerator,denominator,sample_size,std_dev,source,provisional
        incidents,north,2024-10-01,2024-10-31,3,,,,,,
        incidents,east,2024-10-01,2024-10-31,3,,,,,,
        """
    result = attempt(two_db, tmp_path, "observations.csv", text, STEWARD)
    assert not result.ok
    assert [(p.row, p.value) for p in result.problems] == [(3, "east")]


def test_the_audit_trail_shows_an_admin_only_their_partnerships_batches(two_db, tmp_path):
    text = """
        action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
        a2,shire-board,,Open the youth club,Shire Council,2024-11-01,2024-12-31,open
        """
    assert attempt(two_db, tmp_path, "actions.csv", text, STEWARD).ok
    access.grant(two_db, "x@example.org", "viewer", "other-board", actor="test")
    mine = access.audit_log(two_db, ADMIN)
    assert list(mine["action"]) == ["import"] and list(mine["partnerships"]) == ["shire-board"]
    everything = access.audit_log(two_db, perms(every="admin"))
    assert len(everything) == 4  # base import, other board's import, the shire action, the grant


def test_an_admin_of_one_partnership_cannot_grant_roles_elsewhere(two_db):
    with pytest.raises(PermissionDenied):
        access.grant(two_db, "x@example.org", "viewer", "other-board", actor="a", perms=ADMIN)
    with pytest.raises(PermissionDenied):
        access.grant(two_db, "x@example.org", "viewer", EVERY, actor="a", perms=ADMIN)
    assert access.grant(two_db, "x@example.org", "viewer", "shire-board", actor="a", perms=ADMIN)


def test_a_viewer_cannot_freeze_a_review_or_record_one(two_db):
    before = snapshot(two_db)
    day = dt.date(2024, 12, 10)
    with pytest.raises(PermissionDenied, match="steward or admin"):
        board_pack_html(two_db, "shire-board", day, perms=VIEWER, actor="viewer@example.org")
    with pytest.raises(PermissionDenied):
        edits.record_review(two_db, VIEWER, "shire-board", day, actor="viewer@example.org")
    assert snapshot(two_db) == before


def test_freezing_and_recording_a_review_are_audited_batches(two_db):
    day = dt.date(2024, 12, 10)
    board_pack_html(two_db, "shire-board", day, perms=STEWARD, actor="steward@example.org")
    assert edits.record_review(two_db, STEWARD, "shire-board", dt.date(2025, 2, 1), actor="steward@example.org")
    log = access.audit_log(two_db, ADMIN)
    assert list(log["action"][:3]) == ["review recorded", "pack archived", "review frozen"]  # the pack is archived as it was made
    assert set(log["actor"][:3]) == {"steward@example.org"}
    # Once frozen, a viewer may reprint it: nothing is written.
    before = snapshot(two_db)
    assert board_pack_html(two_db, "shire-board", day, perms=VIEWER, actor="viewer@example.org")
    assert snapshot(two_db) == before
    assert reviews.review_as_of(two_db, "shire-board", day) is not None


def test_a_viewer_reads_only_their_partnerships_neighbourhoods_and_the_benchmarks(two_db):
    from metrics.read import views

    readable = access.readable_places(VIEWER, views.places(two_db), views.partnerships(two_db))
    assert sorted(readable) == ["england", "north", "shire", "south"]


def test_approving_a_note_is_checked_against_its_stored_partnership(two_db):
    with pytest.raises(PermissionDenied):
        edits.approve_note(two_db, STEWARD, "n-east", "x", "Board", dt.date(2025, 1, 1), actor="s")


def test_changing_an_actions_status_is_checked_against_its_stored_partnership(two_db):
    with pytest.raises(PermissionDenied):
        edits.set_action_status(two_db, STEWARD, "a-east", "done", actor="s")
    assert edits.set_action_status(two_db, STEWARD, "a1", "done", actor="s").ok
