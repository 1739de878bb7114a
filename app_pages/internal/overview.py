"""Overview: the state of every promise at a glance, per partnership: each
goal's statement (the link to its page), its status as a shape and a word, a
sparkline against the straight line to the target, latest and target, the
Making Data Count variation and assurance icons, whether any figure has
arrived since the board last met and whether none has for months; and for each
partnership whether its board is still meeting by its own cadence. Rows on a
wide screen, cards on a phone.

With more partnerships than fit on a page (a national view), every
partnership gets one line of counts, and the cards are those of the one
chosen."""

import streamlit as st

from app_pages.common import ui
from metrics.outputs import dashboard

# More partnerships than this and the page lists them all in one line each,
# with the cards of one chosen partnership.
CARDS_FOR_AT_MOST = 10

version = ui.frame("Overview")
parts = ui.partnerships_or_stop(version)
results = ui.goal_results(version)
places = ui.places(version)

ui.html("overview_summary.html", goals=len(results), partnerships=len(parts), counts=dashboard.status_counts(r.assessment.status for r in results))
ui.html("key.html")

shown = parts
if len(parts) > CARDS_FOR_AT_MOST:
    ui.html("overview_glance.html", rows=dashboard.partnership_glance(parts, results))
    st.subheader("One partnership's goals")
    shown = [ui.choose_partnership(version)]

ids = {p.partnership_id for p in shown}
wanted = [r for r in results if r.goal.partnership_id in ids]
reviews = {p.partnership_id: ui.last_review(version, p) for p in shown}
for block in dashboard.overview_cards(shown, wanted, places, reviews, ui.new_data(version, wanted), boards=ui.board_health(version, shown)):
    ui.html("overview_partnership.html", block=block)
