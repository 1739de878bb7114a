"""Partnership: its goals, members and neighbourhoods, the partnership-wide
series of each measure (incomplete periods marked) and small multiples of each
measure by neighbourhood."""

import streamlit as st

from metrics.charts import multi_series_figure
from metrics.explain import format_value
from app_pages.common import ui

version = ui.frame("Partnership")
p = ui.choose_partnership(version)
places = ui.places(version)
measures = ui.measures(version)

if p.description:
    st.markdown(ui.text(p.description))
left, right = st.columns(2)
left.markdown("**Neighbourhoods**\n\n" + "\n".join(f"- {ui.text(places.get(n, {}).get('name', n))}" for n in p.places))
right.markdown("**Members**\n\n" + ("\n".join(f"- {ui.text(m)}" for m in p.members) if p.members else "None recorded."))

st.header("Goals")
results = ui.goal_results(version, partnership=p.partnership_id)
if results:
    st.dataframe(ui.goal_summary_frame(results, places), hide_index=True, column_config=ui.SUMMARY_COLUMNS, width="stretch")
else:
    st.write("No goals yet.")

st.header("Partnership-wide figures")
st.caption("A partnership figure exists for a period only when every neighbourhood reported it (METHODS.md section 2); other periods are marked incomplete.")
wide = {r.goal.measure_id: r for r in results if r.goal.partnership_wide}
for measure_id, r in wide.items():
    m = measures[measure_id]
    fig = multi_series_figure(f"{m.name}: {p.name}", m.unit, {p.name: [(s.period_end, s.value) for s in r.series]})
    st.plotly_chart(fig, width="stretch", key=f"wide_{measure_id}")
    incomplete = [s for s in r.series if not s.complete]
    if incomplete:
        st.caption("Incomplete: " + ", ".join(f"{s.period_end:%b %Y} ({s.places_with_data} of {s.places_total} neighbourhoods)" for s in incomplete))
    with st.expander(ui.text(f"Table: {m.name}, {p.name}")):
        st.dataframe(
            [{"period_end": s.period_end.isoformat(), "value": format_value(s.value, m.unit) if s.value is not None else f"incomplete ({s.places_with_data} of {s.places_total})"} for s in r.series],
            hide_index=True, width="stretch",
        )

st.header("Each measure by neighbourhood")
for measure_id, series in ui.place_series_by_measure(version, tuple(p.places)).items():
    m = measures[measure_id]
    named = {places.get(pid, {}).get("name", pid): [(s.period_end, s.value) for s in pts] for pid, pts in series.items()}
    st.plotly_chart(multi_series_figure(m.name, m.unit, named, height=300), width="stretch", key=f"multi_{measure_id}")
    with st.expander(ui.text(f"Table: {m.name} by neighbourhood")):
        rows = [
            {"neighbourhood": name, "period_end": end.isoformat(), "value": None if v is None else round(v, 3)}
            for name, pts in named.items() for end, v in pts
        ]
        st.dataframe(rows, hide_index=True, width="stretch")
