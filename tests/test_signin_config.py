"""Sign-in fails closed, and identities are taken only when they can be trusted
(issue: "Sign-in fails closed", findings 6 to 8). The browser versions, with a
real server and a real OpenID provider, are in tests/browser/test_security.py."""

from __future__ import annotations

import pytest

from metrics.signin import SignInConfig, accept_identity, is_loopback_host, read_config

GOOD = """
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "0123456789abcdef0123456789abcdef0123456789abcdef"
client_id = "outcomes"
client_secret = "s3cret"
server_metadata_url = "https://login.example.org/.well-known/openid-configuration"
"""


def write(tmp_path, text: str, name: str = "secrets.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_secrets_file_is_local_mode(tmp_path):
    assert read_config([tmp_path / "absent.toml"], named=False).mode == "local"


def test_a_good_auth_section_is_sign_in(tmp_path):
    assert read_config([write(tmp_path, GOOD)], named=True).mode == "oidc"


def test_secrets_without_auth_are_local_mode(tmp_path):
    assert read_config([write(tmp_path, 'api_key = "x"\n')], named=True).mode == "local"


@pytest.mark.parametrize(
    "text, words",
    [
        (GOOD.replace("[auth]", "[auth"), "not valid TOML"),
        (GOOD.replace('cookie_secret = "0123456789abcdef0123456789abcdef0123456789abcdef"\n', ""), "no cookie_secret"),
        (GOOD.replace("0123456789abcdef0123456789abcdef0123456789abcdef", "short"), "at least 32"),
        (GOOD.replace('client_id = "outcomes"\n', ""), "no client_id"),
        (GOOD.replace('redirect_uri = "http://localhost:8501/oauth2callback"\n', ""), "no redirect_uri"),
        ('auth = "yes"\n', "not a section"),
        (GOOD.replace("[auth]", "[Auth]"), "exactly [auth]"),
        (GOOD + '\n[sign_in]\nallowed_email_domains = "example.org"\nbogus = 1\n', "unknown key"),
        ('[sign_in]\nallowed_email_domains = ["example.org"]\n', "no [auth] section"),
    ],
    ids=["not-toml", "no-cookie-secret", "weak-cookie-secret", "no-client-id", "no-redirect", "auth-not-a-table", "wrong-case", "bad-sign-in-section", "sign-in-without-auth"],
)
def test_a_broken_auth_section_stops_the_app_with_a_message(tmp_path, text, words):
    config = read_config([write(tmp_path, text)], named=True)
    assert config.mode == "broken"
    assert any(words in p for p in config.problems), config.problems
    assert all(str(tmp_path) in p for p in config.problems)  # says where


def test_a_named_secrets_file_that_is_missing_is_broken_not_local(tmp_path):
    config = read_config([tmp_path / "nowhere" / "secrets.toml"], named=True)
    assert config.mode == "broken" and "does not exist" in config.problems[0]


def test_an_unreadable_secrets_file_is_broken(tmp_path, monkeypatch):
    """chmod cannot stop root (the CI user) from reading, so the refusal the
    operating system gives is simulated at the read itself."""
    from pathlib import Path

    path = write(tmp_path, GOOD)
    real = Path.read_text

    def refuse(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refuse)
    config = read_config([path], named=True)
    assert config.mode == "broken" and "cannot be read" in config.problems[0] and "Permission denied" in config.problems[0]


def test_an_undecodable_secrets_file_is_broken(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_bytes(b"[auth]\nredirect_uri = \"\xff\xfe\"\n")
    config = read_config([path], named=True)
    assert config.mode == "broken" and "cannot be read" in config.problems[0]


def test_a_later_broken_file_breaks_a_good_earlier_one(tmp_path):
    good = write(tmp_path, GOOD, "a.toml")
    bad = write(tmp_path, "[auth\n", "b.toml")
    assert read_config([good, bad], named=True).mode == "broken"


CONFIG = SignInConfig("oidc", allowed_domains=frozenset({"example.org"}), allowed_issuers=frozenset({"https://id.example.org"}))


@pytest.mark.parametrize(
    "claims, email",
    [
        ({"email": "Jo@Example.org", "email_verified": True, "iss": "https://id.example.org/"}, "jo@example.org"),
        ({"email": "jo@example.org", "iss": "https://id.example.org"}, "jo@example.org"),  # no claim sent: accepted
        ({"email": "jo@example.org", "email_verified": False, "iss": "https://id.example.org"}, None),
        ({"email": "jo@example.org", "email_verified": "false", "iss": "https://id.example.org"}, None),
        ({"email": "jo@elsewhere.net", "email_verified": True, "iss": "https://id.example.org"}, None),
        ({"email": "jo@example.org", "email_verified": True, "iss": "https://evil.example.net"}, None),
        ({"sub": "123"}, None),
    ],
)
def test_an_identity_is_taken_only_when_verified_and_allowed(claims, email):
    assert accept_identity(claims | {"iat": NOW - 60}, CONFIG, now=NOW).email == email


def test_without_allow_lists_any_verified_email_is_taken():
    assert accept_identity({"email": "a@b.c", "email_verified": True, "iat": NOW}, SignInConfig("oidc"), now=NOW).email == "a@b.c"


# --- a sign-in lasts 12 hours, not the session cookie's 30 days (issue 23, finding 10) ------------

NOW = 1_796_000_000.0  # an instant in 2026, seconds since 1970
JO = {"email": "jo@example.org", "email_verified": True, "iss": "https://id.example.org"}


@pytest.mark.parametrize("hours_ago, taken", [(0, True), (11.9, True), (12.1, False), (24 * 29, False)])
def test_a_sign_in_is_refused_once_older_than_twelve_hours_by_default(hours_ago, taken):
    found = accept_identity(JO | {"iat": NOW - hours_ago * 3600, "exp": NOW + 3600}, CONFIG, now=NOW)
    assert (found.email == "jo@example.org") is taken
    if not taken:
        assert found.expired and "sign in again" in found.refusal


@pytest.mark.parametrize("claims", [JO, JO | {"iat": "yesterday"}, JO | {"iat": True}, JO | {"iat": NOW + 3600}])
def test_a_sign_in_that_does_not_say_when_it_was_made_or_says_the_future_is_refused(claims):
    found = accept_identity(claims, CONFIG, now=NOW)
    assert found.email is None and not found.expired


def test_max_age_hours_in_the_sign_in_section_sets_how_long_a_sign_in_lasts(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text(GOOD + "\n[sign_in]\nmax_age_hours = 1\n", encoding="utf-8")
    config = read_config([path], named=True)
    assert (config.mode, config.max_age_hours) == ("oidc", 1.0)
    assert accept_identity(JO | {"iat": NOW - 1800}, config, now=NOW).email == "jo@example.org"
    assert accept_identity(JO | {"iat": NOW - 5400}, config, now=NOW).expired


@pytest.mark.parametrize("value", ["0", "-3", '"twelve"', "true", "100000"])
def test_a_max_age_that_is_not_a_sensible_number_of_hours_stops_the_app(tmp_path, value):
    path = tmp_path / "secrets.toml"
    path.write_text(GOOD + f"\n[sign_in]\nmax_age_hours = {value}\n", encoding="utf-8")
    config = read_config([path], named=True)
    assert config.mode == "broken" and "max_age_hours" in config.problems[0]


@pytest.mark.parametrize(
    "host, ok",
    [("localhost:8501", True), ("127.0.0.1:8501", True), ("[::1]:8501", True), ("LOCALHOST", True),
     ("evil.test:8501", False), ("localhost.evil.test", False), ("127.0.0.1.nip.io:8501", False), ("", False), (None, False)],
)
def test_local_mode_serves_only_loopback_host_names(host, ok):
    assert is_loopback_host(host) is ok
