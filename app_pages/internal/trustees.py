"""Trustees' view: every place-based goal a trust is party to, as a place by
outcome grid (the most worrying status first in each cell; a table on a wide
screen, a card per place on a phone), then every goal by place and by
outcome as the Overview draws them, and a one-page summary to print."""

import streamlit as st

from app_pages.common import ui
from metrics.methods.explain import format_month
from metrics.outputs import dashboard, trustees

version = ui.frame("Trustees' view")
parts = ui.partnerships(version)
orgs = sorted({m for p in parts for m in p.members})
if not orgs:
    ui.empty_database_message()
    st.stop()
default = trustees.likeliest_trust(parts)
trust = ui.choose("Trust (or any member organisation)", {o: o for o in sorted(orgs, key=lambda o: (o != default, o))}, "trust")
places = ui.places(version)
view = trustees.trust_view(trust, parts, ui.goal_results(version), places)
theirs = view.partnerships
st.markdown(f"**{len(view.results)} goals** in **{len(view.partnerships)}** partnership(s): {ui.text(', '.join(p.name for p in view.partnerships))}.")

st.header("Place by outcome")
ui.html("trustee_grid.html", grid=dashboard.trustee_grid(view))

st.header("Every goal")
reviews = {p.partnership_id: ui.last_review(version, p) for p in theirs}
new_data = ui.new_data(version, view.results)
names = {p.partnership_id: p.name for p in theirs}
tab_place, tab_outcome = st.tabs(["By place", "By outcome"])
with tab_place:
    ui.html("goal_cards.html", groups=[(k, dashboard.goal_cards(rs, places, names, reviews, new_data)) for k, rs in view.by_place().items()])
with tab_outcome:
    ui.html("goal_cards.html", groups=[(k, dashboard.goal_cards(rs, places, names, reviews, new_data)) for k, rs in view.by_outcome().items()])

data_date = max((r.assessment.latest_period_end for r in view.results if r.assessment.latest_period_end), default=None)
st.download_button(
    "Download the one-page trustee summary (HTML)",
    trustees.trustee_summary_html(view, format_month(data_date) if data_date else "no figures yet").encode("utf-8"),
    file_name=f"trustee-summary-{trust.lower().replace(' ', '-')}.html", mime="text/html",
)
