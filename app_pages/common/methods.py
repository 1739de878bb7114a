"""How we measure: the methods in plain English (docs/methods.md), the same
text the public site publishes."""

import streamlit as st

from app_pages.common import ui
from metrics.methods import TEXT

ui.frame("How we measure", internal=False)
if TEXT.exists():
    st.markdown(TEXT.read_text(encoding="utf-8"))
else:
    st.error("The methods text (docs/methods.md) is missing from this installation.")
