"""Opt-in misbehaving endpoints for one outlet of the world: every kind of broken server.

``add_hostile_routes(world, outlet_id)`` serves them and a feed listing every page among them, so
one feed crawl meets them all. Redirect targets outside the world (link-local, private) are only
ever Location values: a correct crawler refuses them before connecting.
"""

from __future__ import annotations

import codecs
import gzip
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from mediamon.world.server import Request, Resource, Response, Route

if TYPE_CHECKING:
    from mediamon.world import OutletWorld

PARAGRAPH_RU = (
    "Вооружённая группа пересекла границу Белгородской области, сообщили местные власти. "
    "Жители нескольких сёл были эвакуированы, а в регионе введён режим контртеррористической "
    "операции, который действовал до следующего вечера."
)
PARAGRAPH_ZH = (
    "地方当局表示，一支武装团体越过边境进入别尔哥罗德州。数个村庄的居民已被疏散，"
    "该地区实行了反恐行动制度，一直持续到第二天晚上。分析人士认为，这次事件显示了边境防御的薄弱。"
)
LINK_LOCAL_TARGET = "http://169.254.169.254/latest/meta-data/"
PRIVATE_TARGET = "http://10.0.0.1/admin"
OFFSITE_TARGET = "http://offsite.invalid/elsewhere"
HOSTILE_PAGES = (
    "loop-a",
    "offsite",
    "link-local",
    "private",
    "huge",
    "bomb",
    "slow",
    "gone",
    "broken",
    "koi8r",
    "gb2312",
    "wrong-charset",
    "malformed-html",
)
TEXT_PAGES = ("header-lies-1251", "bom-utf8", "bidi-title")
# U+202E (right-to-left override) turns "exe.gnp" around on screen; U+2066..U+2069 isolate
BIDI_TITLE = "Белгород: \u202eexe.gnp\u202c рейд \u2066через границу\u2069"
BIDI_AUTHOR = "\u202bИван Петров\u202c"
PARAGRAPH_BIDI = (
    "Местные власти сообщили о новом обстреле приграничного района. По их словам, повреждены "
    "линии электропередачи и несколько жилых домов, пострадавших среди мирных жителей нет."
)


@dataclass(frozen=True)
class HostileSettings:
    retry_after_seconds: int = 2
    huge_bytes: int = 2 * 1024 * 1024
    bomb_bytes: int = 64 * 1024 * 1024
    slow_seconds: float = 3.0


class RetryAfterOnce:
    """Answers 429 with Retry-After the first time, then serves ``then``."""

    def __init__(self, seconds: int, then: Route) -> None:
        self.seconds = seconds
        self.then = then
        self._refused = False
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            refused, self._refused = self._refused, True
        if not refused:
            return Response(429, b"slow down", (("Retry-After", str(self.seconds)),))
        return self.then(request)


def add_hostile_routes(
    world: OutletWorld, outlet_id: str, settings: HostileSettings | None = None
) -> dict[str, str]:
    """Serve the hostile endpoints on ``outlet_id``; return their URLs by case name."""
    settings = settings or HostileSettings()
    base = world.outlet(outlet_id).base_url
    routes = hostile_routes(base, settings)
    world.site(outlet_id).update_routes(routes)
    return {path.strip("/").removeprefix("hostile/"): base + path for path in routes}


def hostile_routes(base: str, settings: HostileSettings) -> dict[str, Route]:
    feed = Resource(_feed(base), "application/rss+xml")
    return {
        "/hostile/feed.xml": feed,
        "/hostile/retry-after.xml": RetryAfterOnce(settings.retry_after_seconds, feed),
        "/hostile/malformed-feed.xml": Resource(b"<rss><channel><item><title>x</ti", "text/xml"),
        "/hostile/loop-a": _redirect(base + "/hostile/loop-b"),
        "/hostile/loop-b": _redirect(base + "/hostile/loop-a"),
        "/hostile/offsite": _redirect(OFFSITE_TARGET),
        "/hostile/link-local": _redirect(LINK_LOCAL_TARGET),
        "/hostile/private": _redirect(PRIVATE_TARGET),
        "/hostile/huge": Resource(b"<p>" + b"x" * settings.huge_bytes + b"</p>", "text/html"),
        "/hostile/bomb": lambda _: _gzip_bomb(settings.bomb_bytes),
        "/hostile/slow": _slow(settings.slow_seconds),
        "/hostile/gone": lambda _: Response(410, b"gone"),
        "/hostile/broken": lambda _: Response(500, b"internal error"),
        **charset_routes(),
        **text_routes(base),
    }


def charset_routes() -> dict[str, Route]:
    """KOI8-R declared only in a meta tag, GB2312 in the header, a header that lies."""
    return {
        "/hostile/koi8r": Resource(_page("koi8-r", "Белгород", PARAGRAPH_RU), "text/html"),
        "/hostile/gb2312": Resource(
            _page("gb2312", "别尔哥罗德", PARAGRAPH_ZH), "text/html; charset=gb2312"
        ),
        "/hostile/wrong-charset": Resource(
            _page("windows-1251", "Белгород", PARAGRAPH_RU), "text/html; charset=utf-8"
        ),
        "/hostile/malformed-html": Resource(
            _page("utf-8", "Белгород", PARAGRAPH_RU).replace(b"</p>", b"<div></b>", 2),
            "text/html; charset=utf-8",
        ),
    }


def text_routes(base: str) -> dict[str, Route]:
    """Pages whose text a careless crawler stores wrong, with a feed of their own: a header
    claiming windows-1251 for a UTF-8 page (its meta says utf-8), a UTF-8 byte order mark under
    such a header, and a title and byline full of bidi controls."""
    utf8_page = _page("utf-8", "Белгород", PARAGRAPH_RU)
    header_1251 = "text/html; charset=windows-1251"
    return {
        "/hostile/text-feed.xml": Resource(_feed(base, TEXT_PAGES), "application/rss+xml"),
        "/hostile/header-lies-1251": Resource(utf8_page, header_1251),
        "/hostile/bom-utf8": Resource(codecs.BOM_UTF8 + utf8_page, header_1251),
        "/hostile/bidi-title": Resource(_bidi_page(), "text/html; charset=utf-8"),
    }


def _bidi_page() -> bytes:
    byline = f'<meta name="author" content="{BIDI_AUTHOR}">'
    page = _page("utf-8", BIDI_TITLE, PARAGRAPH_BIDI).decode()
    return page.replace("</head>", f"{byline}</head>", 1).encode()


def _page(encoding: str, title: str, paragraph: str) -> bytes:
    body = "".join(f"<p>{escape(paragraph)} ({n})</p>" for n in range(1, 5))
    html = (
        f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{title}</title></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )
    return html.encode(encoding)


def _slow(seconds: float) -> Route:
    page = _page("utf-8", "Slow", PARAGRAPH_RU)
    return lambda _: Response(200, page, (("Content-Type", "text/html; charset=utf-8"),), seconds)


def _redirect(location: str) -> Route:
    return lambda _: Response(302, b"", (("Location", location),))


def _gzip_bomb(size: int) -> Response:
    headers = (("Content-Type", "text/html"), ("Content-Encoding", "gzip"))
    return Response(200, _compressed_zeros(size), headers)


@cache
def _compressed_zeros(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9, mtime=0)


def _feed(base: str, pages: tuple[str, ...] = HOSTILE_PAGES) -> bytes:
    items = "".join(
        f"<item><title>{name}</title><link>{base}/hostile/{name}</link></item>" for name in pages
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Hostile'
        f"</title><link>{base}/</link><description>d</description>{items}</channel></rss>"
    ).encode()
