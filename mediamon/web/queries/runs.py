"""Runs for the Runs page and the API, each with the lines of its log that explain it."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.models import (
    Run,
)
from mediamon.ops.run_log_lines import LogLines, read_explaining_lines
from mediamon.web.queries.listings import Page, decode_cursor, page_of


def run_page(
    engine: Engine, job: str | None, outcome: str | None, cursor: str | None, limit: int
) -> Page[Run]:
    """Runs, the latest first, after ``cursor``."""
    key = decode_cursor(cursor, {"id": int})
    statement = select(Run)
    if job:
        statement = statement.where(Run.job == job)
    if outcome:
        statement = statement.where(Run.outcome == outcome)
    if key is not None:
        statement = statement.where(Run.id < key["id"])
    statement = statement.order_by(Run.id.desc()).limit(limit + 1)
    return page_of(engine, statement, limit, lambda row: {"id": row.id})


def run_with_log(engine: Engine, run_id: int) -> tuple[Run, LogLines] | None:
    with Session(engine) as session:
        run = session.get(Run, run_id)
        if run is None:
            return None
        session.expunge(run)
    return run, read_explaining_lines(run.log_path)
