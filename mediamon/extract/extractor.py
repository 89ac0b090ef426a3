"""Extraction: trafilatura on each page, then cleaning layers that each record what they removed.

Layers, in order: the outlet's ``prune`` selectors (before trafilatura sees the page) and
``phrases``; the appeal detector (mediamon.extract.appeals), which needs no configuration; and the
outlet's learned template lines (mediamon.extract.learned). ``pipelines.extract_pipeline`` runs
this on every crawled article, in worker processes, and feeds the learning.

Trafilatura runs in fast mode first; its full mode (which also runs readability and jusText and
compares) costs half as much again and changes the result only on pages where the fast result is
thin, or a fragment much shorter than the page's main text (mediamon.extract.paragraphs), so it
runs only on those. Where it finds little or nothing, the article HTML the page's scripts carry
(mediamon.extract.embedded) is read instead when it holds more. Page bytes are read by
mediamon.extract.decoding; text, title and authors come out in Unicode's composed form (NFC).
Trafilatura's measure of the whole page's text runs a cheaper, equivalent XPath
(mediamon.extract.page_measure).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Collection, Sequence
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import datetime

from lxml.etree import ElementDefaultClassLookup, HTMLParser, LxmlError, XPath
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HtmlProcessingInstruction,
    fromstring,
)
from trafilatura import bare_extraction
from trafilatura.settings import Document, Extractor
from trafilatura.utils import is_dubious_html, repair_faulty_html

from mediamon.core.textclean import clean_names, clean_title
from mediamon.extract.appeals import find_appeals
from mediamon.extract.dates import DateCandidates
from mediamon.extract.decoding import decode_page
from mediamon.extract.embedded import embedded_article
from mediamon.extract.language import detect_language, script_agrees
from mediamon.extract.learned import normalise_line
from mediamon.extract.metadata import PageMetadata, read_metadata
from mediamon.extract.page_measure import install as install_cheaper_page_measure
from mediamon.extract.paragraphs import main_text_estimate
from mediamon.extract.pruning import prune as prune_selectors
from mediamon.extract.titles import without_headline

logger = logging.getLogger(__name__)
install_cheaper_page_measure()

TEASER_MAX_CHARS = 1500
# a fast result with fewer paragraphs than this, or less text, may have missed the article
RELIABLE_PARAGRAPHS = 4
RELIABLE_CHARS = 500
# nor with less than this share of the page's main-text estimate (mediamon.extract.paragraphs)
RELIABLE_SHARE_OF_MAIN_TEXT = 0.5

# trafilatura's parser settings, but every element gets the one HtmlElement class from a C-level
# lookup: lxml.html's default lookup calls Python for every element proxy, which cost about a
# tenth of an extraction
PARSER = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
PARSER.set_element_class_lookup(
    ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
TEXT_PARAGRAPHS = XPath("count(.//p[normalize-space()])")
LINKED_DATA = "application/ld+json"
EMPTY_ARTICLE_PAGE = "<html><body><article></article></body></html>"
FAST = Extractor(output_format="python", fast=True, comments=False, tables=True)
FULL = Extractor(output_format="python", fast=False, comments=False, tables=True)


@dataclass
class ExtractedArticle:
    """What extraction found on a page; ``removed`` maps a layer name to the paragraphs it took."""

    title: str | None
    text: str
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    dates: DateCandidates = field(default_factory=DateCandidates)
    """Every date the page states, to decide again with the listing's (``decide_dates``)."""
    language: str | None = None
    canonical_url: str | None = None
    removed: dict[str, list[str]] = field(default_factory=dict)
    is_teaser: bool = False

    @property
    def author(self) -> str | None:
        return "; ".join(self.authors) or None

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


def extract(
    html: bytes | str,
    url: str,
    *,
    prune: Sequence[str] = (),
    phrases: Sequence[str] = (),
    template_lines: Collection[str] = (),
    encoding: str | None = None,
) -> ExtractedArticle | None:
    """The article on ``html`` with its boilerplate removed, or None if no text was found."""
    tree = _parse(html, encoding)
    if tree is None:
        return None
    metadata = _normalised(read_metadata(tree, url))
    pruned = prune_selectors(tree, prune, url)
    _drop_unread(tree)
    body = _body_text(tree, url)
    if len(body) < RELIABLE_CHARS:
        body = max(body, _embedded_text(html, encoding, url, metadata.title), key=len)
    paragraphs = [line.strip() for line in nfc(body).split("\n") if line.strip()]
    paragraphs = without_headline(paragraphs, metadata.title)
    if not paragraphs and not pruned:
        return None
    article = _clean(paragraphs, metadata, phrases, pruned)
    return remove_template_lines(article, template_lines)


