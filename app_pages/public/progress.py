"""The public progress page, served live (OUTCOMES_MODE=public): the same
content as the static site, read through the same gate (metrics.public)."""

import streamlit as st

from metrics.charts import goal_figure, multi_series_figure
from metrics.publish import _figure_text, _latest_text, _range_text, chart_summary
from metrics.explain import format_month, format_value
from app_pages.common import ui

version = ui.frame("Progress on our promises", internal=False)
site = ui.public_site(version)
if not site.goals:
    st.write("No promises have been published yet.")
    st.stop()

st.markdown(f"{len(site.goals)} promises from {len(site.partnerships)} partnerships. Figures up to {format_month(site.data_date) if site.data_date else 'no figures yet'}.")
options = {g.goal_id: f"{p.name}: {g.statement}" for p in site.partnerships for g in p.goals}
goal_id = ui.choose("Choose a promise", options, "goal")
g = next(x for x in site.goals if x.goal_id == goal_id)
partnership = next(p for p in site.partnerships if p.partnership_id == g.partnership_id)

st.header(g.statement)
st.caption(f"Promised by {partnership.name} on {g.stated_on:%d %B %Y}" + (f". Led by {g.owner}" if g.owner else "") + f". Covers {g.scope_name}.")
ui.status_badge(g.status)
st.markdown(g.explanation)
c1, c2, c3 = st.columns(3)
c1.metric("Where we started", format_value(g.baseline_value, g.unit), help=f"{format_month(g.baseline_date)}")
c2.metric("Latest", _latest_text(g))
c3.metric("Our target", format_value(g.target_value, g.unit), help=f"By {format_month(g.target_date)}")
if g.original_promise:
    st.warning(f"**This promise was changed.** The original promise: {g.original_promise}.\n\n" + "\n".join(f"- {c}" for c in g.changes))

benchmark = next((s for s in g.series if s.role == "benchmark" and any(f.value is not None for f in s.figures)), None)
bench = [(f.period_end, f.value) for f in benchmark.figures if f.value is not None] if benchmark else None
st.plotly_chart(goal_figure(g.chart, bench, benchmark.place_name if benchmark else "England"), width="stretch", config={"displaylogo": False})
st.caption(chart_summary(g))
st.dataframe(
    [{"Period ending": f.period_end.isoformat(), "Figure": _figure_text(f, g.unit), "95% range": _range_text(f, g.unit)} for f in g.scope_series.figures],
    hide_index=True, width="stretch",
)
hoods = [s for s in g.series if s.role == "neighbourhood"]
if hoods:
    st.subheader("Neighbourhood by neighbourhood")
    st.plotly_chart(multi_series_figure(g.measure_name, g.unit, {s.place_name: [(f.period_end, f.value) for f in s.figures] for s in hoods}), width="stretch")
st.subheader("How we measure this")
st.markdown(f"**{g.measure_name}:** {g.definition}" + (f"\n\n**Where the data comes from:** {g.source}" if g.source else ""))
st.subheader("What local people say")
if not g.notes:
    st.write("No comments have been published for this promise yet.")
for n in g.notes:
    st.markdown(f"> {n.wording}")
    st.caption(f"{n.voice.replace('_', ' ')}" + (f", {n.place_name}" if n.place_name else "") + f", {format_month(n.recorded_on)}")
