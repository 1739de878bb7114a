"""What every page shares: the database connection, cached queries keyed on
the data version, the mode banners and the status badges.

Pages stay thin: they call these helpers (which call metrics/) and draw.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st

from metrics import demo, queries, store, views
from metrics.vocab import (
    ASSURANCE_ICONS,
    ASSURANCE_LABELS,
    BENCHMARK_LABELS,
    STATUS_LABELS,
    VARIATION_ICONS,
    VARIATION_LABELS,
    status_text,
)

PAGE_OVERVIEW = "app_pages/internal/overview.py"
PAGE_PARTNERSHIP = "app_pages/internal/partnership.py"
PAGE_NEIGHBOURHOOD = "app_pages/internal/neighbourhood.py"
PAGE_GOAL = "app_pages/internal/goal.py"
PAGE_NOTES = "app_pages/internal/lived_experience.py"
PAGE_IMPORT = "app_pages/internal/data_import.py"
PAGE_GOALS_EDITOR = "app_pages/internal/goals_editor.py"
PAGE_NOTES_EDITOR = "app_pages/internal/notes_editor.py"
PAGE_BOARD_REVIEW = "app_pages/internal/board_review.py"
PAGE_ACTIONS = "app_pages/internal/actions.py"
PAGE_TRUSTEES = "app_pages/internal/trustees.py"
PAGE_METHODS = "app_pages/common/methods.py"
PAGE_ACCESS = "app_pages/internal/access_admin.py"
PAGE_AUDIT = "app_pages/internal/audit.py"
PAGE_PUBLISH = "app_pages/internal/publish_admin.py"
PAGE_SIGN_IN = "app_pages/common/sign_in.py"
PAGE_NO_ACCESS = "app_pages/common/no_access.py"
PAGE_LOCAL_REFUSED = "app_pages/common/local_refused.py"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
PAGE_PUBLIC = "app_pages/public/progress.py"
# Page scripts live in app_pages/, not pages/: a pages/ folder beside app.py
# puts Streamlit in its older pages-folder mode, where pages/*.py are routable
# by URL without app.py (and its public/internal split) and a first deep link
# after a restart opens under a "Page not found" dialog.


def mode() -> str:
    """'public' when OUTCOMES_MODE=public (public pages only), else 'internal'."""
    return "public" if os.environ.get("OUTCOMES_MODE", "").strip().lower() == "public" else "internal"


def auth_configured() -> bool:
    """True when Streamlit secrets hold an [auth] section (OIDC sign-in)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def local_mode_allowed() -> bool:
    """Local mode (no sign-in) only on a loopback address, unless OUTCOMES_ALLOW_NETWORK=1."""
    address = (st.get_option("server.address") or "").strip()
    return address in LOOPBACK or os.environ.get("OUTCOMES_ALLOW_NETWORK") == "1"


def identity() -> str | None:
    """Who is here: the signed-in email (lower case), 'local' without sign-in, None when signed out."""
    if not auth_configured():
        return "local"
    if not st.user.is_logged_in:
        return None
    return str(st.user.get("email") or st.user.get("preferred_username") or "").lower() or None


def perms():
    """The current user's permissions, read from the access list on every run (server side)."""
    from metrics import access

    who = identity()
    if who == "local":
        return access.LOCAL
    if who is None:
        return access.Permissions("", {}, frozenset())
    return access.permissions(con(), who)


def require(need: str = "viewer", partnership: str | None = None) -> None:
    """Stop the page unless the user holds `need` (in `partnership`, or somewhere)."""
    from metrics.access import EVERY

    p = perms()
    if partnership == EVERY:
        allowed = p.can(need)  # rights over every partnership
    elif partnership:
        allowed = p.can(need, partnership)
    else:
        allowed = p.can_somewhere(need)
    if not allowed:
        where = " for every partnership" if partnership == EVERY else (f" for {partnership}" if partnership else "")
        st.error(f"You need {need} rights{where} to use this page. Ask your partnership's admin.")
        st.stop()


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    """One connection per process (DuckDB allows one writing process per file);
    each rerun works on its own cursor."""
    from metrics.publish import keep_public_snapshot

    con = store.connect(path)
    keep_public_snapshot(con, path)  # so `python -m metrics publish` works while the app holds the file
    return con


@st.cache_resource(show_spinner=False)
def write_lock():
    """Writes from every session of this process go through one lock: DuckDB
    takes one writer at a time, and a second would otherwise see a conflict."""
    import threading

    return threading.Lock()


