"""How much paragraph text a page holds, and where: the page's main-text estimate.

Measured on <p> elements alone, one cheap pass without trafilatura: a paragraph's characters
count for its parent and its grandparent (an article body split into sections still adds up in
the element holding the sections). The element with the most is where the article is, and its
count is what an extraction of the article should come near.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from lxml.etree import XPath
from lxml.html import HtmlElement

PARAGRAPH_CHARS = XPath("string-length(normalize-space())")


def paragraph_chars(paragraph: HtmlElement) -> int:
    """The characters of a paragraph's text, runs of whitespace counted once."""
    return int(PARAGRAPH_CHARS(paragraph))


def main_text_estimate(tree: HtmlElement) -> int:
    """The characters of paragraph text held by the element holding the most of it."""
    held: Counter[HtmlElement] = Counter()
    for paragraph in tree.iter("p"):
        chars = paragraph_chars(paragraph)
        if not chars:
            continue
        parent = paragraph.getparent()
        if parent is None:
            continue
        held[parent] += chars
        grandparent = parent.getparent()
        if grandparent is not None:
            held[grandparent] += chars
    return max(held.values(), default=0)


def text_held(elements: Iterable[HtmlElement]) -> int:
    """The characters of paragraph text inside ``elements``, each paragraph counted once even
    when the elements nest."""
    paragraphs = {p for element in elements for p in element.iter("p")}
    return sum(paragraph_chars(p) for p in paragraphs)
