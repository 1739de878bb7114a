"""Board review: the review calendar and the board pack. Before the meeting
anyone who reads the partnership previews a draft (it freezes nothing); on
or after the review day a steward or admin freezes the pack the board
reviewed, which is archived and downloadable as one HTML file that opens
offline and prints to A4.

Freezing fixes what the pack will say for ever, so only a steward or admin
may (metrics.edits.freeze_review, an audited batch); anyone who reads the
partnership may then download it. Recording the date a board met is a
steward's change too."""

import base64
import datetime as dt

import streamlit as st

from app_pages.common import ui
from metrics import edits
from metrics.methods.explain import format_day
from metrics.outputs.boardpack import board_pack_html, draft_pack_html
from metrics.read import reviews, views

version = ui.frame("Board review")
p = ui.choose_partnership(version)
steward = ui.perms().can("steward", p.partnership_id)

today = dt.date.today()
past = views.review_dates(ui.con(), p, until=today)
upcoming = (past[-1] if past else today) + dt.timedelta(weeks=p.cadence_weeks)
st.markdown(f"Reviews every **{p.cadence_weeks} weeks**. Last review: **{format_day(past[-1])}**." if past else "No review yet.")
st.markdown(f"Next review (by the cadence): **{format_day(upcoming)}**.")

# The review the board is preparing for comes first: today's if it is today, else the next one.
dates = ([] if past and past[-1] == today else [upcoming]) + list(reversed(past))
review_date = st.selectbox(
    "Review", dates, index=0,
    format_func=lambda d: format_day(d) + (" (today)" if d == today else " (next)" if d > today else ""),
)
frozen = reviews.review_as_of(ui.con(), p.partnership_id, review_date)
key = (p.partnership_id, review_date)

if frozen is not None:
    st.success(f"The pack the board reviewed on {format_day(review_date)} is frozen: reprinting it gives exactly the same file, even after corrections.")
    if st.button("Prepare the frozen pack for download", type="primary"):
        st.session_state["pack"] = (*key, ui.edit(lambda con, perms, actor: board_pack_html(con, p.partnership_id, review_date, perms=perms, actor=actor)))
else:
    st.caption(
        "Before the meeting, read the draft: it shows the figures as known now and freezes nothing. "
        "On the day, a steward or admin freezes the pack the board reviewed; from then on it never changes."
    )
    if st.button("Preview the draft pack", type="primary"):
        st.session_state["draft"] = (*key, ui.edit(lambda con, perms, actor: draft_pack_html(con, p.partnership_id, review_date, perms=perms)))
    if not steward:
        st.info("The pack for this review has not been frozen yet. A steward or admin of this partnership freezes it on the day of the review; then you can download it here.")
    elif review_date > today:
        st.info(f"The board meets on {format_day(review_date)}: freeze the pack it reviewed on that day or after, not before.")
    elif st.button("Freeze as the pack the board reviewed"):
        st.session_state["pack"] = (*key, ui.edit(lambda con, perms, actor: board_pack_html(con, p.partnership_id, review_date, perms=perms, actor=actor)))
        st.session_state.pop("draft", None)
        st.rerun()

pack = st.session_state.get("pack")
if pack and pack[:2] == key:
    st.download_button(
        "Download the board pack (HTML)", pack[2].encode("utf-8"), file_name=f"board-pack-{p.partnership_id}-{review_date}.html", mime="text/html", type="primary"
    )
draft = st.session_state.get("draft")
if draft and draft[:2] == key and frozen is None:
    st.download_button(
        "Download the draft (HTML)", draft[2].encode("utf-8"), file_name=f"board-pack-{p.partnership_id}-{review_date}-draft.html", mime="text/html"
    )
    st.markdown("#### The draft pack")
    # A data: address has an origin of its own, so the preview cannot reach the app even if text in it were not escaped.
    st.iframe("data:text/html;base64," + base64.b64encode(draft[2].encode("utf-8")).decode("ascii"), height=900, alt="The draft board pack")

if steward:
    with st.expander("Record a review date (when the board met on another day)"):
        with st.form("add_review"):
            day = st.date_input("Date the board met", value=today)
            if st.form_submit_button("Record the review"):
                if ui.edit(edits.record_review, p.partnership_id, day):
                    st.success(f"Recorded a review on {format_day(day)}.")
                else:
                    st.info(f"A review on {format_day(day)} was already recorded.")
