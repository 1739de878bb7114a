"""A real OpenID Provider for the sign-in tests, started by the tests on loopback.

The provider is panva's certified `oidc-provider` from npm (version pinned in
package.json and package-lock.json beside this file), run by `provider.mjs`
with one confidential client and the test users in `users.json`. Node.js and
npm come with the machine; `npm ci` fills `tests/oidc/node_modules/` (git-ignored)
the first time.

    provider = start_provider()
    secrets = write_secrets(tmp_path, provider)
    base_url = app_server(db_path, env=app_env(secrets))   # browser/conftest.py

Streamlit reads its secrets from the files listed in its `secrets.files` option
(by default ~/.streamlit/secrets.toml and ./.streamlit/secrets.toml). `app_env`
sets STREAMLIT_SECRETS_FILES to the one file written here, which replaces that
list: the server sees these secrets and never the repository's or the user's own.
"""

from __future__ import annotations

import json
import os
import re
import secrets as _secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

OIDC_DIR = Path(__file__).resolve().parent
NODE_MODULES = OIDC_DIR / "node_modules"
PROVIDER_SCRIPT = OIDC_DIR / "provider.mjs"
USERS_FILE = OIDC_DIR / "users.json"

CLIENT_ID = "outcomes-tests"
CLIENT_SECRET = "outcomes-tests-secret"
# Streamlit puts its own server.port in place of {port}. The provider registers
# the port-less loopback URIs for a native client, which match on any port
# (RFC 8252 section 7.3), so one provider serves every app server a test session
# starts. The host must be the one the browser opens the app on (the harness
# uses 127.0.0.1): Streamlit keeps the sign-in state in a cookie for that host,
# and a callback to localhost finds none and leaves the user signed out.
REDIRECT_URI = "http://127.0.0.1:{port}/oauth2callback"
PROVIDER_REDIRECT_URIS = ("http://127.0.0.1/oauth2callback", "http://localhost/oauth2callback")

START_TIMEOUT_S = 30
NPM_CI_TIMEOUT_S = 300

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never send loopback via http_proxy
_LISTENING = re.compile(r"oidc-provider listening on (http://\S+)")


@dataclass(frozen=True)
class OidcUser:
    email: str
    name: str
    email_verified: bool = True  # what the provider says of the address (a test user may be unverified)


TEST_USERS: tuple[OidcUser, ...] = tuple(OidcUser(**user) for user in json.loads(USERS_FILE.read_text(encoding="utf-8")))


class ProviderError(RuntimeError):
    """The provider could not be installed or started; carries what to do or its log."""


@dataclass
class Provider:
    """A running provider. `url` and `issuer` are the same: the issuer is its base URL."""

    url: str
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen = field(repr=False)
    log: Path

    @property
    def server_metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _log_tail(path: Path, lines: int = 60) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(the provider printed nothing)"


