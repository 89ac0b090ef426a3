"""Serving the workspace: the access rule for the address bound, the token, uvicorn.

Bound to a loopback address the workspace needs no login; any other address needs a token, or
it does not start.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware

from mediamon.core.context import Context
from mediamon.web.app import create_app

TOKEN_ENV = "MEDIAMON_WEB_TOKEN"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


class ServeRefused(Exception):
    """The server must not start as asked; the message is one line saying why."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) is reachable only from this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def read_token(token_file: Path | None) -> str | None:
    """The access token: the first line of ``token_file``, else ``$MEDIAMON_WEB_TOKEN``; None
    when neither gives one."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ServeRefused(f"cannot read the token file {token_file}: {exc}") from exc
        if not token:
            raise ServeRefused(f"the token file {token_file} is empty")
        return token
    return os.environ.get(TOKEN_ENV, "").strip() or None


def check_access(host: str, token: str | None) -> None:
    """:class:`ServeRefused` when ``host`` is reachable from elsewhere and there is no token."""
    if token is None and not is_loopback(host):
        raise ServeRefused(
            f"refusing to serve on {host} without an access token: anyone who can reach it would "
            f"read everything; give --token-file FILE or set {TOKEN_ENV}, or bind 127.0.0.1"
        )


def workspace_app(ctx: Context, token: str | None) -> FastAPI:
    """The app over ``ctx`` (it reads through a read-only engine, see
    :mod:`mediamon.web.database`; only the actions write, through ``ctx.engine``).

    Without a token only loopback host names are answered, so a web page cannot reach the
    workspace through a DNS name rebound to 127.0.0.1.
    """
    app = create_app(ctx, token)
    if token is None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(LOOPBACK_NAMES))
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (port 0: one the system picks)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host.strip("[]"), port), family=family, backlog=128)
    except OSError as exc:
        raise ServeRefused(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def serve(app: FastAPI, listening: socket.socket) -> None:
    """Serve ``app`` on ``listening`` until SIGINT or SIGTERM."""
    import uvicorn

    host, port = listening.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"mediamon workspace at http://{shown}:{port}/ (Ctrl-C stops it)", file=sys.stderr)
    config = uvicorn.Config(app, log_level="warning", proxy_headers=True, server_header=False)
    uvicorn.Server(config).run(sockets=[listening])
