"""Who may see and change what: the access list kept in the database, and
every permission decision the app and the command line make.

Roles nest: an admin can do what a steward can, a steward what a viewer can.
viewer reads a partnership's internal pages; steward also imports, edits goals,
records and approves notes, updates actions and freezes board reviews; admin
also changes the partnership itself (its neighbourhoods and members) and its
access list. A grant is for one partnership or for every one ('*'). A trustee
reads every partnership their trust is a member of. Shared data (places,
measures) serves every partnership, so changing it needs an admin of all.

Streamlit's sign-in says who someone is, never what they may do: every page
and every write asks this module, on the server, and a write is judged
against the partnership that owns the row *as it is stored now*, not only the
partnership the new row names (otherwise a steward could take another
partnership's goal by importing it under their own id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.contract.problems import Problem
from metrics.read import views
from metrics.store import StoreError, write_batch

ROLES = ("viewer", "steward", "admin")
ROLE_RANK = {r: i for i, r in enumerate(ROLES)}
TRUSTEE = "trustee"
EVERY = "*"


class PermissionDenied(StoreError):
    """The signed-in person may not make this change; the message says who may."""


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


@dataclass(frozen=True)
class Permissions:
    """What one signed-in person may do. `local` is the single user of local
    mode and of the command line (no sign-in): everything."""

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
        without a partnership (or with '*'), in every partnership."""
        if self.local:
            return True
        role = self.roles.get(EVERY) if partnership_id in (None, EVERY) else self.role_in(partnership_id)
        return role is not None and ROLE_RANK[role] >= ROLE_RANK[need]

    def can_somewhere(self, need: str) -> bool:
        if self.local:
            return True
        if need == "viewer" and self.trustee_of:
            return True
        return any(ROLE_RANK[r] >= ROLE_RANK[need] for r in self.roles.values())

    def where(self, need: str) -> str:
        """Where the person holds `need`, in words, for a refusal message."""
        if self.can(need):
            return "every partnership"
        mine = sorted(p for p, r in self.roles.items() if p != EVERY and ROLE_RANK[r] >= ROLE_RANK[need])
        return ", ".join(mine) if mine else "no partnership"

    @property
    def has_any_role(self) -> bool:
        return self.local or bool(self.roles) or bool(self.trustee_of)


LOCAL = Permissions("local", {}, frozenset(), local=True)
NOBODY = Permissions("", {}, frozenset())


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


def require(perms: Permissions, need: str, partnership_id: str | None = None) -> None:
    """Raise PermissionDenied unless `perms` holds `need` in the partnership
    (or, with None or '*', in every partnership)."""
    if not perms.can(need, partnership_id):
        where = "every partnership" if partnership_id in (None, EVERY) else partnership_id
        raise PermissionDenied(
            f"You need {need} rights for {where} to do this; you have them for {perms.where(need)}. "
            "Ask your partnership's admin."
        )


# -- reading -------------------------------------------------------------------


def readable_partnerships(perms: Permissions, partnerships: Iterable[views.Partnership]) -> list[views.Partnership]:
    """The partnerships this person may read, in the order given."""
    return [p for p in partnerships if perms.can("viewer", p.partnership_id)]


def readable_places(perms: Permissions, places: Mapping[str, dict], partnerships: Iterable[views.Partnership]) -> dict[str, dict]:
    """The places this person may read figures for: the neighbourhoods of the
    partnerships they may read, and every benchmark place (local areas,
    regions, the nation), whose figures every partnership compares with.

    A neighbourhood in no partnership is readable only with rights over every
    partnership: no one else has a claim to it."""
    parts = list(partnerships)
    open_hoods = {h for p in readable_partnerships(perms, parts) for h in p.places}
    return {
        pid: place for pid, place in places.items()
        if place["level"] != "neighbourhood" or pid in open_hoods or perms.can("viewer", EVERY)
    }


# -- writing: imports ------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingRow:
    """A row an import would write, as the steward's file has it (validated)."""

    kind: str
    file: str
    sheet: str | None
    row: int
    values: Mapping[str, object]


