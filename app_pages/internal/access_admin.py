"""Access: who may see and change what, for the partnerships you administer.
Which grants are shown, and which an admin may give, is decided in
metrics.access."""

import streamlit as st

from app_pages.common import ui
from metrics import access
from metrics.store import StoreError

version = ui.frame("Access", need="admin")
p = ui.perms()
parts = [x for x in ui.partnerships(version) if p.can("admin", x.partnership_id)]
scopes = ([access.EVERY] if p.can("admin", access.EVERY) else []) + [x.partnership_id for x in parts]
names = {access.EVERY: "Every partnership", **{x.partnership_id: x.name for x in parts}}

st.dataframe(
    [{"email": g.email, "role": g.role, "for": names.get(g.scope, g.scope)} for g in access.visible_grants(ui.con(), p)],
    hide_index=True, width="stretch",
)
with st.form("grant"):
    st.markdown("**Give or take away a role**")
    email = st.text_input("Email address they sign in with")
    role = st.selectbox("Role", list(access.ROLES), help="viewer reads; steward also imports and edits; admin also manages access")
    scope = st.selectbox("For", scopes, format_func=lambda s: names.get(s, s))
    c1, c2 = st.columns(2)
    give = c1.form_submit_button("Grant", type="primary")
    take = c2.form_submit_button("Revoke")
if give or take:
    fn = access.grant if give else access.revoke
    try:
        changed = fn(ui.con(), email, role, scope, actor=ui.actor(), perms=p)
    except StoreError as exc:  # a refusal or a mistake: a message for the admin
        st.error(ui.text(str(exc)))
    else:
        st.success(("Granted." if give else "Revoked.") if changed else "Nothing to change.")
