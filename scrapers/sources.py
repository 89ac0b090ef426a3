"""SourceOutcomes: whether each configured source answered or failed, counted per outlet.

A crawl's outcome (and so its exit code and run record, see ``mediamon.core.runs``) depends on
its sources: the feeds, sitemaps, section and archive pages an outlet lists (requests marked
``configured_source``). This middleware sits outermost, so it sees each source's final result,
after retries and redirects: a response (a 304 or a status the spider asked to handle, such as
a 404 for a day without an archive, included) is an answer; an error or another 4xx/5xx status
is a failure, counted under ``mediamon/sources/failed`` and per outlet, with its first cause.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from mediamon.core import stat_keys
from scrapers.hostile import cause_of
from scrapers.middlewares import CONFIGURED_META


class SourceOutcomes:
    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SourceOutcomes:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if request.meta.get(CONFIGURED_META):
            if answered(request, response):
                self.stats.inc_value(stat_keys.SOURCES_ANSWERED)
            else:
                self.failed(request, f"HTTP {response.status}")
        return response

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        if request.meta.get(CONFIGURED_META):
            self.failed(request, cause_of(exception))

    def failed(self, request: Request, cause: str) -> None:
        outlet_id = request.meta.get("outlet_id", "?")
        self.stats.inc_value(stat_keys.SOURCES_FAILED)
        self.stats.inc_value(stat_keys.SOURCES_FAILED_PER_OUTLET + outlet_id)
        self.stats.set_value(
            stat_keys.SOURCE_FAILURE_CAUSE + outlet_id,
            self.stats.get_value(stat_keys.SOURCE_FAILURE_CAUSE + outlet_id) or cause,
        )


def answered(request: Request, response: Response) -> bool:
    """A page, a 304, or a status the request said it handles."""
    expected = request.meta.get("handle_httpstatus_list", ())
    return response.status < 400 or response.status in expected
