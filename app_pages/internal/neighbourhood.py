"""Neighbourhood: every measure for one neighbourhood over time, compared with
its partnership, its local area and England, and the goals set for it.

Only neighbourhoods of partnerships the user may read are offered, whatever
the URL asks for (ui.places applies metrics.access.readable_places)."""

import streamlit as st

from metrics import readmodel
from metrics.charts import multi_series_figure
from metrics.views import measures_with_data, place_areas
from app_pages.common import ui

version = ui.frame("Neighbourhood")
places = ui.places(version)
hoods = {pid: p["name"] for pid, p in places.items() if p["level"] == "neighbourhood"}
if not hoods:
    ui.empty_database_message()
    st.stop()

asked = st.query_params.get("place")
if asked and asked not in hoods:
    st.warning("That neighbourhood is not one you may read, or it does not exist; showing one of yours instead.")
place_id = ui.choose("Neighbourhood", hoods, "place")
place = places[place_id]
parts = [p for p in ui.partnerships(version) if place_id in p.places]
local_area = place.get("parent_id")
nation = readmodel.nation_place(ui.con())
measures = ui.measures(version)

st.caption(
    ui.text(
        f"In {places[local_area]['name'] if local_area in places else 'no local area recorded'}"
        + (f" · part of {', '.join(p.name for p in parts)}" if parts else " · not in any partnership")
    )
)

areas = place_areas(ui.con(), place_id)  # GSS codes (validated) and our own words only
with st.expander(f"Official areas it is made of ({len(areas)})"):
    st.markdown("\n".join(f"- {a.area}: {a.kind}, {a.belongs}" for a in areas.itertuples()) or "None recorded. List them in place_areas to import published figures for this neighbourhood.")

own = tuple(g.goal_id for g in ui.goal_list(version) if g.scope == place_id)
goals = ui.goal_results(version, goal_ids=own) if own else []
st.header("Goals for this neighbourhood")
if goals:
    st.dataframe(ui.goal_summary_frame(goals, places), hide_index=True, column_config=ui.SUMMARY_COLUMNS, width="stretch")
else:
    st.write("No goals are set for this neighbourhood alone; see its partnership's goals.")

wide_ids = tuple(g.goal_id for g in ui.goal_list(version) if g.partnership_wide and g.partnership_id in {p.partnership_id for p in parts})
wide = {(r.goal.partnership_id, r.goal.measure_id): r for r in (ui.goal_results(version, goal_ids=wide_ids) if wide_ids else [])}
st.header("Every measure over time")
for measure_id in measures_with_data(ui.con(), [place_id]):
    m = measures[measure_id]
    compare = [place_id] + [x for x in (local_area, nation) if x]
    series = ui.place_series(version, tuple(compare), measure_id, m.unit)
    lines = {places.get(pid, {}).get("name", pid): [(s.period_end, s.value) for s in series.get(pid, [])] for pid in compare if pid in places}
    for p in parts:
        r = wide.get((p.partnership_id, measure_id))
        if r is not None:
            lines[p.name] = [(s.period_end, s.value) for s in r.series]
    st.plotly_chart(multi_series_figure(m.name, m.unit, lines), width="stretch", key=f"n_{measure_id}")
    with st.expander(f"Table: {ui.text(m.name)}"):
        st.dataframe(
            [{"place": name, "period_end": end.isoformat(), "value": None if v is None else round(v, 3)} for name, pts in lines.items() for end, v in pts],
            hide_index=True, width="stretch",
        )
