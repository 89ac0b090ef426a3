"""The URL guard: the first downloader middleware, so every request of a crawl passes it.

Feeds, entries, sitemaps, sections, archives, robots.txt and every redirect (each redirect is a
new request through the whole chain) are checked against :mod:`scrapers.urlpolicy` before
anything connects; the connect-time address check (:mod:`scrapers.resolver`) reports here too.
A refusal is counted as ``mediamon/refused/<reason>``, logged once per URL, and raised as
:class:`~scrapers.hostile.RefusedRequest`.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from mediamon.core.context import context_from_settings
from scrapers.hostile import RefusedRequest
from scrapers.middlewares import CONFIGURED_META
from scrapers.resolver import RefusedAddress, install_checking_resolver
from scrapers.urlpolicy import Fetch, Refusal, UrlPolicy

logger = logging.getLogger(__name__)

OUTLET_META = "outlet_id"
LOGGED_URLS_MAX = 10_000


class UrlGuardMiddleware:
    """Refuses, before any connection, every request the URL policy refuses."""

    # URLs already logged: shared by the spiders a crawl process runs one after another.
    logged: ClassVar[set[str]] = set()

    def __init__(self, policy: UrlPolicy, stats: StatsCollector) -> None:
        self.policy = policy
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UrlGuardMiddleware:
        assert crawler.stats is not None
        policy = UrlPolicy.from_config(context_from_settings(crawler.settings).config)
        install_checking_resolver(crawler, policy.allowed)
        return cls(policy, crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        refusal = self.policy.refusal(fetch_of(request))
        if refusal is not None:
            self.refuse(request, refusal)
        return None

    def process_exception(
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> None:
        if isinstance(exception, RefusedAddress):
            self.refuse(request, Refusal("private_address", str(exception)))

    def refuse(self, request: Request, refusal: Refusal) -> None:
        self.stats.inc_value(f"mediamon/refused/{refusal.reason}")
        self.count_hostile(request, refusal.reason)
        if request.url not in self.logged:
            if len(self.logged) < LOGGED_URLS_MAX:
                self.logged.add(request.url)
            outlet_id = request.meta.get(OUTLET_META, "-")
            logger.warning(
                "outlet %s: refused %s (%s): %s",
                outlet_id,
                request.url,
                refusal.reason,
                refusal.why,
            )
        raise RefusedRequest(f"{request.url}: {refusal.why}")

    def count_hostile(self, request: Request, reason: str) -> None:
        """The hostile-HTTP counts these refusals have always had in the run record."""
        if reason == "private_address":
            self.stats.inc_value("mediamon/hostile/private_address")
        elif reason == "offsite" and request.meta.get("redirect_times"):
            self.stats.inc_value("mediamon/hostile/offsite_redirect")


def fetch_of(request: Request) -> Fetch:
    """What the URL policy needs to know of ``request``."""
    redirected = bool(request.meta.get("redirect_times"))
    chain: Any = request.meta.get("redirect_urls") or [request.url]
    return Fetch(
        url=request.url,
        outlet_id=request.meta.get(OUTLET_META),
        configured=bool(request.meta.get(CONFIGURED_META)) and not redirected,
        origin=str(chain[0]),
    )
