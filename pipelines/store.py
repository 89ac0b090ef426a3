"""The store pipeline: deduplicates and writes articles in batches, one transaction each.

What storing one batch does is ``mediamon.store.saving``'s: one article per canonical URL, matched
within its own outlet only, a changed text kept as a version, copies found and marked.

Batching is what makes storing cheap: a crawl hands over articles one by one, and each waits at
most ``BATCH_SECONDS`` (or until ``BATCH_SIZE`` are waiting) for the batch to be written. An
article that could not be stored leaves the pipeline as :class:`ArticleNotStored`; a database
that refuses writes stops the crawl (see ``mediamon.store.unwritable``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine

from mediamon.core import stat_keys
from mediamon.core.article import Article
from mediamon.core.context import context_from_settings
from mediamon.core.db_errors import unwritable_reason
from mediamon.store.saving import Saved, save_articles
from mediamon.store.unwritable import ArticleNotStored, not_stored, stop_crawl

logger = logging.getLogger(__name__)
BATCH_SIZE = 64
BATCH_SIZE_SETTING = "MEDIAMON_STORE_BATCH_SIZE"
BATCH_SECONDS = 0.25
Waiting = list[tuple[Article, "asyncio.Future[None]"]]


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
            self.stats.inc_value(f"{stat_keys.STORED_PER_OUTLET}{outlet_id}")
        if saved.copied:
            self.stats.inc_value(f"mediamon/dedup/{saved.copied}_copies")
