"""Sign-in configuration and identities, decided without Streamlit so that
every rule can be tested and runs the same in every process.

The app runs in one of three states (README, "Sign-in" and "Security"):
- local: no secrets file holds an `[auth]` section (one person on their own
  computer; only loopback Host names are served);
- oidc: a valid `[auth]` section (OpenID Connect through `st.login`);
- broken: anything else that shows an intent to sign in but cannot work: a
  secrets file that is named but missing, unreadable or not TOML, an `[auth]`
  section without its keys, a weak cookie secret. A broken configuration
  stops the app with a message; it never falls back to local mode, which
  would open every internal page to whoever reaches the address.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import tomllib

# Streamlit's own keys for the default provider, and for each named one.
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
# A cookie secret signs the session cookie: anyone who can guess it can sign
# in as anyone. 32 characters is what `secrets.token_hex(16)` gives, and
# README's recipe (token_hex(32)) gives 64.
MIN_COOKIE_SECRET = 32
OUR_SECTION = "sign_in"  # [sign_in] allowed_email_domains, allowed_issuers, max_age_hours
# Streamlit's session cookie lives 30 days, whatever the identity provider
# later decides (an account disabled, a password changed). A sign-in is
# trusted for this long after the provider issued its ID token, then the
# person signs in again; [sign_in] max_age_hours sets it (README, "Sign-in").
DEFAULT_MAX_AGE_HOURS = 12.0
LONGEST_MAX_AGE_HOURS = 30 * 24.0
CLOCK_SKEW_SECONDS = 300  # a token "issued" this far in the future is still believed
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SignInConfig:
    mode: str  # "local" | "oidc" | "broken"
    problems: tuple[str, ...] = ()
    allowed_domains: frozenset[str] = frozenset()
    allowed_issuers: frozenset[str] = frozenset()
    files: tuple[str, ...] = ()
    max_age_hours: float = DEFAULT_MAX_AGE_HOURS


def read_config(paths: Iterable[str | os.PathLike[str]], named: bool) -> SignInConfig:
    """The sign-in configuration in Streamlit's secrets files, as Streamlit
    reads them (later files override earlier ones, key by key at the top).

    `named` is True when the files were named by the operator (the
    STREAMLIT_SECRETS_FILES variable, or `secrets.files` set anywhere but its
    default): a named file that does not exist is then a mistake, not an
    absence. Every problem is a sentence saying what is wrong, where, and how
    to fix it."""
    paths = [str(p) for p in paths]
    problems: list[str] = []
    merged: dict = {}
    for path in paths:
        data, problem = _read_secrets(path, named)
        if problem:
            problems.append(problem)
        merged.update(data)
    where = " or ".join(paths) or "the secrets file"
    for key in merged:
        if key != "auth" and key.strip().lower() in ("auth", "oidc", "login"):
            problems.append(f'{where} has a section [{key}]; Streamlit reads sign-in only from a section named exactly [auth]. Rename it to [auth].')
    auth = merged.get("auth")
    ours = merged.get(OUR_SECTION)
    domains: frozenset[str] = frozenset()
    issuers: frozenset[str] = frozenset()
    max_age = DEFAULT_MAX_AGE_HOURS
    if ours is not None:
        domains, issuers, max_age, more = _our_section(ours, where)
        problems += more
        if auth is None:
            problems.append(f"{where} has a [{OUR_SECTION}] section but no [auth] section, so nobody could sign in. Add the [auth] section (README, 'Sign-in').")
    if auth is not None:
        problems += _auth_problems(auth, where)
    if problems:
        return SignInConfig("broken", tuple(problems), domains, issuers, tuple(paths), max_age)
    return SignInConfig("oidc" if auth is not None else "local", (), domains, issuers, tuple(paths), max_age)


def _read_secrets(path: str, named: bool) -> tuple[dict, str | None]:
    p = Path(path)
    if p.is_dir():
        auth_dir = p / "auth"
        if not auth_dir.is_dir():
            return {}, None
        try:
            return {"auth": {f.name: f.read_text(encoding="utf-8").strip() for f in auth_dir.iterdir() if f.is_file()}}, None
        except (OSError, UnicodeDecodeError) as exc:
            return {}, f"The secrets folder {auth_dir} cannot be read ({exc.__class__.__name__}). Check its permissions."
    if not p.exists():
        if named:
            return {}, (
                f"The secrets file {path}, named by STREAMLIT_SECRETS_FILES (Streamlit's secrets.files), does not exist. "
                "Create it with the [auth] section (README, 'Sign-in'), or correct the path."
            )
        return {}, None
    if p.suffix != ".toml":
        return {}, f"The secrets path {path} is neither a .toml file nor a folder. Name a secrets.toml file."
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return {}, f"The secrets file {path} cannot be read ({exc.__class__.__name__}: {getattr(exc, 'strerror', None) or exc}). Check its permissions and that it is UTF-8 text."
    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        return {}, f"The secrets file {path} is not valid TOML ({exc}). Fix that line; README, 'Sign-in', has a sample."


def _auth_problems(auth: object, where: str) -> list[str]:
    if not isinstance(auth, Mapping):
        return [f"In {where}, auth is a value, not a section. Write it as a [auth] table (README, 'Sign-in')."]
    out = []
    for key in ("redirect_uri", "cookie_secret"):
        value = auth.get(key)
        if not isinstance(value, str) or not value.strip():
            out.append(f"The [auth] section in {where} has no {key}. Add it (README, 'Sign-in', step 2).")
    secret = auth.get("cookie_secret")
    if isinstance(secret, str) and secret.strip() and len(secret) < MIN_COOKIE_SECRET:
        out.append(
            f"The cookie_secret in the [auth] section of {where} has {len(secret)} characters; it needs at least {MIN_COOKIE_SECRET} "
            "(anyone who guesses it can sign in as anyone). Make one with: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    redirect = auth.get("redirect_uri")
    if isinstance(redirect, str) and redirect.strip() and not (redirect.startswith(("https://", "http://")) and redirect.rstrip("/").endswith("/oauth2callback")):
        out.append(f"The redirect_uri in {where} is {redirect!r}; it must be the app's address followed by /oauth2callback, e.g. https://YOUR-HOST/oauth2callback.")
    providers = [k for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"]
    default_keys = [k for k in PROVIDER_KEYS if k in auth]
    if not providers and not default_keys:
        out.append(f"The [auth] section in {where} names no identity provider: add client_id, client_secret and server_metadata_url (README, 'Sign-in').")
    if default_keys:
        out += _provider_problems(auth, "[auth]", where)
    for name in providers:
        out += _provider_problems(auth[name], f"[auth.{name}]", where)
    return out


def _provider_problems(section: Mapping, label: str, where: str) -> list[str]:
    out = []
    for key in PROVIDER_KEYS:
        value = section.get(key)
        if not isinstance(value, str) or not value.strip():
            out.append(f"The {label} section in {where} has no {key}. Add it (README, 'Sign-in', step 2).")
    url = section.get("server_metadata_url")
    if isinstance(url, str) and url.strip() and not url.startswith(("https://", "http://")):
        out.append(f"The server_metadata_url of {label} in {where} is not a web address; use the provider's .well-known/openid-configuration address.")
    return out


def _our_section(section: object, where: str) -> tuple[frozenset[str], frozenset[str], float, list[str]]:
    if not isinstance(section, Mapping):
        return frozenset(), frozenset(), DEFAULT_MAX_AGE_HOURS, [f"In {where}, {OUR_SECTION} must be a [{OUR_SECTION}] section."]
    problems = []
    values = {}
    for key in ("allowed_email_domains", "allowed_issuers"):
        value = section.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            problems.append(f"In the [{OUR_SECTION}] section of {where}, {key} must be a list of text, e.g. {key} = [\"example.org\"].")
            value = []
        values[key] = value
    max_age = section.get("max_age_hours", DEFAULT_MAX_AGE_HOURS)
    if isinstance(max_age, bool) or not isinstance(max_age, int | float) or not 0 < max_age <= LONGEST_MAX_AGE_HOURS:
        problems.append(
            f"In the [{OUR_SECTION}] section of {where}, max_age_hours must be a number of hours above 0 and at most "
            f"{LONGEST_MAX_AGE_HOURS:g}, e.g. max_age_hours = 12 (how long a sign-in lasts before people sign in again)."
        )
        max_age = DEFAULT_MAX_AGE_HOURS
    for key in section:
        if key not in (*values, "max_age_hours"):
            problems.append(f"The [{OUR_SECTION}] section of {where} has an unknown key {key!r}; it takes allowed_email_domains, allowed_issuers and max_age_hours.")
    domains = frozenset(d.strip().lower().lstrip("@") for d in values["allowed_email_domains"])
    issuers = frozenset(i.strip().rstrip("/") for i in values["allowed_issuers"])
    return domains, issuers, float(max_age), problems


@dataclass(frozen=True)
class Identity:
    email: str | None  # None when refused
    refusal: str | None = None
    expired: bool = False  # refused only because the sign-in is too old: signing in again fixes it


def accept_identity(claims: Mapping[str, object], config: SignInConfig, now: float | None = None) -> Identity:
    """Whom a signed-in person is, from their ID token's claims, or why they
    are refused.

    An email is taken only when the provider does not say it is unverified
    (`email_verified`, where the provider sends it: Google and most others do;
    a false value means anyone could have typed the address), and, where the
    admin lists allowed email domains or issuers, only from those; and only
    for `config.max_age_hours` after the provider issued the ID token (`iat`,
    seconds since 1970, which every OpenID Connect ID token carries): the
    session cookie would otherwise keep a disabled account in for 30 days."""
    issued = claims.get("iat")
    if isinstance(issued, bool) or not isinstance(issued, int | float):
        return Identity(None, "Your sign-in did not say when it was made, so it cannot be trusted here.")
    now = time.time() if now is None else now
    if issued > now + CLOCK_SKEW_SECONDS:
        return Identity(None, "Your sign-in says it was made in the future, so it cannot be trusted here.")
    if now - issued > config.max_age_hours * 3600:
        return Identity(None, f"Sign-ins here last {config.max_age_hours:g} hours, and yours is older. Sign out, then sign in again.", expired=True)
    email = str(claims.get("email") or claims.get("preferred_username") or "").strip().lower()
    if "@" not in email:
        return Identity(None, "Your account did not give an email address, which the access list is kept by.")
    verified = claims.get("email_verified")
    if verified is not None and verified not in (True, "true", "True", 1):
        return Identity(None, f"Your identity provider says the address {email} is not verified, so it cannot be trusted here.")
    if config.allowed_issuers:
        issuer = str(claims.get("iss") or "").rstrip("/")
        if issuer not in config.allowed_issuers:
            return Identity(None, "You signed in through an identity provider this app does not accept.")
    if config.allowed_domains:
        domain = email.rsplit("@", 1)[1]
        if domain not in config.allowed_domains:
            return Identity(None, f"Accounts from {domain} cannot sign in here; this app accepts {', '.join(sorted(config.allowed_domains))}.")
    return Identity(email)


def host_name(host_header: str | None) -> str:
    """The name in a Host header, without its port (IPv6 literals unbracketed)."""
    host = (host_header or "").strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback_host(host_header: str | None) -> bool:
    """True when a request's Host names this computer (localhost, 127.0.0.1,
    [::1]): a page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding)
    sends its own name as Host, and is refused."""
    return host_name(host_header) in LOOPBACK_HOSTS
