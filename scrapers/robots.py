"""robots.txt fetched once per host per crawl process, not once per spider, and an unreachable
one said in one line.

`mediamon crawl` runs its spiders one after another in one process; Scrapy's middleware keeps
its parsers per spider, so each spider would fetch every outlet's robots.txt again. A host
whose robots.txt could not be fetched is not asked again by the next spider either (Scrapy then
fetches its pages as if robots.txt allowed everything). Scrapy logs such a failure as an error
with a chained traceback; here it is one WARNING line naming the outlet, the URL and the cause
(see ``mediamon.core.logs.REPEATED``), and only an unexpected error keeps its traceback.
"""

from __future__ import annotations

import logging
from typing import ClassVar

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from scrapers.hostile import cause_of, is_network_failure

logger = logging.getLogger(__name__)

UNREACHABLE_STAT = "mediamon/robots/unreachable"


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose parsed robots.txt files (and failures to fetch one) outlive the
    spider that fetched them."""

    shared: ClassVar[dict[str, RobotParser]] = {}
    unreachable: ClassVar[set[str]] = set()

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        # The request whose robots.txt is being fetched, per host: whom a failure concerns.
        self.asking: dict[str, Request] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            if netloc in self.shared:
                self._parsers[netloc] = self.shared[netloc]
                self._stats.inc_value("mediamon/robots/reused")
            elif netloc in self.unreachable:
                self._parsers[netloc] = None
            else:
                self.asking[netloc] = request
        parser = await super().robot_parser(request)
        self.asking.pop(netloc, None)
        if parser is not None:
            self.shared[netloc] = parser
        return parser

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        super()._robots_error(exc, netloc)
        self.unreachable.add(netloc)
        request = self.asking.get(netloc)
        if isinstance(exc, IgnoreRequest) or request is None:
            return  # refused by the URL policy, which said so
        outlet_id = request.meta.get("outlet_id", "?")
        url = f"{urlparse_cached(request).scheme}://{netloc}/robots.txt"
        self._stats.inc_value(UNREACHABLE_STAT)
        if is_network_failure(exc):
            logger.warning("outlet %s: robots.txt %s failed: %s", outlet_id, url, cause_of(exc))
        else:
            logger.error("outlet %s: robots.txt %s failed", outlet_id, url, exc_info=exc)
