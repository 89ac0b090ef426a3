"""The article a page carries only in its scripts' data: the last resort before giving up.

Pages built by a JavaScript framework (Next.js, Nuxt and the like) can serve an empty shell whose
article body is a string of HTML inside the data the script hydrates the page from
(``"contentHtml": "<p>...</p>"``). Trafilatura reads no scripts, so it finds nothing on them
(its baseline already reads a JSON-LD ``articleBody``). Every long JSON string in the page's
scripts is read; the one holding the most paragraph text, if that is an article's worth, is the
article's HTML, if it speaks of what the page's title does (script data also carries consent
dialogs and other stories).
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
# the article shares at least this many of its title's words of at least so many letters
MIN_TITLE_WORDS = 2
MIN_WORD_CHARS = 2
WORD = re.compile(r"\w+")


def embedded_article(tree: HtmlElement, title: str | None) -> HtmlElement | None:
    """The HTML fragment in ``tree``'s script data holding the most paragraph text and words of
    ``title``, as a <div>; None when none holds an article's worth."""
    best, best_chars = None, 0
    title_words = _words(title or "")
    for value in _script_strings(tree):
        fragment = _fragment(value)
        if fragment is None or not _mentions(fragment, title_words):
            continue
        chars = text_held([fragment])
        if chars > best_chars:
            best, best_chars = fragment, chars
    return best if best_chars >= MIN_ARTICLE_CHARS else None


def _words(text: str) -> set[str]:
    return {word for word in WORD.findall(text.casefold()) if len(word) >= MIN_WORD_CHARS}


def _mentions(fragment: HtmlElement, title_words: set[str]) -> bool:
    """Whether the fragment has some of the title's words (any fragment, on a page without a
    title)."""
    needed = min(len(title_words), MIN_TITLE_WORDS)
    return len(title_words & _words(fragment.text_content())) >= needed


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
