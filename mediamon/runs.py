"""Run history: every job run (a crawl, a digest) is recorded with its outcome and counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.db import Run, utcnow


def start_run(engine: Engine, job: str) -> int:
    with Session(engine) as session, session.begin():
        run = Run(job=job, started_at=utcnow(), outcome="running", counts={}, errors=[])
        session.add(run)
        session.flush()
        return run.id


def finish_run(
    engine: Engine, run_id: int, outcome: str, counts: dict[str, Any], errors: list[str]
) -> None:
    with Session(engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is None:
            raise LookupError(f"run {run_id} is not recorded")
        run.finished_at = utcnow()
        run.outcome = outcome
        run.counts = counts
        run.errors = errors


def recent_runs(engine: Engine, limit: int = 20) -> list[Run]:
    with Session(engine) as session:
        return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
