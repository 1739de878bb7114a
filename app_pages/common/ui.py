"""What every page shares: the database connection, cached queries keyed on
the data version, the mode banners and the status badges.

Pages stay thin: they call these helpers (which call metrics/) and draw.
"""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd
import streamlit as st

from metrics import store
from metrics.contract import demo
from metrics.read import readmodel, views
from metrics.vocab import status_text

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
PAGE_REFUSED = "app_pages/common/refused.py"
LOOPBACK = ("localhost", "127.0.0.1", "::1")
# Every address of an internal page (app.py), for the refusal page to answer at.
INTERNAL_URL_PATHS = (
    "overview", "partnership", "neighbourhood", "goal", "board-review", "actions", "trustees", "lived-experience",
    "import", "goals-editor", "notes", "access", "audit", "methods", "sign-in", "no-access", "progress",
)
PAGE_PUBLIC = "app_pages/public/progress.py"
# Page scripts live in app_pages/, not pages/: a pages/ folder beside app.py
# puts Streamlit in its older pages-folder mode, where pages/*.py are routable
# by URL without app.py (and its public/internal split) and a first deep link
# after a restart opens under a "Page not found" dialog.


def mode() -> str:
    """'public' when OUTCOMES_MODE=public (public pages only), else 'internal'."""
    return "public" if os.environ.get("OUTCOMES_MODE", "").strip().lower() == "public" else "internal"


def signin_config():
    """The sign-in configuration in the secrets files Streamlit reads
    (metrics.signin: local, oidc or broken), read on every run so that a
    changed file takes effect as Streamlit's own reading of it does."""
    from streamlit import config as st_config

    from metrics import signin

    paths = st_config.get_option("secrets.files") or []
    named = bool(os.environ.get("STREAMLIT_SECRETS_FILES")) or st_config.get_where_defined("secrets.files") != "<default>"
    config = signin.read_config(paths, named)
    if config.mode == "broken":
        _log_once("sign-in configuration", "\n".join(config.problems))
    return config


_LOGGED: set[str] = set()


def _log_once(what: str, text: str) -> None:
    """Tell the operator in the server's log (once per process and message)."""
    import sys

    if text not in _LOGGED:
        _LOGGED.add(text)
        print(f"outcomes: the {what} is broken, so the app serves no internal page:\n{text}", file=sys.stderr, flush=True)


def auth_configured() -> bool:
    """True when Streamlit secrets hold a valid [auth] section (OIDC sign-in)."""
    return signin_config().mode == "oidc"


def local_mode_allowed() -> bool:
    """Local mode (no sign-in) only on a loopback address, unless OUTCOMES_ALLOW_NETWORK=1."""
    address = (st.get_option("server.address") or "").strip()
    return address in LOOPBACK or os.environ.get("OUTCOMES_ALLOW_NETWORK") == "1"


def host_allowed() -> bool:
    """In local mode, serve only requests addressed to this computer by name
    (Host: localhost, 127.0.0.1 or [::1]), so that a web page elsewhere whose
    name resolves to 127.0.0.1 (DNS rebinding) cannot read the app. Names in
    OUTCOMES_ALLOWED_HOSTS (comma separated) are served too, for an operator
    who shares local mode on purpose (OUTCOMES_ALLOW_NETWORK=1)."""
    from metrics.signin import host_name, is_loopback_host

    headers = st.context.headers
    if not headers:
        return True  # no web request at all (a script run by AppTest): nothing to rebind
    host = headers.get("Host")
    extra = {h.strip().lower() for h in os.environ.get("OUTCOMES_ALLOWED_HOSTS", "").split(",") if h.strip()}
    return is_loopback_host(host) or (bool(extra) and host_name(host) in extra)


