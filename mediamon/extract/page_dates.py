"""The dates a page states about itself, each with its source, for mediamon.extract.dates.

Read from the <meta> values and JSON-LD node mediamon.extract.metadata has already gathered, and
from the tree: microdata, <time> elements (not those of related posts, comments or asides), the
text beside the headline, the URL, and htmldate's guess on the same parsed tree.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement

from mediamon.extract.date_sources import DateSource
from mediamon.extract.dates import DATE_ONLY_FORMAT, DateCandidate, DateCandidates

logger = logging.getLogger(__name__)

PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "datecreated",
    "dc.date",
    "dc:date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_date",
    "published-date",
    "publication_date",
    "publication-date",
    "prism.publicationdate",
    "citation_publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "date",
)
UPDATED_KEYS = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
    "article.updated",
)
LINKED_PUBLISHED = ("datePublished", "dateCreated")
LINKED_UPDATED = ("dateModified",)
ITEMPROP_DATES = XPath(
    "//@itemprop[.='datePublished' or .='dateModified' or .='dateCreated']"
    "/parent::*[@datetime or @content]"
)
# Containers of other articles' dates: related posts, comments, teasers, navigation.
ELSEWHERE_TAGS = frozenset({"aside", "nav", "footer"})
ELSEWHERE_MARKS = ("related", "comment", "teaser", "recommend", "sidebar")
# Beside the headline, elements whose text may state the date ("Published 3 May 2024"); searched
# for near the first <h1> only: a class test on every element of the page costs a tenth of an
# extraction.
DATED_ELEMENTS = XPath(
    ".//*[self::time or @class and (contains(@class, 'date') or contains(@class, 'publish')"
    " or contains(@class, 'byline'))]"
)
HEADLINE_CONTAINER_DEPTH = 3
MAX_ELEMENTS_READ = 6
DATE_TEXT_MAX_CHARS = 120
URL_DAY = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[/_-]?)(?P<m>0[1-9]|1[0-2])(?P=sep)"
    r"(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


def page_date_candidates(
    tree: HtmlElement, url: str, meta: dict[str, str], linked: dict[str, Any]
) -> DateCandidates:
    """Every date the page states, published and updated apart."""
    itemprops = _itemprop_dates(tree)
    published = [
        *_linked_dates(linked, LINKED_PUBLISHED),
        *_meta_dates(meta, PUBLISHED_KEYS),
        *(DateCandidate.read(DateSource.MICRODATA, v) for k, v in itemprops if k != "datemodified"),
        *_time_dates(tree),
        *_text_dates(tree),
        *_url_dates(url),
        *_htmldate(tree, url),
    ]
    updated = [
        *_linked_dates(linked, LINKED_UPDATED),
        *_meta_dates(meta, UPDATED_KEYS),
        *(DateCandidate.read(DateSource.MICRODATA, v) for k, v in itemprops if k == "datemodified"),
    ]
    return DateCandidates(published, updated)


def _linked_dates(linked: dict[str, Any], keys: tuple[str, ...]) -> Iterator[DateCandidate]:
    for key in keys:
        value = linked.get(key)
        if isinstance(value, str) and value.strip():
            yield DateCandidate.read(DateSource.JSON_LD, value)
            return


def _meta_dates(meta: dict[str, str], keys: tuple[str, ...]) -> Iterator[DateCandidate]:
    """The first readable value of the keys, and every unreadable one before it (to reject)."""
    for key in keys:
        if key in meta:
            candidate = DateCandidate.read(DateSource.META, meta[key])
            yield candidate
            if candidate.moment is not None:
                return


def _itemprop_dates(tree: HtmlElement) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for element in ITEMPROP_DATES(tree):
        value = element.get("datetime") or element.get("content", "")
        found.setdefault(element.get("itemprop").lower(), value)
    return list(found.items())


def _elsewhere(element: HtmlElement) -> bool:
    """Whether ``element`` sits among other articles (related posts, comments, navigation)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ELSEWHERE_TAGS:
            return True
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower()
        if any(mark in marks for mark in ELSEWHERE_MARKS):
            return True
    return False


def _own(elements: Iterable[HtmlElement]) -> Iterator[HtmlElement]:
    """The first few of ``elements`` that are not among other articles (ancestors are walked in
    Python: an XPath ancestor test on every element would cost more than the extraction)."""
    read = 0
    for element in elements:
        if read >= MAX_ELEMENTS_READ:
            return
        if element.tag in {"script", "style", "meta", "html", "body"} or _elsewhere(element):
            continue
        read += 1
        yield element


def _time_dates(tree: HtmlElement) -> Iterator[DateCandidate]:
    times = (e for e in tree.iter("time") if e.get("datetime") and not e.get("itemprop"))
    for element in _own(times):
        candidate = DateCandidate.read(DateSource.TIME, element.get("datetime", ""))
        if candidate.moment is not None:
            yield candidate
            return


def _text_dates(tree: HtmlElement) -> Iterator[DateCandidate]:
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return
    container = headline
    for _ in range(HEADLINE_CONTAINER_DEPTH):
        parent = container.getparent()
        if parent is None or parent.tag == "body":
            break
        container = parent
    for element in _own(DATED_ELEMENTS(container)):
        text = element.text_content()
        if len(text) > DATE_TEXT_MAX_CHARS:
            continue
        candidate = DateCandidate.read(DateSource.TEXT, text)
        if candidate.moment is not None:
            yield candidate
            return


def _url_dates(url: str) -> Iterator[DateCandidate]:
    match = URL_DAY.search(url)
    if match is not None:
        candidate = DateCandidate.read(DateSource.URL, "-".join(match.group("y", "m", "d")))
        if candidate.moment is not None:
            yield candidate


def _htmldate(tree: HtmlElement, url: str) -> Iterator[DateCandidate]:
    """htmldate's original date for the page, read off the tree already parsed (no string
    search over the whole document, which would cost as much as the extraction)."""
    try:
        found = find_date(
            tree,
            url=url,
            original_date=True,
            extensive_search=False,
            outputformat=DATE_ONLY_FORMAT,
            max_date=datetime.now(UTC).strftime(DATE_ONLY_FORMAT),
        )
    except (ValueError, TypeError, OverflowError) as exc:
        logger.debug("htmldate failed on %s: %s", url, exc)
        return
    if found:
        yield DateCandidate.read(DateSource.HTMLDATE, found)
