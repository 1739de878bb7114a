"""Who may see and change what: the access list kept in the database.

Roles nest: an admin can do what a steward can, a steward what a viewer can.
viewer reads a partnership's internal pages; steward also imports, edits goals,
records and approves notes and updates actions; admin also manages the
partnership and its access list. A grant is for one partnership or for every
one ('*'). A trustee reads every partnership their trust is a member of.

Streamlit's sign-in says who someone is, never what they may do: every page
and every write asks `Permissions` on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics import views
from metrics.store import StoreError, utc_now, write_batch

ROLES = ("viewer", "steward", "admin")
ROLE_RANK = {r: i for i, r in enumerate(ROLES)}
TRUSTEE = "trustee"
EVERY = "*"


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or " " in email:
        raise StoreError(f'"{email}" is not an email address. Use the address people sign in with, e.g. jo.smith@trust.org.uk.')
    return email


@dataclass(frozen=True)
class Grant:
    email: str
    role: str
    scope: str


def grants(con: duckdb.DuckDBPyConnection, email: str | None = None) -> list[Grant]:
    sql = "SELECT email, role, scope FROM access WHERE revoked_at IS NULL"
    params: list = []
    if email is not None:
        sql += " AND email = ?"
        params.append(email.lower())
    return [Grant(*r) for r in con.execute(sql + " ORDER BY email, role, scope", params).fetchall()]


def grant(con: duckdb.DuckDBPyConnection, email: str, role: str, scope: str, actor: str) -> bool:
    """Give a role; returns False when the grant already exists."""
    email = normalise_email(email)
    _check(con, role, scope)
    if Grant(email, role, scope) in grants(con, email):
        return False
    with write_batch(con, actor=actor, action="access", reason=f"grant {role} on {scope} to {email}") as batch:
        con.execute("INSERT INTO access VALUES (?, ?, ?, ?, ?, NULL, NULL)", [email, role, scope, batch.at, actor])
    return True


def revoke(con: duckdb.DuckDBPyConnection, email: str, role: str, scope: str, actor: str) -> bool:
    """Take a role away; returns False when there was no such grant."""
    email = normalise_email(email)
    if Grant(email, role, scope) not in grants(con, email):
        return False
    with write_batch(con, actor=actor, action="access", reason=f"revoke {role} on {scope} from {email}") as batch:
        con.execute(
            "UPDATE access SET revoked_at = ?, revoked_by = ? WHERE email = ? AND role = ? AND scope = ? AND revoked_at IS NULL",
            [batch.at, actor, email, role, scope],
        )
    return True


def _check(con: duckdb.DuckDBPyConnection, role: str, scope: str) -> None:
    if role == TRUSTEE:
        members = {m for p in views.partnerships(con) for m in p.members}
        if scope not in members:
            raise StoreError(f'"{scope}" is not a member organisation of any partnership. Members: {", ".join(sorted(members)) or "(none yet)"}.')
        return
    if role not in ROLES:
        raise StoreError(f'"{role}" is not a role. Roles: {", ".join(ROLES)} (scoped to a partnership or to all), or {TRUSTEE} (scoped to a trust).')
    known = [p.partnership_id for p in views.partnerships(con)]
    if scope != EVERY and scope not in known:
        raise StoreError(f'There is no partnership "{scope}". Partnerships: {", ".join(known) or "(none yet)"}; or use --all.')


@dataclass(frozen=True)
class Permissions:
    """What one signed-in person may do. `local` is the single user of local mode (no sign-in): everything."""

    email: str
    roles: dict[str, str]  # partnership_id or '*' -> highest role there
    trustee_of: frozenset[str]  # partnerships readable through a trust
    local: bool = False

    def role_in(self, partnership_id: str) -> str | None:
        if self.local:
            return "admin"
        best = None
        for scope in (EVERY, partnership_id):
            r = self.roles.get(scope)
            if r and (best is None or ROLE_RANK[r] > ROLE_RANK[best]):
                best = r
        if best is None and partnership_id in self.trustee_of:
            best = "viewer"
        return best

    def can(self, need: str, partnership_id: str | None = None) -> bool:
        """True when the person holds `need` (or more) in the partnership, or,
        without a partnership, in every partnership ('*')."""
        if self.local:
            return True
        role = self.roles.get(EVERY) if partnership_id is None else self.role_in(partnership_id)
        return role is not None and ROLE_RANK[role] >= ROLE_RANK[need]

    def can_somewhere(self, need: str) -> bool:
        if self.local:
            return True
        if need == "viewer" and self.trustee_of:
            return True
        return any(ROLE_RANK[r] >= ROLE_RANK[need] for r in self.roles.values())

    def readable(self, all_partnerships: list[str]) -> list[str]:
        return [p for p in all_partnerships if self.can("viewer", p)]

    @property
    def has_any_role(self) -> bool:
        return self.local or bool(self.roles) or bool(self.trustee_of)


LOCAL = Permissions("local", {}, frozenset(), local=True)


def permissions(con: duckdb.DuckDBPyConnection, email: str) -> Permissions:
    email = email.lower()
    roles: dict[str, str] = {}
    trusts = set()
    for g in grants(con, email):
        if g.role == TRUSTEE:
            trusts.add(g.scope)
        elif g.scope not in roles or ROLE_RANK[g.role] > ROLE_RANK[roles[g.scope]]:
            roles[g.scope] = g.role
    via_trust = frozenset(p.partnership_id for p in views.partnerships(con) if trusts & set(p.members))
    return Permissions(email, roles, via_trust)


def audit_log(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    """Who did what and when: every import, edit, approval, action update and access change."""
    cur = con.execute(
        "SELECT happened_at, actor, action, files, reason, summary FROM batches ORDER BY happened_at DESC LIMIT ?", [limit]
    )
    return pd.DataFrame(cur.fetchall(), columns=[d[0] for d in cur.description], dtype=object)




def partnerships_touched(con: duckdb.DuckDBPyConnection, sheets) -> tuple[set[str], bool]:
    """Which partnerships an import changes, and whether it changes shared data.

    Goals, notes, actions and partnerships rows name their partnership;
    observations belong to the partnerships whose neighbourhoods they are for.
    Places, measures and benchmark figures (for a place in no partnership) are
    shared by every partnership, so they need rights over all of them.
    """
    touched: set[str] = set()
    shared = False
    place_partnerships: dict[str, set[str]] = {}
    for p in views.partnerships(con):
        for place in p.places:
            place_partnerships.setdefault(place, set()).add(p.partnership_id)
    for sheet in sheets:
        kind = sheet.kind.name
        if kind in ("places", "measures"):
            shared = shared or sheet.table.num_rows > 0
        elif kind in ("observations", "place_areas"):  # a place's figures and areas belong to its partnerships
            for place in set(sheet.table["place_id"].to_pylist()):
                owners = place_partnerships.get(place)
                if owners:
                    touched |= owners
                else:
                    shared = True
        else:
            touched |= set(sheet.table["partnership_id"].to_pylist())
    return touched, shared
