"""The outlet world's data types: what an outlet looks like (specs) and what it published.

Specs are plain, frozen data so that new outlets, page kinds or generated benchmark outlets can be
added by writing data, not code. :class:`Article` is the ground truth tests assert against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

FeedFormat = Literal["rss2", "atom", "rdf"]
BlockPosition = Literal["top", "middle", "end"]
BELGOROD_TOPIC = "belgorod-incursion"


@dataclass(frozen=True)
class Chrome:
    """Page furniture outside the article container, in one language; ``{name}`` is the outlet."""

    nav: tuple[str, ...]
    cookie_text: str
    cookie_buttons: tuple[str, ...]
    newsletter_heading: str
    newsletter_text: str
    newsletter_button: str
    most_read_heading: str
    latest_heading: str
    byline_prefix: str
    footer_lines: tuple[str, ...]
    footer_links: tuple[str, ...]
    date_format: str

    def boilerplate(self, outlet_name: str) -> tuple[str, ...]:
        """The distinctive chrome texts an extractor must not keep (short link labels excluded)."""
        texts = (
            self.cookie_text,
            self.newsletter_heading,
            self.newsletter_text,
            *self.footer_lines,
        )
        return tuple(text.format(name=outlet_name) for text in texts)


@dataclass(frozen=True)
class Block:
    """Furniture inside the article container: a donation appeal, newsletter box, "read more"...

    ``related`` > 0 renders links to that many other articles of the outlet under ``heading``.
    Buttons are not ground-truth boilerplate: words like "Once" or "Continue" occur in real text.
    """

    css_class: str
    position: BlockPosition
    heading: str | None = None
    lines: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()
    link_text: str | None = None
    link_path: str = "/contribute"
    related: int = 0

    def boilerplate(self) -> tuple[str, ...]:
        texts = (self.link_text, self.heading, *self.lines)
        return tuple(text for text in texts if text)


@dataclass(frozen=True)
class FeedSpec:
    path: str
    format: FeedFormat
    title: str
    description: str


@dataclass(frozen=True)
class OutletSpec:
    """Everything that makes one synthetic outlet, except the address it is served on.

    ``article_path`` is a ``str.format`` pattern with the fields ``yyyy``, ``mm``, ``dd``, ``slug``,
    ``serial`` and ``section``; ``article_pattern`` is the matching regex for outlets.yaml.
    """

    id: str
    name: str
    language: str
    labels: tuple[str, ...]
    tagline: str
    feeds: tuple[FeedSpec, ...]
    article_path: str
    article_pattern: str
    serial_base: int
    chrome: Chrome
    blocks: tuple[Block, ...]
    encoding: str = "utf-8"
    middle_after: int = 3
    feed_size: int = 20


@dataclass(frozen=True)
class Story:
    """One article's content before it has an address: what an outlet's editors wrote."""

    outlet_id: str
    slug: str
    title: str
    published: datetime
    author: str
    section: str
    paragraphs: tuple[str, ...]
    topics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Article:
    """Ground truth for one served article page.

    ``body`` is exactly the text an extractor should keep, one paragraph per item (title
    excluded); ``boilerplate`` lists strings served on the page that must not survive extraction.
    """

    outlet_id: str
    url: str
    title: str
    published: datetime
    language: str
    encoding: str
    author: str
    section: str
    body: tuple[str, ...]
    boilerplate: tuple[str, ...]
    topics: frozenset[str] = frozenset()
    related_urls: tuple[str, ...] = field(default=(), repr=False)
    updated: datetime | None = None
    """When the outlet last said it changed the article (its listings announce it), if ever."""

    @property
    def modified(self) -> datetime:
        """When the article last changed, as its listings and page headers say."""
        return self.updated or self.published

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def text(self) -> str:
        """The body as ``mediamon.extract.extractor`` returns it: paragraphs joined by newlines."""
        return "\n".join(self.body)

    @property
    def about_belgorod(self) -> bool:
        return BELGOROD_TOPIC in self.topics
