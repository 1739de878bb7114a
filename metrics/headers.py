"""The HTTP headers every response of the live app carries, and the ASGI
middleware that adds them (issue 23, finding 11).

Without them another site could show the app in a frame and trick a signed-in
steward into clicking its buttons (clickjacking), and a browser could guess an
uploaded or served file to be HTML and run it (MIME sniffing). Streamlit
offers one supported way to add headers: `st.App(..., middleware=[...])`,
which `serve.py` uses; this module holds the rule so the app, the reverse
proxy's configuration and the tests read the same list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

# Frames only from the app itself (Streamlit's own components may frame its
# pages); never from another site. Both the old and the CSP way, for old browsers.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def with_security_headers(raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """A response's headers with the security headers set (replacing any of
    the same name, so a route cannot send a weaker one beside ours)."""
    ours = {k.lower().encode("latin-1") for k in SECURITY_HEADERS}
    kept = [(k, v) for k, v in raw if k.lower() not in ours]
    return kept + [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """Pure ASGI middleware: adds SECURITY_HEADERS to every HTTP response
    (pages, static files, /_stcore/*); websockets pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, send_with_headers)
