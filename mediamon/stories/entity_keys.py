"""Language-independent keys for the names and numbers in an article, for grouping stories.

A name is a capitalised word that does not start a sentence. It is transliterated to Latin
letters and reduced to a consonant skeleton, so that one name written in English, Russian or
Ukrainian, inflected or not, gets one key: Gladkov, Гладкова and Гладковим are all "gldk";
Belgorod, Белгородской and Бєлгородщині are all "blgr". Numbers of two or more digits (except
years) are keys of their own ("#70"). Keys are deliberately coarse: unrelated names may share
one, which is why stories weigh keys by rarity and ask for several in common.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A word is letters and digits, maybe joined by apostrophes or hyphens (O'Brien, Ivano-Frankivsk).
# Only words that may be names or numbers are matched, as most words start with a lowercase letter:
# the first character is any letter or digit but the common lowercase ones (``_key_of`` checks the
# rest), and the lookbehinds past it make sure it starts a word ("t" in "don't" does not).
NAME_OR_NUMBER = re.compile(r"[^\W_a-zß-ÿа-яё-џґ](?<!\w.)(?<!\w['’ʼ-].)\w*(?:['’ʼ-]\w+)*")
SENTENCE_PUNCTUATION = frozenset(".!?:…")
YEAR = re.compile(r"(?:19|20)\d\d")
CYRILLIC_TO_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "e",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya",
})  # fmt: skip
# Spelling conventions that differ between romanisations of the same sound. Ukrainian г is
# romanised h (Kharkiv), Russian г is g: both fold to g, as does х (kh).
LATIN_FOLDS = (
    (re.compile(r"shch|sch|sh"), "s"),
    (re.compile(r"zh"), "z"),
    (re.compile(r"kh|h"), "g"),
    (re.compile(r"ts|tz|ch|c|q"), "k"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
)
NOT_CONSONANT = re.compile(r"[^bdfgklmnprstvz]+")
REPEATED = re.compile(r"(.)\1+")
MIN_CONSONANTS = 3
KEY_CONSONANTS = 4
# Capitalised in English but not in Russian or Ukrainian, and too common to tell stories apart.
COMMON_CAPITALISED = frozenset(
    (
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december"),
        *("the", "this", "that", "these", "those", "his", "her", "their", "its", "our"),
        *("mr", "mrs", "ms", "dr", "president", "minister", "ministry", "governor"),
    )
)


def skeleton(word: str) -> str:
    """The word's consonants after transliteration and folding: "Гладкова" -> "gldkv"."""
    latin = word.lower().translate(CYRILLIC_TO_LATIN)
    if not latin.isascii():
        latin = _strip_accents(latin)
    for pattern, replacement in LATIN_FOLDS:
        latin = pattern.sub(replacement, latin)
    return REPEATED.sub(_first_letter, NOT_CONSONANT.sub("", latin))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _first_letter(run: re.Match[str]) -> str:
    return run.group(1)  # a function: a replacement template is parsed on every call


# Names recur from article to article; the cache is bounded, so a long crawl does not grow it.
@lru_cache(maxsize=1 << 16)
def name_key(word: str) -> str | None:
    """The key of a name, or None when it has too few consonants to tell names apart."""
    consonants = skeleton(word.split("'")[0].split("’")[0])
    if len(consonants) < MIN_CONSONANTS:
        return None
    return consonants[:KEY_CONSONANTS]


def number_key(word: str) -> str | None:
    if len(word) < 2 or YEAR.fullmatch(word):
        return None
    return "#" + word.lstrip("0")


def entity_keys(text: str) -> set[str]:
    """The keys of the names and numbers in ``text``."""
    return set(entity_names(text))


def entity_names(text: str) -> dict[str, str]:
    """The keys of the names and numbers in ``text``, each with the first word it was found in
    (what a reader is shown to explain a grouping)."""
    names: dict[str, str] = {}
    for paragraph in text.splitlines():
        for match in NAME_OR_NUMBER.finditer(paragraph):
            key = _key_of(match.group(), paragraph, match.start())
            if key and key not in names:
                names[key] = match.group()
    return names


def _key_of(word: str, paragraph: str, start: int) -> str | None:
    if word.isdigit():
        return number_key(word)
    if not word[0].isupper() or word.lower() in COMMON_CAPITALISED:
        return None
    if _starts_sentence(paragraph, start):
        return None
    return name_key(word)


def _starts_sentence(paragraph: str, start: int) -> bool:
    """Whether only punctuation ending a sentence (or nothing) separates ``start`` from the
    previous word, spaces, quotes and the like aside."""
    gap = start
    while gap and not (paragraph[gap - 1].isalnum() or paragraph[gap - 1] == "_"):  # \W
        gap -= 1
    return gap == 0 or not SENTENCE_PUNCTUATION.isdisjoint(paragraph[gap:start])
