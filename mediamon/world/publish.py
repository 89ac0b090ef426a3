"""Give stories addresses: a served outlet, its article URLs, related links and ground truth."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from mediamon.world.model import Article, OutletSpec, Story


@dataclass
class Outlet:
    """An outlet being served: its spec, its address and what it has published so far.

    ``base_articles`` are the articles it started with; related-links blocks only ever point to
    those, so publishing a new article later leaves every existing page byte-identical.
    """

    spec: OutletSpec
    base_url: str
    articles: list[Article] = field(default_factory=list)
    base_articles: tuple[Article, ...] = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def language(self) -> str:
        return self.spec.language

    @property
    def encoding(self) -> str:
        return self.spec.encoding

    @property
    def labels(self) -> tuple[str, ...]:
        return self.spec.labels

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.base_url).port or 80

    @property
    def homepage_url(self) -> str:
        return self.base_url + "/"

    @property
    def feed_urls(self) -> list[str]:
        return [self.base_url + feed.path for feed in self.spec.feeds]

    def latest(self, count: int | None = None) -> list[Article]:
        """Articles newest first (ties by URL, so the order never depends on insertion)."""
        ordered = sorted(self.articles, key=lambda a: (a.published, a.url), reverse=True)
        return ordered if count is None else ordered[:count]

    def article_by_path(self, path: str) -> Article | None:
        return next((a for a in self.articles if a.path == path), None)


def article_url(outlet: Outlet, story: Story, serial: int) -> str:
    published = story.published
    path = outlet.spec.article_path.format(
        yyyy=f"{published.year:04d}",
        mm=f"{published.month:02d}",
        dd=f"{published.day:02d}",
        slug=story.slug,
        serial=serial,
        section=story.section,
    )
    return outlet.base_url + path


def publish_initial(outlet: Outlet, stories: Iterable[Story]) -> None:
    """Publish the outlet's starting stories, in publication order, with related links."""
    own = sorted((s for s in stories if s.outlet_id == outlet.id), key=lambda s: s.published)
    urls = [article_url(outlet, story, outlet.spec.serial_base + i) for i, story in enumerate(own)]
    titles_by_url = dict(zip(urls, (story.title for story in own), strict=True))
    articles = [
        _ground_truth(outlet, story, url, _related(url, urls), titles_by_url)
        for story, url in zip(own, urls, strict=True)
    ]
    outlet.articles = articles
    outlet.base_articles = tuple(articles)


def publish_new(outlet: Outlet, story: Story) -> Article:
    """Publish one more story after the start; its URL serial follows the existing ones."""
    serial = outlet.spec.serial_base + len(outlet.articles)
    url = article_url(outlet, story, serial)
    if outlet.article_by_path(urlsplit(url).path) is not None:
        raise ValueError(f"{outlet.id} already has an article at {url}; choose another slug")
    base_urls = [a.url for a in outlet.base_articles]
    titles_by_url = {a.url: a.title for a in outlet.base_articles}
    article = _ground_truth(outlet, story, url, _related(url, base_urls), titles_by_url)
    outlet.articles.append(article)
    return article


def edit_published(
    outlet: Outlet,
    url: str,
    updated: datetime,
    title: str | None = None,
    paragraphs: Sequence[str] | None = None,
) -> Article:
    """Change a published article's headline and/or paragraphs (neither given: the outlet only
    says it changed it), stamped ``updated``; its URL and publication time stay."""
    index = next((i for i, a in enumerate(outlet.articles) if a.url == url), None)
    if index is None:
        raise KeyError(f"{outlet.id} has no article at {url}")
    old = outlet.articles[index]
    body = tuple(paragraphs) if paragraphs is not None else old.body
    edited = replace(old, title=title or old.title, body=body, updated=updated)
    outlet.articles[index] = edited
    return edited


def _related(url: str, candidates: list[str]) -> tuple[str, ...]:
    """The other articles, nearest in publication order first (candidates are in that order)."""
    index = candidates.index(url) if url in candidates else len(candidates)
    others = [(abs(i - index), i, c) for i, c in enumerate(candidates) if c != url]
    return tuple(candidate for _, _, candidate in sorted(others))


def _ground_truth(
    outlet: Outlet,
    story: Story,
    url: str,
    related_urls: tuple[str, ...],
    titles_by_url: dict[str, str],
) -> Article:
    wanted = max((block.related for block in outlet.spec.blocks), default=0)
    related = related_urls[:wanted]
    return Article(
        outlet_id=outlet.id,
        url=url,
        title=story.title,
        published=story.published,
        language=outlet.language,
        encoding=outlet.encoding,
        author=story.author,
        section=story.section,
        body=story.paragraphs,
        boilerplate=_boilerplate(outlet, [titles_by_url[u] for u in related]),
        topics=story.topics,
        related_urls=related,
    )


def _boilerplate(outlet: Outlet, related_titles: list[str]) -> tuple[str, ...]:
    texts = [*outlet.spec.chrome.boilerplate(outlet.name)]
    for block in outlet.spec.blocks:
        texts.extend(block.boilerplate())
    texts.extend(related_titles)
    return tuple(dict.fromkeys(texts))
