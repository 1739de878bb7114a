"""Local mode on a network address: refused."""

import streamlit as st

from app_pages.common import ui

ui.frame("Not started", internal=False)
st.error(
    f"This app has no sign-in configured (local mode), but it is serving the network address "
    f"{st.get_option('server.address') or 'every interface'}, where anyone could reach children's data. "
    "Either serve it on this computer only (--server.address localhost, as `make run` does), configure sign-in "
    "(README, 'Sign-in'), or, if you really mean to share it without sign-in, set OUTCOMES_ALLOW_NETWORK=1."
)
