"""Import: the same files, checks and messages as `python -m metrics import`
(your own files, in the import formats) and `import-source` (a publisher's
file as downloaded), with a preview of what will change before the steward
confirms."""

import streamlit as st

from app_pages.common import ui
from metrics.contract.importer import import_paths
from metrics.contract.readers import Upload

version = ui.frame("Import", need="steward")


@st.cache_data(show_spinner=False)
def template_workbook() -> bytes:
    from metrics.contract.templates import workbook_bytes

    return workbook_bytes()


def staged(files) -> list[Upload]:
    """The uploads as they came, in memory: never copied to disk, so nothing
    (private notes included) is left behind in a temporary folder. Two files
    of one name are both passed on, and the importer refuses them by name."""
    return [Upload(f.name, f.getvalue()) for f in files]


OWN, PUBLISHED = "Your own files, in the import formats", "A publisher's file, as downloaded"
what = st.radio("What are you importing?", [OWN, PUBLISHED], horizontal=True, key="import_what")

if what == PUBLISHED:
    from app_pages.common.source_import import source_import

    source_import(version)
    st.stop()

st.markdown(
    "Upload one or more files in the import formats (CSV named after its kind, e.g. `observations_2026.csv`, "
    "or an Excel workbook with a sheet per kind). "
    "Everything is checked first; **nothing is saved until you confirm**, and nothing at all if any row is wrong."
)
st.download_button("Download the blank templates (Excel workbook, a sheet per kind and a guide)", template_workbook(),
                   file_name="outcomes_templates.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="templates")
uploads = st.file_uploader("Files to import", type=["csv", "xlsx"], accept_multiple_files=True, key="uploads")
reason = st.text_input(
    "Reason for changing a goal's baseline, target or dates (needed only for such a change)",
    key="import_reason",
    help="Kept in the goal's history; the public page shows the original promise and this reason.",
)

if uploads:
    progress = st.progress(0, text="Reading the files")
    paths = staged(uploads)
    progress.progress(40, text="Checking every row")
    # Every row is checked against what this user may change, as stored now
    # (metrics.access.import_refusals), in the preview and again on confirming.
    preview = import_paths(ui.con(), paths, reason=reason or None, dry_run=True, perms=ui.perms())
    progress.progress(100, text="Checked")
    if not preview.ok:
        ui.show_problems(preview.problems)
    else:
        st.success("Every row passed the checks. This is what the import will change:")
        st.dataframe(
            [{"kind": k, "new rows": c.added, "revisions": c.revised, "unchanged": c.unchanged} for k, c in preview.changes.items()],
            hide_index=True,
        )
        examples = [(k, e) for k, c in preview.changes.items() for e in c.revised_examples]
        if examples:
            st.markdown("**Revisions** (the old values stay in the history):")
            st.dataframe(
                [{"kind": k, "row": " / ".join(map(str, e["key"])), "change": "; ".join(f"{col}: {old} → {new}" for col, (old, new) in e["changed"].items())} for k, e in examples],
                hide_index=True, width="stretch",
            )
        if st.button("Confirm import", type="primary"):
            with st.spinner("Importing"):
                result = import_paths(ui.con(), paths, reason=reason or None, actor=ui.actor(), perms=ui.perms())
            if result.ok:
                st.success(" ".join(result.summary_lines()))
            else:
                ui.show_problems(result.problems)
