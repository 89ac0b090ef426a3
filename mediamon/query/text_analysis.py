"""Tokenisation and per-article word indexes that topic queries are evaluated against.

An article is tokenised once: words are Unicode ``\\w`` runs (Cyrillic, Latin, Greek, ...) that
may contain apostrophes (Ukrainian "з'явився", English "Russia's"), folded to lowercase with
Russian ё read as е. Each word is indexed under its stems (see ``mediamon.query.stemming``), so
every topic query is evaluated against the same analysis without re-tokenising or re-stemming.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass, field

from mediamon.query.stemming import normalize_language, term_keys, token_keys

WORD = re.compile(r"\w+(?:['’ʼ]\w+)*")
# Soft hyphens and zero-width characters hide inside words on web pages; Russian and Ukrainian
# texts sometimes mark stress with combining accents. None of them should split or change a word.
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u0300\u0301]")
FOLDS = str.maketrans({"’": "'", "ʼ": "'", "ё": "е", "Ё": "е"})


def clean_text(text: str) -> str:
    """``text`` in composed Unicode form without invisible characters and stress marks."""
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def normalize_word(word: str) -> str:
    """The form a word is compared in: case-folded, one apostrophe character, ё as е."""
    return word.translate(FOLDS).casefold()


def tokenize(text: str) -> list[str]:
    """The normalised words of ``text``, in order."""
    return [normalize_word(word) for word in WORD.findall(clean_text(text))]


@dataclass
class FieldIndex:
    """The words of one field (title or text) and where each word and stem occurs."""

    name: str
    language: str | None
    originals: list[str]
    words: list[str]
    positions_by_key: dict[str, list[int]] = field(default_factory=dict)
    positions_by_word: dict[str, list[int]] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    _cache: dict[tuple[str, bool], list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, name: str, text: str, language: str | None) -> FieldIndex:
        originals = WORD.findall(clean_text(text))
        index = cls(name, language, originals, [normalize_word(word) for word in originals])
        for position, word in enumerate(index.words):
            index.positions_by_word.setdefault(word, []).append(position)
        for word, positions in index.positions_by_word.items():
            for key in token_keys(word, language):
                index.positions_by_key.setdefault(key, []).extend(positions)
        index.vocabulary = sorted(index.positions_by_word)
        return index

    def positions(self, word: str, prefix: bool = False) -> list[int]:
        """Sorted positions of ``word`` (any inflection), or of any word starting with it."""
        cache_key = (word, prefix)
        if cache_key not in self._cache:
            found = self._prefix_positions(word) if prefix else self._stem_positions(word)
            self._cache[cache_key] = sorted(set(found))
        return self._cache[cache_key]

    def _stem_positions(self, word: str) -> list[int]:
        found: list[int] = []
        for key in term_keys(word, self.language):
            found.extend(self.positions_by_key.get(key, ()))
        return found

    def _prefix_positions(self, prefix: str) -> list[int]:
        found: list[int] = []
        start = bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found.extend(self.positions_by_word[word])
        return found

    def excerpt(self, start: int, end: int) -> str:
        """The original words from ``start`` to ``end`` (inclusive), as they appear."""
        return " ".join(self.originals[start : end + 1])


@dataclass
class ArticleAnalysis:
    """An article's title and text, tokenised and stemmed once for every topic query."""

    language: str | None
    title: FieldIndex
    text: FieldIndex

    @property
    def fields(self) -> tuple[FieldIndex, FieldIndex]:
        return (self.title, self.text)


def analyze_article(title: str | None, text: str | None, language: str | None) -> ArticleAnalysis:
    """Tokenise and stem an article's title and text for evaluating queries against it."""
    code = normalize_language(language)
    return ArticleAnalysis(
        code,
        FieldIndex.build("title", title or "", code),
        FieldIndex.build("text", text or "", code),
    )