KEYS = {
    "places": "place_id", "measures": "measure_id", "partnerships": "partnership_id", "goals": "goal_id", "notes": "note_id",
    "actions": "action_id", "events": "event_id", "measure_breaks": "measure_id",
}
OWNED = ("goals", "notes", "actions", "events")  # rows that belong to one partnership
SHARED = ("places", "measures", "measure_breaks")  # rows every partnership uses
PLACE_OWNED = ("place_areas",)  # rows that belong to the partnerships of their place, like its figures
SCOPE_OWNED = ("spc_phases",)  # rows of a goal's scope: a partnership, or a neighbourhood (its partnerships')


def _stored_key(r: IncomingRow) -> tuple:
    """The row's key as the stored rows are indexed (metrics.contract.kinds)."""
    from metrics.contract.kinds import KINDS

    return tuple(r.values[k] for k in KINDS[r.kind].key)


def _a(noun: str) -> str:
    """The noun with its article, for messages: "an event", "a goal"."""
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"


def scope_owners(scope: str, partnerships: Mapping[tuple, Mapping[str, object]]) -> set[str]:
    """Who owns rows about a goal's scope: the partnership itself for a
    partnership-wide scope, else every partnership the neighbourhood is in
    (an empty set for a place in none)."""
    if (scope,) in partnerships:
        return {scope}
    return {pid for (pid,), p in partnerships.items() if scope in (p.get("places") or [])}


def import_refusals(
    perms: Permissions,
    rows: Iterable[IncomingRow],
    stored: Mapping[str, Mapping[tuple, Mapping[str, object]]],
    observation_places: Iterable[tuple[str, str | None, int, str]] = (),
) -> list[Problem]:
    """Every row of an import this person may not write, as problems.

    `stored` holds the current rows of each small kind by key, so each row is
    judged against the partnership that owns it now. Nothing of a stored row
    is quoted back: a refusal names the row of the steward's own file, its id
    and the owning partnership, never the stored statement, text or values
    (otherwise an import would be a way to read them). `observation_places`
    gives, per file, the first row of each place the observations are for.
    """
    if perms.local:
        return []
    rows = list(rows)
    out: list[Problem] = []
    partnerships = stored.get("partnerships", {})
    owners: dict[str, set[str]] = {}
    for (pid,), p in partnerships.items():
        for place in p.get("places") or []:
            owners.setdefault(place, set()).add(pid)

    def refuse(r: IncomingRow, column: str, message: str, fix: str) -> None:
        out.append(Problem(file=r.file, sheet=r.sheet, row=r.row, column=column, value=str(r.values.get(column) or ""), message=message, fix=fix, code="forbidden"))

    for r in rows:
        if r.kind in PLACE_OWNED:
            continue  # judged with the place's figures, below
        if r.kind in SCOPE_OWNED:
            scope = str(r.values["place_id"])
            owning = scope_owners(scope, partnerships)
            if not owning and (scope,) not in stored.get("places", {}):
                refuse(r, "place_id", "is not a known place or partnership: a change point is for a goal's scope.",
                       "Correct the id: use the partnership_id for a partnership-wide figure, or one of its neighbourhoods' place_ids.")
                continue
            blocked = sorted(o for o in owning if not perms.can("steward", o)) if owning else ([] if perms.can("steward", EVERY) else [EVERY])
            if blocked:
                whose = "every partnership" if blocked == [EVERY] else ", ".join(blocked)
                refuse(r, "place_id", f"is the scope of {whose}, where you may not record change points (you are a steward of {perms.where('steward')}).",
                       "Remove the row, or ask a steward of that partnership to record it.")
            continue
        key_col = KEYS[r.kind]
        key = _stored_key(r)
        old = stored.get(r.kind, {}).get(key)
        if r.kind in SHARED:
            if old is not None and _same(old, r.values):
                continue  # an unchanged shared row, as in a full workbook re-imported
            if not perms.can("admin", EVERY):
                what = {"measure_breaks": "break in a measure's series"}.get(r.kind, r.kind[:-1])
                refuse(r, key_col, f"{'changes' if old else 'adds'} {_a(what)}, which every partnership shares; only an admin of every partnership may do that.",
                       "Remove the row (or the sheet), or ask an admin of every partnership to import it.")
        elif r.kind == "partnerships":
            pid = r.values["partnership_id"]
            if old is None:
                if not perms.can("admin", EVERY):
                    refuse(r, key_col, "adds a new partnership; only an admin of every partnership may do that.", "Ask an admin of every partnership to add it.")
                continue
            new_places, old_places = set(r.values.get("places") or []), set(old.get("places") or [])
            widens = new_places != old_places or set(r.values.get("members") or []) != set(old.get("members") or [])
            need = "admin" if widens else "steward"
            if not perms.can(need, pid):
                what = "changes the partnership's neighbourhoods or members" if widens else "changes the partnership's details"
                refuse(r, key_col, f"{what}; that needs {need} rights for {pid}, and you have them for {perms.where(need)}.",
                       f"Keep the row as it is stored, or ask an admin of {pid}.")
                continue
            for place in sorted(new_places - old_places):
                others = sorted(owners.get(place, set()) - {pid})
                blocked = [o for o in others if not perms.can("admin", o)]
                if blocked:
                    refuse(r, "places", f"adds neighbourhood {place}, which belongs to {', '.join(blocked)}; adding it would open that partnership's figures to yours.",
                           f"Ask an admin of {', '.join(blocked)} (or of every partnership) to make the change.")
        else:  # goals, notes, actions, events: owned by one partnership
            new_owner = r.values["partnership_id"]
            old_owner = old.get("partnership_id") if old is not None else None
            if old_owner is not None and old_owner != new_owner and not perms.can("steward", old_owner):
                refuse(r, key_col, f"is the id of {_a(r.kind[:-1])} of partnership {old_owner}, which you may not change (you are a steward of {perms.where('steward')}).",
                       f"Use a new {key_col} for your own {r.kind[:-1]}, or ask a steward of {old_owner}.")
            elif not perms.can("steward", new_owner) or (old_owner is not None and not perms.can("steward", old_owner)):
                refuse(r, "partnership_id", f"belongs to partnership {old_owner or new_owner}, where you may not make changes (you are a steward of {perms.where('steward')}).",
                       "Remove the row, or ask a steward of that partnership to import it.")
    areas = [(r.file, r.sheet, r.row, str(r.values["place_id"]), "areas") for r in rows if r.kind in PLACE_OWNED]
    for file, sheet, row, place, what in [*((*o, "figures") for o in observation_places), *areas]:
        hood_owners = owners.get(place)
        if hood_owners:
            blocked = sorted(o for o in hood_owners if not perms.can("steward", o))
            if blocked:
                out.append(Problem(file=file, sheet=sheet, row=row, column="place_id", value=place, code="forbidden",
                                   message=f"is a neighbourhood of {', '.join(blocked)}, where you may not import {what} (you are a steward of {perms.where('steward')}).",
                                   fix="Remove that place's rows, or ask a steward of that partnership to import them."))
        elif not perms.can("steward", EVERY):
            out.append(Problem(file=file, sheet=sheet, row=row, column="place_id", value=place, code="forbidden",
                               message=f"is a benchmark place (or in no partnership), whose {what} every partnership shares; only a steward of every partnership may import them.",
                               fix="Remove that place's rows, or ask a steward of every partnership to import them."))
    return out


