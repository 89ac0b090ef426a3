"""Outlets' ``article_urls`` patterns: refused at load when they can backtrack catastrophically,
and matched with a time limit all the same.

A pattern such as ``(a+)+$`` takes exponential time on a link of many ``a``: a hostile page could
hold the crawl's only thread for hours. Nested repeats are the classic cause and are refused by
``config check`` with the reason; what analysis cannot see is cut by the ``regex`` module's
timeout, and a link whose match timed out is not an article.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

import regex

# Python's own pattern parser (re._parser): the parsed pattern shows the nesting of repeats.
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

MATCH_TIMEOUT_SECONDS = 0.1
"""A link is a few hundred characters: a sane pattern matches it in microseconds."""

_REPEATS = {_constants.MAX_REPEAT, _constants.MIN_REPEAT}
_UNBOUNDED = _constants.MAXREPEAT


class PatternTimeout(TimeoutError):
    """Matching an ``article_urls`` pattern took longer than :data:`MATCH_TIMEOUT_SECONDS`."""


def backtracking_problem(pattern: str) -> str | None:
    """Why ``pattern`` can backtrack catastrophically (a repeat of a repeat, either unbounded,
    as in ``(a+)+`` or ``(\\w*-?)*``), or None when it cannot that way."""
    try:
        parsed = _parser.parse(pattern)
    except Exception:  # an invalid pattern is reported by the compiler, not here
        return None
    nested = _nested_repeat(list(parsed), None)
    if nested is None:
        return None
    return (
        f"it nests a repeat inside a repeat ({nested}), which can take exponential time on a "
        "long hostile link; repeat a character class instead, e.g. '[\\w-]+' rather than "
        "'(\\w+-)+'"
    )


def _nested_repeat(items: list[Any], outer: tuple[int, int] | None) -> str | None:
    """The first repeat in ``items`` of variable length nested in the repeat ``outer``."""
    for op, value in items:
        if op in _REPEATS:
            low, high, body = value
            if outer is not None and _variable(low, high) and _risky(outer, high):
                return f"{_describe(outer)} around {_describe((low, high))}"
            found = _nested_repeat(list(body), (low, high) if high > 1 else outer)
        else:
            # Possessive repeats and atomic groups never backtrack into what they matched.
            fresh = op in (_constants.POSSESSIVE_REPEAT, _constants.ATOMIC_GROUP)
            inner = None if fresh else outer
            parts = _parts(op, value)
            found = next((f for part in parts if (f := _nested_repeat(list(part), inner))), None)
        if found:
            return found
    return None


def _parts(op: Any, value: Any) -> list[Any]:
    """The sub-patterns of one parsed item (none for an atom)."""
    if op in (_constants.SUBPATTERN, _constants.POSSESSIVE_REPEAT):
        return [value[-1]]
    if op == _constants.ATOMIC_GROUP:
        return [value]
    if op == _constants.BRANCH:
        return list(value[1])
    if op in (_constants.ASSERT, _constants.ASSERT_NOT):
        return [value[1]]
    if op == _constants.GROUPREF_EXISTS:
        return [part for part in value[1:] if part]
    return []


def _variable(low: int, high: int) -> bool:
    return low != high


def _risky(outer: tuple[int, int], inner_high: int) -> bool:
    return outer[1] == _UNBOUNDED or inner_high == _UNBOUNDED


def _describe(bounds: tuple[int, int]) -> str:
    low, high = bounds
    if high == _UNBOUNDED:
        return {0: "'*'", 1: "'+'"}.get(low, f"'{{{low},}}'")
    return f"'{{{low},{high}}}'"


@lru_cache(maxsize=256)
def compiled(pattern: str) -> Any:
    """``pattern`` compiled by the ``regex`` module, with Python ``re`` semantics (VERSION0)."""
    return regex.compile(pattern, regex.VERSION0)


def search(pattern: str, text: str) -> bool:
    """Whether ``pattern`` is found in ``text``; :class:`PatternTimeout` when it takes too long."""
    try:
        return compiled(pattern).search(text, timeout=MATCH_TIMEOUT_SECONDS) is not None
    except TimeoutError as exc:
        raise PatternTimeout(f"matching {pattern!r} took over {MATCH_TIMEOUT_SECONDS} s") from exc
