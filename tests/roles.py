"""Who is acting, and a second partnership to act against: the roles and worlds
the permission tests share (README's security section). Not a test module, so
test modules import from here, never from each other."""

from __future__ import annotations

from metrics.access import Permissions

SECRET_STATEMENT = "Other board promises a secret thing"
SECRET_NOTE = "My neighbour told me something private"
SECRET_ACTION = "Confidential plan for the east estate"

OTHER = {
    "places.csv": """
        place_id,name,level,parent_id,code
        east,East End,neighbourhood,shire,
        """,
    "partnerships.csv": """
        partnership_id,name,places,review_every_weeks,members,description
        other-board,Other Board,east,8,Other Trust,Another board
        """,
    "goals.csv": f"""
        goal_id,partnership_id,measure_id,scope,statement,baseline_value,baseline_date,target_value,target_date,stated_on,visibility,owner
        east-goal,other-board,incidents,east,{SECRET_STATEMENT},10,2024-09-30,5,2026-07-31,2024-10-15,internal,
        """,
    "notes.csv": f"""
        note_id,recorded_on,partnership_id,place_id,goal_id,domain,voice,text,source,consent,approved_wording,approved_by,approved_on
        n-east,2024-10-20,other-board,east,east-goal,safety,resident,{SECRET_NOTE},,internal,,,
        """,
    "actions.csv": f"""
        action_id,partnership_id,goal_id,description,owner,agreed_on,due_on,status
        a-east,other-board,east-goal,{SECRET_ACTION},Other Council,2024-11-01,2024-12-31,open
        """,
}


def perms(**roles: str) -> Permissions:
    """Permissions for roles given as partnership=role ('every' for '*')."""
    return Permissions("someone@example.org", {("*" if p == "every" else p.replace("_", "-")): r for p, r in roles.items()}, frozenset())


STEWARD = perms(shire_board="steward")
VIEWER = perms(shire_board="viewer")
ADMIN = perms(shire_board="admin")
