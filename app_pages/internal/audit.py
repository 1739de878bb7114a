"""Audit trail: who did what and when (imports, edits, approvals, action
updates, reviews, access changes), for the partnerships the admin administers
(metrics.access.audit_log decides which batches)."""

import streamlit as st

from app_pages.common import ui
from metrics import access

ui.frame("Audit trail", need="admin")
log = access.audit_log(ui.con(), ui.perms())
kinds = ["(all)"] + sorted(set(log["action"])) if not log.empty else ["(all)"]
kind = st.selectbox("What", kinds)
if kind != "(all)":
    log = log[log["action"] == kind]
st.markdown(f"**{len(log)}** entries, newest first, for the partnerships you administer. Times are UTC.")
st.dataframe(log, hide_index=True, width="stretch")
ui.download_csv(log, "Download the audit trail (CSV)", "audit-trail.csv", key="audit_csv")
