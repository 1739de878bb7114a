"""Partnership: every goal's chart side by side (small multiples), and every
neighbourhood's latest figure of each measure compared with the partnership
and with England (Fingertips' "tartan rug"), each figure a link to that
neighbourhood's goal for the measure or to its page. Everything it draws is
read at once (metrics.read.pages.partnership_page)."""

import streamlit as st

from app_pages.common import ui
from metrics.outputs import dashboard

version = ui.frame("Partnership")
p = ui.choose_partnership(version)
page = ui.partnership_page(version, p.partnership_id)
if page is None:
    st.write("This partnership is not one you may read.")
    st.stop()
places = page.places

if p.description:
    st.markdown(ui.text(p.description))
st.markdown(
    "**Neighbourhoods:** " + ui.text(", ".join(places.get(n, {}).get("name", n) for n in p.places))
    + "  \n**Members:** " + (ui.text(", ".join(p.members)) if p.members else "none recorded")
)

results = page.results
st.header("Goals")
if results:
    ui.html("key.html")
    ui.html(
        "partnership_panels.html",
        panels=[dashboard.goal_panel(r, places, {p.partnership_id: p.name}, page.benchmark_lines[r.goal.goal_id]) for r in results],
    )
else:
    st.write("No goals yet.")

st.header("Neighbourhoods compared")
if page.grid:  # each measure's latest period (metrics.read.readmodel.read_goal_series)
    rug = dashboard.tartan_rug(p, page.measures, page.grid, page.england, places, [r.goal for r in results])
    ui.html("rug.html", rug=rug, partnership=p)
else:
    st.write("No figures for these neighbourhoods yet.")
