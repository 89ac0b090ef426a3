"""The crawl benchmark's baseline: a bare Scrapy spider extracting with trafilatura in its callback.

Usage: ``python bench/baseline_spider.py OUTPUT.jsonl SITEMAP_URL...``. It reads each sitemap
index, fetches every article listed and writes one JSON line per page (url, title, text), all
in this one process, on the reactor thread.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.spiders import SitemapSpider
from trafilatura import bare_extraction


class BaselineSpider(SitemapSpider):
    name = "baseline"

    def parse(self, response: Response, **kwargs: Any) -> Iterator[dict[str, Any]]:
        document = bare_extraction(response.text, url=response.url)
        yield {
            "url": response.url,
            "title": getattr(document, "title", None),
            "text": getattr(document, "text", None),
        }


def main(output: str, sitemaps: list[str]) -> None:
    process = CrawlerProcess(
        {
            "FEEDS": {output: {"format": "jsonlines", "encoding": "utf-8"}},
            "CONCURRENT_REQUESTS": 32,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
            "ROBOTSTXT_OBEY": True,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    process.crawl(BaselineSpider, sitemap_urls=sitemaps)
    process.start()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
