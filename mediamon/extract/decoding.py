"""Page bytes to text: which encoding a page is read with, and reading it.

The order, as browsers read a page: a byte order mark; the page's own <meta> charset when it says
UTF-8 and the bytes are UTF-8; the encoding the transport declared (the HTTP header, or the
caller) when it reads the page; UTF-8 when most of the page's non-ASCII bytes are valid UTF-8; the
<meta> charset when it decodes the page; detection last.

A page that is UTF-8 but for a stray byte or two (a CMS snippet pasted in windows-1252) stays
UTF-8 and only the invalid bytes become U+FFFD. trafilatura's own detection rules UTF-8 out once
a strict decode fails, and charset_normalizer then reads the whole page as mac_latin2,
iso8859_10 or cp1250, garbling every non-ASCII letter of the body and the title.
"""

from __future__ import annotations

import codecs

import charset_normalizer
from trafilatura.utils import handle_compressed_file
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

UTF8 = "utf-8"
REPLACEMENT = "\ufffd"
BOM = "\ufeff"
ENCODED_REPLACEMENT = REPLACEMENT.encode(UTF8)


def decode_page(body: bytes, declared: str | None = None) -> str:
    """``body`` as text, read with ``declared`` when given, else with :func:`reading_encoding`
    (after decompressing it if it is gzip, zstd, brotli or deflate); invalid bytes alone become
    U+FFFD."""
    if declared is None:
        text = _valid_utf8(body)
        if text is not None:
            return text
        body = handle_compressed_file(body)
        text = _valid_utf8(body)
        if text is not None:
            return text
    try:
        text = body.decode(declared or reading_encoding(body, None), errors="replace")
    except LookupError:
        text = body.decode(reading_encoding(body, None), errors="replace")
    return text.removeprefix(BOM)


def _valid_utf8(body: bytes) -> str | None:
    """``body`` read as UTF-8 when it is valid UTF-8 (ASCII is), the common case."""
    try:
        return body.decode(UTF8).removeprefix(BOM)
    except UnicodeDecodeError:
        return None


def reading_encoding(body: bytes, declared: str | None) -> str:
    """The encoding to read ``body`` with; ``declared`` is the transport's (None: none)."""
    bom = bom_encoding(body)
    if bom is not None:
        return bom
    meta = meta_encoding(body)
    if meta is not None and proves(body, meta):
        return meta
    if declared is not None and reads(body, declared):
        return declared
    if mostly_utf8(body):
        return UTF8
    if meta is not None and decodes(body, meta):
        return meta
    return detected_encoding(body) or declared or UTF8


def bom_encoding(body: bytes) -> str | None:
    encoding, _ = read_bom(body)
    return encoding


def meta_encoding(body: bytes) -> str | None:
    """The encoding the page's <meta> declares, resolved to a codec name, if any."""
    declared = html_body_declared_encoding(body)
    return (resolve_encoding(declared) or declared) if declared else None


def proves(body: bytes, encoding: str) -> bool:
    """Whether ``body`` reading well in ``encoding`` is evidence that it is in it: only UTF-8
    rejects most text in other encodings (a single-byte codec decodes any bytes at all), and an
    all-ASCII body reads the same in nearly every encoding."""
    return is_utf8(encoding) and not body.isascii() and mostly_utf8(body)


def reads(body: bytes, encoding: str) -> bool:
    """Whether ``body`` reads in ``encoding``: it decodes, or it is UTF-8 but for stray bytes."""
    return decodes(body, encoding) or (is_utf8(encoding) and mostly_utf8(body))


def mostly_utf8(body: bytes) -> bool:
    """Whether the valid UTF-8 characters of ``body`` outnumber its invalid bytes: text in a
    legacy encoding almost never forms valid multi-byte sequences, so a majority of them is
    UTF-8 with a few stray bytes, not a page in another codec."""
    text = body.decode(UTF8, errors="replace")
    invalid = text.count(REPLACEMENT) - body.count(ENCODED_REPLACEMENT)
    if invalid == 0:
        return not body.isascii()
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - text.count(REPLACEMENT) > invalid


def same_codec(first: str, second: str) -> bool:
    return canonical(first) == canonical(second)


def is_utf8(encoding: str) -> bool:
    return canonical(encoding) == "utf-8"


def canonical(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def decodes(body: bytes, encoding: str) -> bool:
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def detected_encoding(body: bytes) -> str | None:
    best = charset_normalizer.from_bytes(body).best()
    return best.encoding if best is not None else None
