"""Trustees' view: every place-based goal a trust is party to, by place and
by outcome, with a place x outcome overview and a one-page summary to print."""

import streamlit as st

from metrics import trustees
from metrics.explain import format_month
from app_pages.common import ui

version = ui.frame("Trustees' view")
readable = {p.partnership_id for p in ui.partnerships(ui.data_version())}
orgs = sorted({m for p in ui.partnerships(ui.data_version()) for m in p.members})
if not orgs:
    ui.empty_database_message()
    st.stop()
default = next((o for o in orgs if "trust" in o.lower()), orgs[0])
trust = ui.choose("Trust (or any member organisation)", {o: o for o in sorted(orgs, key=lambda o: (o != default, o))}, "trust")
view = trustees.trust_view(ui.con(), trust)
view.partnerships = [p for p in view.partnerships if p.partnership_id in readable]
view.results = [r for r in view.results if r.goal.partnership_id in readable]
st.markdown(f"**{len(view.results)} goals** in **{len(view.partnerships)}** partnership(s): {ui.text(', '.join(p.name for p in view.partnerships))}.")

overview = view.overview()
outcomes = [o for o in trustees.OUTCOME_ORDER if any(o in c for c in overview.values())]
st.subheader("Place by outcome")
st.caption("Each cell lists its goals' statuses, the most worrying first.")
st.table({"Place": list(overview), **{o: [" · ".join(ui.status_text(s) for s in cells.get(o, [])) or "–" for cells in overview.values()] for o in outcomes}})

tab_place, tab_outcome = st.tabs(["By place", "By outcome"])
with tab_place:
    for place, results in view.by_place().items():
        st.markdown(f"**{ui.text(place)}**")
        st.dataframe(ui.goal_summary_frame(results, ui.places(version)), hide_index=True, column_config=ui.SUMMARY_COLUMNS, width="stretch")
with tab_outcome:
    for outcome, results in view.by_outcome().items():
        st.markdown(f"**{ui.text(outcome)}**")
        st.dataframe(ui.goal_summary_frame(results, ui.places(version)), hide_index=True, column_config=ui.SUMMARY_COLUMNS, width="stretch")

data_date = max((r.assessment.latest_period_end for r in view.results if r.assessment.latest_period_end), default=None)
st.download_button(
    "Download the one-page trustee summary (HTML)",
    trustees.trustee_summary_html(view, format_month(data_date) if data_date else "no figures yet").encode("utf-8"),
    file_name=f"trustee-summary-{trust.lower().replace(' ', '-')}.html", mime="text/html",
)
