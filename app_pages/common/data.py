"""What pages read, cached on the data version and limited to what the
signed-in user may read, and the one way pages make a change (`edit`).
Every figure comes from metrics/ (the read model); nothing is computed here."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages.common.connection import con
from app_pages.common.session import actor, perms
from metrics.contract import demo
from metrics.read import readmodel, views


def edit(fn, *args, **kwargs):
    """Make a change through metrics.edits (or the importer) as the signed-in
    person: `fn(con, perms, *args, actor=...)`. Permission is decided there,
    against the stored rows; a refusal is shown as a message and stops the
    page. Writes queue on the store's one write path (metrics.store.db)."""
    from metrics.access import PermissionDenied
    from metrics.outputs.plaintext import markdown_literal

    try:
        return fn(con(), perms(), *args, actor=actor(), **kwargs)
    except PermissionDenied as exc:
        st.error(markdown_literal(str(exc)))
        st.stop()



@st.cache_resource(show_spinner=False, max_entries=32)
def _goal_results(version: int, partnership: str | None = None, goal_ids: tuple[str, ...] | None = None, today: dt.date | None = None) -> list[readmodel.GoalResult]:
    # `today` keys the cache: how old a latest figure is changes with the day, not only with the data.
    return readmodel.goal_results(con(), partnership=partnership, goal_ids=list(goal_ids) if goal_ids else None)



@st.cache_data(show_spinner=False)
def _goal_list(version: int) -> list[readmodel.Goal]:
    return readmodel.goals(con())



def goal_list(version: int, partnership: str | None = None) -> list[readmodel.Goal]:
    """The goals (their promises, not their judgements) this user may read: cheap, for choosing one."""
    p = perms()
    return [g for g in _goal_list(version) if p.can("viewer", g.partnership_id) and (partnership is None or g.partnership_id == partnership)]



def goal_results(version: int, partnership: str | None = None, goal_ids: tuple[str, ...] | None = None) -> list[readmodel.GoalResult]:
    """Goals of the partnerships this user may read, judged.

    Cached as a shared resource, not with st.cache_data: at national scale the
    results of every goal are tens of megabytes, and cache_data would pickle a
    copy on every call. They are never changed in place; a new data version
    computes new ones."""
    p = perms()
    return [r for r in _goal_results(version, partnership, goal_ids, dt.date.today()) if p.can("viewer", r.goal.partnership_id)]



@st.cache_resource(show_spinner=False, max_entries=32)
def _partnership_page(version: int, partnership_id: str, today: dt.date):
    # A shared resource like _goal_results (never changed in place); `today` keys it for the same reason.
    from metrics.read.pages import partnership_page as read

    chosen = next((p for p in _partnerships(version) if p.partnership_id == partnership_id), None)
    return read(con(), chosen) if chosen else None



def partnership_page(version: int, partnership_id: str):
    """Everything the partnership page draws (metrics.read.pages); None
    unless the partnership exists and this user may read it."""
    if not perms().can("viewer", partnership_id):
        return None
    return _partnership_page(version, partnership_id, dt.date.today())



@st.cache_data(show_spinner=False)
def _partnerships(version: int) -> list[views.Partnership]:
    return views.partnerships(con())



def partnerships(version: int) -> list[views.Partnership]:
    """The partnerships this user may read (all of them in local mode)."""
    p = perms()
    return [x for x in _partnerships(version) if p.can("viewer", x.partnership_id)]



@st.cache_data(show_spinner=False)
def _places(version: int) -> dict[str, dict]:
    return views.places(con())



def places(version: int) -> dict[str, dict]:
    """The places this user may read: the neighbourhoods of their
    partnerships and every benchmark place (metrics.access.readable_places)."""
    from metrics.access import readable_places

    return readable_places(perms(), _places(version), _partnerships(version))



@st.cache_data(show_spinner=False)
def measures(version: int) -> dict[str, readmodel.Measure]:
    return readmodel.measures(con())



