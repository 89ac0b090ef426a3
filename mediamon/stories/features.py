"""What an article is compared by: a weighted vector of its names, numbers and content words,
the same in English, Russian, Ukrainian and other languages where they share them.

Names and numbers are the keys of ``mediamon.stories.entity_keys``. Content words (five letters
or more, not capitalised) are reduced the same way, transliterated to a consonant skeleton, and
prefixed with ``~``: an inflected word keeps its key ("вакцины", "вакцину" are "~vkn"), and so
do the cognates that news languages share ("vaccine", "вакцина", "wakcyna"; "sanctions",
"санкции"; "referendum", "референдум"), which is the offline cross-lingual signal beyond names.
Each feature weighs its rarity among the articles grouped so far (names eight times as much),
only the ``MAX_FEATURES`` heaviest are kept, and the vector has unit length, so that stories
compare by cosine similarity whatever the length of the articles.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from mediamon.stories.entity_keys import entity_names, skeleton

CONTENT_WORD = re.compile(r"(?<![\w'’])[^\W\d_]{5,}")
TERM_PREFIX = "~"
TERM_CONSONANTS = 4
MIN_TERM_CONSONANTS = 3
NAME_WEIGHT = 8.0
MAX_FEATURES = 48


def article_features(text: str) -> dict[str, str]:
    """The features of ``text`` (names, numbers and content words), each with the first word it
    was found in."""
    features = entity_names(text)
    for match in CONTENT_WORD.finditer(text):
        if not match.group()[0].islower():
            continue
        key = term_key(match.group())
        if key is not None and key not in features:
            features[key] = match.group()
    return features


# Words recur from article to article; the cache is bounded, so a long crawl does not grow it.
@lru_cache(maxsize=1 << 17)
def term_key(word: str) -> str | None:
    consonants = skeleton(word)
    if len(consonants) < MIN_TERM_CONSONANTS:
        return None
    return TERM_PREFIX + consonants[:TERM_CONSONANTS]


def is_name(key: str) -> bool:
    return not key.startswith(TERM_PREFIX)


def unit_vector(features: Mapping[str, str], rarity: Callable[[str], float]) -> dict[str, float]:
    """The ``MAX_FEATURES`` heaviest features, weighted by ``rarity``, as a unit vector."""
    weights = ((key, rarity(key) * (NAME_WEIGHT if is_name(key) else 1.0)) for key in features)
    heaviest = heapq.nlargest(MAX_FEATURES, weights, key=lambda pair: (pair[1], pair[0]))
    length = math.sqrt(sum(weight * weight for _, weight in heaviest))
    if not length:
        return {}
    return {key: weight / length for key, weight in heaviest if weight > 0}