def silence_server_metrics() -> bool:
    """Empty Streamlit's /_stcore/metrics endpoint, which lists the app's
    cache functions and session counts to anyone who asks. Streamlit 1.67 has
    no option to turn it off, so its stats providers are removed from the
    runtime (once per process). Returns False when that could not be done."""
    global _METRICS_SILENCED
    if _METRICS_SILENCED:
        return True
    try:
        from streamlit.runtime import Runtime

        Runtime.instance().stats_mgr._providers_by_family.clear()
    except Exception as exc:  # a Streamlit upgrade moved it: say so, the caller fails closed where it must
        _log_once("metrics silencing", f"Streamlit's /_stcore/metrics could not be emptied ({exc!r}).")
        return False
    _METRICS_SILENCED = True
    return True


_METRICS_SILENCED = False


def refusal() -> tuple[str, str] | None:
    """Why this app serves no internal page to this request (a title and what
    to do), or None. Public mode needs no sign-in and is never refused here."""
    if mode() == "public":
        return None
    config = signin_config()
    if config.mode == "broken":
        return (
            "Sign-in is misconfigured",
            "This app stopped rather than open its internal pages without sign-in. For whoever runs it: "
            + " ".join(config.problems) + " The same is in the server's log.",
        )
    if config.mode == "local" and not local_mode_allowed():
        return (
            "Not started",
            f"This app has no sign-in configured (local mode), but it is serving the network address "
            f"{st.get_option('server.address') or 'every interface'}, where anyone could reach children's data. "
            "Either serve it on this computer only (--server.address localhost, as make run does), configure sign-in "
            "(README, 'Sign-in'), or, if you really mean to share it without sign-in, set OUTCOMES_ALLOW_NETWORK=1 "
            "and list the host names in OUTCOMES_ALLOWED_HOSTS.",
        )
    if config.mode == "local" and not host_allowed():
        return (
            "Not served at this address",
            f"Without sign-in (local mode) this app answers only at localhost, 127.0.0.1 or [::1], not at "
            f"{st.context.headers.get('Host') or 'an address with no name'}: a page elsewhere could otherwise read it "
            "through your browser. Open http://localhost:PORT/ instead, or configure sign-in (README, 'Sign-in').",
        )
    reason = identity_refusal()
    if reason:
        return ("This account cannot be used here", reason + " Sign out and sign in with your organisation's account.")
    return None


def claims() -> dict:
    """The signed-in person's ID token claims (empty when signed out)."""
    return dict(st.user) if st.user.is_logged_in else {}


def identity() -> str | None:
    """Who is here: the signed-in email (lower case) when it can be trusted
    (metrics.signin.accept_identity), 'local' in local mode, else None."""
    from metrics.signin import accept_identity

    config = signin_config()
    if config.mode == "local":
        return "local"
    if config.mode != "oidc" or not st.user.is_logged_in:
        return None
    return accept_identity(claims(), config).email


def identity_refusal() -> str | None:
    """Why a signed-in person's identity is not accepted, or None."""
    from metrics.signin import accept_identity

    config = signin_config()
    if config.mode != "oidc" or not st.user.is_logged_in:
        return None
    return accept_identity(claims(), config).refusal


def perms():
    """The current user's permissions, read from the access list on every run (server side)."""
    from metrics import access

    who = identity()
    if who == "local":
        return access.LOCAL
    if who is None:
        return access.NOBODY
    return access.permissions(con(), who)


def require(need: str = "viewer", partnership: str | None = None) -> None:
    """Stop the page unless the user holds `need` (in `partnership`, in every
    partnership for '*', or somewhere when None)."""
    from metrics.access import EVERY

    p = perms()
    allowed = p.can_somewhere(need) if partnership is None else p.can(need, partnership)
    if not allowed:
        where = " for every partnership" if partnership == EVERY else (f" for {partnership}" if partnership else "")
        st.error(f"You need {need} rights{where} to use this page. Ask your partnership's admin.")
        st.stop()


@st.cache_resource(show_spinner=False)
def _connection(path: str):
    """One connection per process (DuckDB allows one writing process per file);
    each rerun works on its own cursor."""
    from metrics.outputs.publish import keep_public_snapshot

    con = store.connect(path)
    keep_public_snapshot(con, path)  # so `python -m metrics publish` works while the app holds the file
    return con


