"""Counts in words: '1 story', '2 stories', '1 article', '3 more stories'."""

from __future__ import annotations

IRREGULAR_PLURALS = {"story": "stories"}


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun phrase ``singular`` in the number that agrees with it; the
    phrase's last word is made plural unless ``plural`` is given."""
    if count == 1:
        return f"{count} {singular}"
    return f"{count} {plural or _plural(singular)}"


def _plural(phrase: str) -> str:
    head, _, last = phrase.rpartition(" ")
    word = IRREGULAR_PLURALS.get(last, last + "s")
    return f"{head} {word}" if head else word
