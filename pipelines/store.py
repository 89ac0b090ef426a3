"""The store pipeline: writes each article, its raw HTML (compressed) and its topics.

One article per canonical URL (see ``pipelines.canonical``). Storing the same article again with
the same text changes nothing; with a changed text, the stored text becomes a version in
``article_versions`` and the row takes the new one (see ``pipelines.versions``). Each stored
text's MinHash signature is indexed in the same transaction, for near-duplicate detection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediamon.context import context_from_settings
from mediamon.db import ArticleRow, ArticleTopic, compress_html
from pipelines.canonical import canonicalize
from pipelines.dedup import content_hash
from pipelines.near_duplicates import index_signature, signature_of
from pipelines.versions import keep_current_as_version
from scrapers.items import Article

logger = logging.getLogger(__name__)
LOOKUP_CHUNK = 500
Outcome = Literal["new", "version", "unchanged"]


@dataclass(frozen=True)
class Saved:
    """What storing did: ``id`` of the article (None if a concurrent insert won the race)."""

    id: int | None
    outcome: Outcome


class StorePipeline:
    """Stores articles; counts ``mediamon/store/stored``, ``mediamon/store/new_versions``,
    ``mediamon/store/already_stored`` and ``mediamon/store/outlet/<id>``."""

    def __init__(self, engine: Engine, stats: StatsCollector | None = None) -> None:
        self.engine = engine
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(context_from_settings(crawler.settings).engine, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        saved = save_article(self.engine, item)
        item.id = saved.id
        if saved.outcome == "version":
            logger.info("%s changed since it was stored: kept the old text as a version", item.url)
        self._count(saved.outcome, item.outlet_id)
        return item

    def _count(self, outcome: Outcome, outlet_id: str) -> None:
        if self.stats is None:
            return
        key = {"new": "stored", "version": "new_versions", "unchanged": "already_stored"}[outcome]
        self.stats.inc_value(f"mediamon/store/{key}")
        if outcome == "new":
            self.stats.inc_value(f"mediamon/store/outlet/{outlet_id}")


def store_article(engine: Engine, item: Article) -> int | None:
    """Store ``item``; return its new id, or None when its URL was already stored.

    A stored article whose text changed keeps its old text as a version (see ``save_article``).
    """
    saved = save_article(engine, item)
    return saved.id if saved.outcome == "new" else None


def save_article(engine: Engine, item: Article) -> Saved:
    """Insert ``item``, or, when its URL is stored with another text, append a version."""
    canonical = canonicalize(item.canonical_url or item.url)
    item.content_hash = item.content_hash or content_hash(item.text)
    try:
        with Session(engine) as session, session.begin():
            row = _stored_row(session, item.url, canonical)
            if row is None:
                return Saved(_insert(session, item, canonical), "new")
            if _same_text(row, item):
                return Saved(row.id, "unchanged")
            _replace_text(session, row, item)
            return Saved(row.id, "version")
    except IntegrityError:
        # Another process stored the same URL between our check and our insert.
        return Saved(None, "unchanged")


def _stored_row(session: Session, url: str, canonical: str) -> ArticleRow | None:
    query = select(ArticleRow).where(
        or_(ArticleRow.url.in_([url, canonical]), ArticleRow.canonical_url.in_([url, canonical]))
    )
    return session.scalars(query.limit(1)).first()


def _same_text(row: ArticleRow, item: Article) -> bool:
    if row.content_hash is not None and item.content_hash is not None:
        return row.content_hash == item.content_hash
    return row.text == item.text


def _insert(session: Session, item: Article, canonical: str) -> int:
    row = ArticleRow(url=item.url, canonical_url=canonical, outlet_id=item.outlet_id)
    _fill_row(row, item)
    session.add(row)
    session.flush()
    _index(session, row.id, item)
    return row.id


def _replace_text(session: Session, row: ArticleRow, item: Article) -> None:
    keep_current_as_version(session, row)
    _fill_row(row, item)
    session.execute(delete(ArticleTopic).where(ArticleTopic.article_id == row.id))
    session.flush()
    _index(session, row.id, item)


def _index(session: Session, article_id: int, item: Article) -> None:
    session.add_all(ArticleTopic(article_id=article_id, topic_id=t) for t in item.topics)
    signature = signature_of(item.text)
    if signature is not None:
        index_signature(session, article_id, signature)


def _fill_row(row: ArticleRow, item: Article) -> None:
    row.title = item.title or item.hint_title
    row.authors = item.authors
    row.published_at = item.published_at or item.hint_published
    row.updated_at = item.updated_at
    row.fetched_at = item.fetched_at
    row.language = item.language
    row.text = item.text
    row.raw_html = compress_html(item.html)
    row.encoding = item.encoding
    row.removed = item.removed
    row.is_teaser = item.is_teaser
    row.content_hash = item.content_hash
    row.source_url = item.source_url
    if row.duplicate_of is None and item.duplicate_of != row.id:
        row.duplicate_of = item.duplicate_of


def stored_urls(engine: Engine, urls: Iterable[str]) -> set[str]:
    """Those of ``urls`` already stored: as fetched, or as the same canonical URL."""
    wanted = list(dict.fromkeys(urls))
    canonical_of = {url: canonicalize(url) for url in wanted}
    known: set[str] = set()
    with Session(engine) as session:
        for start in range(0, len(wanted), LOOKUP_CHUNK):
            chunk = wanted[start : start + LOOKUP_CHUNK]
            forms = list({*chunk, *(canonical_of[url] for url in chunk)})
            query = select(ArticleRow.url, ArticleRow.canonical_url).where(
                or_(ArticleRow.url.in_(forms), ArticleRow.canonical_url.in_(forms))
            )
            for url, canonical in session.execute(query):
                known.update({url, canonical})
    return {url for url in wanted if url in known or canonical_of[url] in known}
