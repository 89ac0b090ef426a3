"""HTTP for the outlet world: one threaded server per outlet host, a shared request log.

A :class:`Site` maps paths to routes. Static resources answer conditional GETs (ETag,
Last-Modified, 304); a route may instead be any callable taking the :class:`Request`, which is
how misbehaving endpoints (slow, failing, redirecting) can be added without touching this module.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from mediamon.world.requestlog import RequestLog, RequestRecord

SERVER_NAME = "mediamon-world/1"
NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html><head><title>Not found</title></head><body>404</body></html>"
)


@dataclass(frozen=True)
class Request:
    method: str
    host: str
    port: int
    path: str
    query: str
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


@dataclass(frozen=True)
class Resource:
    """A fixed document; answers conditional GETs against its content hash and date."""

    body: bytes
    content_type: str
    last_modified: datetime | None = None
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(self.body).hexdigest()[:20]
        object.__setattr__(self, "etag", f'"{digest}"')

    def __call__(self, request: Request) -> Response:
        validators = [("ETag", self.etag)]
        if self.last_modified is not None:
            validators.append(("Last-Modified", http_date(self.last_modified)))
        if self._not_modified(request):
            return Response(HTTPStatus.NOT_MODIFIED, b"", tuple(validators))
        headers = (("Content-Type", self.content_type), *validators)
        return Response(HTTPStatus.OK, self.body, headers)

    def _not_modified(self, request: Request) -> bool:
        # RFC 9110 13.2.2: If-None-Match, when present, decides alone.
        if_none_match = request.header("If-None-Match")
        if if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or self.etag in tags
        since = _parse_http_date(request.header("If-Modified-Since"))
        if since is None or self.last_modified is None:
            return False
        return self.last_modified.replace(microsecond=0) <= since


Route = Callable[[Request], Response]


class Site:
    """The routes of one outlet host; the whole table is swapped at once when content changes."""

    def __init__(self, outlet_id: str) -> None:
        self.outlet_id = outlet_id
        self.latency = 0.0
        """Seconds every answer is held back at least (a distant server, for benchmarks)."""
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()

    def replace_routes(self, routes: dict[str, Route]) -> None:
        with self._lock:
            self._routes = dict(routes)

    def update_routes(self, routes: dict[str, Route]) -> None:
        with self._lock:
            self._routes = {**self._routes, **routes}

    def respond(self, request: Request) -> Response:
        routes = self._routes
        route = routes.get(f"{request.path}?{request.query}") or routes.get(request.path)
        if route is None:
            return Response(HTTPStatus.NOT_FOUND, NOT_FOUND_PAGE, (("Content-Type", "text/html"),))
        response = route(request)
        if response.delay < self.latency:
            return replace(response, delay=self.latency)
        return response


class OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site, log: RequestLog) -> None:
        super().__init__(address, OutletRequestHandler)
        self.site = site
        self.log = log
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def start_in_background(self) -> None:
        self.thread = threading.Thread(
            target=self.serve_forever, name=f"world-{self.site.outlet_id}", daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


class OutletRequestHandler(BaseHTTPRequestHandler):
    server: OutletServer
    server_version = SERVER_NAME
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the default stderr logging: the request log records everything."""

    def _answer(self, send_body: bool) -> None:
        request = self._parse_request()
        response = self.server.site.respond(request)
        if response.delay:
            time.sleep(response.delay)
        body = response.body if send_body else b""
        raw = self._head(response) + body
        self.server.log.append(self._record(request, response, len(body), len(raw)))
        self.wfile.write(raw)
        self.close_connection = True

    def _parse_request(self) -> Request:
        host, port = self.server.server_address[:2]
        parts = urlsplit(self.path)
        return Request(
            method=self.command,
            host=str(host),
            port=int(port),
            path=parts.path or "/",
            query=parts.query,
            headers=dict(self.headers.items()),
        )

    def _head(self, response: Response) -> bytes:
        status = HTTPStatus(response.status)
        lines = [f"HTTP/1.0 {status.value} {status.phrase}", f"Server: {SERVER_NAME}"]
        lines.append(f"Date: {http_date(datetime.now(UTC))}")
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        if status != HTTPStatus.NOT_MODIFIED:
            lines.append(f"Content-Length: {len(response.body)}")
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _record(
        self, request: Request, response: Response, body_bytes: int, sent: int
    ) -> RequestRecord:
        query = f"?{request.query}" if request.query else ""
        return RequestRecord(
            time=datetime.now(UTC),
            monotonic=time.monotonic(),
            outlet_id=self.server.site.outlet_id,
            method=request.method,
            host=request.host,
            port=request.port,
            path=request.path,
            url=f"http://{request.host}:{request.port}{request.path}{query}",
            headers=request.headers,
            status=int(response.status),
            body_bytes=body_bytes,
            bytes_sent=sent,
        )


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
