"""Whether an edit of an article matters: a headline reworded, or numbers in its lead changed.
Punctuation, case, spacing and quotes are cosmetic."""

from __future__ import annotations

import re
import unicodedata

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
LEAD_CHARACTERS = 400


def material_change(old_title: str, new_title: str, old_text: str, new_text: str) -> str | None:
    """``"headline"`` or ``"numbers in the lead"`` when the edit is material, else None."""
    if _words(old_title) != _words(new_title):
        return "headline"
    if NUMBER.findall(_lead(old_text)) != NUMBER.findall(_lead(new_text)):
        return "numbers in the lead"
    return None


def _words(text: str) -> list[str]:
    """The words of ``text``, case-folded, without punctuation or symbols."""
    kept = "".join(
        char if unicodedata.category(char)[0] in "LN" else " "
        for char in unicodedata.normalize("NFKC", text)
    )
    return kept.casefold().split()


def _lead(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first[:LEAD_CHARACTERS]
