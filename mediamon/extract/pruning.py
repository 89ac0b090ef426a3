"""The outlet's ``prune`` selectors, removed from a page before trafilatura reads it.

A selector is written for an outlet's usual pages, and a broad one (the shipped default
``aside, nav, footer``) matches, on some sites, the element that holds the whole article. A
selector that would remove most of a page's paragraph text is therefore skipped for that page,
and logged: removing it would leave nothing, or leave trafilatura to pick the navigation.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml.etree import XPath
from lxml.html import HtmlElement

from mediamon.extract.paragraphs import text_held

logger = logging.getLogger(__name__)

# a selector may take at most this share of the paragraph text the page still has
MOST_OF_THE_TEXT = 0.5


def prune(tree: HtmlElement, selectors: Sequence[str], url: str) -> list[str]:
    """Remove what ``selectors`` match from ``tree``; the texts removed. A selector that would
    take most of the page's paragraph text is skipped for this page, with one log line."""
    removed: list[str] = []
    for selector in selectors:
        elements = matched(tree, selector)
        if not elements:
            continue
        if _takes_most_of_the_text(tree, elements):
            logger.warning(
                "prune selector %r would remove most of the article text of %s: "
                "not applied to this page",
                selector,
                url,
            )
            continue
        removed.extend(_drop(elements))
    return removed


def matched(tree: HtmlElement, selector: str) -> list[HtmlElement]:
    """The elements ``selector`` matches that can be removed (not the root)."""
    return [
        element
        for element in compiled_selector(selector)(tree)
        if isinstance(element, HtmlElement) and element.getparent() is not None
    ]


def _takes_most_of_the_text(tree: HtmlElement, elements: list[HtmlElement]) -> bool:
    taken = text_held(elements)
    return taken > 0 and taken > MOST_OF_THE_TEXT * text_held([tree])


def _drop(elements: list[HtmlElement]) -> list[str]:
    texts = []
    for element in elements:
        if element.getparent() is None:  # inside an element dropped before it
            continue
        text = " ".join(element.text_content().split())
        element.drop_tree()
        if text:
            texts.append(text)
    return texts


@lru_cache(maxsize=512)
def compiled_selector(selector: str) -> XPath:
    """``selector`` (CSS, or XPath when it starts with ``/`` or ``(``) as a compiled XPath."""
    if selector.startswith(("/", "(")):
        return XPath(selector)
    try:
        return XPath(GenericTranslator().css_to_xpath(selector))
    except SelectorError as exc:
        raise ValueError(f"prune selector {selector!r} is neither CSS nor XPath: {exc}") from exc
