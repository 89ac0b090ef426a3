"""The JSON API under ``/api/v1/``: topics, stories, articles, search, outlets, runs.

Lists are paged by an opaque ``cursor`` (the response's ``next_cursor``; null on the last page)
and ``limit`` (at most 100). Filters are the pages' own. Errors are JSON ``{"error": message}``:
401 without the token, 404 for what does not exist, 422 for bad parameters (a query's syntax
error also gives its ``position``). The schema is at ``/api/v1/openapi.json``, described for
people at ``/api/v1/docs``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict

from mediamon.core.config import Config
from mediamon.query.parser import QuerySyntaxError, parse_query
from mediamon.web.queries.article import article_detail
from mediamon.web.queries.coverage import (
    MAX_DAYS,
    WEEK_DAYS,
    RankedStory,
    as_of,
    days_to,
    story_detail,
    story_id_of,
    topic_coverage,
)
from mediamon.web.queries.listings import (
    MAX_LIMIT,
    ArticleFilters,
    BadCursor,
    article_page,
    story_page,
)
from mediamon.web.queries.outlets import OutletHealth, boilerplate_lines, outlets_health
from mediamon.web.queries.runs import run_page, run_with_log
from mediamon.web.queries.search import run_search

PREFIX = "/api/v1"


class ErrorOut(BaseModel):
    error: str
    position: int | None = None


class JsonErrors(APIRoute):
    """Routes whose errors are ``{"error": message}``, whatever raised them."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                return error(422, _validation_message(exc))
            except HTTPException as exc:
                return error(exc.status_code, str(exc.detail))

        return handle


