"""The connect-time address check: a Twisted resolver that refuses non-public addresses.

Scrapy's HTTP handler connects through ``reactor.connectTCP``, which resolves a hostname with
the reactor's installed resolver and connects to exactly the address it returns. This resolver
looks the name up once (in the reactor's thread pool, never blocking the reactor), refuses the
whole name when any address is private, loopback, link-local or reserved, and returns the
checked address: there is no second lookup a rebinding DNS server could answer differently.
IP literals never reach a resolver; :mod:`scrapers.urlpolicy` checks them before the request.

Behind an HTTP proxy Twisted connects to the proxy only, so the only name resolved is the
proxy's own (trusted: the operator configured it). ``MEDIAMON_DNS_LOOKUP`` names the
``getaddrinfo``-like function used, so tests can answer with a stub.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable, Sequence
from ipaddress import IPv4Address
from typing import Any
from urllib.request import getproxies

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import CannotResolveHostError
from scrapy.http import Response
from scrapy.utils.datatypes import LocalCache
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from twisted.internet import defer, threads
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from twisted.python.failure import Failure
from zope.interface import implementer

from mediamon.core.names import DNS_LOOKUP_SETTING
from scrapers.urlpolicy import Address, host_of, ip_literal, is_public

logger = logging.getLogger(__name__)

DEFAULT_LOOKUP = "socket.getaddrinfo"
Lookup = Callable[..., Sequence[tuple[Any, ...]]]


class RefusedAddress(Exception):
    """A hostname that resolves to an address the crawl must not connect to."""

    def __init__(self, host: str, address: Address) -> None:
        super().__init__(f"{host} resolves to {address}, which is not a public address")
        self.host = host
        self.address = address


# Names refused at their latest lookup, read by the download handler on the reactor thread.
REFUSED: LocalCache[str, RefusedAddress] = LocalCache(1024)


class ConfiguredAddresses:
    """The addresses the crawls of this process are configured on: the resolver is the
    reactor's, one per process, and ``scrapy crawl`` installs it before any crawl's config is
    known. Replaced whole when it grows, so pool threads always read a complete set."""

    def __init__(self) -> None:
        self.addresses: frozenset[Address] = frozenset()

    def add(self, addresses: Iterable[Address]) -> None:
        self.addresses = self.addresses | frozenset(addresses)


CONFIGURED = ConfiguredAddresses()


def proxy_hosts(proxies: dict[str, str] | None = None) -> frozenset[str]:
    """The hosts of the configured proxies (``http_proxy`` etc., as Scrapy reads them)."""
    urls = (getproxies() if proxies is None else proxies).values()
    hosts = (host_of(url if "://" in url else f"http://{url}") for url in urls)
    return frozenset(host for host in hosts if host)


def lookup_addresses(lookup: Lookup, host: str) -> list[Address]:
    """Every address ``lookup`` gives ``host`` (in its order, without repeats)."""
    literal = ip_literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = lookup(host, None, 0, socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DNSLookupError(f"{host}: {exc}") from exc
    addresses = (ip_literal(str(info[4][0]).split("%")[0]) for info in infos)
    return list(dict.fromkeys(a for a in addresses if a is not None))


def connectable_address(
    host: str,
    addresses: Iterable[Address],
    allowed: frozenset[Address] = frozenset(),
    trusted: bool = False,
) -> str:
    """The IPv4 address to connect to for ``host``. Refused (:class:`RefusedAddress`) when any
    of its addresses is neither public nor ``allowed``, unless the host is ``trusted``."""
    found = list(addresses)
    for address in found:
        if not (trusted or is_public(address) or address in allowed):
            raise RefusedAddress(host, address)
    ipv4 = [address for address in found if isinstance(address, IPv4Address)]
    if not ipv4:
        raise DNSLookupError(f"{host} has no IPv4 address")
    return str(ipv4[0])


@implementer(IResolverSimple)
class CheckingResolver:
    """Resolves each name once and hands back only an address it checked.

    ``allowed`` (and :data:`CONFIGURED`) are the non-public addresses the crawl may still
    connect to, those the outlets are configured on; ``trusted_hosts`` (the proxies) may
    resolve to anything.
    """

    def __init__(
        self,
        reactor: Any,
        lookup: Lookup = socket.getaddrinfo,
        *,
        allowed: frozenset[Address] = frozenset(),
        trusted_hosts: frozenset[str] = frozenset(),
        timeout: float = 60.0,
        cache_size: int = 0,
    ) -> None:
        self.reactor = reactor
        self.lookup = lookup
        self.allowed = allowed
        self.trusted_hosts = trusted_hosts
        self.timeout = timeout
        self.cache_size = cache_size
        self.cache: LocalCache[str, str] = LocalCache(cache_size)

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> CheckingResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor,
            load_object(settings.get(DNS_LOOKUP_SETTING) or DEFAULT_LOOKUP),
            trusted_hosts=proxy_hosts(),
            timeout=settings.getfloat("DNS_TIMEOUT", 60.0),
            cache_size=cache_size,
        )

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        if self.cache_size and name in self.cache:
            return defer.succeed(self.cache[name])
        pool = self.reactor.getThreadPool()
        found = threads.deferToThreadPool(self.reactor, pool, self.checked_address, name)
        found.addTimeout(self.timeout, self.reactor, onTimeoutCancel=_timed_out(name))
        found.addCallbacks(self._resolved, self._failed, callbackArgs=(name,), errbackArgs=(name,))
        return found

    def checked_address(self, name: str) -> str:
        """Look ``name`` up and check it (runs in a pool thread)."""
        addresses = lookup_addresses(self.lookup, name)
        trusted = normal_host(name) in self.trusted_hosts
        return connectable_address(name, addresses, self.allowed | CONFIGURED.addresses, trusted)

    def _resolved(self, address: str, name: str) -> str:
        REFUSED.pop(normal_host(name), None)
        if self.cache_size:
            self.cache[name] = address
        return address

    def _failed(self, failure: Failure, name: str) -> Failure:
        if isinstance(failure.value, RefusedAddress):
            REFUSED[normal_host(name)] = failure.value
            logger.debug("refused to connect to %s: %s", name, failure.value)
        return failure


def normal_host(name: str) -> str:
    return name.lower().rstrip(".").strip("[]")


def refused_host(host: str) -> RefusedAddress | None:
    """Why ``host`` was refused at its latest lookup, if it was (Twisted reports a refused
    name as one that did not resolve)."""
    return REFUSED.get(normal_host(host))


def _timed_out(name: str) -> Callable[[Any, float], Failure]:
    def fail(result: Any, timeout: float) -> Failure:
        return Failure(DNSLookupError(f"{name}: no answer within {timeout} s"))

    return fail


def install_checking_resolver(crawler: Any, allowed: frozenset[Address]) -> None:
    """Let the resolver connect to the addresses a crawl's outlets are configured on, and make
    sure it is the reactor's (``scrapy crawl`` installs ``TWISTED_DNS_RESOLVER`` itself, a
    CrawlerRunner does not)."""
    from scrapy.utils.reactor import is_reactor_installed

    CONFIGURED.add(allowed)
    if is_reactor_installed():
        from twisted.internet import reactor

        if not isinstance(getattr(reactor, "resolver", None), CheckingResolver):
            CheckingResolver.from_crawler(crawler, reactor).install_on_reactor()


class CheckedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, telling a refused address from a name that did not resolve."""

    async def download_request(self, request: Request) -> Response:
        try:
            return await super().download_request(request)
        except CannotResolveHostError as exc:
            refused = refused_host(urlparse_cached(request).hostname or "")
            if refused is None:
                raise
            raise RefusedAddress(refused.host, refused.address) from exc
