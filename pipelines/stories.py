"""The stories item pipeline: a Scrapy adapter that groups each stored article into a story
with mediamon.stories.grouping (which explains how stories are formed), handing it what it needs
of the item rather than reading back what the store stage just wrote."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlalchemy import Engine

from mediamon.core.article import Article
from mediamon.core.context import context_from_settings
from mediamon.core.plausible_dates import is_plausible, plausible_or_none
from mediamon.core.textclean import clean_title
from mediamon.stories.grouping import Assignment, NewArticle, assign, assign_story, grouping
from mediamon.stories.headlines import Headlines

logger = logging.getLogger(__name__)
# At most this many articles are grouped in one transaction (a store batch, by default).
BATCH_SIZE = 64


class StoriesPipeline:
    """Groups each stored article into a story; counts ``mediamon/stories/started`` and
    ``mediamon/stories/joined``. Runs after the store stage, which gives articles their ids.

    In a crawl (an asyncio loop is running), the articles that arrive in one turn of the loop
    (those a store batch lets go) are grouped together at the next, in order and in one
    transaction (at most ``batch_size``), and each goes on once grouped. Otherwise each article
    is grouped as it arrives.
    """

    def __init__(
        self, engine: Engine, stats: StatsCollector | None = None, batch_size: int = BATCH_SIZE
    ) -> None:
        self.engine = engine
        self.stats = stats
        self.batch_size = batch_size
        self.headlines = Headlines()
        self._waiting: list[tuple[NewArticle, asyncio.Future[None]]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoriesPipeline:
        return cls(context_from_settings(crawler.settings).engine, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, Article) or item.id is None:
            return item
        article = new_article(item)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.group_articles([article])
            return item
        grouped: asyncio.Future[None] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self.flush)
        self._waiting.append((article, grouped))
        if len(self._waiting) >= self.batch_size:
            self.flush()
        return _once_done(grouped, item)

    def close_spider(self, spider: Any = None) -> None:
        self.flush()

    def flush(self) -> None:
        """Group the articles waiting, and let them go on."""
        waiting, self._waiting = self._waiting, []
        if len(waiting) > 1:
            try:
                self.group_articles([article for article, _ in waiting])
            except Exception:
                logger.warning(
                    "grouping %d articles failed; grouping them one by one", len(waiting)
                )
            else:
                for _, grouped in waiting:
                    _settle(grouped)
                return
        # One at a time, so that an article that cannot be grouped fails alone.
        for article, grouped in waiting:
            try:
                self.group_articles([article])
            except Exception as exc:
                _settle(grouped, exc)
            else:
                _settle(grouped)

    def group_articles(self, articles: Sequence[NewArticle]) -> None:
        """Group stored articles, in this order, in one transaction."""
        with grouping(self.engine, self.headlines) as transaction:
            self._count([assign(transaction, article) for article in articles])

    def group(self, article_ids: Sequence[int]) -> None:
        """Group stored articles read from the database by id, in this order, in one
        transaction (for articles stored without grouping; a crawl's come with their items)."""
        with grouping(self.engine, self.headlines) as transaction:
            self._count([assign_story(transaction, article_id) for article_id in article_ids])

    def _count(self, assignments: Sequence[Assignment | None]) -> None:
        if self.stats is None:
            return
        for assignment in assignments:
            if assignment is not None:
                outcome = "started" if assignment.started else "joined"
                self.stats.inc_value(f"mediamon/stories/{outcome}")


def new_article(item: Article) -> NewArticle:
    """What grouping needs of a stored item, as the store stage stored it."""
    assert item.id is not None
    return NewArticle(
        item.id,
        item.outlet_id,
        item.title or clean_title(item.hint_title) or "",
        _moment(item),
        item.text,
        item.duplicate_of,
    )


def _moment(item: Article) -> datetime:
    """When the article appeared: its publication date (the extract stage believes only a
    plausible one), else its listing's if plausible, else when it was fetched."""
    if item.published_at is not None and is_plausible(item.published_at, item.fetched_at):
        return item.published_at
    listed = plausible_or_none(item.hint_published, item.fetched_at)
    if item.published_at is not None or (item.hint_published is not None and listed is None):
        logger.warning(
            "outlet %s: %s: publication date %s not believed; grouped by %s",
            item.outlet_id,
            item.url,
            item.published_at or item.hint_published,
            "its listing's date" if listed else "its fetch time",
        )
    return listed or item.fetched_at


def _settle(grouped: asyncio.Future[None], failure: Exception | None = None) -> None:
    if grouped.done():  # cancelled
        return
    if failure is None:
        grouped.set_result(None)
    else:
        grouped.set_exception(failure)


async def _once_done(grouped: asyncio.Future[None], item: Article) -> Article:
    await grouped
    return item
