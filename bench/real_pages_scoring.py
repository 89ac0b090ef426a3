"""Scoring of bench/real_pages.py: the corpus pages served, what mediamon stored of each
(matched by URL), bare trafilatura and htmldate on the same pages, and the metrics."""

from __future__ import annotations

import ast
import gzip
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import htmldate
import trafilatura
from extraction import shingles  # bench/extraction.py: the corpus README's 4-word shingles
from sqlalchemy import select as sql_select
from sqlalchemy.orm import Session

from mediamon.core.db import open_database
from mediamon.core.models import ArticleRow

HTMLDATE_SETTINGS: dict[str, Any] = {"original_date": True, "extensive_search": True}
WHITESPACE = re.compile(r"\s+")


Index = dict[str, dict[str, Any]]  # the corpus's fundus_by_html.json: expected values by page key


@dataclass(frozen=True)
class Page:
    """A served page and the corpus's expected values for it."""

    key: str
    url: str  # the replay's URL, as the feed and the sitemap list it
    orig_url: str  # the publisher's URL
    title: str
    authors: tuple[str, ...]
    published: datetime | None
    expected_text: str


@dataclass(frozen=True)
class Reading:
    """What one side made of one page; ``published`` is a day for the date-only extractors."""

    text: str = ""
    title: str = ""
    authors: tuple[str, ...] = ()
    published: datetime | date | None = None


def pages_of(manifest: dict[str, Any], index: Index) -> list[Page]:
    """The pages served: where two corpus pages share a URL, the one the replay serves (the
    last). Authors come from the corpus itself, which holds them as lists (the manifest's
    reading of them expects a string and finds none)."""
    pages: dict[str, Page] = {}
    for served in manifest.values():
        for entry in served["pages"]:
            published = entry["published"]
            pages[entry["url"]] = Page(
                key=entry["key"],
                url=entry["url"],
                orig_url=entry["orig_url"],
                title=entry["title"],
                authors=expected_authors(index[entry["key"]].get("authors")),
                published=datetime.fromisoformat(published) if published else None,
                expected_text=entry["expected_plaintext"],
            )
    return list(pages.values())


def expected_authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return ()
    return tuple(str(name) for name in value) if isinstance(value, list) else ()


def read_stored(database_url: str) -> list[tuple[list[str], Reading]]:
    """Every stored article: its addresses (URL, canonical URL, source URL) and its reading."""
    query = sql_select(
        ArticleRow.url,
        ArticleRow.canonical_url,
        ArticleRow.source_url,
        ArticleRow.title,
        ArticleRow.text,
        ArticleRow.authors,
        ArticleRow.published_at,
    )
    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(query).all()
    finally:
        engine.dispose()
    stored = []
    for url, canonical, source, title, text, authors, published in rows:
        reading = Reading(text, title or "", tuple(authors or ()), published)
        stored.append(([address for address in (url, canonical, source) if address], reading))
    return stored


def address_keys(url: str) -> tuple[str, str]:
    """An address exactly (host, decoded-then-encoded path, query) and loosely (no www., no
    trailing slash, no query: canonical URLs often drop tracking parameters)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    path = quote(unquote(parts.path or "/").strip(), safe="/%:@!$&'()*+,;=-._~")
    loose = host.removeprefix("www.") + (path.rstrip("/") or "/")
    return f"{host}{path}?{parts.query}", loose


def match(pages: list[Page], stored: list[tuple[list[str], Reading]]) -> dict[str, Reading]:
    """Stored articles by the page URL they are: exact addresses first, then loose ones; each
    stored article is one page at most."""
    readings: dict[str, Reading] = {}
    used: set[int] = set()
    for exactness in (0, 1):
        index: dict[str, int] = {}
        for number, (addresses, _) in enumerate(stored):
            for address in addresses:
                index.setdefault(address_keys(address)[exactness], number)
        for page in pages:
            for address in (page.url, page.orig_url):
                number = index.get(address_keys(address)[exactness], -1)
                if page.url not in readings and number >= 0 and number not in used:
                    readings[page.url] = stored[number][1]
                    used.add(number)
    return readings


def baselines(
    corpus: Path, index: Index, pages: list[Page]
) -> tuple[dict[str, Reading], dict[str, Reading]]:
    """Bare trafilatura and htmldate on each page's HTML as the corpus stores it (UTF-8)."""
    bare, dates = {}, {}
    for page in pages:
        raw = (corpus / "articles" / index[page.key]["html_path"]).read_bytes()
        html = gzip.decompress(raw).decode("utf-8", "replace")
        bare[page.url] = trafilatura_reading(html, page.orig_url)
        found = htmldate.find_date(html, url=page.orig_url, **HTMLDATE_SETTINGS)
        dates[page.url] = Reading(published=day_of(found))
    return bare, dates


def trafilatura_reading(html: str, url: str) -> Reading:
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    metadata = trafilatura.extract_metadata(html, default_url=url)
    if metadata is None:
        return Reading(text or "")
    authors = tuple(a for a in (metadata.author or "").split(";") if a.strip())
    return Reading(text or "", metadata.title or "", authors, day_of(metadata.date))


def day_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def normal_text(text: str) -> str:
    """NFC, invisible format characters (soft hyphens, zero-width spaces) dropped, whitespace
    runs as one space, stripped; case and punctuation kept."""
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return WHITESPACE.sub(" ", unicodedata.normalize("NFC", visible)).strip()


def normal_names(names: tuple[str, ...]) -> set[str]:
    return {normal_text(name).casefold() for name in names if name.strip()}


def published_day(page: Page, value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        assert page.published is not None
        return value.astimezone(page.published.tzinfo).date()
    return value


def title_exact(page: Page, reading: Reading) -> float | None:
    return float(normal_text(reading.title) == normal_text(page.title)) if page.title else None


def authors_f1(page: Page, reading: Reading) -> float | None:
    expected, found = normal_names(page.authors), normal_names(reading.authors)
    if not expected:
        return None
    common = len(expected & found)
    return 2 * common / (len(expected) + len(found))


def date_exact(page: Page, reading: Reading) -> float | None:
    if page.published is None:
        return None
    return float(published_day(page, reading.published) == page.published.date())


PAGE_METRICS: dict[str, Callable[[Page, Reading], float | None]] = {
    "title_exact": title_exact,
    "authors_f1": authors_f1,
    "date_exact": date_exact,
}


def body_f1(pages: list[Page], readings: dict[str, Reading]) -> float:
    precisions, recalls = [], []
    for page in pages:
        produced = shingles(readings.get(page.url, Reading()).text)
        expected = shingles(page.expected_text)
        common = len(produced & expected)
        precisions.append(common / len(produced) if produced else 0.0)
        recalls.append(common / len(expected) if expected else 1.0)
    precision, recall = sum(precisions) / len(pages), sum(recalls) / len(pages)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def page_metric(name: str, pages: list[Page], readings: dict[str, Reading]) -> tuple[float, int]:
    """The metric's mean over the pages with an expected value, and their number."""
    values = [PAGE_METRICS[name](page, readings.get(page.url, Reading())) for page in pages]
    counted = [value for value in values if value is not None]
    return (sum(counted) / len(counted) if counted else 0.0), len(counted)
