"""The one page served when the app must not serve its internal pages here:
a broken sign-in configuration, local mode on a network address or under a
host name other than this computer's, or an identity that is not accepted.
What is wrong and how to fix it comes from ui.refusal (metrics.signin)."""

import streamlit as st

from app_pages.common import ui

why = ui.refusal() or ("Not available", "This page is not available.")
st.title(why[0])
st.error(ui.text(why[1]))
if ui.signin_config().mode == "oidc" and st.user.is_logged_in:
    st.button("Sign out", on_click=st.logout)
