"""The ASGI application: pages and the JSON API over one context (config and database)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from mediamon.core.context import Context
from mediamon.web import api
from mediamon.web.database import read_only_engine
from mediamon.web.pages import actions, coverage, digests, outlets, runs, search
from mediamon.web.rendering import render
from mediamon.web.security import install_security

STATIC = Path(__file__).with_name("static")

ROUTERS: list[APIRouter] = [
    coverage.router,
    search.router,
    outlets.router,
    runs.router,
    digests.router,
    actions.router,
    api.router,
]
"""Every page and API router the app serves: add a router here, not in create_app."""


def create_app(ctx: Context, token: str | None = None) -> FastAPI:
    """The workspace app over ``ctx``; ``token``: the access token every request must carry
    (None: no login, allowed only on a loopback bind, which :mod:`mediamon.web.server` checks)."""
    app = FastAPI(title="mediamon", docs_url=None, redoc_url=None)
    app.state.ctx = ctx
    app.state.reader = read_only_engine(ctx.config.settings.database_url)
    install_security(app, token)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(StarletteHTTPException, page_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    return app


async def page_error(request: Request, exc: Exception) -> Response:
    """An error of a page, as a page; the API's errors stay JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if request.url.path.startswith("/api/"):
        return await http_exception_handler(request, exc)
    heading = "Not found" if exc.status_code == 404 else "That did not work"
    return render(request, "error.html", exc.status_code, heading=heading, message=exc.detail)


async def invalid_request(request: Request, exc: Exception) -> Response:
    """A page asked for with a bad parameter: which one and why, as a page (422)."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/"):
        return await request_validation_exception_handler(request, exc)
    problems = "; ".join(
        f"{error['loc'][-1]}: {error['msg']}" for error in exc.errors() if error.get("loc")
    )
    return render(request, "error.html", 422, heading="Bad request", message=problems)
