"""metrics.headers: the security headers are set on a response once, and a
route's own weaker value of the same header does not survive beside ours."""

from __future__ import annotations

from metrics.headers import SECURITY_HEADERS, SecurityHeaders, with_security_headers


def run(coroutine) -> None:
    """Run a coroutine that never waits (no event loop needed: the browser
    tests' Playwright may hold this thread's)."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    raise AssertionError("the middleware waited on something")


def test_a_weaker_header_of_the_same_name_is_replaced_not_doubled():
    raw = [(b"content-type", b"text/html"), (b"x-frame-options", b"ALLOWALL"), (b"X-Content-Type-Options", b"sniff-away")]
    out = with_security_headers(raw)
    names = [k.decode().lower() for k, _ in out]
    assert names.count("x-frame-options") == 1 and names.count("x-content-type-options") == 1
    assert {k.decode().lower(): v.decode() for k, v in out}["x-frame-options"] == "SAMEORIGIN"
    assert (b"content-type", b"text/html") in out


def test_http_responses_get_the_headers_and_websockets_pass_untouched():
    sent: list[dict] = []

    async def inner(scope, receive, send):
        await send({"type": "http.response.start" if scope["type"] == "http" else "websocket.accept", "headers": []})

    async def send(message):
        sent.append(message)

    async def receive():
        return {}

    app = SecurityHeaders(inner)
    run(app({"type": "http"}, receive, send))
    run(app({"type": "websocket"}, receive, send))
    http, ws = sent
    assert {k.decode(): v.decode() for k, v in http["headers"]} == SECURITY_HEADERS
    assert ws["headers"] == []
