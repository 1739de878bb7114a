"""The public progress page, served live (OUTCOMES_MODE=public): the static
site's pages, from the same gate (metrics.outputs.public) and the same templates.

- no query parameter: every promise with its status at a glance, grouped by partnership;
- ?partnership=ID: one partnership, its members and its promises;
- ?goal=ID: one promise, as its page on the static site (the chart is interactive here).

The links are ordinary links with query parameters, so every view can be
shared. Every statement, description, name and note is rendered as text by
the templates' autoescaping (st.html of escaped markup, never Markdown), so no
image, link or request can come from what a user typed.
"""

import streamlit as st

from app_pages.common import ui
from metrics.outputs.charts import public_goal_figure
from metrics.outputs.publish import SITE_DIR, live_fragment


def link(kind: str, ident: str | None = None) -> str:
    """Where a view of this page lives: a query on this page's own address
    (which is / in public mode and /progress beside the internal pages)."""
    return {"goal": f"?goal={ident}", "partnership": f"?partnership={ident}", "index": "?", "methods": "methods"}[kind]


version = ui.frame("Progress on our promises", internal=False)
site = ui.public_site(version)
st.html(SITE_DIR / "live.css")
goal_id, partnership_id = st.query_params.get("goal"), st.query_params.get("partnership")
goal = site.goal(goal_id)
partnership = next((p for p in site.partnerships if p.partnership_id == (goal.partnership_id if goal else partnership_id)), None)

if goal is not None:
    st.html(live_fragment("live_goal_top.html", link, g=goal, partnership=partnership))
    st.plotly_chart(public_goal_figure(goal), width="stretch", config={"displaylogo": False})
    st.html(live_fragment("live_goal_bottom.html", link, g=goal, stamp=site.stamp))
elif partnership is not None:
    st.html(live_fragment("live_partnership.html", link, p=partnership, stamp=site.stamp))
else:
    if goal_id or partnership_id:
        st.warning("That promise or partnership is not on the public page. Here is every published promise.")
    st.html(live_fragment("live_index.html", link, site=site, stamp=site.stamp))
