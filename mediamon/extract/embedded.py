"""The article a page carries only in its scripts' data: the last resort before giving up.

Pages built by a JavaScript framework (Next.js, Nuxt and the like) can serve an empty shell whose
article body is a string of HTML inside the data the script hydrates the page from
(``"contentHtml": "<p>...</p>"``). Trafilatura reads no scripts, so it finds nothing on them
(its baseline already reads a JSON-LD ``articleBody``). Every long JSON string in the page's
scripts is read; the one holding the most paragraph text, if that is an article's worth, is the
article's HTML.
"""

from __future__ import annotations

import json
import re

from lxml.etree import LxmlError
from lxml.html import HtmlElement, fragment_fromstring

from mediamon.extract.paragraphs import text_held

LINKED_DATA = "application/ld+json"
# a JSON string literal long enough to hold an article; the alternation cannot backtrack
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.){400,}"')
HTML_PARAGRAPH = "<p"
# paragraph text below this is a teaser or a caption, not an article body
MIN_ARTICLE_CHARS = 400


def embedded_article(tree: HtmlElement) -> HtmlElement | None:
    """The HTML fragment in ``tree``'s script data holding the most paragraph text, as a <div>;
    None when none holds an article's worth."""
    best, best_chars = None, 0
    for value in _script_strings(tree):
        fragment = _fragment(value)
        chars = text_held([fragment]) if fragment is not None else 0
        if chars > best_chars:
            best, best_chars = fragment, chars
    return best if best_chars >= MIN_ARTICLE_CHARS else None


def _script_strings(tree: HtmlElement) -> list[str]:
    """The long JSON strings in the page's scripts that hold HTML paragraphs, unescaped."""
    values = []
    for script in tree.iter("script"):
        if script.get("type") == LINKED_DATA or not script.text:
            continue
        for literal in JSON_STRING.findall(script.text):
            value = _json_string(literal)
            if value is not None and HTML_PARAGRAPH in value:
                values.append(value)
    return values


def _json_string(literal: str) -> str | None:
    try:
        value = json.loads(literal)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _fragment(value: str) -> HtmlElement | None:
    try:
        fragment: HtmlElement = fragment_fromstring(value, create_parent="div")
    except (LxmlError, ValueError):
        return None
    return fragment
