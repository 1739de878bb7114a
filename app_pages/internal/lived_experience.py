"""Lived experience: what people said, filterable, with consent and approval
visible, next to the measures of the same domain and place."""

import datetime as dt

import streamlit as st

from app_pages.common import ui
from metrics.methods.explain import format_day
from metrics.outputs.charts import line_points, multi_series_figure
from metrics.read import views
from metrics.vocab import DOMAINS, VOICES

version = ui.frame("Lived experience")
parts = ui.partnerships_or_stop(version)
places = ui.places(version)
measures = ui.measures(version)

notes = views.notes(ui.con())
notes = notes[notes["partnership_id"].isin([p.partnership_id for p in parts])]  # only partnerships this user may read
c1, c2, c3, c4 = st.columns(4)
partnership = c1.selectbox("Partnership", ["(all)"] + [p.partnership_id for p in parts], format_func=lambda i: i if i == "(all)" else next(p.name for p in parts if p.partnership_id == i))
place_ids = sorted({p for p in notes["place_id"].dropna()})
place = c2.selectbox("Place", ["(all)"] + place_ids, format_func=lambda i: places.get(i, {}).get("name", i))
domain = c3.selectbox("Domain", ["(all)", *DOMAINS])
voice = c4.selectbox("Voice", ["(all)", *VOICES], format_func=lambda v: v.replace("_", " "))
if notes.empty:
    st.write("No notes recorded yet. Record one on **Data → Record and approve notes**.")
    st.stop()
first, last = notes["recorded_on"].min(), notes["recorded_on"].max()
since, until = st.slider("Recorded between", min_value=first, max_value=max(last, first + dt.timedelta(days=1)), value=(first, last), format="DD MMM YYYY")

shown = notes
for col, val in (("partnership_id", partnership), ("place_id", place), ("domain", domain), ("voice", voice)):
    if val != "(all)":
        shown = shown[shown[col] == val]
shown = shown[(shown["recorded_on"] >= since) & (shown["recorded_on"] <= until)]
st.markdown(f"**{len(shown)} of {len(notes)} notes**")

left, right = st.columns([3, 2])
with left:
    for _, n in shown.iterrows():
        with st.container(border=True):
            ui.quote(n["text"])
            where = places.get(n["place_id"], {}).get("name") if n["place_id"] else None
            if n["publishable"]:
                consent = f"✔ Approved for publication by {n['approved_by']} on {format_day(n['approved_on'])}"
            elif n["consent"] == "public":
                consent = "Public consent, not yet approved: not published"
            else:
                consent = f"Consent: {n['consent']}: never published"
            st.caption(ui.text(" · ".join(x for x in (n["voice"].replace("_", " "), n["domain"], where, format_day(n['recorded_on']), n["source"]) if x)))
            st.caption(ui.text(consent))
with right:
    st.markdown("**Measures of the same domain and place**")
    target_place = place if place != "(all)" else None
    target_domain = domain if domain != "(all)" else None
    if not (target_place and target_domain):
        st.caption("Choose a place and a domain to see its figures beside the notes.")
    else:
        for m in (m for m in measures.values() if m.domain == target_domain):
            series = ui.place_series(version, (target_place,), m.measure_id, m.unit).get(target_place, [])
            if series:
                st.plotly_chart(
                    multi_series_figure(m.name, m.unit, {places[target_place]["name"]: line_points(series, ui.measure_breaks(version).get(m.measure_id, []))}, height=260),
                    width="stretch", key=f"le_{m.measure_id}",
                )
