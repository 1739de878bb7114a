"""Goal: the promise and its status, then the chart with the numbers beside
it, then the figures behind it (table and download), its history, what people
said and what was agreed.

The chart is drawn on the server as SVG (metrics.outputs.svg): in the browser it
appears with the page, where plotly's first chart costs a second or more
(README, "Scale and speed", has the figures). `?chart=plotly` draws the
interactive plotly chart in its place instead, and `?chart=lazy` draws it
last, after the rest of the page, as `bench --browser` compares them."""

import streamlit as st

from app_pages.common import ui
from app_pages.common.html import chart_images
from metrics.methods.explain import format_day, format_month
from metrics.outputs import dashboard
from metrics.outputs.charts import goal_figure, goal_table, markers_of
from metrics.read import readmodel, views

CHARTS = ("svg", "plotly", "lazy")

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
chart = st.query_params.get("chart", "svg")
chart = chart if chart in CHARTS else "svg"

ui.html(
    "goal_headline.html", goal=g, status=a.status, explanation=result.explanation, measure_name=m.name,
    where=readmodel.scope_name(g, {k: v.name for k, v in parts.items()}, places),
    partnership_name=parts[g.partnership_id].name if g.partnership_id in parts else g.partnership_id,
)

why = views.why_no_figure(ui.con(), result)
if why:
    st.info(ui.text(f"Why no figure yet: {why}"), icon=":material/help:")

benchmarks = ui.benchmark_lines(version, [result])[g.goal_id]
markers = readmodel.goal_markers(ui.con(), [result])[g.goal_id]
fig = goal_figure(result, benchmarks, markers)
numbers = dashboard.goal_numbers(result, places)
captions = dashboard.chart_captions(result)

left, right = st.columns([2, 1], gap="medium")
with left:
    if chart == "svg":
        ui.html("chart.html", title=None, caption=" ".join(captions), table=None, **chart_images(fig, numbers.chart_summary))
    elif chart == "plotly":
        st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    else:
        later = st.empty()
        later.caption("The interactive chart is drawn once the rest of the page is ready.")
    if chart != "svg":
        st.caption(ui.text(" ".join([f"The chart in words: {numbers.chart_summary}", *captions])))
    if markers:
        st.markdown("**Marked on the chart**")
        st.markdown("\n".join(f"{m.number}. {ui.text(m.label)}" for m in markers_of(markers)))
with right:
    ui.html("goal_numbers.html", numbers=numbers, card=dashboard.goal_card(result, places, {k: v.name for k, v in parts.items()}))

st.markdown("#### The figures behind the chart")
table = goal_table(result, benchmarks)
st.dataframe(table, hide_index=True, width="stretch")
ui.download_csv(table, "Download these figures (CSV)", f"{g.goal_id}.csv", key="goal_csv")
if chart == "svg":
    st.page_link(ui.PAGE_GOAL, label="Open the interactive chart (hover for values, zoom)", icon=":material/touch_app:", query_params={"goal": g.goal_id, "chart": "plotly"})

st.markdown("#### History of this promise")
history = views.goal_history(ui.con(), g.goal_id)
if len(history) == 1:
    st.write(f"Unchanged since it was recorded on {format_day(history.iloc[0]['recorded_at'])}.")
else:
    from metrics.methods.explain import format_value

    first = history.iloc[0]
    st.write(
        f"Original promise: from {format_value(first['baseline_value'], m.unit)} ({format_month(first['baseline_date'])}) "
        f"to {format_value(first['target_value'], m.unit)} by {format_month(first['target_date'])}."
    )
    for change in views.goal_changes(history):
        st.markdown(f"- {ui.text(change)}")
    st.dataframe(views.goal_history_table(ui.con(), g.goal_id, m.unit), hide_index=True, width="stretch")

st.markdown("#### What people said")
notes = views.notes(ui.con(), goal=g.goal_id)
if notes.empty:
    st.write("No lived-experience notes are linked to this goal yet.")
for _, n in notes.iterrows():
    with st.container(border=True):
        ui.quote(n["text"])
        status = "approved for publication" if n["publishable"] else f"consent: {n['consent']}, not approved for publication"
        st.caption(ui.text(f"{n['voice'].replace('_', ' ')} · {format_day(n['recorded_on'])} · {n['source'] or 'source not recorded'} · {status}"))

st.markdown("#### Actions agreed")
acts = views.actions(ui.con(), goal=g.goal_id)
if acts.empty:
    st.write("No actions are linked to this goal yet.")
else:
    st.dataframe(views.actions_table(acts), hide_index=True, width="stretch")

if chart == "lazy":
    later.plotly_chart(fig, width="stretch", config={"displaylogo": False})
