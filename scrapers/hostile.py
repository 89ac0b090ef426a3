"""Hostile HTTP: refusing redirect loops, and naming every failure.

Each case is logged with outlet and URL and counted as ``mediamon/hostile/<case>``; the
RunRecorder keeps every ``mediamon/`` stat, so each case also lands in the run record. Which
URLs may be fetched at all (schemes, hosts, addresses) is :mod:`scrapers.urlpolicy`'s business.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.statscollectors import StatsCollector
from twisted.internet.error import ConnectError, ConnectionDone, ConnectionLost
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed

from scrapers.resolver import RefusedAddress

logger = logging.getLogger(__name__)


class RefusedRequest(IgnoreRequest):
    """A request refused on purpose; already logged and counted where it was refused."""


def record_hostile(stats: StatsCollector, case: str, outlet_id: str, url: str, why: str) -> None:
    stats.inc_value(f"mediamon/hostile/{case}")
    logger.warning("outlet %s: %s at %s: %s", outlet_id, case.replace("_", " "), url, why)


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
    why = failure_reason(failure)
    record_hostile(stats, case, request.meta.get("outlet_id", "?"), request.url, why)


# What the network does to a download (nothing mediamon could fix): a line, never a traceback.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    DownloadCancelledError,
    ResponseDataLossError,
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    TwistedTimeoutError,
    ResponseFailed,
    OSError,  # DNSLookupError, TLS errors from the OS
    RefusedAddress,
    IgnoreRequest,
)


def is_network_failure(error: BaseException) -> bool:
    return isinstance(error, NETWORK_ERRORS)


def cause_of(error: BaseException) -> str:
    """Why a download failed, in a few words: "HTTP 503", "DNS lookup failed: ...", "Connection
    was refused by other side: ...", not Scrapy's "Ignoring non-200 response" or a list of
    Twisted failures."""
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    wrapped = getattr(error, "reasons", None)  # ResponseFailed, ResponseNeverReceived...
    if wrapped:
        return "; ".join(failure_reason(reason) for reason in wrapped)
    if isinstance(error, DownloadFailedError) and error.__cause__ is not None:
        return cause_of(error.__cause__)
    return str(error).strip() or type(error).__name__


def failure_reason(reason: Any) -> str:
    """A download failure's cause in a few words, as its log line and the failure record say it."""
    if isinstance(reason, Failure):
        error = reason.value
        return cause_of(error) if error is not None else reason.getErrorMessage()
    return str(reason)
