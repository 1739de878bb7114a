"""Streamlit entry point: builds the navigation for the current mode.

`streamlit run app.py` is the internal app. With OUTCOMES_MODE=public only the
public pages exist, whatever else is configured: internal pages are never
registered, so no URL can reach them.
"""

import streamlit as st

from app_pages.common import ui

st.set_page_config(page_title="Partnership outcomes", page_icon=":material/monitoring:", layout="wide")

methods = st.Page(ui.PAGE_METHODS, title="How we measure", icon=":material/menu_book:", url_path="methods")

if ui.mode() == "public":
    pages = {
        "": [
            st.Page(ui.PAGE_PUBLIC, title="Progress on our promises", icon=":material/public:", url_path="progress", default=True),
            methods,
        ]
    }
else:
    pages = {
        "Progress": [
            st.Page(ui.PAGE_OVERVIEW, title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
            st.Page(ui.PAGE_PARTNERSHIP, title="Partnership", icon=":material/groups:", url_path="partnership"),
            st.Page(ui.PAGE_NEIGHBOURHOOD, title="Neighbourhood", icon=":material/home_pin:", url_path="neighbourhood"),
            st.Page(ui.PAGE_GOAL, title="Goal", icon=":material/flag:", url_path="goal"),
        ],
        "Boards": [
            st.Page(ui.PAGE_BOARD_REVIEW, title="Board review", icon=":material/event_note:", url_path="board-review"),
            st.Page(ui.PAGE_ACTIONS, title="Actions", icon=":material/checklist:", url_path="actions"),
            st.Page(ui.PAGE_TRUSTEES, title="Trustees' view", icon=":material/account_balance:", url_path="trustees"),
        ],
        "Voices": [
            st.Page(ui.PAGE_NOTES, title="Lived experience", icon=":material/record_voice_over:", url_path="lived-experience"),
        ],
        "Data": [
            st.Page(ui.PAGE_IMPORT, title="Import", icon=":material/upload_file:", url_path="import"),
            st.Page(ui.PAGE_GOALS_EDITOR, title="Goals editor", icon=":material/edit_note:", url_path="goals-editor"),
            st.Page(ui.PAGE_NOTES_EDITOR, title="Record and approve notes", icon=":material/rate_review:", url_path="notes"),
        ],
        "About": [methods],
    }

st.navigation(pages, position="top").run()
