"""Actions log: what the board agreed, who owns it, when it is due; overdue
ones flagged. Records and updates go through the importer, like every write."""

import datetime as dt

import streamlit as st

from metrics import views
from metrics.importer import import_sheets
from metrics.readers import sheet_from_records
from metrics.vocab import ACTION_STATUSES
from app_pages.common import ui

version = ui.frame("Actions")
chosen = ui.choose_partnership(version).partnership_id
acts = views.actions(ui.con(), partnership=chosen)
goals = {g.goal_id: g.statement for g in ui.goal_list(version, partnership=chosen)}

overdue = acts[acts["overdue"] == True]  # noqa: E712 (a pandas column)
st.markdown(f"**{len(acts)} actions**, **{len(overdue)} overdue** (open and past their due date).")
for _, a in overdue.iterrows():
    st.error(f"⚠ Overdue since {a['due_on']:%d %B %Y}: {a['description']} ({a['owner']})", icon=":material/schedule:")
if not acts.empty:
    shown = acts.assign(overdue=acts["overdue"].map({True: "⚠ overdue", False: ""}))
    st.dataframe(shown[["action_id", "description", "owner", "agreed_on", "due_on", "status", "overdue"]], hide_index=True, width="stretch")


def save(record: dict, label: str) -> None:
    result = ui.write(
        import_sheets, [sheet_from_records("actions", [record], file=label)], [label], actor=ui.actor(),
        action="action update" if label == "action update" else "action recorded", partnership=chosen,
    )
    if result.ok:
        st.success("Saved.")
    else:
        ui.show_problems(result.problems)


left, right = st.columns(2)
with left, st.form("new_action"):
    st.markdown("**Record an action agreed at a review**")
    action_id = st.text_input("Action id (lower-case letters, digits, - and _)")
    description = st.text_area("What will be done")
    owner = st.text_input("Owner (an organisation or role, not a person's name)")
    goal_id = st.selectbox("Goal it serves (optional)", [""] + list(goals), format_func=lambda g: goals.get(g, "(none)"))
    agreed_on = st.date_input("Agreed on", value=dt.date.today())
    due_on = st.date_input("Due on", value=dt.date.today() + dt.timedelta(weeks=8))
    if st.form_submit_button("Save action", type="primary"):
        save({"action_id": action_id, "partnership_id": chosen, "goal_id": goal_id, "description": description, "owner": owner,
              "agreed_on": agreed_on, "due_on": due_on, "status": "open"}, "action form")
with right, st.form("update_action"):
    st.markdown("**Update an action's status**")
    if acts.empty:
        st.write("No actions yet.")
        st.form_submit_button("Update", disabled=True)
    else:
        pick = st.selectbox("Action", list(acts["action_id"]), format_func=lambda i: f"{i}: {acts.set_index('action_id').loc[i, 'description']}")
        status = st.selectbox("New status", ACTION_STATUSES)
        if st.form_submit_button("Update status"):
            row = acts.set_index("action_id").loc[pick]
            save({"action_id": pick, "partnership_id": chosen, "goal_id": row["goal_id"], "description": row["description"], "owner": row["owner"],
                  "agreed_on": row["agreed_on"], "due_on": row["due_on"], "status": status}, "action update")
