"""An ``article_urls`` pattern suggested from the article links of an outlet's feed.

Links of the same depth are one shape: each path segment becomes the literal all of them share
(``news``), a run of digits (``\\d{4}`` for a date part, ``\\d{6,}`` for an id), a common literal
ending (``.html``, ``-a`` before an id) or a slug class (``[a-z-]+``, ``[\\w-]+``). Every shape
the feed shows at least twice is kept, unless it would match a page that is not an article (the
homepage, a directory above the articles) or ``config check`` would refuse it (a nested repeat).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urljoin, urlsplit

from mediamon.core.url_patterns import backtracking_problem, search

DATE_PART_DIGITS = 4
"""Up to this many digits a run is a date part of fixed width (year, month, day)."""

MONTH_NAMES = frozenset(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
)  # as in /2023/may/22/
MONTH_NAME = "[a-z]{3}"
MIN_LINKS_PER_SHAPE = 2
SEGMENT_CLASSES = (
    (re.compile(r"[a-z]+"), "[a-z-]+"),  # single words: sections, which may have a hyphen
    (re.compile(r"[\w-]+"), "[\\w-]+"),  # slugs, which may hold digits
)
ANY_SEGMENT = "[^/]+"
REGEX_SPECIALS = re.compile(r"([.^$*+?{}\[\]\\|()])")
TRAILING_DIGITS = re.compile(r"\d+$")


@dataclass(frozen=True)
class PatternSuggestion:
    pattern: str
    matched: int  # feed links the pattern matches
    links: int  # feed links on the outlet's own site


def suggest_article_pattern(links: Sequence[str], homepage: str) -> PatternSuggestion | None:
    """The pattern of the article ``links`` (absolute URLs on the outlet's site), or None when
    they show no shape twice that matches neither the homepage nor a directory above them."""
    paths = [urlsplit(link).path or "/" for link in links]
    ending = "" if any("?" in link for link in links) else "$"
    not_articles = [homepage, *_directories_above(links)]
    kept: list[str] = []
    for group in _by_depth(paths):
        candidate = _either([*kept, path_pattern(group)], ending)
        if len(group) >= MIN_LINKS_PER_SHAPE and _acceptable(candidate, not_articles):
            kept.append(path_pattern(group))
    if not kept:
        return None
    pattern = _either(kept, ending)
    return PatternSuggestion(pattern, sum(search(pattern, link) for link in links), len(links))


def _either(shapes: list[str], ending: str) -> str:
    return (shapes[0] if len(shapes) == 1 else "(?:" + "|".join(shapes) + ")") + ending


def _acceptable(pattern: str, not_articles: list[str]) -> bool:
    """Whether ``config check`` takes the pattern and it matches no page that is not an article."""
    return backtracking_problem(pattern) is None and not any(
        search(pattern, url) for url in not_articles
    )


def path_pattern(paths: Sequence[str]) -> str:
    """The pattern of paths of one depth: segment by segment."""
    columns = zip(*(path.split("/") for path in paths), strict=True)
    return "/".join(segment_pattern(list(column)) for column in columns)


def segment_pattern(values: list[str]) -> str:
    """The pattern of one path segment across links: literal where they agree, else its shape."""
    if all(value.isdigit() for value in values):
        return _digits(values)
    if all(value in MONTH_NAMES for value in values):
        return MONTH_NAME  # a date part, even when every link is of the same month
    if len(set(values)) == 1:
        return _literal(values[0])
    ending = _common_literal_ending(values)
    if ending:
        return segment_pattern([v.removesuffix(ending) for v in values]) + _literal(ending)
    if all(TRAILING_DIGITS.search(value) for value in values):
        heads = [TRAILING_DIGITS.sub("", value) for value in values]
        ids = [value[len(head) :] for head, value in zip(heads, values, strict=True)]
        return segment_pattern(heads) + _digits(ids)
    return _segment_class(values)


def _digits(values: Iterable[str]) -> str:
    """A date part has its width; an id at least the width of the shortest seen, as ids grow
    (and so a page number such as ``/sections/news/2`` is not taken for an article id)."""
    widths = {len(value) for value in values}
    if len(widths) == 1 and (width := min(widths)) <= DATE_PART_DIGITS:
        return f"\\d{{{width}}}"
    shortest = min(widths)
    return "\\d+" if shortest == 1 else f"\\d{{{shortest},}}"


def _common_literal_ending(values: list[str]) -> str:
    """The longest ending every value has after its own text, starting at a punctuation mark
    (``.html``, ``-a``): an ending starting inside a word, or holding digits, is a coincidence."""
    shortest = min(len(value) for value in values)
    size = 0
    while size < shortest and len({value[-size - 1] for value in values}) == 1:
        size += 1
    ending = values[0][len(values[0]) - size :]
    start = next((i for i, char in enumerate(ending) if not char.isalnum()), None)
    if start is None or len(ending) - start == shortest or any(c.isdigit() for c in ending[start:]):
        return ""  # no punctuation in it, some value would be all ending, or an id's digits
    return ending[start:]


def _segment_class(values: list[str]) -> str:
    for shape, pattern in SEGMENT_CLASSES:
        if all(shape.fullmatch(value) for value in values):
            return pattern
    if all(values):
        return ANY_SEGMENT
    return ANY_SEGMENT.replace("+", "*")


def _literal(text: str) -> str:
    return REGEX_SPECIALS.sub(r"\\\1", text)


def _by_depth(paths: Sequence[str]) -> list[list[str]]:
    """The paths grouped by their number of segments, the commonest depth first."""
    ordered = sorted(paths, key=lambda path: path.count("/"))
    groups = [list(group) for _, group in groupby(ordered, key=lambda path: path.count("/"))]
    return sorted(groups, key=len, reverse=True)


def _directories_above(links: Sequence[str]) -> list[str]:
    """Each link's parent directories (``/news/2023/05/``, ``/news/``): sections and archives."""
    found: dict[str, None] = {}
    for link in links:
        path = urlsplit(link).path.rstrip("/")
        while "/" in path:
            path = path.rsplit("/", 1)[0]
            found[urljoin(link, path + "/")] = None
            found[urljoin(link, path or "/")] = None
    return list(found)
