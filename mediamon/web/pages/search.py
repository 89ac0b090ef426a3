"""The Search page and its CSV and JSON exports (server-rendered, no script needed)."""

from __future__ import annotations

import csv
import io
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from mediamon.query.parser import QuerySyntaxError, parse_query
from mediamon.web.api import (
    Cursor,
    Filters,
    Limit,
    SearchOut,
)
from mediamon.web.api import search as api_search
from mediamon.web.queries.listings import BadCursor
from mediamon.web.queries.search import run_search
from mediamon.web.rendering import render

router = APIRouter()
EXPORT_LIMIT = 1000
REPEATABLE = frozenset({"outlet", "label", "language"})
CSV_FIELDS = ("id", "published_at", "outlet_id", "language", "title", "url")


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    filters: Filters,
    q: Annotated[str, Query(max_length=2000)] = "",
    cursor: Cursor = None,
    limit: Limit = 20,
) -> HTMLResponse:
    """Search in the topic query language, with facets and exports."""
    context: dict[str, object] = {
        "q": q,
        "result": None,
        "syntax_error": None,
        "link": lambda **changes: with_params(request, **changes),
    }
    if q:
        try:
            query = parse_query(q)
        except QuerySyntaxError as exc:
            context["syntax_error"] = exc
        else:
            try:
                context["result"] = run_search(
                    request.app.state.reader,
                    request.app.state.ctx.config,
                    query,
                    filters,
                    cursor,
                    limit,
                )
            except BadCursor:
                context["result"] = None
    status = 422 if context["syntax_error"] else 200
    return render(request, "search.html", status_code=status, **context)


@router.get("/search.csv")
def search_csv(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=2000)],
    filters: Filters,
) -> Response:
    """The search result (at most 1,000 articles) as CSV."""
    try:
        query = parse_query(q)
    except QuerySyntaxError as exc:
        return Response(str(exc), status_code=422, media_type="text/plain; charset=utf-8")
    result = run_search(
        request.app.state.reader, request.app.state.ctx.config, query, filters, None, EXPORT_LIMIT
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    for hit in result.hits:
        row = [getattr(hit.article, name) for name in CSV_FIELDS]
        writer.writerow([_cell(value) for value in row])
    headers = {"content-disposition": 'attachment; filename="mediamon-search.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def with_params(request: Request, **changes: str) -> str:
    """This page's query string without its cursor, with ``changes``: a value added to a
    repeatable filter (outlet, label, language), any other parameter replaced."""
    replaced = {name for name in changes if name not in REPEATABLE}
    params = [
        (k, v) for k, v in request.query_params.multi_items() if k != "cursor" and k not in replaced
    ]
    params += [(k, v) for k, v in changes.items() if (k, v) not in params]
    return urlencode(params)


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


search_json = router.get("/search.json", response_model=SearchOut)(api_search)
