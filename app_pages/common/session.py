"""Who is here and what this request may see: the mode (public or internal),
the sign-in configuration and the identity (metrics.signin decides), the
user's permissions (metrics.access decides), and the refusals that keep the
app closed when sign-in or the address is not safe."""

from __future__ import annotations

import os

import streamlit as st

from app_pages.common.connection import con

LOOPBACK = ("localhost", "127.0.0.1", "::1")



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
    refused = identity_refused()
    if refused is not None and refused.expired:
        return ("Your sign-in has expired", refused.refusal)
    if refused is not None:
        return ("This account cannot be used here", refused.refusal + " Sign out and sign in with your organisation's account.")
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



def identity_refused():
    """The metrics.signin.Identity of a signed-in person who is refused
    (with why, and whether signing in again would do), or None."""
    from metrics.signin import accept_identity

    config = signin_config()
    if config.mode != "oidc" or not st.user.is_logged_in:
        return None
    found = accept_identity(claims(), config)
    return found if found.email is None else None



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



def actor() -> str:
    """Who is writing, for the audit trail: the signed-in identity, or 'local'."""
    return identity() or "unknown"