def _locked_version() -> str:
    lock = json.loads((OIDC_DIR / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/oidc-provider"]["version"]


def _installed_version() -> str | None:
    installed = NODE_MODULES / "oidc-provider" / "package.json"
    if not installed.exists():
        return None
    return json.loads(installed.read_text(encoding="utf-8"))["version"]


def install_node_modules() -> None:
    """Run `npm ci` in tests/oidc unless node_modules already holds the locked version."""
    if _installed_version() == _locked_version():
        return
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise ProviderError(
                f"`{tool}` is not on PATH: the sign-in tests run the OpenID provider on Node.js 20 or newer "
                "(install Debian's `nodejs` and `npm`, or Node.js from nodejs.org)."
            )
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=OIDC_DIR, capture_output=True, text=True, timeout=NPM_CI_TIMEOUT_S, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if result.returncode != 0:
        raise ProviderError(
            f"`npm ci` in {OIDC_DIR} failed with code {result.returncode}; run it there by hand to see why.\n"
            f"{result.stdout}\n{result.stderr}".rstrip()
        )


def start_provider(
    port: int | None = None,
    client_id: str = CLIENT_ID,
    client_secret: str = CLIENT_SECRET,
    log_dir: str | os.PathLike[str] | None = None,
) -> Provider:
    """Start the provider on 127.0.0.1 (a free port unless `port` is given) and
    return once its discovery document answers. Call `stop()` when done."""
    install_node_modules()
    log_dir = Path(log_dir) if log_dir is not None else Path(tempfile.mkdtemp(prefix="oidc-provider-"))
    log = log_dir / f"oidc-provider-{port or 'any'}-{os.getpid()}-{time.monotonic_ns()}.log"
    command = [
        "node", str(PROVIDER_SCRIPT),
        "--port", str(port or 0),
        "--client-id", client_id,
        "--client-secret", client_secret,
        "--users", str(USERS_FILE),
        "--parent-pid", str(os.getpid()),
    ]  # fmt: skip
    for uri in PROVIDER_REDIRECT_URIS:
        command += ["--redirect-uri", uri]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=OIDC_DIR, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        issuer = _wait_listening(process, log)
        provider = Provider(issuer, issuer, client_id, client_secret, process, log)
        _wait_discovery(provider)
        return provider
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        raise


def _wait_listening(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        match = _LISTENING.search(log.read_text(encoding="utf-8", errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            raise ProviderError(f"The OpenID provider exited with code {process.returncode} before listening. Its log ({log}):\n{_log_tail(log)}")
        time.sleep(0.05)
    raise ProviderError(f"The OpenID provider did not start listening within {START_TIMEOUT_S} s. Its log ({log}):\n{_log_tail(log)}")


def _wait_discovery(provider: Provider) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with _NO_PROXY.open(provider.server_metadata_url, timeout=2) as response:
                if json.load(response).get("issuer") == provider.issuer:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        if provider.process.poll() is not None:
            break
        time.sleep(0.1)
    raise ProviderError(f"{provider.server_metadata_url} did not answer within {START_TIMEOUT_S} s. Its log ({provider.log}):\n{_log_tail(provider.log)}")


def _toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_secrets(
    target: str | os.PathLike[str],
    provider: Provider,
    redirect_uri: str = REDIRECT_URI,
    cookie_secret: str | None = None,
    extra: str = "",
) -> Path:
    """Write Streamlit's `[auth]` section for this provider and return the file.

    `target` is a .toml file to write, or a directory (the file is then
    `target/.streamlit/secrets.toml`). Without `cookie_secret` a random one is
    made: every server pointed at the same file signs cookies alike.
    """
    target = Path(target)
    path = target if target.suffix == ".toml" else target / ".streamlit" / "secrets.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    auth = {
        "redirect_uri": redirect_uri,
        "cookie_secret": cookie_secret or _secrets.token_hex(32),
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "server_metadata_url": provider.server_metadata_url,
    }
    lines = ["[auth]", *(f"{key} = {_toml_string(value)}" for key, value in auth.items())]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def app_env(secrets_path: str | os.PathLike[str]) -> dict[str, str]:
    """Environment for `streamlit run`: read only this secrets file, and reach
    the provider directly even where a proxy is configured (Authlib uses httpx,
    which honours http_proxy)."""
    loopback = "127.0.0.1,localhost,::1"
    return {"STREAMLIT_SECRETS_FILES": str(Path(secrets_path).resolve()), "NO_PROXY": loopback, "no_proxy": loopback}


def main(argv: list[str] | None = None) -> None:
    """Run the provider by hand, to sign in to `make run` as a test user:

        .venv/bin/python tests/oidc/provider.py --port 9000 --secrets /tmp/auth/secrets.toml
        STREAMLIT_SECRETS_FILES=/tmp/auth/secrets.toml make run
    """
    import argparse
    import signal
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: any free one)")
    parser.add_argument("--secrets", type=Path, required=True, help="secrets.toml to write the [auth] section to")
    parser.add_argument("--redirect-uri", default="http://localhost:{port}/oauth2callback", help="as the browser will open the app (default: %(default)s, as `make run`)")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the provider too
    provider = start_provider(options.port)
    secrets_path = write_secrets(options.secrets, provider, redirect_uri=options.redirect_uri)
    print(f"OpenID provider at {provider.issuer} (log: {provider.log}); [auth] written to {secrets_path}")
    print(f"Test users: {', '.join(user.email for user in TEST_USERS)}. Ctrl-C stops it.")
    try:
        provider.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()


if __name__ == "__main__":
    main()
