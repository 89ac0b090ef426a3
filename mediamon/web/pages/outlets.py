"""The Outlets pages: each outlet's health and counts; one outlet's learned template lines."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from mediamon.web.queries.outlets import boilerplate_lines, outlets_health
from mediamon.web.rendering import render
from mediamon.web.security import csrf_token_of

router = APIRouter()


@router.get("/outlets", response_class=HTMLResponse)
def outlets_page(request: Request) -> HTMLResponse:
    """Every configured outlet: articles stored, last poll, next poll due, failures, alerts."""
    healths = outlets_health(request.app.state.reader, request.app.state.ctx.config)
    return render(request, "outlets.html", outlets=healths)


@router.get("/outlets/{outlet_id}", response_class=HTMLResponse)
def outlet_page(request: Request, outlet_id: str) -> HTMLResponse:
    """One outlet's health and its learned, pinned and exempt template lines, each with the
    buttons that pin or exempt it."""
    reader = request.app.state.reader
    healths = outlets_health(reader, request.app.state.ctx.config)
    health = next((h for h in healths if h.id == outlet_id), None)
    if health is None:
        raise HTTPException(404, f"There is no outlet {outlet_id!r} in the configuration.")
    lines = boilerplate_lines(reader, outlet_id)
    return render(
        request, "outlet.html", outlet=health, lines=lines, csrf_token=csrf_token_of(request.scope)
    )
