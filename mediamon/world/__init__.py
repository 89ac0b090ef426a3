"""The outlet world: deterministic synthetic news outlets served over HTTP on loopback.

Each outlet gets its own loopback address (127.0.0.10, 127.0.0.11, ...) and an ephemeral port, so
every outlet is a distinct host to the crawler's domain guard::

    with OutletWorld() as world:
        world.write_config(tmp_path)   # outlets.yaml etc. for crawling the world
        ...                            # crawl; assert on world.articles and world.requests
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from types import TracebackType

from mediamon.world.configfile import write_config
from mediamon.world.content import default_outlets, default_stories
from mediamon.world.generated import generated_outlets, generated_stories
from mediamon.world.model import BELGOROD_TOPIC, Article, OutletSpec, Story
from mediamon.world.publish import Outlet, edit_published, publish_initial, publish_new
from mediamon.world.requestlog import RequestLog, RequestRecord
from mediamon.world.server import OutletServer, Site
from mediamon.world.site import all_routes, article_routes, listing_routes

__all__ = [
    "BELGOROD_TOPIC",
    "Article",
    "Outlet",
    "OutletSpec",
    "OutletWorld",
    "RequestRecord",
    "Story",
]

DEFAULT_HOST_BASE = "127.0.0.10"


class OutletWorld:
    """Serve ``outlets`` (default: the five built-in ones) with their ``stories``.

    ``port_base`` None means ephemeral ports; otherwise outlet *i* listens on ``port_base + i``.
    """

    def __init__(
        self,
        outlets: Sequence[OutletSpec] | None = None,
        stories: Iterable[Story] | None = None,
        *,
        host_base: str = DEFAULT_HOST_BASE,
        port_base: int | None = None,
    ) -> None:
        self._specs = list(outlets) if outlets is not None else default_outlets()
        self._stories = list(stories) if stories is not None else default_stories()
        _check_story_outlets(self._specs, self._stories)
        self._host_base = IPv4Address(host_base)
        self._port_base = port_base
        self._log = RequestLog()
        self._servers: list[OutletServer] = []
        self._outlets: list[Outlet] = []

    @classmethod
    def generated(
        cls, outlets: int, articles_per_outlet: int, feeds_per_outlet: int = 1
    ) -> OutletWorld:
        """A world of ``outlets`` generated English outlets (benchmarks); deterministic."""
        specs = generated_outlets(outlets, feeds_per_outlet)
        return cls(specs, generated_stories(specs, articles_per_outlet))

    def __enter__(self) -> OutletWorld:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> OutletWorld:
        if self._servers:
            return self
        try:
            for index, spec in enumerate(self._specs):
                self._serve(index, spec)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
        self._servers = []
        self._outlets = []

    @property
    def outlets(self) -> list[Outlet]:
        self._require_started()
        return list(self._outlets)

    def outlet(self, outlet_id: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        known = ", ".join(o.id for o in self._outlets)
        raise KeyError(f"no outlet '{outlet_id}' in the world; known: {known}")

    @property
    def articles(self) -> list[Article]:
        return [article for outlet in self.outlets for article in outlet.articles]

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of every request answered since the start or the last clear."""
        return self._log.snapshot()

    def clear_requests(self) -> None:
        self._log.clear()

    @contextlib.contextmanager
    def slowed(self, seconds: float) -> Iterator[None]:
        """Every outlet answers after at least ``seconds`` inside the block (a crawl stays busy
        long enough for a test to catch it in the act)."""
        sites = [self.site(outlet.id) for outlet in self.outlets]
        for site in sites:
            site.latency = seconds
        try:
            yield
        finally:
            for site in sites:
                site.latency = 0.0

    def site(self, outlet_id: str) -> Site:
        """The routing table of one outlet, for tests that add endpoints of their own."""
        self._require_started()
        index = [o.id for o in self._outlets].index(self.outlet(outlet_id).id)
        return self._servers[index].site

    def write_config(
        self,
        directory: Path,
        topics_file: Path | None = None,
        settings_file: Path | None = None,
        database_url: str | None = None,
        discovery: bool = False,
    ) -> Path:
        """Write outlets.yaml (and topics.yaml, settings.yaml) for crawling this world.

        ``discovery`` also configures sitemaps, a section and the daily archives of each outlet.
        """
        return write_config(
            self.outlets, directory, topics_file, settings_file, database_url, discovery
        )

    def add_article(
        self,
        outlet_id: str,
        *,
        title: str,
        paragraphs: Sequence[str],
        published: datetime | None = None,
        slug: str | None = None,
        author: str = "Newsroom",
        section: str = "news",
        topics: Iterable[str] = (),
    ) -> Article:
        """Publish a new article; the outlet's homepage and feeds (and their ETags) change.

        ``published`` defaults to an hour after the outlet's newest article, keeping runs
        deterministic; it must be timezone-aware.
        """
        outlet = self.outlet(outlet_id)
        with outlet.lock:
            story = Story(
                outlet_id=outlet.id,
                slug=slug or f"update-{len(outlet.articles) + 1}",
                title=title,
                published=published or _after_newest(outlet),
                author=author,
                section=section,
                paragraphs=tuple(paragraphs),
                topics=frozenset(topics),
            )
            if story.published.tzinfo is None:
                raise ValueError("published must be timezone-aware, e.g. datetime(..., tzinfo=UTC)")
            article = publish_new(outlet, story)
            routes = {**article_routes(outlet, [article]), **listing_routes(outlet)}
            self.site(outlet.id).update_routes(routes)
        return article

    def edit_article(
        self,
        url: str,
        *,
        title: str | None = None,
        paragraphs: Sequence[str] | None = None,
        updated: datetime | None = None,
    ) -> Article:
        """Edit a published article after publication: a new headline and/or paragraphs, its
        page and listings changed, its feeds' and sitemaps' updated time ``updated`` (default:
        now, so that it is later than when a crawl fetched it)."""
        outlet = next((o for o in self.outlets if url.startswith(o.base_url + "/")), None)
        if outlet is None:
            raise KeyError(f"no outlet of the world serves {url}")
        with outlet.lock:
            article = edit_published(outlet, url, updated or datetime.now(UTC), title, paragraphs)
            self._republish(outlet, [article])
        return article

    def stamp_updated(self, outlet_id: str, updated: datetime | None = None) -> None:
        """Say in every listing of the outlet that each of its articles changed at ``updated``
        (default: now), changing none of them: a hostile outlet stamping "updated now" on every
        poll."""
        outlet = self.outlet(outlet_id)
        with outlet.lock:
            moment = updated or datetime.now(UTC)
            for article in list(outlet.articles):
                edit_published(outlet, article.url, moment)
            self._republish(outlet, [])

    def _republish(self, outlet: Outlet, articles: Sequence[Article]) -> None:
        routes = {**article_routes(outlet, articles), **listing_routes(outlet)}
        self.site(outlet.id).update_routes(routes)

    def _serve(self, index: int, spec: OutletSpec) -> None:
        host = str(self._host_base + index)
        port = 0 if self._port_base is None else self._port_base + index
        server = OutletServer((host, port), Site(spec.id), self._log)
        self._servers.append(server)
        outlet = Outlet(spec=spec, base_url=server.base_url)
        publish_initial(outlet, self._stories)
        server.site.replace_routes(all_routes(outlet))
        self._outlets.append(outlet)
        server.start_in_background()

    def _require_started(self) -> None:
        if not self._servers:
            raise RuntimeError("the outlet world is not running; use 'with OutletWorld() as world'")


def _after_newest(outlet: Outlet) -> datetime:
    newest = outlet.latest(1)
    if not newest:
        raise ValueError(f"{outlet.id} has no articles yet; pass published= explicitly")
    return newest[0].published + timedelta(hours=1)


def _check_story_outlets(specs: Sequence[OutletSpec], stories: Sequence[Story]) -> None:
    known = {spec.id for spec in specs}
    strays = sorted({story.outlet_id for story in stories} - known)
    if strays:
        raise ValueError(f"stories for unknown outlet(s) {strays}; known: {sorted(known)}")
