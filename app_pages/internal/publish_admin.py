"""Publish the site: the static public site written from the app (admins only,
recorded in the audit trail), the same files `python -m metrics publish` writes."""

import streamlit as st

from app_pages.common import ui
from metrics import access, store
from metrics.outputs import publish

version = ui.frame("Publish the site", need="admin")
p = ui.perms()
scopes = ([access.EVERY] if p.can("admin", access.EVERY) else []) + [x.partnership_id for x in ui.partnerships(version) if p.can("admin", x.partnership_id)]
names = {access.EVERY: "Every partnership (the whole public site)", **{x.partnership_id: x.name for x in ui.partnerships(version)}}
root = publish.site_folder(store.resolve_db_path())

st.write(
    "This writes the public progress site: a page for every public promise, the methods, and every published figure "
    "as open data, with small numbers hidden. It is what the live public page shows, as plain files any web host can serve."
)
st.text(f"It is written to {root} (set OUTCOMES_SITE_DIR to choose another folder), replacing what was there.")
with st.form("publish"):
    scope = st.selectbox("What to publish", scopes, format_func=lambda s: names.get(s, s))
    reason = st.text_input("Note for the audit trail (optional)", max_chars=300)
    go = st.form_submit_button("Publish the site", type="primary")
if go:
    partnership = None if scope == access.EVERY else scope
    out = root if partnership is None else root / partnership
    try:
        written = ui.edit(publish.publish_audited, out, partnership=partnership, reason=reason.strip() or None)
    except (OSError, store.StoreError) as exc:
        st.error(f"The site was not published: {exc}. Check that the folder can be written to (set OUTCOMES_SITE_DIR to choose another).")
    else:
        st.success(f"Published {len(written)} files. It is recorded in the audit trail.")
        st.text(f"Folder: {out}")
        st.download_button("Download the site as a zip file", publish.zip_folder(out), file_name="public-site.zip", mime="application/zip")
st.caption(
    "The command line can publish too, even while this app is running: python -m metrics publish --out FOLDER. "
    "It then uses the snapshot of the public site the app keeps beside the database."
)
