"""Board review: the review calendar and the board pack, made once and frozen,
downloadable as one HTML file that opens offline and prints to A4."""

import datetime as dt

import streamlit as st

from metrics import reviews, views
from metrics.boardpack import board_pack_html
from app_pages.common import ui

version = ui.frame("Board review")
p = ui.choose_partnership(version)

today = dt.date.today()
past = views.review_dates(ui.con(), p, until=today)
upcoming = (past[-1] if past else today) + dt.timedelta(weeks=p.cadence_weeks)
st.markdown(f"Reviews every **{p.cadence_weeks} weeks**. Last review: **{past[-1]:%d %B %Y}**." if past else "No review yet.")
st.markdown(f"Next review (by the cadence): **{upcoming:%d %B %Y}**.")

dates = list(reversed(past)) + [upcoming] if upcoming not in past else list(reversed(past))
review_date = st.selectbox("Review", dates, format_func=lambda d: f"{d:%d %B %Y}" + (" (next)" if d > today else ""))
st.caption(
    "The pack is computed as of the end of the review day (UK time), or now if that day has not ended, and that time is "
    "frozen the first time the pack is made: reprinting it later gives exactly the same file, even after corrections."
)
if st.button("Make the board pack", type="primary"):
    html = ui.write(lambda con: board_pack_html(con, p.partnership_id, review_date), need="viewer", partnership=p.partnership_id)
    st.session_state["pack"] = (p.partnership_id, review_date, html)
pack = st.session_state.get("pack")
if pack and pack[:2] == (p.partnership_id, review_date):
    st.success("The pack is ready.")
    st.download_button(
        "Download the board pack (HTML)", pack[2].encode("utf-8"), file_name=f"board-pack-{p.partnership_id}-{review_date}.html", mime="text/html", type="primary"
    )

with st.expander("Record a review date (when the board met on another day)"):
    with st.form("add_review"):
        day = st.date_input("Date the board met", value=today)
        if st.form_submit_button("Record the review"):
            ui.write(lambda con: reviews.add_review(con, p.partnership_id, day, actor=ui.actor()), partnership=p.partnership_id)
            st.success(f"Recorded a review on {day:%d %B %Y}.")
