"""The sitemap spider: sitemap indexes, gzipped sitemaps and Google News sitemaps.

scrapy crawl sitemaps                                  # recent: every listed article not stored
scrapy crawl sitemaps -a since=2023-05-22 -a until=2023-05-26

An outlet without configured sitemaps has its robots.txt ``Sitemap:`` lines used instead.

Each sitemap is fetched once per crawl (an index listing itself, or two listing each other, end
there), at most ``crawling.max_sitemap_depth`` levels of indexes below a configured one, and
at most ``crawling.max_sitemap_urls`` URLs of each are read; what is cut is counted under
``mediamon/capped/...`` and logged.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from mediamon.core.config import Outlet
from scrapers.hostile import record_hostile
from scrapers.middlewares import CONFIGURED_META
from scrapers.spiders.caps import note_capped
from scrapers.spiders.collect import ArticleCollectingSpider
from scrapers.spiders.entries import normalized_url
from scrapers.spiders.listings import NOT_MODIFIED_STAT
from scrapers.spiders.sitemapxml import MalformedSitemap, SitemapDocument, read_sitemap

logger = logging.getLogger(__name__)

DEPTH_META = "sitemap_depth"


class SitemapSpider(ArticleCollectingSpider):
    name = "sitemaps"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Every sitemap URL requested in this crawl: each is fetched once (the requests skip
        # Scrapy's duplicate filter, which in a distributed crawl remembers for hours).
        self.sitemaps_seen: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for retry in self.retry_requests():
            yield retry
        for outlet in self.outlets:
            if outlet.sitemaps:
                for url in outlet.sitemaps:
                    if request := self.sitemap_request(outlet, url, depth=0, configured=True):
                        yield request
            else:
                robots = urljoin(outlet.homepage, "/robots.txt")
                meta = self.outlet_meta(outlet, **{CONFIGURED_META: True})
                yield Request(robots, self.parse_robots, meta=meta, errback=self.failed)

    def sitemap_request(
        self, outlet: Outlet, url: str, depth: int, configured: bool = False
    ) -> Request | None:
        """The request of a sitemap ``depth`` indexes below a configured one; None when this
        crawl has requested it already."""
        normal = normalized_url(url) or url
        if normal in self.sitemaps_seen:
            self.crawler.stats.inc_value("mediamon/sitemaps/repeated")
            logger.info("outlet %s: sitemap %s is listed again; not refetched", outlet.id, url)
            return None
        self.sitemaps_seen.add(normal)
        meta = self.outlet_meta(outlet, **{CONFIGURED_META: configured, DEPTH_META: depth})
        return self.listing_request(normal, self.parse_sitemap, meta)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """The sitemaps robots.txt names, at most ``crawling.max_sitemap_urls`` of them."""
        outlet = self.outlet(response.meta["outlet_id"])
        urls = robots_sitemaps(response.body, response.url)
        limit = self.context.config.settings.crawling.max_sitemap_urls
        excess = max(0, len(urls) - limit)
        note_capped(
            self.crawler.stats, "sitemap_urls", outlet.id, response.url, excess, "max_sitemap_urls"
        )
        for url in urls[:limit]:
            self.crawler.stats.inc_value("mediamon/sitemaps/from_robots")
            if request := self.sitemap_request(outlet, url, depth=0):
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        outlet = self.outlet(response.meta["outlet_id"])
        unchanged = self.listing_memory.not_modified(response)
        if unchanged is not None:
            self.crawler.stats.inc_value(NOT_MODIFIED_STAT)
            yield from self.follow_unchanged(outlet, unchanged.followed, response)
            return
        crawling = self.context.config.settings.crawling
        max_bytes = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        try:
            document = read_sitemap(
                response.body, max_bytes, response.url, crawling.max_sitemap_urls
            )
        except MalformedSitemap as exc:
            record_hostile(self.crawler.stats, "malformed_xml", outlet.id, response.url, str(exc))
            return
        self.crawler.stats.inc_value(f"mediamon/sitemaps/{document.kind}")
        stats = self.crawler.stats
        note_capped(
            stats, "sitemap_urls", outlet.id, response.url, document.excess, "max_sitemap_urls"
        )
        read = self.listing_memory.reading(response, outlet.id)
        for request in self.follow_children(outlet, document, response):
            read.followed.append(request.url)
            yield request
        entries = [entry for entry in document.entries if self.in_window(entry.published)]
        yield from self.article_requests(outlet, entries, response.url, read)

    def follow_unchanged(
        self, outlet: Outlet, children: tuple[str, ...], response: Response
    ) -> Iterator[Request]:
        """An unchanged index's sitemaps, as it listed them when last read in full."""
        depth = response.meta.get(DEPTH_META, 0) + 1
        for child in children:
            if request := self.sitemap_request(outlet, child, depth):
                yield request

    def follow_children(
        self, outlet: Outlet, document: SitemapDocument, response: Response
    ) -> Iterator[Request]:
        depth = response.meta.get(DEPTH_META, 0) + 1
        if document.children and depth > self.context.config.settings.crawling.max_sitemap_depth:
            self.crawler.stats.inc_value("mediamon/capped/sitemap_depth", len(document.children))
            logger.warning(
                "outlet %s: sitemap index %s is %d levels deep; its %d sitemaps are not read "
                "(crawling.max_sitemap_depth)",
                outlet.id,
                response.url,
                depth - 1,
                len(document.children),
            )
            return
        for child in document.children:
            if self.since and child.lastmod and child.lastmod.date() < self.since:
                self.crawler.stats.inc_value("mediamon/sitemaps/skipped_older")
            elif not outlet.owns(child.url):
                self.crawler.stats.inc_value("mediamon/offsite/sitemaps")
            elif request := self.sitemap_request(outlet, child.url, depth):
                yield request


def robots_sitemaps(body: bytes, robots_url: str) -> list[str]:
    """The URLs of robots.txt's ``Sitemap:`` lines, absolute."""
    urls = []
    for line in body.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(urljoin(robots_url, value.strip()))
    return urls