def touched_partnerships(
    rows: Iterable[IncomingRow],
    stored: Mapping[str, Mapping[tuple, Mapping[str, object]]],
    observation_places: Iterable[tuple[str, str | None, int, str]] = (),
) -> set[str]:
    """The partnerships an import touches, for the audit trail: the owners of
    its goals, notes, actions, events and partnerships (old and new), the
    partnerships of its neighbourhoods' figures and change points, and '*' for
    shared data (places, measures, breaks, benchmark figures)."""
    owners: dict[str, set[str]] = {}
    for (pid,), p in stored.get("partnerships", {}).items():
        for place in p.get("places") or []:
            owners.setdefault(place, set()).add(pid)
    out: set[str] = set()
    for r in rows:
        if r.kind in SHARED:
            out.add(EVERY)
            continue
        if r.kind in PLACE_OWNED:
            out |= owners.get(str(r.values["place_id"])) or {EVERY}
            continue
        if r.kind in SCOPE_OWNED:
            out |= scope_owners(str(r.values["place_id"]), stored.get("partnerships", {})) or {EVERY}
            continue
        out.add(str(r.values["partnership_id"]))
        old = stored.get(r.kind, {}).get(_stored_key(r))
        if old is not None:
            out.add(str(old["partnership_id"]))
    for _file, _sheet, _row, place in observation_places:
        out |= owners.get(place) or {EVERY}
    return out


