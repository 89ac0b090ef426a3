"""The polling benchmark's baseline: a bare Scrapy spider sending conditional GETs.

Usage: ``python bench/bare_poller.py FEEDS.json``, FEEDS.json a list of [url, etag,
last_modified]. It requests each feed once with If-None-Match / If-Modified-Since, with the
politeness mediamon polls the generated world with (robots.txt obeyed, no download delay, 8
requests per host, AutoThrottle as scrapers/settings.py sets it), and prints how many answers
were 304 and how many were not.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response


class BarePoller(Spider):
    name = "bare_poller"

    def __init__(self, feeds: list[list[str | None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.feeds = feeds
        self.statuses: Counter[int] = Counter()

    async def start(self) -> AsyncIterator[Request]:
        for url, etag, last_modified in self.feeds:
            headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
            yield Request(
                str(url),
                headers={name: value for name, value in headers.items() if value},
                meta={"handle_httpstatus_list": [304]},
                dont_filter=True,
            )

    def parse(self, response: Response, **kwargs: Any) -> None:
        self.statuses[response.status] += 1

    def closed(self, reason: str) -> None:
        print(json.dumps({str(status): count for status, count in self.statuses.items()}))


def main(feeds_file: str) -> None:
    feeds = json.loads(Path(feeds_file).read_text(encoding="utf-8"))
    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "ROBOTSTXT_OBEY": True,
            "AUTOTHROTTLE_ENABLED": True,
            "AUTOTHROTTLE_START_DELAY": 1.0,
            "AUTOTHROTTLE_MAX_DELAY": 60.0,
            "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    process.crawl(BarePoller, feeds=feeds)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1])
