"""Goal: the promise, its status and why, the chart with everything on it,
the data behind it, its history, what people said and what was agreed."""

import streamlit as st

from metrics import readmodel, views
from metrics.spc import MIN_POINTS
from metrics.charts import goal_figure, goal_table
from metrics.explain import format_value
from app_pages.common import ui

version = ui.frame("Goal")
goals = ui.goal_list(version)
if not goals:
    ui.empty_database_message()
    st.stop()

parts = {p.partnership_id: p for p in ui.partnerships(version)}
places = ui.places(version)
options = {g.goal_id: f"{parts[g.partnership_id].name if g.partnership_id in parts else g.partnership_id}: {g.statement}" for g in goals}
goal_id = ui.choose("Goal", options, "goal")
(result,) = ui.goal_results(version, goal_ids=(goal_id,))
g, m, a = result.goal, result.measure, result.assessment
unit = m.unit
scope_name = readmodel.scope_name(g, {k: v.name for k, v in parts.items()}, places)

st.subheader(ui.text(g.statement))
st.caption(ui.text(
    f"{parts[g.partnership_id].name if g.partnership_id in parts else g.partnership_id} · {m.name} for {scope_name} · "
    f"promised on {g.stated_on:%d %b %Y} · {g.visibility} goal" + (f" · lead: {g.owner}" if g.owner else "")
))
ui.status_badge(a.status)
st.markdown(ui.text(result.explanation))

cols = st.columns(4)
cols[0].metric("Latest", format_value(a.latest_value, unit) if a.latest_value is not None else "–", help=f"Period ending {a.latest_period_end:%d %b %Y}" if a.latest_period_end else None)
cols[1].metric("Baseline", format_value(g.baseline_value, unit), help=f"Period ending {g.baseline_date:%d %b %Y}")
cols[2].metric("Target", format_value(g.target_value, unit), help=f"By {g.target_date:%d %b %Y}")
cols[3].metric("Expected by now", format_value(a.expected_value, unit) if a.expected_value is not None else "–", help="On the straight line from the baseline to the target")

facts = []
if a.ci_low is not None:
    facts.append(f"95% interval of the latest value: {format_value(a.ci_low, unit)} to {format_value(a.ci_high, unit)}" + (" (a clear change from the baseline)" if a.clear_change else " (not clearly different from the baseline)"))
if a.progress_ratio is not None:
    facts.append(f"Progress ratio: {a.progress_ratio:.2f} (1 = exactly on the straight line)")
if a.gap_closed is not None:
    facts.append(f"Share of the gap closed: {a.gap_closed:.0%}")
if a.projected_value is not None:
    facts.append(f"On the current trend: {format_value(a.projected_value, unit)} by {g.target_date:%b %Y} (a projection; it does not change the status)")
facts.append(f"Compared with England: {ui.benchmark_text(a.vs_nation)}" + (f" (England {format_value(result.nation_value, unit)})" if result.nation_value is not None else ""))
if result.local_area:
    area_name = places.get(result.local_area, {}).get("name", result.local_area)
    facts.append(f"Compared with {area_name}: {ui.benchmark_text(result.vs_local_area)}" + (f" ({area_name} {format_value(result.local_area_value, unit)})" if result.local_area_value is not None else ""))
facts.append(f"Variation: {ui.variation_text(a.variation)} · Assurance: {ui.assurance_text(a.assurance)}")
st.markdown("\n".join(f"- {ui.text(f)}" for f in facts))

benchmarks = readmodel.benchmark_series(ui.con(), [result])[g.goal_id]
fig = goal_figure(result, benchmarks)
st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
if a.spc is None:
    n = sum(1 for p in result.series if p.value is not None)
    st.caption(f"Process limits need at least {MIN_POINTS} points; this series has {n}, so it is shown as a plain run chart.")
incomplete = [p for p in result.series if not p.complete]
if incomplete:
    st.caption(
        "Incomplete periods (not every neighbourhood reported, so no partnership figure): "
        + ", ".join(f"{p.period_end:%b %Y} ({p.places_with_data} of {p.places_total})" for p in incomplete)
    )

st.markdown("#### The figures behind the chart")
table = goal_table(result, benchmarks)
st.dataframe(table, hide_index=True, width="stretch")
ui.download_csv(table, "Download these figures (CSV)", f"{g.goal_id}.csv", key="goal_csv")

st.markdown("#### History of this promise")
history = views.goal_history(ui.con(), g.goal_id)
if len(history) == 1:
    st.write(f"Unchanged since it was recorded on {history.iloc[0]['recorded_at']:%d %b %Y}.")
else:
    first = history.iloc[0]
    st.write(
        f"Original promise: from {format_value(first['baseline_value'], unit)} ({first['baseline_date']:%b %Y}) "
        f"to {format_value(first['target_value'], unit)} by {first['target_date']:%b %Y}."
    )
    for change in views.goal_changes(history):
        st.markdown(f"- {ui.text(change)}")
    st.dataframe(history, hide_index=True, width="stretch")

st.markdown("#### What people said")
notes = views.notes(ui.con(), goal=g.goal_id)
if notes.empty:
    st.write("No lived-experience notes are linked to this goal yet.")
for _, n in notes.iterrows():
    with st.container(border=True):
        ui.quote(n["text"])
        status = "approved for publication" if n["publishable"] else f"consent: {n['consent']}, not approved for publication"
        st.caption(ui.text(f"{n['voice'].replace('_', ' ')} · {n['recorded_on']:%d %b %Y} · {n['source'] or 'source not recorded'} · {status}"))

st.markdown("#### Actions agreed")
acts = views.actions(ui.con(), goal=g.goal_id)
if acts.empty:
    st.write("No actions are linked to this goal yet.")
else:
    acts = acts.assign(overdue=acts["overdue"].map({True: "⚠ overdue", False: ""}))
    st.dataframe(acts[["description", "owner", "agreed_on", "due_on", "status", "overdue"]], hide_index=True, width="stretch")
