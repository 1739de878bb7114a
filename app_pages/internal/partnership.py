"""Partnership: every goal's chart side by side (small multiples), and every
neighbourhood's latest figure of each measure compared with the partnership
and with England (Fingertips' "tartan rug"), each figure a link to that
neighbourhood's goal for the measure or to its page."""

import streamlit as st

from app_pages.common import ui
from metrics.outputs import dashboard
from metrics.read import readmodel

version = ui.frame("Partnership")
p = ui.choose_partnership(version)
places = ui.places(version)
measures = ui.measures(version)

if p.description:
    st.markdown(ui.text(p.description))
st.markdown(
    "**Neighbourhoods:** " + ui.text(", ".join(places.get(n, {}).get("name", n) for n in p.places))
    + "  \n**Members:** " + (ui.text(", ".join(p.members)) if p.members else "none recorded")
)

results = ui.goal_results(version, partnership=p.partnership_id)
nation = readmodel.nation_place(ui.con())
england = {m: by_place.get(nation, []) for m, by_place in ui.place_series_by_measure(version, (nation,)).items()} if nation else {}

st.header("Goals")
if results:
    lines = ui.benchmark_lines(version, results)
    ui.html("key.html")
    ui.html(
        "partnership_panels.html",
        panels=[dashboard.goal_panel(r, places, {p.partnership_id: p.name}, lines[r.goal.goal_id]) for r in results],
    )
else:
    st.write("No goals yet.")

st.header("Neighbourhoods compared")
series = ui.place_series_by_measure(version, tuple(p.places), latest_only=True)  # the grid compares the latest period
if series:
    rug = dashboard.tartan_rug(p, measures, series, england, places, ui.goal_list(version, p.partnership_id))
    ui.html("rug.html", rug=rug, partnership=p)
else:
    st.write("No figures for these neighbourhoods yet.")
