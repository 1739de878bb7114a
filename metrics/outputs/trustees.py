"""The trustees' view: every place-based goal a trust is party to.

A trust is an organisation listed among a partnership's members. Its trustees
see every goal of every partnership it belongs to, grouped by place and by the
four outcomes place-based partnerships share (children safe, healthy, with
strong relationships, achieving well), with a place x outcome overview.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb

from metrics.outputs.templating import environment
from metrics.read import readmodel, views
from metrics.vocab import STATUS_ICONS, STATUS_LABELS

# The outcome each measure domain serves.
OUTCOMES: dict[str, str] = {
    "safety": "Safe",
    "health": "Healthy",
    "wellbeing": "Healthy",
    "relationships": "Relationships",
    "participation": "Relationships",
    "attendance": "Achieving",
    "achievement": "Achieving",
    "other": "Other",
}
OUTCOME_ORDER = ("Safe", "Healthy", "Relationships", "Achieving", "Other")
# Worst first: the overview cell shows the most worrying status in it.
STATUS_SEVERITY = ("missed", "worsening", "limited_progress", "needs_acceleration", "too_uncertain", "awaiting_data", "on_track", "met")


def likeliest_trust(partnerships: list[views.Partnership]) -> str | None:
    """The member organisation a trustees' view opens on: the one in the most
    partnerships, a trust before other members, then alphabetically."""
    orgs = {m for p in partnerships for m in p.members}
    if not orgs:
        return None
    return min(orgs, key=lambda o: (-sum(o in p.members for p in partnerships), "trust" not in o.lower(), o))


def members(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every organisation named as a member of some partnership."""
    return sorted({m for p in views.partnerships(con) for m in p.members})


@dataclass
class TrustView:
    trust: str
    partnerships: list[views.Partnership]
    results: list[readmodel.GoalResult]
    place_names: dict[str, str]

    def place_of(self, r: readmodel.GoalResult) -> str:
        if r.goal.partnership_wide:
            return next(p.name for p in self.partnerships if p.partnership_id == r.goal.partnership_id)
        return self.place_names.get(r.goal.scope, r.goal.scope)

    def by_place(self) -> dict[str, list[readmodel.GoalResult]]:
        out: dict[str, list[readmodel.GoalResult]] = defaultdict(list)
        for r in self.results:
            out[self.place_of(r)].append(r)
        return dict(sorted(out.items()))

    def by_outcome(self) -> dict[str, list[readmodel.GoalResult]]:
        out: dict[str, list[readmodel.GoalResult]] = defaultdict(list)
        for r in self.results:
            out[OUTCOMES[r.measure.domain]].append(r)
        return {k: out[k] for k in OUTCOME_ORDER if k in out}

    def overview(self) -> dict[str, dict[str, list[str]]]:
        """place -> outcome -> the statuses of its goals, worst first."""
        cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in self.results:
            cells[self.place_of(r)][OUTCOMES[r.measure.domain]].append(r.assessment.status)
        return {
            place: {o: sorted(s, key=STATUS_SEVERITY.index) for o, s in outcomes.items()}
            for place, outcomes in sorted(cells.items())
        }


def trust_view(trust: str, partnerships: list[views.Partnership], results: list[readmodel.GoalResult], places: dict[str, dict]) -> TrustView:
    """What one trust sees: the partnerships (of those given) it is a member
    of, and their goals' judgements (of those given)."""
    theirs = [p for p in partnerships if trust in p.members]
    ids = {p.partnership_id for p in theirs}
    return TrustView(trust, theirs, [r for r in results if r.goal.partnership_id in ids], {k: v["name"] for k, v in places.items()})


def trustee_summary_html(view: TrustView, as_of_text: str) -> str:
    """The one-page summary a trust board can print (A4 landscape)."""
    env = environment()
    return env.get_template("trustee.html").render(
        v=view, outcomes=[o for o in OUTCOME_ORDER if any(o in c for c in view.overview().values())], icons=STATUS_ICONS, labels=STATUS_LABELS,
        as_of_text=as_of_text, outcome_names=OUTCOMES,
    )
