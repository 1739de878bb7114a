"""How we measure: METHODS.md in plain English (metrics/methods.md), the same
text the public site publishes."""

import streamlit as st

from metrics.store import PROJECT_ROOT
from app_pages.common import ui

ui.frame("How we measure", internal=False)
path = PROJECT_ROOT / "metrics" / "methods.md"
if path.exists():
    st.markdown(path.read_text(encoding="utf-8"))
else:
    st.error("The methods text (metrics/methods.md) is missing from this installation.")
