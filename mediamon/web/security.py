"""Access and browser hardening: token authentication, CSRF, Content-Security-Policy, headers.

One ASGI middleware wraps the whole app (pages, API, static files, the login form):

- with a token, a request is let in when it carries ``Authorization: Bearer <token>`` or the
  session cookie the login form sets (HttpOnly, SameSite=Strict; its value is derived from the
  token, so changing the token ends every session); anything else answers 401, as JSON
  ``{"error": ...}`` under ``/api/`` and as the login form elsewhere;
- every state-changing request (POST, PUT, PATCH, DELETE) must carry the CSRF token (double
  submit: the ``mediamon_csrf`` cookie's value, repeated in the ``X-CSRF-Token`` header or the
  ``csrf_token`` form field), unless it is authenticated by an ``Authorization`` header, which a
  browser never adds on its own; without it the request is refused with 403 before any route runs;
- every response carries a strict Content-Security-Policy (nothing inline, nothing from
  elsewhere, no framing) and the other security headers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from html import escape
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "mediamon_session"
CSRF_COOKIE = "mediamon_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
LOGIN_PATH = "/login"
API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A form or JSON body of an action is small; a larger one is refused before it is read whole.
MAX_BODY_BYTES = 64 * 1024

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


# A route may set a policy of its own (a sandbox for a stored digest's own HTML); the app's
# routes are the only ones that can, so it is never looser than the content needs.
OWN_POLICY_HEADER = b"content-security-policy"


def install_security(app: FastAPI, token: str | None) -> None:
    """Require ``token`` on every request (when set), add the security headers and CSRF checks."""
    app.state.token = token
    app.add_middleware(SecurityMiddleware, token=token)


def session_value(token: str) -> str:
    """The session cookie's value for ``token``: proof of having logged in, not the token."""
    return hmac.new(token.encode(), b"mediamon web session", hashlib.sha256).hexdigest()


def csrf_token_of(scope: Scope) -> str:
    """The CSRF token of this request (the cookie's, or the one the response will set):
    templates put it in each form as the ``csrf_token`` field."""
    token: str = scope["state"]["csrf_token"]
    return token


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token
        self.session = session_value(token) if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = RequestFacts(scope)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = csrf
        new_csrf = csrf if CSRF_COOKIE not in request.cookies else None
        send = _with_headers(send, new_csrf, request.scheme == "https")
        by_header = self._bearer_ok(request)
        if scope["path"] == LOGIN_PATH and scope["method"] == "POST":
            await self._login(request, receive, send, csrf)
            return
        if self.token and not by_header and not self._session_ok(request):
            await _unauthorized(request, send, csrf)
            return
        if scope["method"] not in SAFE_METHODS and not by_header:
            body = await _read_body(receive)
            if body is None:
                await _error(request, send, 413, "the request body is too large")
                return
            if not _csrf_ok(request, body, csrf):
                await _error(request, send, 403, "missing or wrong CSRF token; reload the page")
                return
            receive = _replay(body)
        await self.app(scope, receive, send)

    def _bearer_ok(self, request: RequestFacts) -> bool:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        return bool(
            self.token
            and scheme.lower() == "bearer"
            and hmac.compare_digest(given.strip().encode(), self.token.encode())
        )

    def _session_ok(self, request: RequestFacts) -> bool:
        given = request.cookies.get(SESSION_COOKIE, "")
        return self.session is not None and hmac.compare_digest(given, self.session)

    async def _login(self, request: RequestFacts, receive: Receive, send: Send, csrf: str) -> None:
        body = await _read_body(receive)
        if body is None or not _csrf_ok(request, body, csrf):
            await _error(request, send, 403, "missing or wrong CSRF token; reload the page")
            return
        given = _form_field(body, "token")
        if not self.token or self.session is None:
            await _redirect(send, "/", [])
            return
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            await _login_page(send, csrf, 401, "That token is not the right one.")
            return
        cookie = f"{SESSION_COOKIE}={self.session}; Path=/; HttpOnly; SameSite=Strict"
        if request.scheme == "https":
            cookie += "; Secure"
        await _redirect(send, "/", [cookie])