def nfc(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): a letter with a combining mark typed either way
    is stored one way, so exact search and matching find it."""
    return unicodedata.normalize("NFC", text)


def _normalised(metadata: PageMetadata) -> PageMetadata:
    title = nfc(metadata.title) if metadata.title is not None else None
    return replace(metadata, title=title, authors=[nfc(author) for author in metadata.authors])


def _parse(html: bytes | str, encoding: str | None) -> HtmlElement | None:
    """The page's tree, read as trafilatura's ``load_html`` reads it but with ``PARSER``."""
    text = html if isinstance(html, str) else decode_page(html, encoding)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree = _parse_text(text)
    if tree is None or len(tree) < 1:
        tree = _parse_bytes(text)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _parse_text(text: str) -> HtmlElement | None:
    try:
        tree: HtmlElement = fromstring(text, parser=PARSER)
    except (LxmlError, ValueError):  # ValueError: a str declaring an encoding, lxml wants bytes
        return None
    return tree


def _parse_bytes(text: str) -> HtmlElement | None:
    try:
        tree: HtmlElement = fromstring(text.encode("utf-8", "surrogatepass"), parser=PARSER)
    except (LxmlError, ValueError):
        return None
    return tree


def _drop_unread(tree: HtmlElement) -> None:
    """Remove what trafilatura throws away before it reads any text: the <head> but for JSON-LD
    (the one thing its baseline reads there), and scripts and styles. Copying and walking them
    cost it a tenth of its time."""
    unread = [e for e in tree.iter("script", "style") if e.get("type") != LINKED_DATA]
    head = tree.find("head")
    if head is not None:
        unread.extend(e for e in head if e.tag not in {"script", "style"})
    for element in unread:
        element.drop_tree()


def _body_text(tree: HtmlElement, url: str) -> str:
    """Trafilatura's text of the page body: its fast mode's, unless that looks unreliable."""
    main_text = main_text_estimate(tree)
    fast = _trafilatura(tree, FAST, url)
    if fast is not None and _reliable(fast, main_text):
        return fast.text or ""
    full = _trafilatura(tree, FULL, url)
    return (full.text or "") if full is not None else ""


def _embedded_text(html: bytes | str, encoding: str | None, url: str, title: str | None) -> str:
    """The text of the article the page carries only in its scripts' data (read from a fresh
    parse: the scripts were dropped from the first), when trafilatura found no text."""
    tree = _parse(html, encoding)
    fragment = embedded_article(tree, title) if tree is not None else None
    if fragment is None:
        return ""
    page = fromstring(EMPTY_ARTICLE_PAGE, parser=PARSER)
    page.find("body/article").append(fragment)
    document = _trafilatura(page, FULL, url)
    if document is not None and document.text:
        return document.text
    return "\n".join(" ".join(p.text_content().split()) for p in fragment.iter("p"))


def _trafilatura(tree: HtmlElement, template: Extractor, url: str) -> Document | None:
    # a copy of a prepared Extractor: building one reads a ConfigParser, ten times slower
    options = copy(template)
    options.url = options.source = url
    document = bare_extraction(tree, options=options)
    return document if isinstance(document, Document) else None


def _reliable(document: Document, main_text: int) -> bool:
    """Whether the fast result has the body of an article: the full mode's comparison with
    readability and jusText changes the result almost only where it does not. A result much
    shorter than the page's main text is a fragment of a longer article."""
    text = document.text or ""
    return (
        len(text) >= max(RELIABLE_CHARS, RELIABLE_SHARE_OF_MAIN_TEXT * main_text)
        and TEXT_PARAGRAPHS(document.body) >= RELIABLE_PARAGRAPHS
    )


def _clean(
    paragraphs: list[str], metadata: PageMetadata, phrases: Sequence[str], pruned: list[str]
) -> ExtractedArticle:
    removed: dict[str, list[str]] = {"prune": pruned} if pruned else {}
    kept = _drop_phrases(paragraphs, phrases, removed)
    scan = find_appeals(kept)
    if scan.appeal_indexes:
        removed["appeal"] = [p for i, p in enumerate(kept) if i in scan.appeal_indexes]
        kept = [p for i, p in enumerate(kept) if i not in scan.appeal_indexes]
    text = "\n".join(kept)
    return ExtractedArticle(
        title=_returned_title(metadata.title),
        text=text,
        authors=clean_names(metadata.authors),
        published=metadata.published,
        updated=metadata.updated,
        dates=metadata.dates,
        language=_language(metadata.declared_language, text),
        canonical_url=metadata.canonical_url,
        removed=removed,
        is_teaser=_is_teaser(text, scan.paywall_seen, metadata.free_to_read),
    )


def _returned_title(title: str | None) -> str | None:
    cleaned = clean_title(title)
    return nfc(cleaned) if cleaned is not None else None


def _drop_phrases(
    paragraphs: list[str], phrases: Sequence[str], removed: dict[str, list[str]]
) -> list[str]:
    folded = [nfc(phrase).casefold() for phrase in phrases if phrase.strip()]
    if not folded:
        return paragraphs
    hits = [p for p in paragraphs if any(phrase in p.casefold() for phrase in folded)]
    if hits:
        removed["phrase"] = hits
    return [p for p in paragraphs if p not in hits]


def _language(declared: str | None, text: str) -> str | None:
    if declared and (not text or script_agrees(declared, text)):
        return declared
    return detect_language(text) or declared


def _is_teaser(text: str, paywall_seen: bool, free_to_read: bool | None) -> bool:
    """Text cut off by a paywall notice is a teaser. A page merely declaring itself not free
    often serves crawlers the whole article, so that counts only when the text is short."""
    return paywall_seen or (free_to_read is False and len(text) < TEASER_MAX_CHARS)


def remove_template_lines(
    article: ExtractedArticle, template_lines: Collection[str]
) -> ExtractedArticle:
    """``article`` without the paragraphs that are one of ``template_lines`` (whitespace and case
    folded); the removed ones are recorded under the "template" layer."""
    if not template_lines:
        return article
    known = {normalise_line(line) for line in template_lines}
    paragraphs = article.paragraphs
    hits = [p for p in paragraphs if normalise_line(p) in known]
    if not hits:
        return article
    removed = {**article.removed, "template": [*article.removed.get("template", []), *hits]}
    text = "\n".join(p for p in paragraphs if normalise_line(p) not in known)
    return replace(article, text=text, removed=removed)