def error(status: int, message: str, position: int | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if position is not None:
        body["position"] = position
    return JSONResponse(body, status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for problem in exc.errors():
        where = ".".join(str(part) for part in problem.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {problem.get('msg', 'invalid')}")
    return "bad parameters: " + "; ".join(problems)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "The access token is missing or wrong."},
    404: {"model": ErrorOut, "description": "No such thing."},
    422: {"model": ErrorOut, "description": "Bad parameters."},
}

router = APIRouter(prefix=PREFIX, route_class=JsonErrors, responses=ERRORS, tags=["api"])

# Parameters --------------------------------------------------------------------------------------

Cursor = Annotated[
    str | None,
    Query(
        max_length=512,
        pattern="^[A-Za-z0-9_-]*$",
        description="The next_cursor of the previous page.",
    ),
]
Id = Annotated[int, Path(ge=1, le=2**62, description="The id.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (at most 100).")]
Outlets = Annotated[list[str] | None, Query(description="Only these outlet ids (repeatable).")]
Labels = Annotated[list[str] | None, Query(description="Only outlets with one of these labels.")]
Languages = Annotated[list[str] | None, Query(description="Only these languages (ISO 639-1).")]
Topic = Annotated[str | None, Query(max_length=64, description="Only this topic id.")]
Since = Annotated[date | None, Query(description="Published on or after this day (UTC).")]
Until = Annotated[date | None, Query(description="Published on or before this day (UTC).")]


def day_start(day: date | None) -> datetime | None:
    """The start of ``day`` (UTC)."""
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


def day_after(day: date | None) -> datetime | None:
    """The start of the day after ``day`` (UTC): a day given as ``until`` is included."""
    return None if day is None else day_start(day + timedelta(days=1))


def article_filters(
    outlet: Outlets = None,
    label: Labels = None,
    language: Languages = None,
    topic: Topic = None,
    since: Since = None,
    until: Until = None,
) -> ArticleFilters:
    """The filters of an article list or search, from its query parameters (a dependency)."""
    return ArticleFilters(
        tuple(outlet or ()),
        tuple(label or ()),
        tuple(language or ()),
        topic,
        day_start(since),
        day_after(until),
    )


Filters = Annotated[ArticleFilters, Depends(article_filters)]


def _config(request: Request) -> Config:
    config: Config = request.app.state.ctx.config
    return config


# Models -------------------------------------------------------------------------------------------


class TopicOut(BaseModel):
    id: str
    name: str
    query: str
    languages: list[str]


class TopicList(BaseModel):
    items: list[TopicOut]


class RankedStoryOut(BaseModel):
    story_id: int | None
    headline: str
    first_outlet_id: str
    first_article_id: int
    latest: datetime
    outlets: list[str]
    articles: int


class DayOut(BaseModel):
    day: date
    by_label: dict[str, int]


class MatrixRowOut(BaseModel):
    story_id: int | None
    headline: str
    lag_minutes: dict[str, float | None]  # outlet id -> minutes after the first; null: not covered


class TopicCoverageOut(BaseModel):
    id: str
    name: str
    start: datetime
    end: datetime
    stories: list[RankedStoryOut]
    chart: list[DayOut]
    matrix: list[MatrixRowOut]


class FromRow(BaseModel):
    """A response read from the stored row's attributes of the same names."""

    model_config = ConfigDict(from_attributes=True)


class ArticleSummary(FromRow):
    id: int
    url: str
    outlet_id: str
    title: str | None
    language: str | None
    published_at: datetime | None
    fetched_at: datetime
    duplicate_of: int | None


class ArticleList(BaseModel):
    items: list[ArticleSummary]
    next_cursor: str | None


class DateOut(BaseModel):
    what: str
    moment: datetime | None
    source: str


class ParagraphOut(BaseModel):
    text: str
    removed_by: str | None


class ArticleOut(BaseModel):
    id: int
    url: str
    canonical_url: str
    outlet_id: str
    title: str | None
    authors: list[str]
    language: str | None
    dates: list[DateOut]
    rejected_dates: list[str]
    paragraphs: list[ParagraphOut]
    is_teaser: bool
    duplicate_of: int | None
    story_id: int | None
    topics: list[str]
    versions: int


class StorySummary(FromRow):
    id: int
    headline: str
    first_outlet_id: str
    first_seen_at: datetime
    last_seen_at: datetime
    article_count: int


class StoryList(BaseModel):
    items: list[StorySummary]
    next_cursor: str | None


class StoryArticleOut(BaseModel):
    id: int
    outlet_id: str
    title: str | None
    url: str
    language: str | None
    seen_at: datetime
    duplicate_of: int | None
    why: str
    versions: int


class StoryOut(BaseModel):
    id: int
    headline: str
    first_outlet_id: str
    first_seen_at: datetime
    languages: list[str]
    outlets: list[str]
    articles: list[StoryArticleOut]


class SnippetPartOut(BaseModel):
    text: str
    match: bool


class HitOut(BaseModel):
    article: ArticleSummary
    snippet: list[SnippetPartOut]


class FacetsOut(BaseModel):
    outlet: dict[str, int]
    label: dict[str, int]
    language: dict[str, int]
    topic: dict[str, int]
    day: dict[str, int]
    counted: int
    complete: bool


class SearchOut(BaseModel):
    query: str
    items: list[HitOut]
    next_cursor: str | None
    facets: FacetsOut


class OutletOut(BaseModel):
    id: str
    name: str
    labels: list[str]
    articles: int
    last_poll: datetime | None
    next_due: datetime | None
    failing_feeds: int
    feed_failures: int
    alerts: list[str]


class OutletList(BaseModel):
    items: list[OutletOut]


class BoilerplateLineOut(BaseModel):
    line_hash: str
    text: str
    article_count: int
    status: str


class OutletDetail(OutletOut):
    boilerplate: list[BoilerplateLineOut]


class RunOut(FromRow):
    id: int
    job: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    errors: list[str]


class RunList(BaseModel):
    items: list[RunOut]
    next_cursor: str | None


class RunDetail(RunOut):
    counts: dict[str, Any]
    log_path: str | None
    log_lines: list[str]
    log_missing: str | None


def _reader(request: Request) -> Any:
    return request.app.state.reader


def _page(cursor_call: Callable[[], Any]) -> Any:
    try:
        return cursor_call()
    except BadCursor as exc:
        raise HTTPException(422, str(exc)) from exc


# Routes -------------------------------------------------------------------------------------------


@router.get("/topics", response_model=TopicList)
def list_topics(request: Request) -> TopicList:
    """The configured topics."""
    return TopicList(
        items=[
            TopicOut(id=t.id, name=t.name, query=t.query, languages=list(t.languages or []))
            for t in _config(request).topics
        ]
    )


@router.get("/topics/{topic_id}", response_model=TopicCoverageOut)
def get_topic(
    request: Request,
    topic_id: Annotated[str, Path(max_length=64)],
    until: Until = None,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS, description="How many days.")] = WEEK_DAYS,
) -> TopicCoverageOut:
    """The Topic page's figures: stories ranked as in the digest, articles per day by outlet
    label, and the story x outlet matrix (lags in minutes)."""
    reader = _reader(request)
    window = days_to(until or as_of(reader).date(), days)
    try:
        topic = topic_coverage(reader, _config(request), topic_id, window)
    except KeyError as exc:
        raise HTTPException(404, f"there is no topic {topic_id!r} in the configuration") from exc
    return TopicCoverageOut(
        id=topic.id,
        name=topic.name,
        start=window.start,
        end=window.end,
        stories=[ranked_story_out(story) for story in topic.stories],
        chart=[
            DayOut(day=day.day, by_label={c.label: c.articles for c in day.by_label})
            for day in topic.chart
        ],
        matrix=[
            MatrixRowOut(
                story_id=story_id_of(row.story),
                headline=row.story.headline,
                lag_minutes={
                    outlet.id: None if cell is None else cell.lag.total_seconds() / 60
                    for outlet, cell in zip(topic.outlets, row.cells, strict=True)
                },
            )
            for row in topic.matrix
        ],
    )


