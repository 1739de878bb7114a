"""Record what people said, and approve notes for publication in a wording
with names removed. Only notes with public consent can be approved, and only
by a steward of the partnership that holds the note (metrics.edits)."""

import datetime as dt

import streamlit as st

from app_pages.common import ui
from metrics import edits
from metrics.methods.explain import format_day
from metrics.read import views
from metrics.vocab import CONSENTS, DOMAINS, VOICES

version = ui.frame("Record and approve notes", need="steward")
perms = ui.perms()
parts = [p for p in ui.partnerships_or_stop(version) if perms.can("steward", p.partnership_id)]
if not parts:
    st.info("You are not a steward of any partnership, so there is nothing to record or approve here.")
    st.stop()
mine = [p.partnership_id for p in parts]
places = ui.places(version)
goal_rows = [g for g in ui.goal_list(version) if g.partnership_id in mine]


def saved(result) -> None:
    if result.ok:
        st.success("Saved.")
    else:
        ui.show_problems(result.problems)


record_tab, approve_tab = st.tabs(["Record a note", "Approve for publication"])

with record_tab:
    with st.form("note_form", clear_on_submit=False):
        partnership_id = st.selectbox("Partnership", mine, format_func=lambda i: next(p.name for p in parts if p.partnership_id == i))
        hood_ids = sorted({h for p in parts for h in p.places})
        place_id = st.selectbox("Neighbourhood it speaks about (optional)", [""] + hood_ids, format_func=lambda i: places.get(i, {}).get("name", i) if i else "(none)")
        statements = {g.goal_id: f"{next(p.name for p in parts if p.partnership_id == g.partnership_id)}: {g.statement}" for g in goal_rows}
        goal_id = st.selectbox("Goal it speaks to (optional; one of the chosen partnership's)", [""] + [g.goal_id for g in goal_rows], format_func=lambda i: statements[i] if i else "(none)")
        c1, c2, c3 = st.columns(3)
        domain = c1.selectbox("Domain", DOMAINS)
        voice = c2.selectbox("Voice", VOICES, format_func=lambda v: v.replace("_", " "))
        consent = c3.selectbox("Consent", CONSENTS, help="none: keep internal, never publish; public: may be published once approved")
        recorded_on = st.date_input("Recorded on", value=dt.date.today())
        text = st.text_area("What was said, in the person's words")
        source = st.text_input("Source (listening event, youth forum, survey free text, ...)")
        with st.expander("Advanced: the note's id"):
            typed_id = st.text_input("Note id (empty: made from the date and the first words)", key="note_id")
        if st.form_submit_button("Save note", type="primary"):
            taken = list(views.notes(ui.con())["note_id"])
            note_id = typed_id.strip() or edits.id_from_name(f"{recorded_on.isoformat()} {' '.join(text.split()[:5])}", taken=taken)
            saved(ui.edit(edits.record_note, {
                "note_id": note_id, "recorded_on": recorded_on, "partnership_id": partnership_id, "place_id": place_id,
                "goal_id": goal_id, "domain": domain, "voice": voice, "text": text, "source": source, "consent": consent,
            }))

with approve_tab:
    notes = views.notes(ui.con())
    waiting = notes[(notes["consent"] == "public") & (~notes["publishable"].astype(bool)) & (notes["partnership_id"].isin(mine))]
    if waiting.empty:
        st.write("No notes with public consent are waiting for approval.")
    for _, n in waiting.iterrows():
        with st.container(border=True):
            with st.form(f"approve_{n['note_id']}"):
                ui.quote(n["text"])
                st.caption(ui.text(f"{n['note_id']} · {n['voice'].replace('_', ' ')} · {format_day(n['recorded_on'])}"))
                wording = st.text_area("Wording approved for publication (remove names of private individuals)", value=n["text"], key=f"w_{n['note_id']}")
                by = st.text_input("Approved by (a role or organisation, not a person's name)", key=f"b_{n['note_id']}")
                on = st.date_input("Approved on", value=dt.date.today(), key=f"o_{n['note_id']}")
                if st.form_submit_button("Approve for publication"):
                    saved(ui.edit(edits.approve_note, n["note_id"], wording, by, on))
