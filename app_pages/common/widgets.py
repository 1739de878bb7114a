"""What pages draw with: the page frame and its banners, the choosers whose
choice lives in the URL, status badges, user text made safe for Markdown,
server-side HTML blocks and CSV downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common.connection import data_version
from app_pages.common.data import is_demo, partnerships
from app_pages.common.session import auth_configured, host_allowed, identity, local_mode_allowed, mode, require, signin_config
from metrics.read import views
from metrics.vocab import status_text


def text(value: object) -> str:
    """A user's text, escaped for Streamlit's Markdown (metrics.outputs.plaintext)."""
    from metrics.outputs.plaintext import markdown_literal

    return markdown_literal(value)



def quote(value: object) -> None:
    """A note, shown as a block quote of literal text."""
    from metrics.outputs.plaintext import markdown_quote

    st.markdown(markdown_quote(value))



def show_problems(problems) -> None:
    from metrics.contract.problems import summarise_problems

    st.error(f"Nothing was saved: {len(problems)} problem{'s' if len(problems) != 1 else ''} to fix.")
    st.markdown("\n".join(f"- {text(line)}" for line in summarise_problems(problems)))



def frame(title: str, internal: bool = True, need: str = "viewer") -> int:
    """Page heading plus the banners every page owes its reader; returns the data version.

    Internal pages check the mode and the user's role here, on the server,
    whatever the navigation showed (defence in depth: app.py registers no page
    the user may not open)."""
    if internal and mode() == "public":
        st.error("This page is not part of the public site.")
        st.stop()
    if internal:
        config = signin_config()
        if config.mode == "broken" or (config.mode == "local" and not (local_mode_allowed() and host_allowed())):
            st.error("This app is not serving internal pages: its sign-in configuration or address is not safe. See the server's log.")
            st.stop()
        if identity() is None:
            st.error("Please sign in to see this page.")
            st.stop()
        require(need)
    if mode() != "public":  # the public pages use none of the dashboard's blocks
        from app_pages.common.html import page_head

        st.html(page_head(), unsafe_allow_javascript=True)  # our own constant script (html.NAV_FIX), no user data
    st.title(title)
    if is_demo():
        st.info(
            "**Illustrative demo data.** Northvale and every place, partnership, person and local figure "
            "here are fictional; only the England benchmarks follow DfE's published national rates.",
            icon=":material/science:",
        )
    if internal and not auth_configured():
        st.caption(
            "**Local mode:** no sign-in is configured, so anyone who can open this address sees every internal page. "
            "Use it on your own computer; see README, 'Sign-in', before sharing it."
        )
    return data_version()



def empty_database_message() -> None:
    st.warning(
        "The database is empty. Import your partnership's files on the **Data → Import** page, or from a terminal: "
        "`python -m metrics import places.csv measures.csv partnerships.csv goals.csv observations.csv`. "
        "Blank templates are in `data/templates/`. To explore first, start with the demo data: `python -m metrics init --demo --db demo.duckdb`."
    )



def choose(label: str, options: dict[str, str], param: str, key: str | None = None) -> str | None:
    """A selectbox whose choice lives in the URL (?param=id), so every view can be linked to."""
    if not options:
        return None
    ids = list(options)
    wanted = st.query_params.get(param)
    index = ids.index(wanted) if wanted in ids else 0
    chosen = st.selectbox(label, ids, index=index, format_func=lambda i: options[i], key=key or f"choose_{param}")
    if st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    return chosen



def partnerships_or_stop(version: int) -> list[views.Partnership]:
    """The readable partnerships; on an empty database, says how to import and stops the page."""
    parts = partnerships(version)
    if not parts:
        empty_database_message()
        st.stop()
    return parts



def choose_partnership(version: int) -> views.Partnership:
    """The partnership the page is about (from ?partnership=, among those the
    user may read); on an empty database, says how to import and stops."""
    parts = partnerships_or_stop(version)
    chosen = choose("Partnership", {p.partnership_id: p.name for p in parts}, "partnership")
    return next(p for p in parts if p.partnership_id == chosen)



def status_badge(code: str) -> None:
    colour = {
        "met": "green", "on_track": "green", "needs_acceleration": "orange", "limited_progress": "orange",
        "worsening": "red", "missed": "red", "too_uncertain": "gray", "awaiting_data": "gray",
    }[code]
    st.badge(status_text(code), color=colour)



def html(template: str, **context) -> None:
    """Draw a block of the dashboard's server-side HTML (app_pages/common/html.py)."""
    from app_pages.common.html import render

    st.html(render(template, **context))



def download_csv(df: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    from metrics.contract.csvsafe import frame_csv_bytes  # no cell a spreadsheet would run as a formula

    st.download_button(label, frame_csv_bytes(df), file_name=file_name, mime="text/csv", key=key)
