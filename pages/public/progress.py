"""The public progress page: public goals only, each with its status and why."""

import streamlit as st

from pages.common import ui

version = ui.frame("Progress on our promises", internal=False)
results = [r for r in ui.goal_results(version) if r.goal.visibility == "public"]
if not results:
    st.write("No promises have been published yet.")
for r in results:
    with st.container(border=True):
        st.markdown(f"**{r.goal.statement}**")
        ui.status_badge(r.assessment.status)
        st.markdown(r.explanation)
