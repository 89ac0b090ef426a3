"""The URL policy: which URLs a crawl may fetch, and the reason when it may not.

Pure and without lookups: a hostname is never resolved here (that happens once, at connect
time, in :mod:`scrapers.resolver`); an IP-literal host is checked right here. The rules:

- ``scheme``: only http and https (never file, ftp, s3, data...).
- ``private_address``: an IP-literal host must be public, or one an outlet is configured on
  (the local outlet world serves its outlets on loopback addresses).
- ``offsite``: the host must be on the domains of the request's outlet; a URL the user
  configured (a feed on a CDN, say) is trusted as such, but not where it redirects. A request
  without an outlet (robots.txt, and where it redirects) belongs to the outlet owning the first
  URL of its redirect chain: its host, or for robots.txt itself the host of a configured source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from urllib.parse import urlsplit

from mediamon.core.config import Config, Outlet
from mediamon.core.hosts import host_key

Address = IPv4Address | IPv6Address
ALLOWED_SCHEMES = frozenset({"http", "https"})
ROBOTS_PATH = "/robots.txt"


@dataclass(frozen=True)
class Refusal:
    """Why a URL is refused: ``reason`` names the stat (``mediamon/refused/<reason>``)."""

    reason: str
    why: str


@dataclass(frozen=True)
class Fetch:
    """What the policy needs to know of one request.

    ``origin`` is the first URL of its redirect chain (``url`` itself when not redirected);
    ``configured`` says the URL is one the user configured, reached without a redirect.
    """

    url: str
    outlet_id: str | None = None
    configured: bool = False
    origin: str | None = None


def ip_literal(host: str) -> Address | None:
    """The address ``host`` names when it is an IP literal (no lookup), else None."""
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_public(address: Address) -> bool:
    """Whether connecting to ``address`` reaches the public internet (not private, loopback,
    link-local, reserved, shared, multicast or unspecified)."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def configured_urls(outlet: Outlet) -> list[str]:
    """Every URL (or archive template) the user configured for ``outlet``."""
    return [outlet.homepage, *outlet.feeds, *outlet.sitemaps, *outlet.sections, *outlet.archives]


def configured_addresses(outlets: Iterable[Outlet]) -> frozenset[Address]:
    """The IP literals the outlets are configured on: their URLs' hosts and their domains."""
    hosts = {host_of(url) for o in outlets for url in configured_urls(o)}
    hosts |= {domain for o in outlets for domain in o.domains}
    return frozenset(a for a in (ip_literal(h) for h in hosts) if a is not None)


def host_of(url: str) -> str:
    """The host of ``url`` in the one form hosts are compared in (ASCII, IDNA)."""
    try:
        return host_key(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def netloc_of(url: str) -> str:
    """Host and port of ``url``, the host as :func:`host_of` gives it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = host_key(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    return host if port is None else f"{host}:{port}"


class UrlPolicy:
    """The policy of one config: its outlets, the addresses they may be on, their sources."""

    def __init__(self, outlets: Iterable[Outlet], allowed: Iterable[Address] = ()) -> None:
        self.outlets = {outlet.id: outlet for outlet in outlets}
        self.allowed = configured_addresses(self.outlets.values()) | frozenset(allowed)
        self.source_netlocs = {
            netloc_of(url): outlet
            for outlet in self.outlets.values()
            for url in configured_urls(outlet)
        }
        # Each domain's first outlet in config order: a request without an outlet (robots.txt)
        # is matched by its host's suffixes, not by asking every outlet.
        self.domain_owners: dict[str, Outlet] = {}
        for outlet in self.outlets.values():
            for domain in outlet.domains:
                self.domain_owners.setdefault(domain, outlet)
        self.order = {outlet_id: index for index, outlet_id in enumerate(self.outlets)}

    @classmethod
    def from_config(cls, config: Config) -> UrlPolicy:
        return cls(config.outlets)

    def refusal(self, fetch: Fetch) -> Refusal | None:
        """None when ``fetch`` may go ahead, else why not."""
        try:
            parts = urlsplit(fetch.url)
        except ValueError as exc:
            return Refusal("scheme", f"not a URL: {exc}")
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            return Refusal("scheme", f"the scheme {parts.scheme or 'none'!r} is not http(s)")
        host = host_of(fetch.url)
        address = ip_literal(host)
        if address is not None and not (is_public(address) or address in self.allowed):
            return Refusal("private_address", f"{address} is not a public address")
        return self.offsite(fetch, host)

    def offsite(self, fetch: Fetch, host: str) -> Refusal | None:
        outlet, configured = self.owner(fetch)
        if outlet is None:
            return Refusal("offsite", f"no configured outlet owns the host {host or '(none)'}")
        if configured or outlet.owns(fetch.url):
            return None
        return Refusal("offsite", f"not on the domains of outlet {outlet.id}")

    def owner(self, fetch: Fetch) -> tuple[Outlet | None, bool]:
        """The outlet ``fetch`` is made for, and whether its URL counts as configured."""
        outlet = self.outlets.get(fetch.outlet_id or "")
        if outlet is not None:
            return outlet, fetch.configured
        origin = fetch.origin or fetch.url
        owning = self.first_owner(origin)
        if owning is not None:
            return owning, False
        source = self.source_netlocs.get(netloc_of(origin)) if is_robots(origin) else None
        return source, source is not None and origin == fetch.url

    def first_owner(self, url: str) -> Outlet | None:
        """The first outlet, in config order, on whose domains ``url`` is (``Outlet.owns``)."""
        try:
            host = host_key(urlsplit(url).hostname or "")
        except ValueError:  # not a URL (an invalid IPv6 literal, say)
            return None
        labels = host.split(".")
        suffixes = (".".join(labels[start:]) for start in range(len(labels)))
        owners = [self.domain_owners[s] for s in suffixes if s in self.domain_owners]
        return min(owners, key=lambda outlet: self.order[outlet.id], default=None)


def is_robots(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.path == ROBOTS_PATH and not parts.query
