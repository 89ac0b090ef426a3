"""The section spider: an outlet's section pages, and its daily archive pages for a window.

scrapy crawl sections                                  # configured sections, newest first
scrapy crawl sections -a since=2023-05-22 -a until=2023-05-26   # archives of those days

Links matching the outlet's ``article_urls`` pattern are articles; ``rel="next"`` pagination is
followed at most ``MEDIAMON_LISTING_PAGES`` pages deep.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta

from scrapy import Request
from scrapy.http import Response, TextResponse

from mediamon.config import Outlet
from scrapers.middlewares import CONFIGURED_META
from scrapers.spiders.collect import ArticleCollectingSpider
from scrapers.spiders.entries import FeedEntry

LISTING_PAGES_SETTING = "MEDIAMON_LISTING_PAGES"


class SectionSpider(ArticleCollectingSpider):
    name = "sections"

    async def start(self) -> AsyncIterator[Request]:
        for outlet in self.outlets:
            for url in self.listing_urls(outlet):
                meta = self.outlet_meta(
                    outlet, listing_page=1, handle_httpstatus_list=[404], **{CONFIGURED_META: True}
                )
                yield Request(url, self.parse_listing, meta=meta, errback=self.failed)

    def listing_urls(self, outlet: Outlet) -> list[str]:
        """Archive pages of each day of the window, or the sections when there is no window."""
        if not self.windowed:
            return list(outlet.sections)
        days = window_days(self.since or date.today(), self.until or date.today())
        return [archive_url(template, day) for template in outlet.archives for day in days]

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if response.status == 404 or not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("mediamon/sections/missing_pages")
            return
        outlet = self.outlet(response.meta["outlet_id"])
        self.crawler.stats.inc_value("mediamon/sections/pages")
        links = dict.fromkeys(response.urljoin(h) for h in response.css("a::attr(href)").getall())
        articles = [url for url in links if outlet.owns(url) and outlet.is_article_url(url)]
        entries = [FeedEntry(url, None, None) for url in articles]
        yield from self.article_requests(outlet, entries, response.url)
        yield from self.next_page(outlet, response)

    def next_page(self, outlet: Outlet, response: Response) -> Iterator[Request]:
        href = response.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').get()
        page = response.meta["listing_page"]
        if not href:
            return
        if page >= self.crawler.settings.getint(LISTING_PAGES_SETTING, 20):
            self.crawler.stats.inc_value("mediamon/sections/depth_limited")
            return
        meta = self.outlet_meta(outlet, listing_page=page + 1)
        yield Request(response.urljoin(href), self.parse_listing, meta=meta, errback=self.failed)


def window_days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def archive_url(template: str, day: date) -> str:
    return template.format(yyyy=f"{day:%Y}", mm=f"{day:%m}", dd=f"{day:%d}")
