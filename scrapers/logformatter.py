"""Log lines about articles name the article, never print it: an Article holds the raw page.

Scrapy's own formatter logs the whole item (raw HTML included) when it is scraped, dropped or
fails. Here an article is its outlet and URL. An article not stored is reported by its spider
(:class:`~mediamon.store.unwritable.ArticleNotStored`), and an error of a database that refuses
writes by the one line that stops the crawl, so neither is logged again here.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from mediamon.core.article import Article
from mediamon.core.db_errors import unwritable_reason
from mediamon.store.unwritable import ArticleNotStored


def described(item: Any) -> str:
    """An item in a few words: an article by outlet and URL."""
    if isinstance(item, Article):
        return f"article {item.url} of {item.outlet_id}"
    return f"{type(item).__name__} item"


class ArticleLogFormatter(LogFormatter):
    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "Scraped %(item)s",
            "args": {"item": described(item)},
        }

    def dropped(  # type: ignore[override]  # Scrapy logs nothing for a None
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult | None:
        if isinstance(exception, ArticleNotStored):
            return None
        result = super().dropped(item, exception, response, spider)
        return {**result, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        # Scrapy adds the traceback; below the crawl's level neither line nor traceback is shown.
        level = logging.DEBUG if unwritable_reason(exception) else logging.ERROR
        return {
            "level": level,
            "msg": "Error processing %(item)s",
            "args": {"item": described(item)},
        }
