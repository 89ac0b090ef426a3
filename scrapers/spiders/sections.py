"""The section spider: an outlet's section pages, and its daily archive pages for a window.

scrapy crawl sections                                  # configured sections, newest first
scrapy crawl sections -a since=2023-05-22 -a until=2023-05-26   # archives of those days

Links matching the outlet's ``article_urls`` pattern are articles; ``rel="next"`` pagination is
followed at most ``MEDIAMON_LISTING_PAGES`` pages deep. At most ``crawling.max_section_links``
distinct links of a page are read (the rest counted under ``mediamon/capped/section_links``);
a link whose match against ``article_urls`` times out is not an article (counted under
``mediamon/capped/article_url_timeouts``, logged once per outlet).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from itertools import islice
from typing import Any

from scrapy import Request
from scrapy.http import Response, TextResponse

from mediamon.core import stat_keys
from mediamon.core.config import Outlet
from mediamon.core.url_patterns import PatternTimeout
from scrapers.middlewares import CONFIGURED_META
from scrapers.spiders.caps import note_capped
from scrapers.spiders.collect import ArticleCollectingSpider
from scrapers.spiders.entries import FeedEntry, normalized_url
from scrapers.spiders.listings import NOT_MODIFIED_STAT

logger = logging.getLogger(__name__)

LISTING_PAGES_SETTING = "MEDIAMON_LISTING_PAGES"


class SectionSpider(ArticleCollectingSpider):
    name = "sections"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timed_out_outlets: set[str] = set()  # whose article_urls timed out (logged once)

    async def start(self) -> AsyncIterator[Request]:
        for retry in self.retry_requests():
            yield retry
        for outlet in self.outlets:
            for url in self.listing_urls(outlet):
                meta = self.outlet_meta(
                    outlet, listing_page=1, handle_httpstatus_list=[404], **{CONFIGURED_META: True}
                )
                yield self.listing_request(url, self.parse_listing, meta)

    def listing_urls(self, outlet: Outlet) -> list[str]:
        """Archive pages of each day of the window, or the sections when there is no window."""
        if not self.windowed:
            return list(outlet.sections)
        days = window_days(self.since or date.today(), self.until or date.today())
        return [archive_url(template, day) for template in outlet.archives for day in days]

    def parse_listing(self, response: Response) -> Iterator[Request]:
        outlet = self.outlet(response.meta["outlet_id"])
        unchanged = self.listing_memory.not_modified(response)
        if unchanged is not None:
            self.crawler.stats.inc_value(NOT_MODIFIED_STAT)
            for url in unchanged.followed:  # the next page, as it was when last read in full
                yield from self.page_request(outlet, url, response)
            return
        if response.status == 404 or not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("mediamon/sections/missing_pages")
            return
        self.crawler.stats.inc_value(stat_keys.SECTION_PAGES)
        read = self.listing_memory.reading(response, outlet.id)
        links = self.page_links(outlet, response)
        articles = [url for url in links if outlet.owns(url) and self.is_article(outlet, url)]
        entries = [FeedEntry(url, None, None) for url in articles]
        yield from self.article_requests(outlet, entries, response.url, read)
        for request in self.next_page(outlet, response):
            read.followed.append(request.url)
            yield request

    def page_links(self, outlet: Outlet, response: TextResponse) -> list[str]:
        """The page's distinct links, normalised, at most ``crawling.max_section_links``."""
        limit = self.context.config.settings.crawling.max_section_links
        hrefs = (
            normalized_url(response.urljoin(h)) for h in response.css("a::attr(href)").getall()
        )
        distinct = dict.fromkeys(url for url in hrefs if url)
        excess = max(0, len(distinct) - limit)
        note_capped(
            self.crawler.stats,
            "section_links",
            outlet.id,
            response.url,
            excess,
            "max_section_links",
        )
        return list(islice(distinct, limit))

    def is_article(self, outlet: Outlet, url: str) -> bool:
        """Whether ``url`` matches the outlet's ``article_urls``; not when the match times out."""
        try:
            return outlet.is_article_url(url)
        except PatternTimeout as exc:
            self.crawler.stats.inc_value("mediamon/capped/article_url_timeouts")
            if outlet.id not in self.timed_out_outlets:
                self.timed_out_outlets.add(outlet.id)
                logger.warning("outlet %s: %s; %s is not an article", outlet.id, exc, url[:200])
            return False

    def next_page(self, outlet: Outlet, response: TextResponse) -> Iterator[Request]:
        href = response.css('a[rel~="next"]::attr(href), link[rel~="next"]::attr(href)').get()
        if href:
            yield from self.page_request(outlet, response.urljoin(href), response)

    def page_request(self, outlet: Outlet, url: str, response: Response) -> Iterator[Request]:
        """The request of the page after ``response``'s, unless the listing is deep enough."""
        page = response.meta["listing_page"]
        if page >= self.crawler.settings.getint(LISTING_PAGES_SETTING, 20):
            self.crawler.stats.inc_value("mediamon/sections/depth_limited")
            return
        meta = self.outlet_meta(outlet, listing_page=page + 1)
        yield self.listing_request(url, self.parse_listing, meta)


def window_days(since: date, until: date) -> list[date]:
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def archive_url(template: str, day: date) -> str:
    return template.format(yyyy=f"{day:%Y}", mm=f"{day:%m}", dd=f"{day:%d}")