class RequestFacts:
    """What the checks read of a request: headers (lowercased names), cookies, scheme."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
        }
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no cookie at all
            jar = SimpleCookie()
        self.cookies = {name: morsel.value for name, morsel in jar.items()}
        forwarded = self.headers.get("x-forwarded-proto", "")
        self.scheme = "https" if forwarded == "https" else str(scope.get("scheme", "http"))

    @property
    def wants_json(self) -> bool:
        path: str = self.scope["path"]
        return path.startswith(API_PREFIX)


def _with_headers(send: Send, new_csrf: str | None, secure: bool) -> Send:
    """``send`` adding the security headers (and the CSRF cookie, when the browser lacks it)."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [
                (name, value)
                for name, value in message.get("headers", [])
                if name.decode("latin-1").lower() not in SECURITY_HEADERS
                or name.lower() == OWN_POLICY_HEADER
            ]
            own_policy = any(name.lower() == OWN_POLICY_HEADER for name, _ in headers)
            headers += [
                (name.encode(), value.encode())
                for name, value in SECURITY_HEADERS.items()
                if not (own_policy and name == "content-security-policy")
            ]
            if new_csrf is not None:
                # Forms carry the token from the page itself: no script needs to read it.
                cookie = f"{CSRF_COOKIE}={new_csrf}; Path=/; HttpOnly; SameSite=Strict"
                cookie += "; Secure" if secure else ""
                headers.append((b"set-cookie", cookie.encode()))
            message["headers"] = headers
        await send(message)

    return sending


async def _read_body(receive: Receive) -> bytes | None:
    """The request's body, or None when it is larger than :data:`MAX_BODY_BYTES`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _csrf_ok(request: RequestFacts, body: bytes, expected: str) -> bool:
    """Whether the request repeats the CSRF cookie's value in the header or the form field
    (a request without the cookie cannot match: the value just made is in no page it saw)."""
    if CSRF_COOKIE not in request.cookies:
        return False
    given = request.headers.get(CSRF_HEADER) or _form_field(body, CSRF_FIELD)
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def _form_field(body: bytes, name: str) -> str:
    try:
        values = parse_qs(body.decode("utf-8"), max_num_fields=50).get(name, [""])
    except (UnicodeDecodeError, ValueError):
        return ""
    return values[0]


async def _unauthorized(request: RequestFacts, send: Send, csrf: str) -> None:
    if request.wants_json:
        await _error(request, send, 401, "authentication required: send the access token")
        return
    await _login_page(send, csrf, 401, "")


async def _error(request: RequestFacts, send: Send, status: int, message: str) -> None:
    if request.wants_json:
        body = json.dumps({"error": message}).encode()
        await _respond(send, status, "application/json", body)
        return
    page = f"<!doctype html><html lang=en><title>mediamon: {status}</title><p>{escape(message)}"
    await _respond(send, status, "text/html; charset=utf-8", page.encode())


async def _login_page(send: Send, csrf: str, status: int, problem: str) -> None:
    note = f'<p role="alert">{escape(problem)}</p>' if problem else ""
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mediamon: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>mediamon</h1>{note}
<form method="post" action="{LOGIN_PATH}">
<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf)}">
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>"""
    headers = [(b"www-authenticate", b'Bearer realm="mediamon"')]
    await _respond(send, status, "text/html; charset=utf-8", page.encode(), headers)


async def _redirect(send: Send, location: str, cookies: list[str]) -> None:
    headers = [(b"location", location.encode())]
    headers += [(b"set-cookie", cookie.encode()) for cookie in cookies]
    await _respond(send, 303, "text/plain; charset=utf-8", b"", headers)


async def _respond(
    send: Send,
    status: int,
    content_type: str,
    body: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
