"""The actions that change data: pin or exempt a learned template line, mark an article as not
boilerplate, re-extract an article. Each is a POST (the security middleware has checked the
token and the CSRF token before it runs) and writes through the app's writing engine, with the
functions behind `mediamon boilerplate` and `mediamon reextract`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from mediamon.core.models import ArticleRow
from mediamon.extract.learned import TemplateLines
from mediamon.store.reextract import reextract
from mediamon.web.queries.outlets import boilerplate_lines
from mediamon.web.rendering import render
from mediamon.web.security import csrf_token_of

router = APIRouter()
TEMPLATE_LAYER = "template"  # the layer learned template lines are recorded under
ArticleId = Annotated[int, Path(ge=1, le=2**62)]
LineHash = Annotated[str, Path(pattern="^[0-9a-f]{40}$")]  # a SHA-1, as learned.line_hash


def _template_lines(request: Request) -> TemplateLines:
    ctx = request.app.state.ctx
    return TemplateLines(ctx.engine, ctx.config.settings.boilerplate_min_articles)


def _known_line(request: Request, outlet_id: str, line: str) -> None:
    """404 unless the outlet is configured and has a learned line of that hash (a hash never
    becomes a new line)."""
    if outlet_id not in {o.id for o in request.app.state.ctx.config.outlets}:
        raise HTTPException(404, f"There is no outlet {outlet_id!r} in the configuration.")
    known = boilerplate_lines(request.app.state.reader, outlet_id)
    if not any(row.line_hash == line for row in known):
        raise HTTPException(404, f"{outlet_id} has no learned line {line}.")


@router.post("/outlets/{outlet_id}/boilerplate/{line}/pin")
def pin_line(request: Request, outlet_id: str, line: LineHash) -> RedirectResponse:
    """Always remove this line from the outlet's articles (as `mediamon boilerplate pin`)."""
    _known_line(request, outlet_id, line)
    _template_lines(request).set_status(outlet_id, line, "pinned")
    return RedirectResponse(f"/outlets/{outlet_id}", status_code=303)


@router.post("/outlets/{outlet_id}/boilerplate/{line}/exempt")
def exempt_line(request: Request, outlet_id: str, line: LineHash) -> RedirectResponse:
    """Never remove this line from the outlet's articles (as `mediamon boilerplate exempt`)."""
    _known_line(request, outlet_id, line)
    _template_lines(request).set_status(outlet_id, line, "exempt")
    return RedirectResponse(f"/outlets/{outlet_id}", status_code=303)


def _article(request: Request, article_id: int) -> ArticleRow:
    with Session(request.app.state.reader) as session:
        row = session.get(ArticleRow, article_id)
        if row is None:
            raise HTTPException(404, f"There is no article {article_id}.")
        session.expunge(row)
    return row


@router.get("/articles/{article_id}/actions", response_class=HTMLResponse)
def article_actions(request: Request, article_id: ArticleId) -> HTMLResponse:
    """The lines learned as the outlet's boilerplate that were removed from the article, and
    the buttons that keep them in (mark as not boilerplate) or re-extract it."""
    row = _article(request, article_id)
    removed = list((row.removed or {}).get(TEMPLATE_LAYER, []))
    return render(
        request,
        "article_actions.html",
        article=row,
        removed=removed,
        csrf_token=csrf_token_of(request.scope),
    )


@router.post("/articles/{article_id}/not-boilerplate")
def mark_not_boilerplate(request: Request, article_id: ArticleId) -> RedirectResponse:
    """Exempt every learned line removed from the article, then re-extract it: its text gets
    them back (its previous text is kept as a version), and so do later articles."""
    row = _article(request, article_id)
    lines = _template_lines(request)
    for text in (row.removed or {}).get(TEMPLATE_LAYER, []):
        lines.set_status(row.outlet_id, text, "exempt")
    _reextract(request, article_id)
    return RedirectResponse(f"/articles/{article_id}/actions", status_code=303)


@router.post("/articles/{article_id}/reextract")
def reextract_article(request: Request, article_id: ArticleId) -> RedirectResponse:
    """Re-run extraction on the article's stored page (as `mediamon reextract`)."""
    _article(request, article_id)
    _reextract(request, article_id)
    return RedirectResponse(f"/articles/{article_id}/actions", status_code=303)


def _reextract(request: Request, article_id: int) -> None:
    ctx = request.app.state.ctx
    reextract(ctx.engine, ctx.config, article_id=article_id)
