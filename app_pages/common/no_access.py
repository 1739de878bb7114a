"""Signed in, but not on the access list yet."""

import streamlit as st

from app_pages.common import ui

ui.frame("No access yet", internal=False)
st.warning(
    f"You are signed in as **{ui.text(ui.identity())}**, but you do not have access to any partnership yet. "
    "Ask your partnership's admin to give you a role (viewer, steward or admin), "
    "or your trust's clerk to add you as a trustee."
)
st.page_link(ui.PAGE_PUBLIC, label="Meanwhile, read the public progress pages", icon=":material/public:")
