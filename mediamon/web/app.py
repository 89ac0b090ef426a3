"""The ASGI application: pages and the JSON API over one context (config and database)."""

from __future__ import annotations

from fastapi import FastAPI

from mediamon.core.context import Context
from mediamon.web.security import install_security


def create_app(ctx: Context, token: str | None = None) -> FastAPI:
    """The workspace app over ``ctx``; ``token``: the access token every request must carry
    (None: no login, allowed only on a loopback bind, which :mod:`mediamon.web.server` checks)."""
    app = FastAPI(title="mediamon", docs_url=None, redoc_url=None)
    app.state.ctx = ctx
    install_security(app, token)
    return app
