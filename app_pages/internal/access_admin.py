"""Access: who may see and change what, for the partnerships you administer."""

import streamlit as st

from metrics import access
from app_pages.common import ui

version = ui.frame("Access", need="admin")
p = ui.perms()
parts = [x for x in ui.partnerships(version) if p.can("admin", x.partnership_id)]
scopes = ([access.EVERY] if p.can("admin") else []) + [x.partnership_id for x in parts]
names = {access.EVERY: "Every partnership", **{x.partnership_id: x.name for x in parts}}

current = [g for g in access.grants(ui.con()) if g.scope in scopes or (g.role == access.TRUSTEE and p.can("admin"))]
st.dataframe(
    [{"email": g.email, "role": g.role, "for": names.get(g.scope, g.scope)} for g in current],
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
        changed = ui.write(lambda con: fn(con, email, role, scope, actor=ui.actor()), need="admin", partnership=scope)
    except Exception as exc:  # StoreError: a message for the admin
        st.error(str(exc))
    else:
        st.success(("Granted." if give else "Revoked.") if changed else "Nothing to change.")
