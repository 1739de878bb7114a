"""Neighbourhood: the goals set for one neighbourhood, then every measure over
time, compared with its partnership, its local area and England (charts drawn
on the server, each with its words and its table).

Only neighbourhoods of partnerships the user may read are offered, whatever
the URL asks for (ui.places applies metrics.access.readable_places)."""

import streamlit as st

from app_pages.common import ui
from app_pages.common.html import chart_images
from metrics.methods.explain import break_sentence
from metrics.outputs import dashboard
from metrics.outputs.charts import line_points, multi_series_figure
from metrics.read import readmodel
from metrics.read.views import place_areas

version = ui.frame("Neighbourhood")
places = ui.places(version)
hoods = {pid: p["name"] for pid, p in places.items() if p["level"] == "neighbourhood"}
if not hoods:
    ui.empty_database_message()
    st.stop()

asked = st.query_params.get("place")
if asked and asked not in hoods:
    st.warning("That neighbourhood is not one you may read, or it does not exist; showing one of yours instead.")
# Chosen within a local area: a national list of 7,000 neighbourhoods in one
# box is slow to open and to search.
by_area = dashboard.neighbourhoods_by_area(hoods, places)
area_of = {h: a for a, members in by_area.items() for h in members}
left, right = st.columns(2)
area_ids = list(by_area)
area = left.selectbox(
    "Local area", area_ids, index=area_ids.index(area_of[asked]) if asked in area_of else 0,
    format_func=lambda a: places.get(a, {}).get("name", "No local area recorded"),
)
with right:
    place_id = ui.choose("Neighbourhood", {h: hoods[h] for h in by_area[area]}, "place")
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

areas_made_of = place_areas(ui.con(), place_id)  # GSS codes (validated) and our own words only
with st.expander(f"Official areas it is made of ({len(areas_made_of)})"):
    st.markdown("\n".join(f"- {a.area}: {a.kind}, {a.belongs}" for a in areas_made_of.itertuples()) or "None recorded. List them in place_areas to import published figures for this neighbourhood.")

own = tuple(g.goal_id for g in ui.goal_list(version) if g.scope == place_id)
goals = ui.goal_results(version, goal_ids=own) if own else []
st.header("Goals for this neighbourhood")
if goals:
    reviews = {p.partnership_id: ui.last_review(version, p) for p in parts}
    ui.html("goal_cards.html", level=3, groups=[("", dashboard.goal_cards(goals, places, {p.partnership_id: p.name for p in parts}, reviews, ui.new_data(version, goals)))])
else:
    st.write("No goals are set for this neighbourhood alone; see its partnership's goals.")

wide_ids = tuple(g.goal_id for g in ui.goal_list(version) if g.partnership_wide and g.partnership_id in {p.partnership_id for p in parts})
wide = {(r.goal.partnership_id, r.goal.measure_id): r for r in (ui.goal_results(version, goal_ids=wide_ids) if wide_ids else [])}
st.header("Every measure over time")
compare = [place_id] + [x for x in (local_area, nation) if x]
breaks = ui.measure_breaks(version)
for measure_id, series in ui.place_series_by_measure(version, tuple(compare)).items():
    if not series.get(place_id):
        continue
    m = measures[measure_id]
    # A count grows with the place: the larger places' counts would flatten this one's.
    shown = compare if dashboard.comparable(m.unit) else [place_id]
    stops = breaks.get(measure_id, [])
    lines = {places.get(pid, {}).get("name", pid): line_points(series.get(pid, []), stops) for pid in shown if pid in places}
    for p in parts if dashboard.comparable(m.unit) else []:
        r = wide.get((p.partnership_id, measure_id))
        if r is not None:
            lines[p.name] = line_points(r.series, stops)
    summary = dashboard.lines_summary(m.name, m.unit, lines)
    columns, rows = dashboard.lines_table(m.unit, lines)
    ui.html(
        "chart.html", title=m.name, table={"summary": f"{m.name}: the figures as a table", "columns": columns, "rows": rows},
        caption=" ".join(
            [break_sentence(b) for b in stops]
            + ([] if dashboard.comparable(m.unit) else ["A count, so not drawn beside larger places: a count grows with the size of the place."])
        ) or None,
        **chart_images(multi_series_figure(m.name, m.unit, lines), summary, (760, 340), (360, 400)),
    )