def edit(fn, *args, **kwargs):
    """Make a change through metrics.edits (or the importer) as the signed-in
    person: `fn(con, perms, *args, actor=...)`. Permission is decided there,
    against the stored rows; a refusal is shown as a message and stops the
    page. Writes queue on the store's one write path (metrics.store.db)."""
    from metrics.access import PermissionDenied

    try:
        return fn(con(), perms(), *args, actor=actor(), **kwargs)
    except PermissionDenied as exc:
        st.error(text(str(exc)))
        st.stop()


def text(value: object) -> str:
    """A user's text, escaped for Streamlit's Markdown (metrics.outputs.plaintext)."""
    from metrics.outputs.plaintext import markdown_literal

    return markdown_literal(value)


def quote(value: object) -> None:
    """A note, shown as a block quote of literal text."""
    from metrics.outputs.plaintext import markdown_quote

    st.markdown(markdown_quote(value))


def show_problems(problems) -> None:
    from metrics.contract.problems import summarise_problems

    st.error(f"Nothing was saved: {len(problems)} problem{'s' if len(problems) != 1 else ''} to fix.")
    st.markdown("\n".join(f"- {text(line)}" for line in summarise_problems(problems)))


def actor() -> str:
    """Who is writing, for the audit trail: the signed-in identity, or 'local'."""
    return identity() or "unknown"


def con():
    return _connection(str(store.resolve_db_path())).cursor()


def data_version() -> int:
    return store.data_version(con())


@st.cache_resource(show_spinner=False, max_entries=32)
def _goal_results(version: int, partnership: str | None = None, goal_ids: tuple[str, ...] | None = None) -> list[readmodel.GoalResult]:
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
    return [r for r in _goal_results(version, partnership, goal_ids) if p.can("viewer", r.goal.partnership_id)]


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


def frame(title: str, internal: bool = True, need: str = "viewer") -> int:
    """Page heading plus the banners every page owes its reader; returns the data version.

    Internal pages check the mode and the user's role here, on the server,
    whatever the navigation showed (defence in depth: app.py registers no page
    the user may not open)."""
    if internal and mode() == "public":
        st.error("This page is not part of the public site.")
        st.stop()
    if internal:
        config = signin_config()
        if config.mode == "broken" or (config.mode == "local" and not (local_mode_allowed() and host_allowed())):
            st.error("This app is not serving internal pages: its sign-in configuration or address is not safe. See the server's log.")
            st.stop()
        if identity() is None:
            st.error("Please sign in to see this page.")
            st.stop()
        require(need)
    if mode() != "public":  # the public pages use none of the dashboard's blocks
        from app_pages.common.html import page_head

        st.html(page_head(), unsafe_allow_javascript=True)  # our own constant script (html.NAV_FIX), no user data
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
    return readmodel.benchmark_series(con(), _goal_results(version, goal_ids=goal_ids))


def benchmark_lines(version: int, results: list[readmodel.GoalResult]) -> dict[str, list[readmodel.BenchmarkLine]]:
    """Each goal's benchmark lines (readmodel.benchmark_series: England, then
    its local area), for goals already limited to what the user may read."""
    return _benchmark_lines(version, tuple(sorted(r.goal.goal_id for r in results)))


@st.cache_data(show_spinner=False, max_entries=512)
def _last_review(version: int, partnership_id: str, today: dt.date) -> dt.date | None:
    p = next(x for x in _partnerships(version) if x.partnership_id == partnership_id)
    return (views.review_dates(con(), p, today) or [None])[-1]


def last_review(version: int, partnership: views.Partnership) -> dt.date | None:
    """The date of the partnership's last board review up to today."""
    return _last_review(version, partnership.partnership_id, dt.date.today())


def html(template: str, **context) -> None:
    """Draw a block of the dashboard's server-side HTML (app_pages/common/html.py)."""
    from app_pages.common.html import render

    st.html(render(template, **context))


def download_csv(df: pd.DataFrame, label: str, file_name: str, key: str) -> None:
    from metrics.contract.csvsafe import frame_csv_bytes  # no cell a spreadsheet would run as a formula

    st.download_button(label, frame_csv_bytes(df), file_name=file_name, mime="text/csv", key=key)
