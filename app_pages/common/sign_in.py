"""Sign in: the only internal-looking page a signed-out visitor gets."""

import streamlit as st

from app_pages.common import ui

ui.frame("Sign in", internal=False)
st.markdown(
    "The internal pages hold children's data and unpublished comments, so they need you to sign in with your "
    "organisation's account. Anyone can read the partnerships' **public progress** pages without signing in."
)
st.button("Sign in with your organisation's account", type="primary", on_click=st.login)
st.page_link(ui.PAGE_PUBLIC, label="Read the public progress pages", icon=":material/public:")
