"""The Digests pages: past digests as recorded, and the files the scheduler sent, as written."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from mediamon.web.queries.digests import digest_day, digest_file, digest_page
from mediamon.web.queries.listings import BadCursor
from mediamon.web.rendering import render

router = APIRouter()
PAGE_SIZE = 30
# A stored digest is shown as it was sent (its own inline CSS), in a sandbox: no script, no
# form, nothing loaded from anywhere.
SENT_DIGEST_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
)


@router.get("/digests", response_class=HTMLResponse)
def digests_page(
    request: Request, cursor: Annotated[str | None, Query(max_length=512)] = None
) -> HTMLResponse:
    """Digests recorded, the latest first, with links to the files the scheduler wrote."""
    config = request.app.state.ctx.config
    try:
        page = digest_page(request.app.state.reader, config, cursor, PAGE_SIZE)
    except BadCursor as exc:
        raise HTTPException(422, str(exc)) from exc
    return render(request, "digests.html", page=page, day_of=digest_day, config=config)


@router.get("/digests/{day}/{format_name}")
def sent_digest(request: Request, day: str, format_name: str) -> Response:
    """The digest of a day in one format, byte for byte as the scheduler wrote it."""
    found = digest_file(request.app.state.ctx.config, day, format_name)
    if found is None:
        raise HTTPException(404, f"There is no {format_name} digest of {day} on disk.")
    content, media_type = found
    if not media_type.startswith("text/html"):
        media_type = "text/plain"  # shown, never interpreted (a feed, JSON, Markdown)
    headers = {"content-security-policy": SENT_DIGEST_POLICY}
    return Response(content, media_type=f"{media_type}; charset=utf-8", headers=headers)
