"""One article as the Article page shows it: clean text with what each cleaning layer removed put
back in place and marked, where each date came from, its versions with a word-level diff, and
the raw HTML as text (the page escapes it; it is never rendered)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import lxml.html
from lxml.etree import ParserError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.core.config import Config
from mediamon.core.models import ArticleRow, ArticleTopic, StoryMember, decompress_html
from mediamon.digest.model import OutletRef
from mediamon.store.versions import ArticleText, article_texts
from mediamon.web.queries.coverage import outlet_ref, outlet_refs

LAYERS = {
    "prune": "the outlet's prune selectors",
    "phrase": "the outlet's phrases",
    "appeal": "the appeal detector (donation, newsletter and other appeals)",
    "template": "the outlet's learned template lines",
}
"""What each cleaning layer of mediamon.extract is, for a reader; an unknown one is named."""

RAW_HTML_LIMIT = 2_000_000
WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the page: kept in the clean text (``layer`` None) or removed by a layer."""

    text: str
    layer: str | None = None

    @property
    def removed_because(self) -> str:
        return LAYERS.get(self.layer or "", f"the {self.layer} layer")


@dataclass(frozen=True)
class DateFact:
    what: str
    moment: datetime | None
    source: str


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "same", "inserted" or "deleted"
    text: str


@dataclass(frozen=True)
class VersionChange:
    """What changed from version ``older`` to the next one, word by word."""

    older: ArticleText
    newer: ArticleText
    title: tuple[DiffPart, ...]
    lines: tuple[tuple[DiffPart, ...], ...]


@dataclass(frozen=True)
class ArticleDetail:
    id: int
    outlet: OutletRef
    title: str | None
    url: str
    canonical_url: str
    authors: tuple[str, ...]
    language: str | None
    dates: tuple[DateFact, ...]
    rejected_dates: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    removed_count: int
    versions: tuple[ArticleText, ...]
    changes: tuple[VersionChange, ...]
    raw_html: str
    raw_html_cut: bool
    duplicate_of: int | None
    story_id: int | None
    topics: tuple[str, ...]
    is_teaser: bool


def article_detail(engine: Engine, config: Config, article_id: int) -> ArticleDetail | None:
    with Session(engine) as session:
        row = session.get(ArticleRow, article_id)
        if row is None:
            return None
        story_id = session.scalar(
            select(StoryMember.story_id).where(StoryMember.article_id == article_id)
        )
        topics = session.scalars(
            select(ArticleTopic.topic_id).where(ArticleTopic.article_id == article_id)
        ).all()
        raw = raw_html_text(row.raw_html, row.encoding)
        texts = article_texts(engine, article_id)
        return ArticleDetail(
            id=row.id,
            outlet=outlet_ref(outlet_refs(config), row.outlet_id),
            title=row.title,
            url=row.url,
            canonical_url=row.canonical_url,
            authors=tuple(row.authors or ()),
            language=row.language,
            dates=date_facts(row),
            rejected_dates=tuple(row.rejected_dates or ()),
            paragraphs=in_place(row.text, row.removed or {}, raw),
            removed_count=sum(len(paragraphs) for paragraphs in (row.removed or {}).values()),
            versions=tuple(texts),
            changes=tuple(version_changes(texts)),
            raw_html=raw[:RAW_HTML_LIMIT],
            raw_html_cut=len(raw) > RAW_HTML_LIMIT,
            duplicate_of=row.duplicate_of,
            story_id=story_id,
            topics=tuple(sorted(topics)),
            is_teaser=row.is_teaser,
        )


def date_facts(row: ArticleRow) -> tuple[DateFact, ...]:
    return (
        DateFact("published", row.published_at, row.published_source or "not stated"),
        DateFact("updated", row.updated_at, row.updated_source or "not stated"),
        DateFact("first fetched", row.first_seen_at or row.fetched_at, "the crawl"),
        DateFact("last fetched", row.fetched_at, "the crawl"),
    )


def raw_html_text(blob: bytes, encoding: str) -> str:
    """The page as downloaded, decoded as it was for extraction (undecodable bytes replaced)."""
    try:
        return decompress_html(blob).decode(encoding or "utf-8", errors="replace")
    except LookupError:  # an encoding name Python does not know
        return decompress_html(blob).decode("utf-8", errors="replace")


def in_place(text: str, removed: dict[str, list[str]], raw_html: str) -> tuple[Paragraph, ...]:
    """The clean text's paragraphs with the removed ones put back where the page had them.

    Extraction records what each layer removed but not where; the place is found again in the
    page's own text. A removed paragraph the page's text does not hold comes last.
    """
    page = " ".join(page_text(raw_html).split())
    merged: list[tuple[int, int, Paragraph]] = []
    at = 0  # the clean text keeps its own order, whatever the page's text says
    for paragraph in (p for p in text.split("\n") if p.strip()):
        at = max(at, position(page, paragraph))
        merged.append((at, 0, Paragraph(paragraph)))
    for layer, paragraphs in removed.items():
        for paragraph in (p for p in paragraphs if p.strip()):
            found = position(page, paragraph)
            merged.append((found if found >= 0 else len(page) + 1, 1, Paragraph(paragraph, layer)))
    return tuple(paragraph for *_, paragraph in sorted(merged, key=lambda item: item[:2]))


def page_text(raw_html: str) -> str:
    try:
        tree = lxml.html.fromstring(raw_html)
    except (ParserError, ValueError):
        return ""
    for element in tree.xpath("//script|//style"):
        element.drop_tree()
    return str(tree.text_content())


def position(page: str, paragraph: str) -> int:
    """Where ``paragraph`` (whitespace collapsed) starts in ``page``, by its first 80
    characters; -1 when the page does not hold it."""
    return page.find(" ".join(paragraph.split())[:80])


def version_changes(texts: Sequence[ArticleText]) -> list[VersionChange]:
    """Each version against the next, word by word."""
    return [
        VersionChange(
            older,
            newer,
            word_diff(older.title or "", newer.title or ""),
            diff_lines(word_diff(older.text, newer.text)),
        )
        for older, newer in pairwise(texts)
    ]


def word_diff(before: str, after: str) -> tuple[DiffPart, ...]:
    """``after`` against ``before`` as runs of kept, inserted and deleted words."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("deleted", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("inserted", "".join(new[j1:j2])))
    return tuple(parts)


def diff_lines(parts: Sequence[DiffPart]) -> tuple[tuple[DiffPart, ...], ...]:
    """The parts of a diff split at line breaks, so each paragraph is shown as one."""
    lines: list[list[DiffPart]] = [[]]
    for part in parts:
        for n, piece in enumerate(part.text.split("\n")):
            if n:
                lines.append([])
            if piece:
                lines[-1].append(DiffPart(part.kind, piece))
    return tuple(tuple(line) for line in lines if line)
