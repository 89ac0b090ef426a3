"""The store pipeline: deduplicates and writes articles in batches, one transaction each.

One article per canonical URL (see ``pipelines.canonical``), matched within its own outlet
only (see ``pipelines.addresses``). Storing the same article again with the same text changes
nothing; with a changed text, the stored text becomes a version in ``article_versions`` and the
row takes the new one (see ``pipelines.versions``). New articles are checked for copies
(``pipelines.dedup``) against the database and the earlier articles of their batch, then
inserted with their topics and near-duplicate signatures in a few statements.

Batching is what makes storing cheap: a crawl hands over articles one by one, and each waits at
most ``BATCH_SECONDS`` (or until ``BATCH_SIZE`` are waiting) for the batch to be written. An
article that could not be stored leaves the pipeline as :class:`ArticleNotStored`; a database
that refuses writes stops the crawl (see ``pipelines.unwritable``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine, delete, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mediamon.context import context_from_settings
from mediamon.db import ArticleRow, ArticleTopic, compress_html, table_of, unwritable_reason
from pipelines.addresses import Addresses, own_row
from pipelines.addresses import stored_urls as stored_urls
from pipelines.canonical import canonicalize
from pipelines.dedup import Original, content_hash, find_originals
from pipelines.near_duplicates import index_signature, index_signatures, signature_of
from pipelines.unwritable import ArticleNotStored, not_stored, stop_crawl
from pipelines.versions import keep_current_as_version
from scrapers.items import Article

logger = logging.getLogger(__name__)
BATCH_SIZE = 64
BATCH_SIZE_SETTING = "MEDIAMON_STORE_BATCH_SIZE"
BATCH_SECONDS = 0.25
Outcome = Literal["new", "version", "unchanged", "elsewhere"]
Waiting = list[tuple[Article, "asyncio.Future[None]"]]


@dataclass(frozen=True)
class Saved:
    """What storing did: ``id`` of the article (None if a concurrent insert won the race, or
    "elsewhere": its URL is another outlet's stored article), and ``copied`` ("exact", "near"
    or "") when its text copies another article's."""

    id: int | None
    outcome: Outcome
    copied: str = ""


