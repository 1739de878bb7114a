"""Streamlit entry point: builds the navigation for the current mode and user.

- OUTCOMES_MODE=public: the public pages only, whatever else is configured.
- An [auth] section in Streamlit secrets: a signed-out visitor gets the public
  pages and a sign-in page; a signed-in user without a role a page saying whom
  to ask; everyone else the internal pages their roles allow (every page and
  every write checks the role again on the server, in app_pages/common/ui.py).
- Neither: local mode, for one person on their own machine, which refuses to
  serve a non-loopback address unless OUTCOMES_ALLOW_NETWORK=1, and answers
  only requests addressed to localhost, 127.0.0.1 or [::1] (DNS rebinding).
- A broken [auth] section, or a secrets file that is named but missing or
  unreadable: one page saying what to fix, never local mode (fail closed).

Pages not registered here cannot be reached by any URL.
"""

import streamlit as st

from app_pages.common import ui

st.set_page_config(page_title="Partnership outcomes", page_icon=":material/monitoring:", layout="wide")

methods = st.Page(ui.PAGE_METHODS, title="How we measure", icon=":material/menu_book:", url_path="methods")
public = [
    st.Page(ui.PAGE_PUBLIC, title="Progress on our promises", icon=":material/public:", url_path="progress"),
    methods,
]


def internal_pages(perms) -> dict:
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
    }
    if perms.can_somewhere("steward"):
        pages["Data"] = [
            st.Page(ui.PAGE_IMPORT, title="Import", icon=":material/upload_file:", url_path="import"),
            st.Page(ui.PAGE_NEIGHBOURHOODS_EDITOR, title="Neighbourhoods", icon=":material/map:", url_path="neighbourhoods"),
            st.Page(ui.PAGE_GOALS_EDITOR, title="Goals editor", icon=":material/edit_note:", url_path="goals-editor"),
            st.Page(ui.PAGE_NOTES_EDITOR, title="Record and approve notes", icon=":material/rate_review:", url_path="notes"),
        ]
    if perms.can_somewhere("admin"):
        pages["Admin"] = [
            st.Page(ui.PAGE_ACCESS, title="Access", icon=":material/key:", url_path="access"),
            st.Page(ui.PAGE_AUDIT, title="Audit trail", icon=":material/history:", url_path="audit"),
            st.Page(ui.PAGE_PUBLISH, title="Publish the site", icon=":material/publish:", url_path="publish"),
        ]
    pages["About"] = [methods]
    return pages


ui.silence_server_metrics()  # /_stcore/metrics would list the app's caches to anyone
refused = ui.refusal()
if ui.mode() == "public":
    pages = {"": [st.Page(ui.PAGE_PUBLIC, title="Progress on our promises", icon=":material/public:", url_path="progress", default=True), methods]}
elif refused is not None:
    # Fail closed: a broken sign-in configuration, local mode where it is not
    # safe, or an identity that cannot be trusted gets this one page, whatever
    # the URL (registered under every internal address, so a deep link shows
    # the reason rather than "Page not found").
    pages = {"": [
        st.Page(ui.PAGE_REFUSED, title=refused[0], icon=":material/block:", url_path=path, default=(i == 0))
        for i, path in enumerate(("not-served", *ui.INTERNAL_URL_PATHS))
    ]}
elif ui.auth_configured():
    if not st.user.is_logged_in:
        pages = {"": [st.Page(ui.PAGE_SIGN_IN, title="Sign in", icon=":material/login:", url_path="sign-in", default=True), *public]}
    else:
        perms = ui.perms()
        if perms.has_any_role:
            pages = internal_pages(perms)
        else:
            pages = {"": [st.Page(ui.PAGE_NO_ACCESS, title="No access yet", icon=":material/lock:", url_path="no-access", default=True), *public]}
        with st.sidebar:
            st.caption(f"Signed in as {ui.text(ui.identity())}")
            st.button("Sign out", on_click=st.logout)
else:
    pages = internal_pages(ui.perms())

st.navigation(pages, position="hidden" if refused is not None and ui.mode() != "public" else "top").run()
