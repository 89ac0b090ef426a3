"""Learned per-outlet template lines, kept in the database.

A paragraph seen in ``min_articles`` or more distinct articles of one outlet is that outlet's
boilerplate ("learned"). A user can pin a line (always removed) or exempt it (never removed,
whatever its count). Sightings are stored per article, so re-crawling or re-extracting an article
never counts it twice, in this process or any other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediamon.db import BoilerplateLine, BoilerplateSighting, utcnow

ACTIVE_STATUSES = ("learned", "pinned")
MANUAL_STATUSES = ("pinned", "exempt")
MIN_LINE_CHARS = 3
MIN_HASH_PREFIX = 6


def normalise_line(text: str) -> str:
    """A paragraph with case and whitespace folded: the form lines are compared in."""
    return " ".join(text.split()).casefold()


def line_hash(text: str) -> str:
    return hashlib.sha1(normalise_line(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LineReport:
    line_hash: str
    text: str
    article_count: int
    status: str


class TemplateLines:
    """The outlet template lines in one database, with the learning threshold."""

    def __init__(self, engine: Engine, min_articles: int) -> None:
        self.engine = engine
        self.min_articles = min_articles

    def active_lines(self, outlet_id: str) -> set[str]:
        """Texts removed from the outlet's articles: learned and pinned lines, never exempt ones."""
        query = select(BoilerplateLine.text).where(
            BoilerplateLine.outlet_id == outlet_id, BoilerplateLine.status.in_(ACTIVE_STATUSES)
        )
        with Session(self.engine) as session:
            return set(session.scalars(query))

    def record(self, outlet_id: str, article_key: str, paragraphs: Iterable[str]) -> list[str]:
        """Note that an article showed these paragraphs; returns the lines learned just now."""
        lines = {line_hash(p): " ".join(p.split()) for p in paragraphs if _learnable(p)}
        if not lines:
            return []
        article_hash = hashlib.sha1(article_key.encode("utf-8")).hexdigest()
        try:
            return self._record(outlet_id, article_hash, lines)
        except IntegrityError:  # another process recorded the same article at the same moment
            return self._record(outlet_id, article_hash, lines)

    def _record(self, outlet_id: str, article_hash: str, lines: dict[str, str]) -> list[str]:
        with Session(self.engine) as session, session.begin():
            new = _new_sightings(session, outlet_id, article_hash, set(lines))
            session.add_all(
                BoilerplateSighting(outlet_id=outlet_id, line_hash=h, article_key=article_hash)
                for h in new
            )
            session.flush()
            return self._update_counts(session, outlet_id, {h: lines[h] for h in new})

    def _update_counts(self, session: Session, outlet_id: str, lines: dict[str, str]) -> list[str]:
        counts = _sighting_counts(session, outlet_id, set(lines))
        existing = _lines_by_hash(session, outlet_id, set(lines))
        learned = []
        for hash_, text in lines.items():
            row = existing.get(hash_) or _new_line(session, outlet_id, hash_, text)
            row.article_count = counts.get(hash_, 0)
            if row.status == "candidate" and row.article_count >= self.min_articles:
                row.status = "learned"
                learned.append(row.text)
        return learned

    def lines(self, outlet_id: str, statuses: Iterable[str] = ()) -> list[LineReport]:
        """The outlet's lines, most widespread first, optionally only those in ``statuses``."""
        query = select(BoilerplateLine).where(BoilerplateLine.outlet_id == outlet_id)
        if wanted := list(statuses):
            query = query.where(BoilerplateLine.status.in_(wanted))
        query = query.order_by(BoilerplateLine.article_count.desc(), BoilerplateLine.text)
        with Session(self.engine) as session:
            return [
                LineReport(row.line_hash, row.text, row.article_count, row.status)
                for row in session.scalars(query)
            ]

    def set_status(self, outlet_id: str, text_or_hash: str, status: str) -> LineReport:
        """Pin or exempt a line given by its text or (a prefix of) its hash."""
        if status not in MANUAL_STATUSES:
            raise ValueError(f"status must be one of {MANUAL_STATUSES}, not {status!r}")
        with Session(self.engine) as session, session.begin():
            row = _find_line(session, outlet_id, text_or_hash)
            if row is None:
                row = _new_line(session, outlet_id, line_hash(text_or_hash), text_or_hash.strip())
            row.status = status
            return LineReport(row.line_hash, row.text, row.article_count or 0, row.status)


def _learnable(paragraph: str) -> bool:
    return len(paragraph.strip()) >= MIN_LINE_CHARS


def _new_sightings(session: Session, outlet_id: str, article: str, hashes: set[str]) -> set[str]:
    query = select(BoilerplateSighting.line_hash).where(
        BoilerplateSighting.outlet_id == outlet_id, BoilerplateSighting.article_key == article
    )
    return hashes - set(session.scalars(query))


def _sighting_counts(session: Session, outlet_id: str, hashes: set[str]) -> dict[str, int]:
    query = (
        select(BoilerplateSighting.line_hash, func.count())
        .where(BoilerplateSighting.outlet_id == outlet_id)
        .where(BoilerplateSighting.line_hash.in_(hashes))
        .group_by(BoilerplateSighting.line_hash)
    )
    return {hash_: count for hash_, count in session.execute(query).all()}


def _lines_by_hash(
    session: Session, outlet_id: str, hashes: set[str]
) -> dict[str, BoilerplateLine]:
    query = select(BoilerplateLine).where(
        BoilerplateLine.outlet_id == outlet_id, BoilerplateLine.line_hash.in_(hashes)
    )
    return {row.line_hash: row for row in session.scalars(query)}


def _new_line(session: Session, outlet_id: str, hash_: str, text: str) -> BoilerplateLine:
    row = BoilerplateLine(
        outlet_id=outlet_id,
        line_hash=hash_,
        text=text,
        article_count=0,
        status="candidate",
        first_seen_at=utcnow(),
    )
    session.add(row)
    return row


def _find_line(session: Session, outlet_id: str, text_or_hash: str) -> BoilerplateLine | None:
    wanted = text_or_hash.strip().lower()
    query = select(BoilerplateLine).where(BoilerplateLine.outlet_id == outlet_id)
    if len(wanted) >= MIN_HASH_PREFIX and all(c in "0123456789abcdef" for c in wanted):
        matches = list(session.scalars(query.where(BoilerplateLine.line_hash.startswith(wanted))))
        if len(matches) == 1:
            return matches[0]
    exact = query.where(BoilerplateLine.line_hash == line_hash(text_or_hash))
    return session.scalars(exact).first()