def _same(stored: Mapping[str, object], incoming: Mapping[str, object]) -> bool:
    return all(stored.get(k) == v for k, v in incoming.items() if k in stored)


# -- the access list ---------------------------------------------------------------


def grant(con: duckdb.DuckDBPyConnection, email: str, role: str, scope: str, actor: str, perms: Permissions = LOCAL) -> bool:
    """Give a role; returns False when the grant already exists.

    An admin may grant roles in the partnerships they administer; a grant for
    every partnership, or a trustee's (which reads across partnerships), needs
    an admin of every partnership."""
    email = normalise_email(email)
    _check(con, role, scope)
    require(perms, "admin", EVERY if role == TRUSTEE else scope)
    if Grant(email, role, scope) in grants(con, email):
        return False
    with write_batch(con, actor=actor, action="access", reason=f"grant {role} on {scope} to {email}", partnerships=_grant_scope(role, scope)) as batch:
        con.execute("INSERT INTO access VALUES (?, ?, ?, ?, ?, NULL, NULL)", [email, role, scope, batch.at, actor])
    return True


def revoke(con: duckdb.DuckDBPyConnection, email: str, role: str, scope: str, actor: str, perms: Permissions = LOCAL) -> bool:
    """Take a role away; returns False when there was no such grant."""
    email = normalise_email(email)
    require(perms, "admin", EVERY if role == TRUSTEE else scope)
    if Grant(email, role, scope) not in grants(con, email):
        return False
    with write_batch(con, actor=actor, action="access", reason=f"revoke {role} on {scope} from {email}", partnerships=_grant_scope(role, scope)) as batch:
        con.execute(
            "UPDATE access SET revoked_at = ?, revoked_by = ? WHERE email = ? AND role = ? AND scope = ? AND revoked_at IS NULL",
            [batch.at, actor, email, role, scope],
        )
    return True


def _grant_scope(role: str, scope: str) -> list[str]:
    """The partnerships an access change concerns, for the audit trail: a
    trustee's grant reads across partnerships, so only admins of all see it."""
    return [EVERY] if role == TRUSTEE else [scope]


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
        raise StoreError(no_such_partnership(scope, known, "; or use --all"))


def visible_grants(con: duckdb.DuckDBPyConnection, perms: Permissions) -> list[Grant]:
    """The grants an admin may see: those in the partnerships they administer
    (an admin of every partnership sees every grant, trustees' included)."""
    return [g for g in grants(con) if perms.can("admin", EVERY) or (g.role != TRUSTEE and g.scope != EVERY and perms.can("admin", g.scope))]


def audit_log(con: duckdb.DuckDBPyConnection, perms: Permissions = LOCAL, limit: int = 1000) -> pd.DataFrame:
    """Who did what and when: every import, edit, approval, action update,
    review and access change, limited to the batches this person may see.

    A batch is shown to an admin when every partnership it touched is one
    they administer; batches that touched shared data ('*') or whose
    partnerships are not known (written before version 3 of the schema and
    not traceable) only to an admin of every partnership."""
    cur = con.execute(
        "SELECT happened_at, actor, action, partnerships, files, reason, summary FROM batches ORDER BY happened_at DESC"
    )
    names = [d[0] for d in cur.description]
    rows = []
    see_all = perms.can("admin", EVERY)
    for r in cur.fetchall():
        scope = list(r[3] or [])
        if see_all or (scope and EVERY not in scope and all(perms.can("admin", p) for p in scope)):
            rows.append(r)
            if len(rows) >= limit:
                break
    frame = pd.DataFrame(rows, columns=names, dtype=object)
    frame["partnerships"] = frame["partnerships"].map(lambda s: "; ".join("every partnership" if x == EVERY else x for x in (s or [])) or "(not recorded)")
    return frame


def no_such_partnership(asked: str, known: Iterable[str], also: str = "", readable: bool = False) -> str:
    """The one answer to a partnership id that names none: the command line,
    access grants, the board pack and publishing all say it the same way, with
    the ids that would work (only those the person may read, with `readable`,
    so the list never names another partnership's board)."""
    scope = " you may read" if readable else ""
    return f'There is no partnership "{asked}"{scope}. Partnerships: {", ".join(sorted(known)) or "(none yet)"}{also}.'
