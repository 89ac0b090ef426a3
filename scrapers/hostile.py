"""Hostile HTTP: refusing redirect loops and private addresses, and naming every failure.

Each case is logged with outlet and URL and counted as ``mediamon/hostile/<case>``; the
RunRecorder keeps every ``mediamon/`` stat, so each case also lands in the run record.
"""

from __future__ import annotations

import logging
import socket
from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from mediamon.config import Config, Outlet
from mediamon.context import context_from_settings

logger = logging.getLogger(__name__)
Address = IPv4Address | IPv6Address


class RefusedRequest(IgnoreRequest):
    """A request refused on purpose; already logged and counted where it was refused."""


def record_hostile(stats: StatsCollector, case: str, outlet_id: str, url: str, why: str) -> None:
    stats.inc_value(f"mediamon/hostile/{case}")
    logger.warning("outlet %s: %s at %s: %s", outlet_id, case.replace("_", " "), url, why)


class HostileRequestGuardMiddleware:
    """Refuses, before any connection, a redirect loop and any private, loopback or link-local
    address the outlet is not itself configured on."""

    def __init__(self, config: Config, stats: StatsCollector) -> None:
        self.outlets = {outlet.id: outlet for outlet in config.outlets}
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostileRequestGuardMiddleware:
        assert crawler.stats is not None
        return cls(context_from_settings(crawler.settings).config, crawler.stats)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        outlet = self.outlets.get(request.meta.get("outlet_id", ""))
        if outlet is None:
            return
        address = forbidden_address(request.url, configured_addresses(outlet))
        if address is not None:
            self.refuse(request, outlet, "private_address", f"{address} is not a public address")

    def refuse(self, request: Request, outlet: Outlet, case: str, why: str) -> None:
        record_hostile(self.stats, case, outlet.id, request.url, why)
        raise RefusedRequest(f"{request.url}: {why}")


class RedirectLoopMiddleware:
    """Cuts a redirect chain that comes back to a URL it already passed (before Scrapy's
    duplicate filter silently drops it, or REDIRECT_MAX_TIMES is spent on it)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectLoopMiddleware:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        location = response.headers.get("Location")
        if not (300 <= response.status < 400 and location):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        if target in (*request.meta.get("redirect_urls", ()), request.url):
            outlet_id = request.meta.get("outlet_id", "?")
            why = f"redirects back to {target}"
            record_hostile(self.stats, "redirect_loop", outlet_id, request.url, why)
            raise RefusedRequest(f"{request.url}: {why}")
        return response


def forbidden_address(url: str, allowed: frozenset[Address]) -> Address | None:
    """The first non-public address ``url``'s host resolves to that is not in ``allowed``."""
    for address in resolve(urlsplit(url).hostname or ""):
        if not address.is_global and address not in allowed:
            return address
    return None


def configured_addresses(outlet: Outlet) -> frozenset[Address]:
    """Where the outlet itself is configured: its homepage, sources and domains."""
    urls = [outlet.homepage, *outlet.feeds, *outlet.sitemaps, *outlet.sections, *outlet.archives]
    hosts = {urlsplit(url).hostname or "" for url in urls} | set(outlet.domains)
    return frozenset(address for host in sorted(hosts) for address in resolve(host))


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[Address, ...]:
    """The addresses of ``host``: itself if it is an IP literal; none if it does not resolve."""
    host = host.strip("[]")
    try:
        return (ip_address(host),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ()
    return tuple(dict.fromkeys(ip_address(info[4][0]) for info in infos))


def failure_case(failure: Failure) -> str | None:
    """The hostile case a download failure is, or None when it was refused (already counted)."""
    error = failure.value
    if isinstance(error, RefusedRequest):
        return None
    if isinstance(error, HttpError):
        status: int = error.response.status
        return f"http_{status // 100}xx"
    return _exception_case(error)


def _exception_case(error: Any) -> str:
    if isinstance(error, DownloadTimeoutError | TwistedTimeoutError):
        return "timeout"
    if isinstance(error, DownloadCancelledError):
        return "oversized"
    if isinstance(error, IgnoreRequest) and "decompression" in str(error):
        return "decompression_bomb"
    if isinstance(error, IgnoreRequest) and "max redirections" in str(error):
        return "redirect_loop"
    return "download_error"


def record_failure(stats: StatsCollector, failure: Failure) -> None:
    """Count and log a failed download under its hostile case."""
    case = failure_case(failure)
    if case is None:
        return
    request = failure.request  # type: ignore[attr-defined]
    why = failure.getErrorMessage()
    record_hostile(stats, case, request.meta.get("outlet_id", "?"), request.url, why)