def write(fn, *args, need: str = "steward", partnership: str | None = None, **kwargs):
    """Run a write (an import or an edit) under the process-wide lock, after
    checking on the server that the user may make it."""
    require(need, partnership)
    with write_lock():
        return fn(con(), *args, **kwargs)


def show_problems(problems) -> None:
    from metrics.problems import summarise_problems

    st.error(f"Nothing was saved: {len(problems)} problem{'s' if len(problems) != 1 else ''} to fix.")
    st.markdown("\n".join(f"- {line}" for line in summarise_problems(problems)))


def actor() -> str:
    """Who is writing, for the audit trail: the signed-in identity, or 'local'."""
    return identity() or "unknown"


def con():
    return _connection(str(store.resolve_db_path())).cursor()


def data_version() -> int:
    return store.data_version(con())


@st.cache_resource(show_spinner=False, max_entries=32)
def _goal_results(version: int, partnership: str | None = None, goal_ids: tuple[str, ...] | None = None) -> list[queries.GoalResult]:
    return queries.goal_results(con(), partnership=partnership, goal_ids=list(goal_ids) if goal_ids else None)


@st.cache_data(show_spinner=False)
def _goal_list(version: int) -> list[queries.Goal]:
    return queries.goals(con())


def goal_list(version: int, partnership: str | None = None) -> list[queries.Goal]:
    """The goals (their promises, not their judgements) this user may read: cheap, for choosing one."""
    p = perms()
    return [g for g in _goal_list(version) if p.can("viewer", g.partnership_id) and (partnership is None or g.partnership_id == partnership)]


def goal_results(version: int, partnership: str | None = None, goal_ids: tuple[str, ...] | None = None) -> list[queries.GoalResult]:
    """Goals of the partnerships this user may read, judged.

    Cached as a shared resource, not with st.cache_data: at national scale the
    results of every goal are tens of megabytes, and cache_data would pickle a
    copy on every call. They are never changed in place; a new data version
    computes new ones."""
    p = perms()
    return [r for r in _goal_results(version, partnership, goal_ids) if p.can("viewer", r.goal.partnership_id)]


@st.cache_data(show_spinner=False)
def _partnerships(version: int) -> list[views.Partnership]:
    return views.partnerships(con())


def partnerships(version: int) -> list[views.Partnership]:
    """The partnerships this user may read (all of them in local mode)."""
    p = perms()
    return [x for x in _partnerships(version) if p.can("viewer", x.partnership_id)]


@st.cache_data(show_spinner=False)
def places(version: int) -> dict[str, dict]:
    return views.places(con())


@st.cache_data(show_spinner=False)
def measures(version: int) -> dict[str, queries.Measure]:
    return queries.measures(con())


@st.cache_data(show_spinner=False, max_entries=256)
def place_series(version: int, place_ids: tuple[str, ...], measure_id: str, unit: str):
    return views.place_series(con(), list(place_ids), measure_id, unit)


@st.cache_data(show_spinner=False, max_entries=64)
def place_series_by_measure(version: int, place_ids: tuple[str, ...]):
    return views.place_series_by_measure(con(), list(place_ids), {k: m.unit for k, m in measures(version).items()})


@st.cache_data(show_spinner=False)
def public_site(version: int):
    """The public view, through the one gate (metrics.public): public mode reads nothing else."""
    from metrics.public import public_site as gate

    return gate(con())


def is_demo() -> bool:
    return demo.is_demo(con())


def frame(title: str, internal: bool = True, need: str = "viewer") -> int:
    """Page heading plus the banners every page owes its reader; returns the data version.

    Internal pages check the mode and the user's role here, on the server,
    whatever the navigation showed (defence in depth: app.py registers no page
    the user may not open)."""
    if internal and mode() == "public":
        st.error("This page is not part of the public site.")
        st.stop()
    if internal:
        if identity() is None:
            st.error("Please sign in to see this page.")
            st.stop()
        require(need)
    st.title(title)
    if is_demo():
        st.info(
            "**Illustrative demo data.** Northvale and every place, partnership, person and local figure "
            "here are fictional; only the England benchmarks follow DfE's published national rates.",
            icon=":material/science:",
        )
    if internal and not auth_configured():
        st.caption(
            "**Local mode:** no sign-in is configured, so anyone who can open this address sees every internal page. "
            "Use it on your own computer; see README, 'Sign-in', before sharing it."
        )
    return data_version()


