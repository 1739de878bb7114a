"""Board review: the review calendar and the board pack, made once and frozen,
downloadable as one HTML file that opens offline and prints to A4.

Making a review's first pack freezes what it will say, so only a steward or
admin may (metrics.edits.freeze_review); anyone who reads the partnership may
then download it. Recording the date a board met is a steward's change too."""

import datetime as dt

import streamlit as st

from app_pages.common import ui
from metrics import edits
from metrics.methods.explain import format_day
from metrics.outputs.boardpack import board_pack_html
from metrics.read import reviews, views

version = ui.frame("Board review")
p = ui.choose_partnership(version)
steward = ui.perms().can("steward", p.partnership_id)

today = dt.date.today()
past = views.review_dates(ui.con(), p, until=today)
upcoming = (past[-1] if past else today) + dt.timedelta(weeks=p.cadence_weeks)
st.markdown(f"Reviews every **{p.cadence_weeks} weeks**. Last review: **{format_day(past[-1])}**." if past else "No review yet.")
st.markdown(f"Next review (by the cadence): **{format_day(upcoming)}**.")

dates = list(reversed(past)) + [upcoming] if upcoming not in past else list(reversed(past))
review_date = st.selectbox("Review", dates, format_func=lambda d: format_day(d) + (" (next)" if d > today else ""))
frozen = reviews.review_as_of(ui.con(), p.partnership_id, review_date)
st.caption(
    "The pack is computed as of the end of the review day (UK time), or now if that day has not ended, and that time is "
    "frozen the first time the pack is made: reprinting it later gives exactly the same file, even after corrections."
)
if frozen is None and not steward:
    st.info("The pack for this review has not been made yet. A steward or admin of this partnership makes it first (that freezes it); then you can download it here.")
elif st.button("Make the board pack" if frozen is None else "Prepare the board pack for download", type="primary"):
    html = ui.edit(lambda con, perms, actor: board_pack_html(con, p.partnership_id, review_date, perms=perms, actor=actor))
    st.session_state["pack"] = (p.partnership_id, review_date, html)
pack = st.session_state.get("pack")
if pack and pack[:2] == (p.partnership_id, review_date):
    st.success("The pack is ready.")
    st.download_button(
        "Download the board pack (HTML)", pack[2].encode("utf-8"), file_name=f"board-pack-{p.partnership_id}-{review_date}.html", mime="text/html", type="primary"
    )

if steward:
    with st.expander("Record a review date (when the board met on another day)"):
        with st.form("add_review"):
            day = st.date_input("Date the board met", value=today)
            if st.form_submit_button("Record the review"):
                if ui.edit(edits.record_review, p.partnership_id, day):
                    st.success(f"Recorded a review on {format_day(day)}.")
                else:
                    st.info(f"A review on {format_day(day)} was already recorded.")