def ranked_story_out(story: RankedStory) -> RankedStoryOut:
    return RankedStoryOut(
        story_id=story_id_of(story),
        headline=story.headline,
        first_outlet_id=story.first.outlet.id,
        first_article_id=story.first.article_id,
        latest=story.latest,
        outlets=[outlet.id for outlet in story.outlets],
        articles=len(story.coverage),
    )


@router.get("/stories", response_model=StoryList)
def list_stories(
    request: Request,
    cursor: Cursor = None,
    limit: Limit = 20,
    topic: Topic = None,
    since: Since = None,
) -> StoryList:
    """Stories, the most recently active first; ``topic``: those with an article it tags."""
    page = _page(lambda: story_page(_reader(request), topic, day_start(since), cursor, limit))
    return StoryList(
        items=[StorySummary.model_validate(row) for row in page.items], next_cursor=page.next_cursor
    )


@router.get("/stories/{story_id}", response_model=StoryOut)
def get_story(request: Request, story_id: Id) -> StoryOut:
    """A story's articles across outlets and languages, in time order, copies after originals."""
    story = story_detail(_reader(request), _config(request), story_id)
    if story is None:
        raise HTTPException(404, f"there is no story {story_id}")
    articles: list[StoryArticleOut] = []

    def add(entry: Any) -> None:
        a = entry.article
        articles.append(
            StoryArticleOut(
                id=a.id,
                outlet_id=a.outlet_id,
                title=a.title,
                url=a.url,
                language=a.language,
                seen_at=a.seen_at,
                duplicate_of=a.duplicate_of,
                why=entry.why,
                versions=entry.versions,
            )
        )
        for copy in entry.copies:
            add(copy)

    for entry in story.entries:
        add(entry)
    return StoryOut(
        id=story.id,
        headline=story.headline,
        first_outlet_id=story.first_outlet.id,
        first_seen_at=story.first_seen_at,
        languages=list(story.languages),
        outlets=[o.id for o in story.outlets],
        articles=articles,
    )


@router.get("/articles", response_model=ArticleList)
def list_articles(
    request: Request,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> ArticleList:
    """Stored articles, the latest collected first."""
    page = _page(lambda: article_page(_reader(request), _config(request), filters, cursor, limit))
    return ArticleList(
        items=[ArticleSummary.model_validate(row) for row in page.items],
        next_cursor=page.next_cursor,
    )


@router.get("/articles/{article_id}", response_model=ArticleOut)
def get_article(request: Request, article_id: Id) -> ArticleOut:
    """One article: its paragraphs in the page's order, each removed one with the cleaning
    layer that removed it; its dates with where each came from; its story and topics."""
    detail = article_detail(_reader(request), _config(request), article_id)
    if detail is None:
        raise HTTPException(404, f"there is no article {article_id}")
    return ArticleOut(
        id=detail.id,
        url=detail.url,
        canonical_url=detail.canonical_url,
        outlet_id=detail.outlet.id,
        title=detail.title,
        authors=list(detail.authors),
        language=detail.language,
        dates=[DateOut(what=d.what, moment=d.moment, source=d.source) for d in detail.dates],
        rejected_dates=list(detail.rejected_dates),
        paragraphs=[ParagraphOut(text=p.text, removed_by=p.layer) for p in detail.paragraphs],
        is_teaser=detail.is_teaser,
        duplicate_of=detail.duplicate_of,
        story_id=detail.story_id,
        topics=list(detail.topics),
        versions=len(detail.versions),
    )


@router.get("/search", response_model=SearchOut)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="A topic-language query.")],
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> SearchOut | JSONResponse:
    """Articles matching ``q`` (the topic query language), newest first, with facets."""
    try:
        query = parse_query(q)
    except QuerySyntaxError as exc:
        return error(422, f"{exc.message} at character {exc.position + 1}", exc.position)
    result = _page(
        lambda: run_search(_reader(request), _config(request), query, filters, cursor, limit)
    )
    facets = result.facets
    return SearchOut(
        query=q,
        items=[
            HitOut(
                article=ArticleSummary.model_validate(hit.article),
                snippet=[SnippetPartOut(text=p.text, match=p.match) for p in hit.snippet],
            )
            for hit in result.hits
        ],
        next_cursor=result.next_cursor,
        facets=FacetsOut(
            outlet=dict(facets.outlet),
            label=dict(facets.label),
            language=dict(facets.language),
            topic=dict(facets.topic),
            day=dict(facets.day),
            counted=facets.counted,
            complete=facets.complete,
        ),
    )


