"""A light, dependency-free language guess from a text's script and its commonest words.

Good enough to label a news article (hundreds of words) in the languages mediamon's outlets
write in; it answers None rather than guess on a few words of an unknown language.
"""

from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"[^\W\d_]+")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
UKRAINIAN_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
RUSSIAN_LETTERS = re.compile(r"[ыэъёЫЭЪЁ]")
SAMPLE_CHARS = 4000
MIN_STOPWORD_HITS = 3


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for was with on as by he it at are from"),
    "de": _words("der die und das ist nicht mit von den zu sich auf für ein eine dem des"),
    "fr": _words("le la les et des est une que dans pour qui pas sur au du avec il"),
    "es": _words("el la los las y que de en es por con para una del se su al"),
    "it": _words("il di che la per non una sono della con del gli le anche è"),
    "pt": _words("o a os as de que em para com uma do da não no na se é"),
    "nl": _words("de het een en van is dat op te zijn met voor niet die in"),
    "pl": _words("i w na z się nie do że to jest o jak po przez dla"),
}


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language ``text`` is most likely written in, or None."""
    sample = text[:SAMPLE_CHARS]
    if len(CYRILLIC.findall(sample)) > len(sample) // 4:
        return _cyrillic_language(sample)
    words = Counter(word.lower() for word in WORD.findall(sample))
    hits = {code: sum(words[w] for w in stopwords) for code, stopwords in STOPWORDS.items()}
    best = max(hits, key=hits.__getitem__)
    return best if hits[best] >= MIN_STOPWORD_HITS else None


def _cyrillic_language(sample: str) -> str:
    ukrainian = len(UKRAINIAN_LETTERS.findall(sample))
    russian = len(RUSSIAN_LETTERS.findall(sample))
    return "uk" if ukrainian > russian else "ru"


def script_agrees(language: str, text: str) -> bool:
    """Whether a declared language fits the text's script (sites often declare a template's)."""
    sample = text[:SAMPLE_CHARS]
    cyrillic_text = len(CYRILLIC.findall(sample)) > len(sample) // 4
    return cyrillic_text == (language in {"ru", "uk", "be", "bg", "sr", "mk", "kk"})
