"""Neighbourhoods: build a neighbourhood from the official areas a
publisher's file names, found by their names (python -m metrics areas, in
the app), and put it in a partnership. Ids are made from the names (they can
be changed under "Advanced"); nothing is saved until the button is pressed,
and then as one audited change through the importer's checks."""

import streamlit as st

from app_pages.common import ui
from metrics import edits
from metrics.contract.sources.areas import (
    TITLES,
    file_areas,
    guess_source,
    uploaded_files,
)

version = ui.frame("Neighbourhoods", need="steward")
perms = ui.perms()
parts = [p for p in ui.partnerships(version) if perms.can("steward", p.partnership_id)]
places = ui.places(version)

st.markdown(
    "A neighbourhood is made of official areas (wards, LSOAs, local authorities). Upload a publisher's file as you "
    "downloaded it, find its areas by name and tick them: the codes come from the file itself."
)
uploads = st.file_uploader("A publisher's file (CSV, as downloaded)", type=["csv"], accept_multiple_files=True, key="area_uploads")
if not uploads:
    st.info("Upload a file to see the areas it names: the Met's ward-level crime release, a police.uk street-level file, "
            "a Fingertips export or an explore-education-statistics file.")
    st.stop()

data = [(f.name, f.getvalue()) for f in uploads]
guessed = guess_source(data[0][1])
sources = list(TITLES)
source = st.selectbox("What the file is", sources, index=sources.index(guessed) if guessed in sources else 0, format_func=lambda s: TITLES[s])
with uploaded_files(data) as paths:
    found = file_areas(source, paths)
if not found.ok:
    ui.show_problems(found.problems)
    st.stop()

labels = {a.code: f"{a.name} ({a.kind}{', ' + a.within if a.within else ''}; {a.code})" for a in found.areas}
codes = st.multiselect(
    f"Areas of the neighbourhood ({len(found.areas):,} in the file: type part of a name to find one)",
    list(labels), format_func=lambda c: labels[c], key="area_codes", placeholder="Type an area's name, e.g. King's Cross",
)

name = st.text_input("Name of the neighbourhood", key="hood_name", placeholder="e.g. King's Cross and Somers Town")
NEW = "(a new partnership)"
choice = st.selectbox("Partnership it belongs to", [*[p.partnership_id for p in parts], NEW],
                      format_func=lambda i: i if i == NEW else next(p.name for p in parts if p.partnership_id == i), key="hood_partnership")
new_name = st.text_input("Name of the new partnership", key="new_partnership_name", placeholder="e.g. King's Cross Delivery Board") if choice == NEW else ""

made_place = edits.id_from_name(name, taken=places) if name.strip() else ""
made_partnership = edits.id_from_name(new_name, taken=[p.partnership_id for p in ui.partnerships(version)]) if new_name.strip() else ""
with st.expander("Advanced: ids"):
    st.caption("Files and the command line name things by id. They are made from the names; change them only if you need to.")
    typed_place = st.text_input(f"Neighbourhood id (empty: {made_place or 'made from the name'})", key="hood_id")
    typed_partnership = st.text_input(f"Partnership id (empty: {made_partnership or 'made from the name'})", key="partnership_id", disabled=choice != NEW)

if st.button("Save the neighbourhood", type="primary"):
    place_id = typed_place.strip() or made_place
    if not codes or not name.strip() or (choice == NEW and not new_name.strip()):
        st.error("Tick at least one area, give the neighbourhood a name" + (" and name the new partnership" if choice == NEW else "") + ", then press Save again.")
    else:
        partnership_id = choice if choice != NEW else (typed_partnership.strip() or made_partnership)
        result = ui.edit(edits.save_neighbourhood, place_id, name.strip(), codes, partnership_id, partnership_name=new_name.strip() or None)
        if result.ok:
            where = new_name.strip() or next(p.name for p in parts if p.partnership_id == choice)
            st.success(f"Saved: {name.strip()}, made of {len(codes)} area{'s' if len(codes) != 1 else ''}, in {where}.")
            for w in result.warnings:
                st.warning(ui.text(w))
        else:
            ui.show_problems(result.problems)
