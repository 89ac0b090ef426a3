"""Latin letters for names written in Cyrillic or Greek, so a new outlet's id can be a slug.

One table per script, with each language's own readings on top (Ukrainian ``г`` is ``h``, Russian
``g``; Bulgarian ``щ`` is ``sht``, Russian ``shch``), close to the national romanisations used in
passports and URLs. A letter no table knows loses its diacritics (``é`` -> ``e``); what is left
that is not ASCII is dropped by the slug that follows.
"""

from __future__ import annotations

import unicodedata

CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "u",
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz",
}  # fmt: skip

GREEK = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip

LATIN_LIGATURES = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ı": "i",
}  # fmt: skip

BY_LANGUAGE = {
    "uk": {"г": "h", "и": "y", "й": "i", "є": "ie", "ї": "i", "ю": "iu", "я": "ia"},
    "be": {"г": "h", "и": "i", "й": "j", "ў": "w", "щ": "shch"},
    "bg": {"щ": "sht", "ъ": "a", "ю": "yu", "я": "ya", "й": "y"},
    "sr": {"х": "h", "ц": "c", "ч": "c", "ш": "s", "ж": "z", "ђ": "dj", "ћ": "c", "џ": "dz"},
    "mk": {"ѓ": "gj", "ќ": "kj", "ѕ": "dz", "х": "h", "ц": "c", "ч": "c", "ш": "s", "ж": "z"},
}

WORD_INITIAL = {
    "uk": {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"},
}
"""Letters read otherwise at the start of a word (Ukrainian ``Європа`` is ``Yevropa``)."""

SHARED = {**CYRILLIC, **GREEK, **LATIN_LIGATURES}


def to_latin(text: str, language: str | None = None) -> str:
    """``text`` in lower-case Latin letters: ``Українська хвиля`` in ``uk`` is
    ``ukrainska khvylia``."""
    inside = {**SHARED, **BY_LANGUAGE.get(language or "", {})}
    initial = {**inside, **WORD_INITIAL.get(language or "", {})}
    lower = text.lower()
    return "".join(
        _latin_letter(char, initial if i == 0 or not lower[i - 1].isalpha() else inside)
        for i, char in enumerate(lower)
    )


def _latin_letter(char: str, table: dict[str, str]) -> str:
    if char in table:
        return table[char]
    # Decomposed, an accented letter is its base letter and marks: "ά" is "α" and a tonos.
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return "".join(table.get(c, c) for c in base)
