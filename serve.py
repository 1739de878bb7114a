"""The live app as Streamlit serves it, with the security headers of
`metrics.headers` on every response: `streamlit run serve.py` (what `make run`
and the browser tests do). The pages themselves are `app.py`."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from metrics.headers import SecurityHeaders

app = st.App(Path(__file__).with_name("app.py"), middleware=[Middleware(SecurityHeaders)])
