"""The sitemap spider: sitemap indexes, gzipped sitemaps and Google News sitemaps.

scrapy crawl sitemaps                                  # recent: every listed article not stored
scrapy crawl sitemaps -a since=2023-05-22 -a until=2023-05-26

An outlet without configured sitemaps has its robots.txt ``Sitemap:`` lines used instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from mediamon.config import Outlet
from scrapers.hostile import record_hostile
from scrapers.middlewares import CONFIGURED_META
from scrapers.spiders.collect import ArticleCollectingSpider
from scrapers.spiders.sitemapxml import MalformedSitemap, SitemapDocument, read_sitemap


class SitemapSpider(ArticleCollectingSpider):
    name = "sitemaps"

    async def start(self) -> AsyncIterator[Request]:
        for outlet in self.outlets:
            if outlet.sitemaps:
                for url in outlet.sitemaps:
                    yield self.sitemap_request(outlet, url, configured=True)
            else:
                robots = urljoin(outlet.homepage, "/robots.txt")
                meta = self.outlet_meta(outlet, **{CONFIGURED_META: True})
                yield Request(robots, self.parse_robots, meta=meta, errback=self.failed)

    def sitemap_request(self, outlet: Outlet, url: str, configured: bool = False) -> Request:
        meta = self.outlet_meta(outlet, **{CONFIGURED_META: configured})
        return Request(url, self.parse_sitemap, meta=meta, errback=self.failed, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        outlet = self.outlet(response.meta["outlet_id"])
        for line in response.body.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                self.crawler.stats.inc_value("mediamon/sitemaps/from_robots")
                yield self.sitemap_request(outlet, urljoin(response.url, value.strip()))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        outlet = self.outlet(response.meta["outlet_id"])
        max_bytes = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        try:
            document = read_sitemap(response.body, max_bytes)
        except MalformedSitemap as exc:
            record_hostile(self.crawler.stats, "malformed_xml", outlet.id, response.url, str(exc))
            return
        self.crawler.stats.inc_value(f"mediamon/sitemaps/{document.kind}")
        yield from self.follow_children(outlet, document)
        entries = [entry for entry in document.entries if self.in_window(entry.published)]
        yield from self.article_requests(outlet, entries, response.url)

    def follow_children(self, outlet: Outlet, document: SitemapDocument) -> Iterator[Request]:
        for child in document.children:
            if self.since and child.lastmod and child.lastmod.date() < self.since:
                self.crawler.stats.inc_value("mediamon/sitemaps/skipped_older")
            elif outlet.owns(child.url):
                yield self.sitemap_request(outlet, child.url)
            else:
                self.crawler.stats.inc_value("mediamon/offsite/sitemaps")
