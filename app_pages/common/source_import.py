"""The Import page's "A publisher's file" tab: `import-source` in the app.
The file as downloaded, the measure and the rows to keep chosen by name from
what the file holds, a preview (a dry run, the same checks) and then one
confirmed import."""

import streamlit as st

from app_pages.common import ui
from metrics.contract.sources import SOURCES, import_source
from metrics.contract.sources.areas import (
    TITLES,
    USUAL_FILTER,
    file_columns,
    guess_source,
    uploaded_files,
)
from metrics.contract.sources.common import ON_PURPOSE
from metrics.vocab import UNIT_SCALE

# The units each source can fill (what `sources` says in words).
UNITS = {"met-ward-crime": ("count",), "police-uk-street": ("count",), "fingertips": tuple(UNIT_SCALE), "ees": (*UNIT_SCALE, "count", "score")}


def source_import(version: int) -> None:
    st.markdown(
        "A file exactly as the publisher gives it (the Met's ward-level crime release, police.uk street-level crime, "
        "a Fingertips export, an explore-education-statistics file). Its areas reach your neighbourhoods through "
        "the areas each is made of (the Neighbourhoods page). **Nothing is saved until you confirm.**"
    )
    uploads = st.file_uploader("The publisher's file (CSV, as downloaded)", type=["csv"], accept_multiple_files=True, key="source_uploads")
    if not uploads:
        return
    data = [(f.name, f.getvalue()) for f in uploads]
    guessed = guess_source(data[0][1])
    names = list(SOURCES)
    source = st.selectbox("What the file is", names, index=names.index(guessed) if guessed in names else 0, format_func=lambda s: TITLES[s], key="source_kind")
    measures = {k: m for k, m in ui.measures(version).items() if m.unit in UNITS[source]}
    if not measures:
        st.warning(f"There is no measure this file can fill yet ({TITLES[source]} gives figures in {' or '.join(UNITS[source])}). "
                   "Add one with a measures file on the \"Your own files\" tab.")
        return
    measure_id = st.selectbox("The measure its figures are for", list(measures), format_func=lambda i: measures[i].name, key="source_measure")
    with uploaded_files(data) as paths:
        columns = file_columns(source, paths)
        options: dict = {}
        filters: list[str] = []
        if columns:
            usual = USUAL_FILTER.get(source, "")
            column = st.selectbox("Keep only the rows whose column…", ["", *columns], index=(["", *columns].index(usual) if usual in columns else 0),
                                  format_func=lambda c: c or "(keep every row)", key="source_filter_column")
            if column:
                values = st.multiselect(f"…holds one of these values ({column})", columns[column], key="source_filter_values",
                                        placeholder="Type part of a value")
                filters = [f"{column}={v}" for v in values]
            if source == "ees":
                numeric = [c for c in columns if c not in ("time_period", "time_identifier", "geographic_level")]
                options["value_column"] = st.selectbox("The column holding the figures", numeric, key="ees_value") or None
                n = st.selectbox("Its numerator (for a rate that adds up; optional)", ["", *numeric], key="ees_num")
                d = st.selectbox("Its denominator (with the numerator)", ["", *numeric], key="ees_den")
                options.update(numerator_column=n or None, denominator_column=d or None)
        preview = import_source(ui.con(), source, paths, measure_id, filters, dry_run=True, perms=ui.perms(), **options)
        if not preview.ok and {p.code for p in preview.problems} <= ON_PURPOSE:
            ui.show_problems(preview.problems)
            why = st.text_input("Why (only if this is on purpose; recorded with the import)", key="source_reason").strip()
            if not why:
                return
            options["reason"] = why
            preview = import_source(ui.con(), source, paths, measure_id, filters, dry_run=True, perms=ui.perms(), **options)
        if not preview.ok:
            ui.show_problems(preview.problems)
            st.caption("Change the choices above, or upload the right file in its place (remove this one with its ×): the check runs again at once.")
            return
        st.success("Every row passed the checks. This is what the import will do:")
        for line in preview.summary_lines():
            st.markdown(f"- {ui.text(line.strip())}")
        if st.button("Confirm the import", type="primary", key="source_confirm"):
            with st.spinner("Importing"):
                result = import_source(ui.con(), source, paths, measure_id, filters, actor=ui.actor(), perms=ui.perms(), **options)
            if result.ok:
                st.success(ui.text(" ".join(line.strip() for line in result.summary_lines())))
            else:
                ui.show_problems(result.problems)
