"""robots.txt fetched once per host per crawl process, not once per spider.

`mediamon crawl` runs its spiders one after another in one process; Scrapy's middleware keeps
its parsers per spider, so each spider would fetch every outlet's robots.txt again.
"""

from __future__ import annotations

from typing import ClassVar

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware whose parsed robots.txt files outlive the spider that fetched them."""

    shared: ClassVar[dict[str, RobotParser]] = {}

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc in self.shared and netloc not in self._parsers:
            self._parsers[netloc] = self.shared[netloc]
            self._stats.inc_value("mediamon/robots/reused")
        parser = await super().robot_parser(request)
        if parser is not None:
            self.shared[netloc] = parser
        return parser
