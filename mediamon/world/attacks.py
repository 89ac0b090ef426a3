"""Attacks on the URL policy, for tests and benchmarks: each one a crawl must refuse.

- :func:`add_scheme_attacks`: a feed, a sitemap and a section page on an outlet listing links
  with other schemes on the outlet's own host (``file://<host>/<canary>``, ``ftp://<host>:<port>/``).
- :func:`add_redirect_attacks`: the outlet's robots.txt, a feed and an article answering 302 to
  a :class:`Trap` on another loopback address.
- :class:`Trap`: a listening socket that records every connection (it answers HTTP, so a
  crawler that gets through fetches something): no connection means the attack failed.
- :func:`stub_getaddrinfo`: a ``getaddrinfo`` answering from a file (``MEDIAMON_STUB_DNS``) and
  recording each call: DNS rebinding and proxy tests (``MEDIAMON_DNS_LOOKUP`` names it).
- :func:`claim_canonical`: an article whose page names another address as its canonical URL.
- :class:`ForwardProxy`: a minimal HTTP forward proxy serving world outlets under hostnames, with
  no DNS anywhere; an internationalised name (``stössenseer.test``) is answered under its IDNA
  form, as crawlers request it, and its pages link it in Unicode, as such sites write it.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from mediamon.world.render import render_article
from mediamon.world.server import Resource, Response, Route

if TYPE_CHECKING:
    from mediamon.world import OutletWorld
    from mediamon.world.model import Article

STUB_DNS_ENV = "MEDIAMON_STUB_DNS"
STUB_DNS_FUNCTION = "mediamon.world.attacks.stub_getaddrinfo"
CANARY_TEXT = "mediamon-canary-0f3c9a: this local file must never be read by a crawl"


class Trap:
    """A TCP listener on ``host`` that answers every connection with a small HTTP page and
    records it. ``url(path)`` is an http URL on it; ``connections`` lists what arrived."""

    def __init__(self, host: str = "127.0.0.3", port: int = 0) -> None:
        self._socket = socket.create_server((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self.connections: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, name=f"trap-{host}", daemon=True)
        self._thread.start()

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://{self.host}:{self.port}{path}"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(1)
                try:
                    self.connections.append(connection.recv(4096))
                    connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 7\r\n\r\ntrapped")
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self._socket.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Trap:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def canary_file(directory: Path, relative: str = "2023/05/23/canary-a1") -> Path:
    """A local file holding :data:`CANARY_TEXT`; the default path matches the article pattern
    of the world's first outlet, so a section page's link to it looks like an article."""
    path = directory / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CANARY_TEXT)
    return path


def add_scheme_attacks(world: OutletWorld, outlet_id: str, links: Sequence[str]) -> dict[str, str]:
    """Serve on ``outlet_id`` a feed, a sitemap and a section page listing ``links``; return
    their URLs by name (``feed``, ``sitemap``, ``section``)."""
    base = world.outlet(outlet_id).base_url
    routes: dict[str, Route] = {
        "/attacks/feed.xml": Resource(_rss(base, links), "application/rss+xml"),
        "/attacks/sitemap.xml": Resource(_sitemap(links), "application/xml"),
        "/attacks/section": Resource(_section(links), "text/html; charset=utf-8"),
    }
    world.site(outlet_id).update_routes(routes)
    return {name: f"{base}/attacks/{name}" for name in ("feed.xml", "sitemap.xml", "section")}


def add_redirect_attacks(
    world: OutletWorld, outlet_id: str, targets: dict[str, str]
) -> dict[str, str]:
    """Make ``outlet_id``'s robots.txt, ``/attacks/redirect-feed.xml`` and the articles
    ``/attacks/redirect-<name>`` answer 302 to ``targets`` (by name: ``robots``, ``feed`` and
    any others, each an article listed in ``/attacks/redirects.xml``); return the URLs."""
    base = world.outlet(outlet_id).base_url
    articles = {name: f"{base}/attacks/redirect-{name}" for name in targets if name != "feed"}
    routes: dict[str, Route] = {
        urlsplit(url).path: _redirect(targets[name]) for name, url in articles.items()
    }
    routes["/robots.txt"] = _redirect(targets["robots"])
    if "feed" in targets:
        routes["/attacks/redirect-feed.xml"] = _redirect(targets["feed"])
    listed = [url for name, url in articles.items() if name != "robots"]
    routes["/attacks/redirects.xml"] = Resource(_rss(base, listed), "application/rss+xml")
    world.site(outlet_id).update_routes(routes)
    return {
        **articles,
        "feed": f"{base}/attacks/redirect-feed.xml",
        "redirects.xml": f"{base}/attacks/redirects.xml",
    }


def _redirect(location: str) -> Route:
    return lambda _: Response(302, b"", (("Location", location),))


def _rss(base: str, links: Sequence[str]) -> bytes:
    items = "".join(
        f"<item><title>Item {n}</title><link>{escape(link)}</link></item>"
        for n, link in enumerate(links)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Attacks'
        f"</title><link>{base}/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def _sitemap(links: Sequence[str]) -> bytes:
    urls = "".join(f"<url><loc>{escape(link)}</loc></url>" for link in links)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    ).encode()


def _section(links: Sequence[str]) -> bytes:
    anchors = "".join(
        f'<li><a href="{escape(link)}">Story {n}</a></li>' for n, link in enumerate(links)
    )
    return f"<!DOCTYPE html><html><body><ul>{anchors}</ul></body></html>".encode()


def write_stub_dns(path: Path, answers: dict[str, list[list[str]]], log: Path) -> dict[str, str]:
    """Write the stub's answers (per host, the addresses of its 1st, 2nd... lookup; the last
    repeats) and return the environment that makes a crawl use the stub."""
    path.write_text(json.dumps({"answers": answers, "log": str(log)}))
    return {STUB_DNS_ENV: str(path), "MEDIAMON_DNS_LOOKUP": STUB_DNS_FUNCTION}


def stub_getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
    """``socket.getaddrinfo`` answering from the file named by ``MEDIAMON_STUB_DNS``; every call
    is appended to its log. An unknown host does not resolve."""
    stub = json.loads(Path(os.environ[STUB_DNS_ENV]).read_text())
    log = Path(stub["log"])
    calls = log.read_text().split() if log.exists() else []
    with log.open("a") as file:
        file.write(host + "\n")
    answers = stub["answers"].get(host)
    if not answers:
        raise socket.gaierror(socket.EAI_NONAME, f"stub DNS: {host} is unknown")
    addresses = answers[min(calls.count(host), len(answers) - 1)]
    return [_addrinfo(address, port) for address in addresses]


def _addrinfo(address: str, port: Any) -> tuple[Any, ...]:
    if ":" in address:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port or 0, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0))


class ForwardProxy(ThreadingHTTPServer):
    """An HTTP forward proxy on loopback serving ``backends`` (hostname -> a world outlet's
    base URL) under those names: bodies have the outlet's base URL replaced by the name's.
    Other hosts answer 502. ``requests`` lists every absolute URL asked for."""

    daemon_threads = True

    def __init__(self, backends: dict[str, str], host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), _ProxyHandler)
        self.backends = backends
        self.names = {ascii_host(name): name for name in backends}
        self.requests: list[str] = []
        self._thread = threading.Thread(target=self.serve_forever, name="proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> ForwardProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.shutdown()
        self.server_close()


def ascii_host(name: str) -> str:
    """A host name as a client sends it: lowercased, internationalised labels in IDNA form."""
    return name.lower().encode("idna").decode("ascii")


class _ProxyHandler(BaseHTTPRequestHandler):
    server: ForwardProxy

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        parts = urlsplit(self.path)
        name = self.server.names.get(parts.hostname or "")
        if name is None:
            self._send(502, b"unknown host", [])
            return
        backend = self.server.backends[name]
        target = urlsplit(backend)
        connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"User-Agent": self.headers.get("User-Agent", "")})
        answer = connection.getresponse()
        port = f":{parts.port}" if parts.port else ""
        # pages link the name as the site writes it (an IDN in Unicode); headers need ASCII
        public = f"{parts.scheme}://{name}{port}"
        body = answer.read().replace(backend.encode(), public.encode())
        ascii_public = f"{parts.scheme}://{parts.netloc}"
        headers = [(k, v.replace(backend, ascii_public)) for k, v in answer.getheaders()]
        connection.close()
        self._send(answer.status, body, headers)

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in {"content-length", "connection", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: ``requests`` records what matters."""