def outlet_out(health: OutletHealth) -> OutletOut:
    return OutletOut(
        id=health.id,
        name=health.name,
        labels=list(health.labels),
        articles=health.articles,
        last_poll=health.last_poll,
        next_due=health.next_due,
        failing_feeds=health.failing_feeds,
        feed_failures=health.feed_failures,
        alerts=list(health.alerts),
    )


@router.get("/outlets", response_model=OutletList)
def list_outlets(request: Request) -> OutletList:
    """Every configured outlet with its health: last poll, next due, failures, alerts, counts."""
    healths = outlets_health(_reader(request), _config(request))
    return OutletList(items=[outlet_out(h) for h in healths])


@router.get("/outlets/{outlet_id}", response_model=OutletDetail)
def get_outlet(request: Request, outlet_id: str) -> OutletDetail:
    """One outlet's health and its learned template lines (learned, pinned, exempt)."""
    reader = _reader(request)
    healths = outlets_health(reader, _config(request))
    found = next((h for h in healths if h.id == outlet_id), None)
    if found is None:
        raise HTTPException(404, f"there is no outlet {outlet_id!r} in the configuration")
    lines = [
        BoilerplateLineOut(
            line_hash=line.line_hash,
            text=line.text,
            article_count=line.article_count,
            status=line.status,
        )
        for line in boilerplate_lines(reader, outlet_id)
    ]
    return OutletDetail(**outlet_out(found).model_dump(), boilerplate=lines)


@router.get("/runs", response_model=RunList)
def list_runs(
    request: Request,
    cursor: Cursor = None,
    limit: Limit = 20,
    job: Annotated[str | None, Query(max_length=500, description="Only runs of this job.")] = None,
    outcome: Annotated[str | None, Query(max_length=32, description="Only this outcome.")] = None,
) -> RunList:
    """Runs (crawls, digests, alerts), the latest first."""
    page = _page(lambda: run_page(_reader(request), job, outcome, cursor, limit))
    return RunList(
        items=[RunOut.model_validate(run) for run in page.items], next_cursor=page.next_cursor
    )


@router.get("/runs/{run_id}", response_model=RunDetail)
def get_run(request: Request, run_id: Id) -> RunDetail:
    """One run's record and the lines of its log that explain it (warnings, errors)."""
    found = run_with_log(_reader(request), run_id)
    if found is None:
        raise HTTPException(404, f"there is no run {run_id}")
    run, log = found
    return RunDetail(
        **RunOut.model_validate(run).model_dump(),
        counts=dict(run.counts or {}),
        log_path=log.path,
        log_lines=log.lines,
        log_missing=log.missing,
    )


# The schema and its page ----------------------------------------------------------------------


def api_schema() -> dict[str, Any]:
    routes = [
        route for route in router.routes if isinstance(route, APIRoute) and route.include_in_schema
    ]
    schema: dict[str, Any] = get_openapi(
        title="mediamon API", version="1", description=__doc__ or "", routes=routes
    )
    return schema


@router.get("/openapi.json", include_in_schema=False)
def openapi() -> JSONResponse:
    """The OpenAPI schema of the API."""
    return JSONResponse(api_schema())


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs() -> HTMLResponse:
    """The operations of the schema, as a page (served here: nothing loads from elsewhere)."""
    schema = api_schema()
    rows = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = ", ".join(
                f"<code>{escape(p['name'])}</code>" for p in operation.get("parameters", [])
            )
            rows.append(
                f"<tr><td><code>{escape(method.upper())} {escape(path)}</code></td>"
                f"<td>{escape(operation.get('description') or operation.get('summary', ''))}</td>"
                f"<td>{params}</td></tr>"
            )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>API · mediamon</title>
<link rel="stylesheet" href="/static/style.css"></head>
<body><main id="content"><h1>mediamon API</h1>
<p>The schema: <a href="{PREFIX}/openapi.json">{PREFIX}/openapi.json</a>. Lists take
<code>cursor</code> (the previous page's <code>next_cursor</code>) and <code>limit</code>
(at most {MAX_LIMIT}); errors are <code>{{"error": message}}</code>.</p>
<table><thead><tr><th scope="col">Operation</th><th scope="col">What it gives</th>
<th scope="col">Parameters</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
</main></body></html>"""
    return HTMLResponse(page)


@router.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
def unknown(path: str) -> JSONResponse:
    """Anything else under the API: a JSON 404."""
    return error(404, f"there is no API operation {PREFIX}/{path}")
