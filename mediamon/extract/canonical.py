"""Canonical article URLs: one address per article, whichever variant a feed or page gave.

The extract stage reads rel=canonical / og:url from the page and keeps it only where
:func:`trusted_canonical` says the page may speak for that address (an http(s) URL on the
outlet's own domains: a page must not claim another outlet's article, nor make the digest link
elsewhere); :func:`canonicalize` then folds
what still varies between addresses of one article: tracking parameters, AMP and mobile
variants, default ports, host case and spelling (an internationalised host in its ASCII form, as
requested), trailing slashes and fragments. Query parameters that are
left are sorted, so their order does not matter either.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mediamon.core.hosts import host_key

TRACKING_PARAMETER = re.compile(
    r"""utm_\w+ | fbclid | gclid | gclsrc | dclid | gbraid | wbraid | yclid | ymclid | msclkid
      | mc_cid | mc_eid | _ga | _gl | igshid | twclid | ttclid | li_fat_id | oly_\w+ | vero_\w+
      | mkt_tok | _hsenc | _hsmi | hsctatracking | s_cid | cmpid | ncid | ito | at_\w+ | ref_src
      | __twitter_impression | rss | from_rss | ref | amp | outputtype | output | view""",
    re.VERBOSE | re.IGNORECASE,
)
# A parameter whose name alone is not tracking, but which only selects an AMP rendering.
AMP_VALUE = re.compile(r"amp|1|true|", re.IGNORECASE)
VALUE_SENSITIVE_PARAMETERS = frozenset({"amp", "outputtype", "output", "view"})
AMP_PATH_SEGMENT = re.compile(r"/amp(?=/|$)|\.amp(?=\.html?$|$)", re.IGNORECASE)
VARIANT_HOST_PREFIX = re.compile(r"^(?:amp|m|mobile)\.(?=[^.]+\.[^.]+)", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}


def trusted_canonical(declared: str, owns: Callable[[str], bool]) -> bool:
    """Whether a page may declare ``declared`` as its canonical URL: an http(s) URL with a host
    that ``owns`` (the outlet's own domains)."""
    parts = urlsplit(declared.strip())
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname) and owns(declared)


def canonicalize(url: str) -> str:
    """The canonical form of an article URL; URLs that are not http(s) come back as they are."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    netloc = _netloc(scheme, parts.hostname, parts.port)
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


def _netloc(scheme: str, hostname: str, port: int | None) -> str:
    host = VARIANT_HOST_PREFIX.sub("", host_key(hostname))
    if port is None or port == DEFAULT_PORTS[scheme]:
        return host
    return f"{host}:{port}"


def _path(path: str) -> str:
    without_amp = AMP_PATH_SEGMENT.sub("", path)
    trimmed = without_amp.rstrip("/")
    return trimmed or "/"


def _query(query: str) -> str:
    kept = [(name, value) for name, value in parse_qsl(query, True) if _kept(name, value)]
    return urlencode(sorted(kept))


def _kept(name: str, value: str) -> bool:
    if not TRACKING_PARAMETER.fullmatch(name):
        return True
    if name.lower() in VALUE_SENSITIVE_PARAMETERS:
        return AMP_VALUE.fullmatch(value) is None
    return False
