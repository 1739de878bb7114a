"""Actions log: what the board agreed, who owns it, when it is due; overdue
ones flagged. Stewards record actions and update their status through
metrics.edits, like every write (checked against the stored action)."""

import datetime as dt

import streamlit as st

from app_pages.common import ui
from metrics import edits
from metrics.methods.explain import format_day
from metrics.read import views
from metrics.vocab import ACTION_STATUSES

version = ui.frame("Actions")
chosen = ui.choose_partnership(version).partnership_id
acts = views.actions(ui.con(), partnership=chosen)
goals = {g.goal_id: g.statement for g in ui.goal_list(version, partnership=chosen)}

overdue = acts[acts["overdue"] == True]  # noqa: E712 (a pandas column)
st.markdown(f"**{len(acts)} actions**, **{len(overdue)} overdue** (open and past their due date).")
for _, a in overdue.iterrows():
    st.error(f"⚠ Overdue since {format_day(a['due_on'])}: " + ui.text(f"{a['description']} ({a['owner']})"), icon=":material/schedule:")
if not acts.empty:
    shown = acts.assign(overdue=acts["overdue"].map({True: "⚠ overdue", False: ""}))
    st.dataframe(shown[["action_id", "description", "owner", "agreed_on", "due_on", "status", "overdue"]], hide_index=True, width="stretch")

if not ui.perms().can("steward", chosen):
    st.caption("Stewards and admins of this partnership record actions and update them.")
    st.stop()


def saved(result) -> None:
    if result.ok:
        st.success("Saved.")
    else:
        ui.show_problems(result.problems)


left, right = st.columns(2)
with left, st.form("new_action"):
    st.markdown("**Record an action agreed at a review**")
    description = st.text_area("What will be done")
    owner = st.text_input("Owner (an organisation or role, not a person's name)")
    goal_id = st.selectbox("Goal it serves (optional)", [""] + list(goals), format_func=lambda g: goals.get(g, "(none)"))
    agreed_on = st.date_input("Agreed on", value=dt.date.today())
    due_on = st.date_input("Due on", value=dt.date.today() + dt.timedelta(weeks=8))
    with st.expander("Advanced: the action's id"):
        typed_id = st.text_input("Action id (empty: made from what will be done)", key="action_id")
    if st.form_submit_button("Save action", type="primary"):
        taken = [] if acts.empty else list(acts["action_id"])
        action_id = typed_id.strip() or edits.id_from_name(description, taken=taken)
        saved(ui.edit(edits.record_action, {"action_id": action_id, "partnership_id": chosen, "goal_id": goal_id, "description": description,
                                            "owner": owner, "agreed_on": agreed_on, "due_on": due_on}))
with right, st.form("update_action"):
    st.markdown("**Update an action's status**")
    if acts.empty:
        st.write("No actions yet.")
        st.form_submit_button("Update", disabled=True)
    else:
        descriptions = dict(zip(acts["action_id"], acts["description"]))
        pick = st.selectbox("Action", list(acts["action_id"]), format_func=lambda i: descriptions[i])
        status = st.selectbox("New status", ACTION_STATUSES)
        if st.form_submit_button("Update status"):
            saved(ui.edit(edits.set_action_status, pick, status))
