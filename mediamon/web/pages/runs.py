"""The Runs pages: crawls and digests, the latest first, failures with their log's lines."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from mediamon.web.queries.listings import BadCursor
from mediamon.web.queries.runs import run_page, run_with_log
from mediamon.web.rendering import render

router = APIRouter()
PAGE_SIZE = 30


@router.get("/runs", response_class=HTMLResponse)
def runs_page(
    request: Request,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    outcome: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    """Runs, the latest first; each failed one with the lines of its log that explain it."""
    reader = request.app.state.reader
    try:
        page = run_page(reader, None, outcome, cursor, PAGE_SIZE)
    except BadCursor as exc:
        raise HTTPException(422, str(exc)) from exc
    explained = {
        run.id: run_with_log(reader, run.id)
        for run in page.items
        if run.outcome not in ("ok", "running")
    }
    return render(request, "runs.html", page=page, explained=explained, outcome=outcome)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_detail_page(request: Request, run_id: Annotated[int, Path(ge=1, le=2**62)]) -> HTMLResponse:
    """One run: its record, counts, errors, and every warning and error of its log."""
    found = run_with_log(request.app.state.reader, run_id)
    if found is None:
        raise HTTPException(404, f"There is no run {run_id}.")
    run, log = found
    return render(request, "run.html", run=run, log=log)
