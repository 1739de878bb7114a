"""Overview: every partnership, every goal at a glance (status word and shape,
variation, assurance, last data, whether anything new arrived since the last
review)."""

import collections

import streamlit as st

from metrics import reviews
from metrics.explain import format_day
from app_pages.common import ui

version = ui.frame("Overview")
parts = ui.partnerships_or_stop(version)

results = ui.goal_results(version)
places = ui.places(version)
by_partnership = collections.defaultdict(list)
for r in results:
    by_partnership[r.goal.partnership_id].append(r)
last_review = reviews.last_reviews(ui.con(), parts)
new_data = reviews.new_data_flags(ui.con(), [r.goal for r in results], parts)

counts = collections.Counter(r.assessment.status for r in results)
st.markdown(
    f"**{len(results)} goals** across **{len(parts)} partnerships**. "
    + " · ".join(f"{ui.status_text(code)}: {n}" for code, n in sorted(counts.items(), key=lambda kv: list(ui.STATUS_LABELS).index(kv[0])))
)

for p in parts:
    st.header(ui.text(p.name), divider="gray")
    names = ", ".join(places.get(n, {}).get("name", n) for n in p.places)
    st.markdown(f"**Neighbourhoods:** {ui.text(names)}")
    if p.members:
        st.markdown(f"**Members:** {ui.text(', '.join(p.members))}")
    review = last_review[p.partnership_id]
    st.caption(f"Reviews every {p.cadence_weeks} weeks. Last review: {format_day(review[0]) if review else 'none yet'}.")
    goals = by_partnership.get(p.partnership_id, [])
    if not goals:
        st.write("No goals yet.")
        continue
    table = ui.goal_summary_frame(goals, places, new_data=new_data)
    st.dataframe(table, hide_index=True, column_config=ui.SUMMARY_COLUMNS, width="stretch")
    st.page_link(ui.PAGE_PARTNERSHIP, label=ui.text(f"Open {p.name}"), icon=":material/arrow_forward:", query_params={"partnership": p.partnership_id})
