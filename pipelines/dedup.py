"""The dedup pipeline: marks an article whose normalised text is already stored as a copy.

Copies are stored, not dropped: ``duplicate_of`` points at the first-seen article, so syndicated
wire copies still show which outlets ran them.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.context import context_from_settings
from mediamon.db import ArticleRow
from scrapers.items import Article

NON_WORD = re.compile(r"\W+")
MIN_HASHED_CHARS = 200


def content_hash(text: str) -> str | None:
    """A hash of the text with case, punctuation and spacing folded; None for very short texts."""
    normalised = NON_WORD.sub(" ", text.casefold()).strip()
    if len(normalised) < MIN_HASHED_CHARS:
        return None
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class DedupPipeline:
    def __init__(self, engine: Engine, stats: StatsCollector) -> None:
        self.engine = engine
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        assert crawler.stats is not None
        return cls(context_from_settings(crawler.settings).engine, crawler.stats)

    def process_item(self, item: Article, spider: Any = None) -> Article:
        item.content_hash = content_hash(item.text)
        if item.content_hash is None:
            return item
        with Session(self.engine) as session:
            query = select(ArticleRow.id).where(ArticleRow.content_hash == item.content_hash)
            item.duplicate_of = session.scalars(query.order_by(ArticleRow.id).limit(1)).first()
        if item.duplicate_of is not None:
            self.stats.inc_value("mediamon/dedup/exact_copies")
        return item
