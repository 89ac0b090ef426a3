"""Host names in one form, so that an outlet's domains and the hosts of its URLs compare equal.

An internationalised domain arrives in two spellings: as the user writes it in outlets.yaml or a
page links it (``stössenseer.de``), and as Scrapy requests it (``xn--stssenseer-fcb.de``: w3lib
encodes hosts with Python's IDNA 2003 codec). Compared as written, an outlet on such a domain
loses every article. :func:`host_key` is the ASCII form Scrapy sends, reached from either.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ACE_PREFIX = "xn--"


@lru_cache(maxsize=4096)
def host_key(host: str) -> str:
    """``host`` lowercased, without a trailing dot, in the ASCII (IDNA) form Scrapy requests;
    a host that IDNA cannot encode (an empty or over-long label) comes back lowercased."""
    host = host.strip().rstrip(".").lower()
    unicode_host = ".".join(_unicode_label(label) for label in host.split("."))
    if unicode_host.isascii():
        return unicode_host
    try:
        return unicodedata.normalize("NFKC", unicode_host).encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _unicode_label(label: str) -> str:
    """A punycode label decoded, so that labels encoded by IDNA 2008 (which keeps ß, ς...) and
    by IDNA 2003 (which maps them to ss, σ...) meet in the same form."""
    if not label.startswith(ACE_PREFIX):
        return label
    try:
        decoded = label[len(ACE_PREFIX) :].encode("ascii").decode("punycode")
    except UnicodeError:
        return label
    # a valid A-label always decodes to some non-ASCII: "xn--example-" is not "example"
    return label if decoded.isascii() else decoded


def on_domain(host: str, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or one of its subdomains (both as :func:`host_key` gives)."""
    return host == domain or host.endswith("." + domain)