@st.cache_data(show_spinner=False, max_entries=256)
def _place_series(version: int, place_ids: tuple[str, ...], measure_id: str, unit: str):
    return views.place_series(con(), list(place_ids), measure_id, unit)



def place_series(version: int, place_ids: tuple[str, ...], measure_id: str, unit: str):
    """Each place's series of one measure, for the places this user may read."""
    readable = places(version)
    return _place_series(version, tuple(p for p in place_ids if p in readable), measure_id, unit)



@st.cache_data(show_spinner=False, max_entries=64)
def _place_series_by_measure(version: int, place_ids: tuple[str, ...]):
    return views.place_series_by_measure(con(), list(place_ids), {k: m.unit for k, m in measures(version).items()})



def place_series_by_measure(version: int, place_ids: tuple[str, ...]):
    """Every measure's series for these places, limited to those this user may read."""
    readable = places(version)
    return _place_series_by_measure(version, tuple(p for p in place_ids if p in readable))



@st.cache_data(show_spinner=False)
def public_site(version: int):
    """The public view, through the one gate (metrics.outputs.public): public mode reads nothing else."""
    from metrics.outputs.public import public_site as gate

    return gate(con())



def is_demo() -> bool:
    return demo.is_demo(con())



@st.cache_data(show_spinner=False, max_entries=64)
def _new_data(version: int, goal_ids: tuple[str, ...], today: dt.date) -> dict[str, bool | None]:
    from metrics.read.reviews import new_data_flags

    wanted = set(goal_ids)
    return new_data_flags(con(), [g for g in _goal_list(version) if g.goal_id in wanted], _partnerships(version), today)



def new_data(version: int, results: list[readmodel.GoalResult]) -> dict[str, bool | None]:
    """Whether new data arrived since each goal's last review (metrics.read.reviews.new_data_flags,
    the board pack's rule), for goals already limited to what the user may read."""
    return _new_data(version, tuple(sorted(r.goal.goal_id for r in results)), dt.date.today())



@st.cache_data(show_spinner=False, max_entries=256)
def _benchmark_lines(version: int, goal_ids: tuple[str, ...]) -> dict[str, list[readmodel.BenchmarkLine]]:
    return readmodel.benchmark_series(con(), _goal_results(version, goal_ids=goal_ids, today=dt.date.today()))



def benchmark_lines(version: int, results: list[readmodel.GoalResult]) -> dict[str, list[readmodel.BenchmarkLine]]:
    """Each goal's benchmark lines (readmodel.benchmark_series: England, then
    its local area), for goals already limited to what the user may read."""
    return _benchmark_lines(version, tuple(sorted(r.goal.goal_id for r in results)))


@st.cache_data(show_spinner=False, max_entries=512)
def _last_review(version: int, partnership_id: str, today: dt.date) -> dt.date | None:
    from metrics.read.reviews import reviews_held

    return (reviews_held(con(), [partnership_id], today)[partnership_id] or [None])[-1]


def last_review(version: int, partnership: views.Partnership) -> dt.date | None:
    """The date of the last board review the partnership held, up to today (metrics.read.reviews.reviews_held)."""
    return _last_review(version, partnership.partnership_id, dt.date.today())


@st.cache_data(show_spinner=False, max_entries=64)
def _board_health(version: int, partnership_ids: tuple[str, ...], today: dt.date):
    from metrics.read.health import board_health

    return board_health(con(), [p for p in _partnerships(version) if p.partnership_id in partnership_ids], today)


def board_health(version: int, partnerships: list[views.Partnership]):
    """Whether each partnership's board is still meeting by its cadence
    (metrics.read.health), for the partnerships given that the user may read."""
    p = perms()
    ids = tuple(sorted(x.partnership_id for x in partnerships if p.can("viewer", x.partnership_id)))
    return _board_health(version, ids, dt.date.today())


@st.cache_data(show_spinner=False, max_entries=16)
def measure_breaks(version: int) -> dict[str, list]:
    """Every measure's series breaks (shared by every partnership, as public as the measures)."""
    return readmodel.measure_breaks(con(), sorted(measures(version)))