def empty_database_message() -> None:
    st.warning(
        "The database is empty. Import your partnership's files on the **Data → Import** page, or from a terminal: "
        "`python -m metrics import places.csv measures.csv partnerships.csv goals.csv observations.csv`. "
        "Blank templates are in `data/templates/`. To explore first, start with the demo data: `python -m metrics init --demo --db demo.duckdb`."
    )


def choose(label: str, options: dict[str, str], param: str, key: str | None = None) -> str | None:
    """A selectbox whose choice lives in the URL (?param=id), so every view can be linked to."""
    if not options:
        return None
    ids = list(options)
    wanted = st.query_params.get(param)
    index = ids.index(wanted) if wanted in ids else 0
    chosen = st.selectbox(label, ids, index=index, format_func=lambda i: options[i], key=key or f"choose_{param}")
    if st.query_params.get(param) != chosen:
        st.query_params[param] = chosen
    return chosen


def partnerships_or_stop(version: int) -> list[views.Partnership]:
    """The readable partnerships; on an empty database, says how to import and stops the page."""
    parts = partnerships(version)
    if not parts:
        empty_database_message()
        st.stop()
    return parts


def choose_partnership(version: int) -> views.Partnership:
    """The partnership the page is about (from ?partnership=, among those the
    user may read); on an empty database, says how to import and stops."""
    parts = partnerships_or_stop(version)
    chosen = choose("Partnership", {p.partnership_id: p.name for p in parts}, "partnership")
    return next(p for p in parts if p.partnership_id == chosen)


def status_badge(code: str) -> None:
    colour = {
        "met": "green", "on_track": "green", "needs_acceleration": "orange", "limited_progress": "orange",
        "worsening": "red", "missed": "red", "too_uncertain": "gray", "awaiting_data": "gray",
    }[code]
    st.badge(status_text(code), color=colour)


def variation_text(code: str | None) -> str:
    if code is None:
        return "– Fewer than 15 points"
    return f"{VARIATION_ICONS[code]} {VARIATION_LABELS[code]}"


def assurance_text(code: str | None) -> str:
    if code is None:
        return "– Not assessed"
    return f"{ASSURANCE_ICONS[code]} {ASSURANCE_LABELS[code]}"


def benchmark_text(code: str | None) -> str:
    return BENCHMARK_LABELS.get(code or "not_compared", "Not compared")


def month(d: dt.date | None) -> str:
    return d.strftime("%b %Y") if d else "–"


def goal_summary_frame(results: list[queries.GoalResult], place_names: dict[str, dict], since: dict[str, dt.date | None] | None = None) -> pd.DataFrame:
    """The Making Data Count style summary table: one row per goal, every icon with its words."""
    from metrics.explain import format_value

    rows = []
    for r in results:
        g, a, unit = r.goal, r.assessment, r.measure.unit
        scope = "Whole partnership" if g.partnership_wide else place_names.get(g.scope, {}).get("name", g.scope)
        last = max((p.period_end for p in r.series if p.value is not None), default=None)
        row = {
            "Goal": f"goal?goal={g.goal_id}",
            "Status": status_text(a.status),
            "Where": scope,
            "Measure": r.measure.name,
            "Latest": f"{format_value(a.latest_value, unit)} ({month(a.latest_period_end)})" if a.latest_value is not None else "–",
            "Target": f"{format_value(g.target_value, unit)} by {month(g.target_date)}",
            "Variation": variation_text(a.variation),
            "Assurance": assurance_text(a.assurance),
            "vs England": benchmark_text(a.vs_nation),
            "Last data": month(last),
            "Visibility": g.visibility,
        }
        if since is not None:
            review = since.get(g.partnership_id)
            row["New data since last review"] = "–" if review is None else ("yes" if _has_new_data(r, review) else "⚠ no new data")
        row["Promise"] = g.statement
        rows.append(row)
    return pd.DataFrame(rows)


def _has_new_data(result: queries.GoalResult, review: dt.date) -> bool:
    from metrics.reviews import scope_places

    partnership = next(p for p in partnerships(data_version()) if p.partnership_id == result.goal.partnership_id)
    recorded = views.last_recorded(con(), result.goal.measure_id, scope_places(result.goal, partnership))
    return recorded is not None and recorded.date() > review


SUMMARY_COLUMNS = {
    "Goal": st.column_config.LinkColumn("Goal", display_text=r"goal=(.*)$", help="Open the goal's page"),
    "Promise": st.column_config.TextColumn("Promise", width="large"),
}


def download_csv(df: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    st.download_button(label, df.to_csv(index=False).encode("utf-8"), file_name=file_name, mime="text/csv", key=key)
