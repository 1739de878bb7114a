"""Goals editor: add a goal or change one. A change to the baseline, target or
dates needs a reason and keeps the original promise in the history."""

import datetime as dt

import streamlit as st

from app_pages.common import ui
from metrics import edits
from metrics.read import readmodel
from metrics.vocab import VISIBILITIES


def page_words(problem):
    """A problem as this page's buttons say it (the importer's fix names --reason)."""
    import dataclasses

    if problem.code == "reason_required":
        return dataclasses.replace(problem, fix="Write why it changed in \"Reason for the change\" and press Save goal again "
                                   "(the original promise stays in the goal's history).")
    return problem


version = ui.frame("Goals editor", need="steward")
perms = ui.perms()
parts = [p for p in ui.partnerships(version) if perms.can("steward", p.partnership_id)]
measures = ui.measures(version)
places = ui.places(version)
if not parts or not measures:
    ui.empty_database_message()
    st.stop()

names = {p.partnership_id: p.name for p in parts}
goals = {g.goal_id: g for g in ui.goal_list(version) if perms.can("steward", g.partnership_id)}
NEW = "(new goal)"
choice = st.selectbox("Goal to edit", [NEW] + list(goals), format_func=lambda i: i if i == NEW else f"{names.get(goals[i].partnership_id, goals[i].partnership_id)}: {goals[i].statement}")
current = None if choice == NEW else goals[choice]

with st.form("goal_form"):
    partnership_id = st.selectbox("Partnership", [p.partnership_id for p in parts], index=[p.partnership_id for p in parts].index(current.partnership_id) if current else 0, format_func=lambda i: next(p.name for p in parts if p.partnership_id == i))
    scopes = [partnership_id] + next(p.places for p in parts if p.partnership_id == partnership_id)
    scope = st.selectbox("Scope (the whole partnership, or one of its neighbourhoods)", scopes, index=scopes.index(current.scope) if current and current.scope in scopes else 0, format_func=lambda i: readmodel.scope_label(i, partnership_id, names, places))
    measure_id = st.selectbox("Measure", list(measures), index=list(measures).index(current.measure_id) if current else 0, format_func=lambda i: measures[i].name)
    statement = st.text_area("The promise, in plain words, as stated publicly", value=current.statement if current else "")
    c1, c2 = st.columns(2)
    baseline_value = c1.number_input("Baseline value", value=current.baseline_value if current else 0.0, format="%.4f")
    baseline_date = c2.date_input("Baseline date (the period end it refers to)", value=current.baseline_date if current else dt.date.today())
    target_value = c1.number_input("Target value", value=current.target_value if current else 0.0, format="%.4f")
    target_date = c2.date_input("Target date", value=current.target_date if current else dt.date.today() + dt.timedelta(days=365))
    stated_on = c1.date_input("Stated on (when the promise was first made)", value=current.stated_on if current else dt.date.today())
    visibility = c2.selectbox("Visibility", VISIBILITIES, index=VISIBILITIES.index(current.visibility) if current else 0)
    owner = st.text_input("Lead organisation (optional)", value=(current.owner or "") if current else "")
    reason = st.text_input("Reason for the change (required when the baseline, target or dates change)")
    if current is None:
        with st.expander("Advanced: the goal's id"):
            typed_id = st.text_input("Goal id (empty: made from the promise's words)", key="goal_id")
    submitted = st.form_submit_button("Save goal", type="primary")

if submitted:
    goal_id = current.goal_id if current is not None else (typed_id.strip() or edits.id_from_name(statement, taken=[g.goal_id for g in ui.goal_list(version)]))
    record = {
        "goal_id": goal_id, "partnership_id": partnership_id, "measure_id": measure_id,
        "scope": scope, "statement": statement, "baseline_value": baseline_value, "baseline_date": baseline_date,
        "target_value": target_value, "target_date": target_date, "stated_on": stated_on, "visibility": visibility, "owner": owner,
    }
    result = ui.edit(edits.save_goal, record, reason=reason or None)
    if result.ok:
        change = result.changes.get("goals")
        st.success("Saved: a new goal." if change and change.added else ("Saved: the goal was revised; its history keeps the earlier version." if change and change.revised else "Nothing changed."))
    else:
        ui.show_problems([page_words(p) for p in result.problems])

if current is not None:
    from metrics.read.views import goal_history_table

    st.markdown("#### History")
    st.dataframe(goal_history_table(ui.con(), current.goal_id, measures[current.measure_id].unit), hide_index=True, width="stretch")