class StorePipeline:
    """Stores articles in batches; counts ``mediamon/store/stored``, ``.../new_versions``,
    ``.../already_stored``, ``.../other_outlet``, ``.../outlet/<id>`` and
    ``mediamon/dedup/{exact,near}_copies``; an article not stored leaves as
    :class:`ArticleNotStored`, which its spider counts.

    ``on_unwritable`` is told why, the first time the database refuses writes (a crawl stops);
    from then on every article fails at once.
    """

    def __init__(
        self,
        engine: Engine,
        stats: StatsCollector | None = None,
        batch_size: int = BATCH_SIZE,
        batch_seconds: float = BATCH_SECONDS,
        on_unwritable: Callable[[str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.stats = stats
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self.on_unwritable = on_unwritable
        self.unwritable: str | None = None
        self._waiting: Waiting = []
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        engine = context_from_settings(crawler.settings).engine
        batch_size = crawler.settings.getint(BATCH_SIZE_SETTING, BATCH_SIZE)
        if crawler.settings.getint("CLOSESPIDER_ITEMCOUNT"):
            batch_size = 1  # a crawl limited to N articles stores no more than N
        return cls(
            engine, crawler.stats, batch_size, on_unwritable=lambda why: stop_crawl(crawler, why)
        )

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article):
            return item
        if self.unwritable is not None:
            raise ArticleNotStored(f"{item.url} was not stored: {self.unwritable}", self.unwritable)
        loop = asyncio.get_running_loop()
        stored: asyncio.Future[None] = loop.create_future()
        self._waiting.append((item, stored))
        if len(self._waiting) >= self.batch_size:
            self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.batch_seconds, self.flush)
        await stored
        return item

    def close_spider(self, spider: Any = None) -> None:
        self.flush()

    def flush(self) -> None:
        """Store the articles waiting, and let them go on."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        try:
            self.store([item for item, _ in waiting])
        except Exception as exc:  # nothing of the batch was written
            if len(waiting) == 1 or unwritable_reason(exc) is not None:
                self._fail(waiting, exc)
                return
            for one in waiting:  # so that an article that cannot be stored fails alone
                self._store_alone(one)
            return
        for _, stored in waiting:
            if not stored.done():
                stored.set_result(None)

    def _store_alone(self, waiting: tuple[Article, asyncio.Future[None]]) -> None:
        item, stored = waiting
        if self.unwritable is not None:
            self._fail([waiting], ArticleNotStored(self.unwritable, self.unwritable))
            return
        try:
            self.store([item])
        except Exception as exc:
            self._fail([waiting], exc)
            return
        if not stored.done():
            stored.set_result(None)

    def _fail(self, waiting: Waiting, error: BaseException) -> None:
        """Let each article go on as not stored; stop when the database refuses writes."""
        reason = unwritable_reason(error)
        if isinstance(error, ArticleNotStored):
            reason = error.unwritable
        if reason is not None and self.unwritable is None:
            self.unwritable = reason
            if self.on_unwritable is not None:
                self.on_unwritable(reason)
        elif reason is None:
            logger.error("storing %d article(s) failed", len(waiting), exc_info=error)
        for item, stored in waiting:
            if not stored.done():
                stored.set_exception(not_stored(item.url, error))

    def store(self, items: Sequence[Article]) -> None:
        """Store ``items`` in one transaction, setting each one's ``id`` and ``duplicate_of``."""
        for item, saved in zip(items, save_articles(self.engine, items), strict=True):
            item.id = saved.id
            if saved.outcome == "version":
                logger.info(
                    "%s changed since it was stored: kept the old text as a version", item.url
                )
            if saved.copied:
                logger.debug("%s copies article %s (%s)", item.url, item.duplicate_of, saved.copied)
            if saved.outcome == "elsewhere":
                logger.info(
                    "outlet %s: %s is another outlet's stored article: not stored again",
                    item.outlet_id,
                    item.url,
                )
            self._count(saved, item.outlet_id)

    def _count(self, saved: Saved, outlet_id: str) -> None:
        if self.stats is None:
            return
        key = {
            "new": "stored",
            "version": "new_versions",
            "unchanged": "already_stored",
            "elsewhere": "other_outlet",
        }
        self.stats.inc_value(f"mediamon/store/{key[saved.outcome]}")
        if saved.outcome == "new":
            self.stats.inc_value(f"mediamon/store/outlet/{outlet_id}")
        if saved.copied:
            self.stats.inc_value(f"mediamon/dedup/{saved.copied}_copies")


def store_article(engine: Engine, item: Article) -> int | None:
    """Store ``item`` as it is, its ``duplicate_of`` included (no search for copies); return its
    new id, or None when its URL was already stored (by its outlet, or by another).

    A stored article whose text changed keeps its old text as a version (see ``save_articles``).
    """
    saved = save_articles(engine, [item], find_copies=False)[0]
    return saved.id if saved.outcome == "new" else None


def save_articles(
    engine: Engine, items: Sequence[Article], *, find_copies: bool = True
) -> list[Saved]:
    """Insert each article, or, when its outlet stored its URL with another text, append a
    version; in arrival order, in one transaction."""
    for item in items:
        item.canonical_url = canonicalize(item.canonical_url or item.url)
        item.content_hash = item.content_hash or content_hash(item.text)
    try:
        with Session(engine) as session, session.begin():
            return _save_batch(session, items, find_copies)
    except IntegrityError:
        if len(items) == 1:  # another process stored the same URL between our check and insert
            return [Saved(None, "unchanged")]
        return [save_articles(engine, [item], find_copies=find_copies)[0] for item in items]


def _save_batch(session: Session, items: Sequence[Article], find_copies: bool) -> list[Saved]:
    addresses = Addresses.of(session, items)
    placements = [addresses.place(item) for item in items]
    if addresses.given_back:
        update_rows = [{"id": i, "canonical_url": own} for i, own in addresses.given_back]
        session.execute(update(ArticleRow), update_rows)
    new = [position for position, placed in enumerate(placements) if placed == "new"]
    saved: dict[int, Saved] = dict(
        zip(new, _insert_new(session, [items[p] for p in new], find_copies), strict=True)
    )
    for position, item in enumerate(items):
        if placements[position] == "elsewhere":
            saved[position] = Saved(None, "elsewhere")
        elif position not in saved:
            saved[position] = _save_again(session, item, find_copies)
    return [saved[position] for position in range(len(items))]


def _save_again(session: Session, item: Article, find_copies: bool) -> Saved:
    """An article its outlet has stored: unchanged, or a new version of it."""
    row = own_row(session, item)
    assert row is not None
    if _same_text(row, item):
        item.duplicate_of = row.duplicate_of
        return Saved(row.id, "unchanged")
    how = ""
    if find_copies:
        original = find_originals(session, [item], exclude=[row.id])[0]
        item.duplicate_of, how = (original.article_id, original.how) if original else (None, "")
    _replace_text(session, row, item)
    return Saved(row.id, "version", how)


def _insert_new(session: Session, items: Sequence[Article], find_copies: bool) -> list[Saved]:
    if not items:
        return []
    originals: list[Original | None] = [None] * len(items)
    if find_copies:
        originals = find_originals(session, items)
    for item, original in zip(items, originals, strict=True):
        if original is not None:  # else keep what the caller knew (None from a crawl)
            item.duplicate_of = original.article_id
    articles = table_of(ArticleRow)
    ids = list(
        session.connection().scalars(
            insert(articles).returning(articles.c.id, sort_by_parameter_order=True),
            [_row_values(item) for item in items],
        )
    )
    _point_at_batch_originals(session, items, originals, ids)
    topics = [
        {"article_id": i, "topic_id": topic}
        for i, item in zip(ids, items, strict=True)
        for topic in item.topics
    ]
    if topics:
        session.connection().execute(insert(table_of(ArticleTopic)), topics)
    signed = [(i, signature_of(item.text)) for i, item in zip(ids, items, strict=True)]
    index_signatures(session, [(i, s) for i, s in signed if s is not None])
    return [
        Saved(i, "new", original.how if original else "")
        for i, original in zip(ids, originals, strict=True)
    ]


def _point_at_batch_originals(
    session: Session, items: Sequence[Article], originals: list[Original | None], ids: list[int]
) -> None:
    """Copies of articles of the same batch learn their original's id once it is inserted."""
    updates = []
    for item, original, own_id in zip(items, originals, ids, strict=True):
        if original is not None and original.position is not None:
            item.duplicate_of = ids[original.position]
            updates.append({"id": own_id, "duplicate_of": item.duplicate_of})
    if updates:
        session.execute(update(ArticleRow), updates)


def _same_text(row: ArticleRow, item: Article) -> bool:
    if row.content_hash is not None and item.content_hash is not None:
        return row.content_hash == item.content_hash
    return row.text == item.text


def _replace_text(session: Session, row: ArticleRow, item: Article) -> None:
    keep_current_as_version(session, row)
    for name, value in _row_values(item, row).items():
        setattr(row, name, value)
    session.execute(delete(ArticleTopic).where(ArticleTopic.article_id == row.id))
    session.flush()
    session.add_all(ArticleTopic(article_id=row.id, topic_id=t) for t in item.topics)
    signature = signature_of(item.text)
    if signature is not None:
        index_signature(session, row.id, signature)


def _row_values(item: Article, row: ArticleRow | None = None) -> dict[str, Any]:
    """The columns of an article row; a stored row keeps its URLs and its first original."""
    values: dict[str, Any] = {
        "title": item.title or item.hint_title,
        "authors": item.authors,
        "published_at": item.published_at or item.hint_published,
        "updated_at": item.updated_at,
        "fetched_at": item.fetched_at,
        "language": item.language,
        "text": item.text,
        "raw_html": compress_html(item.html),
        "encoding": item.encoding,
        "removed": item.removed,
        "is_teaser": item.is_teaser,
        "content_hash": item.content_hash,
        "source_url": item.source_url,
    }
    if row is None:
        return values | {
            "url": item.url,
            "canonical_url": item.canonical_url,
            "outlet_id": item.outlet_id,
            "duplicate_of": item.duplicate_of,
        }
    if row.duplicate_of is None and item.duplicate_of != row.id:
        values["duplicate_of"] = item.duplicate_of
    return values
