"""Per-language stemming of words, keyed so that inflected forms of one word compare equal.

A word is stemmed in the article's language when the word is written in that language's
script; otherwise (unknown language, or an English name quoted in a Russian text) in each of
the languages usual for its script: Cyrillic as Russian and Ukrainian, Latin as English and
German. Stems are namespaced by language ("ru:белгород") so that a Russian stem never matches
an unrelated English one. Snowball does all languages except Ukrainian, which it lacks;
``mediamon.query.ukrainian_stemmer`` covers that.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache

import snowballstemmer

from mediamon.query.ukrainian_stemmer import stem_ukrainian

LATIN, CYRILLIC, OTHER = "latin", "cyrillic", "other"

SNOWBALL_ALGORITHMS = {
    "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "en": "english",
    "es": "spanish", "et": "estonian", "eu": "basque", "fi": "finnish", "fr": "french",
    "ga": "irish", "hu": "hungarian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "nl": "dutch", "no": "norwegian", "nb": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sv": "swedish", "tr": "turkish",
    "el": "greek", "ar": "arabic", "hy": "armenian", "hi": "hindi", "fa": "persian",
}  # fmt: skip
LANGUAGE_SCRIPTS = {"ru": CYRILLIC, "uk": CYRILLIC, "el": OTHER, "ar": OTHER, "hy": OTHER,
                    "hi": OTHER, "fa": OTHER}  # fmt: skip
SCRIPT_LANGUAGES = {CYRILLIC: ("ru", "uk"), LATIN: ("en", "de"), OTHER: ()}
LANGUAGE_ALIASES = {"ua": "uk"}  # a frequent mislabelling of Ukrainian pages

# Relational adjectives and region names derive from place names: Белгородская область,
# Бєлгородщина. Indexing a word under its base as well lets the query word Белгород find them.
PLACE_DERIVATIONS = {"ru": ("ск", "цк"), "uk": ("ськ", "цьк", "щин")}
MIN_BASE_LENGTH = 4


def normalize_language(language: str | None) -> str | None:
    """The two-letter code of a language tag such as "en-GB" or "uk_UA", or None."""
    if not language:
        return None
    code = language.replace("_", "-").split("-")[0].strip().lower()
    return LANGUAGE_ALIASES.get(code, code) or None


def has_stemmer(language: str) -> bool:
    return language == "uk" or language in SNOWBALL_ALGORITHMS


def script_of(word: str) -> str:
    """The script of the first letter in ``word``: Latin, Cyrillic or other."""
    for char in word:
        if char.isalpha():
            if "\u0400" <= char <= "\u052f":
                return CYRILLIC
            return LATIN if char <= "\u024f" else OTHER
    return OTHER


def stemming_languages(word: str, language: str | None) -> tuple[str, ...]:
    """The languages ``word`` is stemmed in, given the article's language (None if unknown)."""
    script = script_of(word)
    if language and has_stemmer(language) and LANGUAGE_SCRIPTS.get(language, LATIN) == script:
        return (language,)
    return SCRIPT_LANGUAGES[script]


@cache
def _stemmer(language: str) -> Callable[[str], str]:
    if language == "uk":
        return stem_ukrainian
    return snowballstemmer.stemmer(SNOWBALL_ALGORITHMS[language]).stemWord


# Bounded: a long crawl meets an open-ended vocabulary (names, typos, numbers).
@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """The stem of a normalised ``word`` in ``language`` (which must have a stemmer)."""
    return _stemmer(language)(word)


@lru_cache(maxsize=20_000)
def term_keys(word: str, language: str | None) -> tuple[str, ...]:
    """The keys a query word is looked up under: its stem in each stemming language."""
    languages = stemming_languages(word, language)
    if not languages:
        return (word,)
    return tuple(f"{lang}:{stem(word, lang)}" for lang in languages)


@lru_cache(maxsize=100_000)
def token_keys(word: str, language: str | None) -> tuple[str, ...]:
    """The keys an article word is indexed under: its stems, and place-name bases."""
    languages = stemming_languages(word, language)
    if not languages:
        return (word,)
    keys = [f"{lang}:{stem(word, lang)}" for lang in languages]
    for lang in languages:
        base = _place_name_base(stem(word, lang), lang)
        if base:
            keys.append(f"{lang}:{stem(base, lang)}")
    return tuple(dict.fromkeys(keys))


def _place_name_base(stemmed: str, language: str) -> str | None:
    for suffix in PLACE_DERIVATIONS.get(language, ()):
        if stemmed.endswith(suffix) and len(stemmed) - len(suffix) >= MIN_BASE_LENGTH:
            return stemmed[: -len(suffix)]
    return None
