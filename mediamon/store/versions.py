"""Versions of an article: a re-fetch of a stored URL with a changed title or text is kept, not
lost.

The ``articles`` row always holds the newest text; each text it replaced is an
``article_versions`` row numbered from 1. :func:`article_texts` lists them all, oldest first,
and :func:`compare_versions` shows what changed between two of them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.models import ArticleRow, ArticleVersion, utcnow


@dataclass(frozen=True)
class ArticleText:
    number: int
    fetched_at: datetime
    title: str | None
    text: str


def keep_current_as_version(session: Session, row: ArticleRow) -> int:
    """Copy the row's current title and text into a new version; return its number."""
    latest = session.scalar(
        select(func.max(ArticleVersion.number)).where(ArticleVersion.article_id == row.id)
    )
    number = (latest or 0) + 1
    session.add(
        ArticleVersion(
            article_id=row.id,
            number=number,
            fetched_at=row.fetched_at,
            superseded_at=utcnow(),
            title=row.title,
            text=row.text,
            content_hash=row.content_hash,
        )
    )
    return number


def article_texts(engine: Engine, article_id: int) -> list[ArticleText]:
    """Every text the article has had, oldest first; the last one is the current text."""
    with Session(engine) as session:
        query = select(ArticleVersion).where(ArticleVersion.article_id == article_id)
        older = session.scalars(query.order_by(ArticleVersion.number)).all()
        texts = [ArticleText(v.number, v.fetched_at, v.title, v.text) for v in older]
        row = session.get(ArticleRow, article_id)
        if row is None:
            raise KeyError(f"no article with id {article_id}")
        texts.append(ArticleText(len(texts) + 1, row.fetched_at, row.title, row.text))
    return texts


def compare_versions(engine: Engine, article_id: int, older: int, newer: int) -> list[str]:
    """A unified diff of two versions' titles and texts (version numbers as ``article_texts``)."""
    texts = {text.number: text for text in article_texts(engine, article_id)}
    missing = [n for n in (older, newer) if n not in texts]
    if missing:
        raise KeyError(f"article {article_id} has versions 1 to {len(texts)}, not {missing[0]}")
    before, after = texts[older], texts[newer]
    return list(
        difflib.unified_diff(
            [before.title or "", *before.text.splitlines()],
            [after.title or "", *after.text.splitlines()],
            f"version {older} ({before.fetched_at:%Y-%m-%d %H:%M})",
            f"version {newer} ({after.fetched_at:%Y-%m-%d %H:%M})",
            lineterm="",
        )
    )