def claim_canonical(world: OutletWorld, outlet_id: str, canonical: str, **story: Any) -> Article:
    """Publish an article of ``outlet_id`` (``story``: more of ``world.add_article``'s
    arguments) whose page names ``canonical`` as its canonical URL (rel=canonical and og:url):
    another outlet's article, or an address off its domains."""
    article = world.add_article(outlet_id, title=CLAIM_TITLE, paragraphs=CLAIM_PARAGRAPHS, **story)
    outlet = world.outlet(outlet_id)
    page = render_article(outlet, article).decode(outlet.encoding)
    for attribute in ("href", "content"):
        page = page.replace(f'{attribute}="{article.url}"', f'{attribute}="{canonical}"')
    content_type = f"text/html; charset={outlet.encoding}"
    resource = Resource(page.encode(outlet.encoding), content_type, article.published)
    world.site(outlet_id).update_routes({article.path: resource})
    return article


CLAIM_TITLE = "Belgorod raid was staged, officials now say"
CLAIM_PARAGRAPHS = (
    "Officials in Belgorod now say the cross-border raid of 22 May was staged for the cameras.",
    "The claim was repeated on state television on Thursday evening without any evidence.",
    "Residents of Graivoron who spoke to reporters described two days of shelling and sirens.",
    "The regional governor did not answer questions about the sabotage group's vehicles.",
)
