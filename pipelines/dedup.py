"""The dedup pipeline: marks an article whose text is already stored, exactly or nearly, as a copy.

Copies are stored, not dropped: ``duplicate_of`` points at the first-seen article (never at
another copy), so syndicated wire copies still show which outlets ran them. Exact copies are
found by a hash of the normalised text, near copies (trimmed, re-headlined, with different
boilerplate) by MinHash LSH over every outlet's stored articles (``pipelines.near_duplicates``).
The dedup stage also puts the canonical URL in its canonical form.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.context import context_from_settings
from mediamon.db import ArticleRow
from pipelines.canonical import canonicalize
from pipelines.near_duplicates import find_copies, signature_of
from scrapers.items import Article

logger = logging.getLogger(__name__)
NON_WORD = re.compile(r"\W+")
MIN_HASHED_CHARS = 200


def content_hash(text: str) -> str | None:
    """A hash of the text with case, punctuation and spacing folded; None for very short texts."""
    normalised = NON_WORD.sub(" ", text.casefold()).strip()
    if len(normalised) < MIN_HASHED_CHARS:
        return None
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def find_original(session: Session, item: Article) -> tuple[int | None, str]:
    """The id of the first-seen article ``item`` copies and how ("exact" or "near"), or None."""
    own_id = _own_id(session, item)
    if item.content_hash is not None:
        query = select(ArticleRow.id).where(
            ArticleRow.content_hash == item.content_hash, ArticleRow.id != (own_id or -1)
        )
        exact = session.scalars(query.order_by(ArticleRow.id).limit(1)).first()
        if exact is not None:
            return first_seen(session, exact), "exact"
    signature = signature_of(item.text)
    if signature is None:
        return None, ""
    copies = find_copies(session, signature, exclude=[own_id] if own_id else [])
    return (first_seen(session, copies[0][0]), "near") if copies else (None, "")


def first_seen(session: Session, article_id: int) -> int:
    """The article a copy ultimately copies (itself when it is an original)."""
    seen = {article_id}
    current = session.get(ArticleRow, article_id)
    while current is not None and current.duplicate_of is not None:
        if current.duplicate_of in seen:
            break
        seen.add(current.duplicate_of)
        current = session.get(ArticleRow, current.duplicate_of)
    return current.id if current is not None else article_id


def _own_id(session: Session, item: Article) -> int | None:
    """The id the article already has when this is a re-fetch of a stored URL."""
    query = select(ArticleRow.id).where(ArticleRow.canonical_url == item.canonical_url)
    return session.scalars(query.limit(1)).first()


class DedupPipeline:
    """Sets ``content_hash`` and ``duplicate_of``; counts ``mediamon/dedup/exact_copies`` and
    ``mediamon/dedup/near_copies``."""

    def __init__(self, engine: Engine, stats: StatsCollector | None = None) -> None:
        self.engine = engine
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(context_from_settings(crawler.settings).engine, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        item.canonical_url = canonicalize(item.canonical_url or item.url)
        item.content_hash = content_hash(item.text)
        with Session(self.engine) as session:
            item.duplicate_of, how = find_original(session, item)
        if item.duplicate_of is not None:
            logger.debug("%s copies article %d (%s)", item.url, item.duplicate_of, how)
            if self.stats is not None:
                self.stats.inc_value(f"mediamon/dedup/{how}_copies")
        return item
