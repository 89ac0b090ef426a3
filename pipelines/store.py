"""The store pipeline: writes each article, its raw HTML (compressed) and its topics.

Storing is idempotent: an article whose URL or canonical URL is already stored is left as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediamon.context import context_from_settings
from mediamon.db import ArticleRow, ArticleTopic, compress_html
from scrapers.items import Article

logger = logging.getLogger(__name__)
LOOKUP_CHUNK = 500


class StorePipeline:
    def __init__(self, engine: Engine, stats: StatsCollector) -> None:
        self.engine = engine
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        assert crawler.stats is not None
        return cls(context_from_settings(crawler.settings).engine, crawler.stats)

    def process_item(self, item: Article, spider: Any = None) -> Article:
        stored_id = store_article(self.engine, item)
        if stored_id is None:
            self.stats.inc_value("mediamon/store/already_stored")
        else:
            item.id = stored_id
            self.stats.inc_value("mediamon/store/stored")
            self.stats.inc_value(f"mediamon/store/outlet/{item.outlet_id}")
        return item


def store_article(engine: Engine, item: Article) -> int | None:
    """Insert ``item``; return its new id, or None when its URL is already stored."""
    canonical = item.canonical_url or item.url
    try:
        with Session(engine) as session, session.begin():
            if _stored_id(session, item.url, canonical) is not None:
                return None
            row = _row_of(item, canonical)
            session.add(row)
            session.flush()
            session.add_all(ArticleTopic(article_id=row.id, topic_id=t) for t in item.topics)
            return row.id
    except IntegrityError:
        # Another process stored the same URL between our check and our insert.
        return None


def _stored_id(session: Session, url: str, canonical: str) -> int | None:
    query = select(ArticleRow.id).where(
        or_(ArticleRow.url.in_([url, canonical]), ArticleRow.canonical_url.in_([url, canonical]))
    )
    return session.scalars(query.limit(1)).first()


def _row_of(item: Article, canonical: str) -> ArticleRow:
    return ArticleRow(
        url=item.url,
        canonical_url=canonical,
        outlet_id=item.outlet_id,
        title=item.title or item.hint_title,
        authors=item.authors,
        published_at=item.published_at or item.hint_published,
        updated_at=item.updated_at,
        fetched_at=item.fetched_at,
        language=item.language,
        text=item.text,
        raw_html=compress_html(item.html),
        encoding=item.encoding,
        removed=item.removed,
        is_teaser=item.is_teaser,
        content_hash=item.content_hash,
        duplicate_of=item.duplicate_of,
        source_url=item.source_url,
    )


def stored_urls(engine: Engine, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` already stored, as fetched URL or as canonical URL."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    with Session(engine) as session:
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            query = select(ArticleRow.url, ArticleRow.canonical_url).where(
                or_(ArticleRow.url.in_(chunk), ArticleRow.canonical_url.in_(chunk))
            )
            for url, canonical in session.execute(query):
                found.update({url, canonical})
    return found & set(wanted)
