"""The coverage pages: Overview, Topic, Story and Article (server-rendered, no script needed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from mediamon.web.queries.article import article_detail
from mediamon.web.queries.coverage import (
    MAX_DAYS,
    WEEK_DAYS,
    as_of,
    days_to,
    overview,
    story_detail,
    topic_coverage,
)
from mediamon.web.rendering import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> HTMLResponse:
    """Each topic with its stories on the newest day and in the week, the newest developments,
    outlet health at a glance and the last runs."""
    ctx, reader = request.app.state.ctx, request.app.state.reader
    return render(request, "overview.html", overview=overview(reader, ctx.config))


@router.get("/topics/{topic_id}", response_class=HTMLResponse)
def topic_page(
    request: Request,
    topic_id: str,
    until: Annotated[
        date | None, Query(description="The last day shown (UTC) [default: the newest].")
    ] = None,
    days: Annotated[
        int, Query(ge=1, le=MAX_DAYS, description="How many days to show.")
    ] = WEEK_DAYS,
) -> HTMLResponse:
    """A topic's stories ranked as in the digest, its coverage chart by outlet label, and the
    story x outlet matrix."""
    ctx, reader = request.app.state.ctx, request.app.state.reader
    window = days_to(until or as_of(reader).date(), days)
    try:
        coverage = topic_coverage(reader, ctx.config, topic_id, window)
    except KeyError as exc:
        raise HTTPException(404, f"There is no topic {topic_id!r} in the configuration.") from exc
    return render(request, "topic.html", topic=coverage)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: int) -> HTMLResponse:
    """Every article of a story across outlets and languages, in time order."""
    ctx, reader = request.app.state.ctx, request.app.state.reader
    story = story_detail(reader, ctx.config, story_id)
    if story is None:
        raise HTTPException(404, f"There is no story {story_id}.")
    return render(request, "story.html", story=story)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: int) -> HTMLResponse:
    """An article's clean text with what each cleaning layer removed marked in place, where its
    dates came from, its versions word by word, and its raw HTML as source."""
    ctx, reader = request.app.state.ctx, request.app.state.reader
    article = article_detail(reader, ctx.config, article_id)
    if article is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    return render(request, "article.html", article=article)
