"""A small Ukrainian suffix-stripping stemmer, in the manner of Snowball's Russian algorithm.

Snowball (snowballstemmer 3.1) has no Ukrainian algorithm and PyPI has no maintained one, so
this strips inflectional endings in Snowball's order: gerund; else reflexive -ся/-сь, then an
adjectival, verbal or nominal ending; then a final -ь and a doubled -нн. Endings are removed
only from the region after the first vowel (Snowball's RV), longest ending first.

It aims at stable stems for the words topics are about (places, events, organisations), so it
prefers nouns where endings are ambiguous: past-tense endings (-в, -ла, -ли, -ила, ...) are
stripped only from reflexive verbs (з'явився, з'явилися), because they collide with nouns and
names (прорив, Ярослав, канали, обстріли). Vowel
alternation (Харків / Харкова, Київ / Києва) is not undone; a prefix query (харк*) covers it.
"""

from __future__ import annotations

VOWELS = frozenset("аеєиіїоуюя")

GERUND = ("вшись", "вши", "учи", "ючи", "ачи", "ячи")
REFLEXIVE = ("ся", "сь")
ADJECTIVE = ("ими", "іми", "ого", "ому", "ої", "ою", "ий", "ій", "їй", "им", "ім", "их", "іх")
VERB_AFTER_A = ("ємо", "єте", "ють", "єш", "ть", "є", "ю")
VERB = ("ити", "іти", "ить", "іть", "уть", "ите", "имо", "ете", "емо", "еш")
PAST_AFTER_A = ("ла", "ло", "ли", "в")
PAST = ("ила", "ило", "или", "іла", "іло", "іли", "ив", "ів")
NOUN = ("ями", "ами", "ові", "еві", "єві", "ях", "ах", "ям", "ам", "ом", "ем", "єм", "ою",
        "ею", "єю", "ів", "їв", "ей", "а", "я", "о", "е", "є", "у", "ю", "і", "ї", "и", "й",
        "ь")  # fmt: skip


def stem_ukrainian(word: str) -> str:
    """The stem of a lowercase Ukrainian word; words without a vowel are returned unchanged."""
    region = _region_start(word)
    if region is None:
        return word
    stemmed = _strip_inflection(word, region)
    if stemmed.endswith("ь"):
        stemmed = stemmed[:-1]
    if stemmed.endswith("нн"):
        stemmed = stemmed[:-1]
    return stemmed


def _region_start(word: str) -> int | None:
    for index, char in enumerate(word):
        if char in VOWELS:
            return index + 1
    return None


def _strip_inflection(word: str, region: int) -> str:
    without_gerund = _strip(word, region, GERUND)
    if without_gerund != word:
        return without_gerund
    stem = _strip(word, region, REFLEXIVE)
    reflexive = stem != word
    for strip in (_strip_adjective, _strip_verb):
        stripped = strip(stem, region, reflexive)
        if stripped != stem:
            return stripped
    return _strip(stem, region, NOUN)


def _strip_adjective(word: str, region: int, reflexive: bool) -> str:
    return _strip(word, region, ADJECTIVE)


def _strip_verb(word: str, region: int, reflexive: bool) -> str:
    after_a = VERB_AFTER_A + PAST_AFTER_A if reflexive else VERB_AFTER_A
    for ending in after_a:
        if word.endswith(ending) and word[: -len(ending)][-1:] in ("а", "я"):
            return _strip(word, region, (ending,))
    return _strip(word, region, VERB + PAST if reflexive else VERB)


def _strip(word: str, region: int, endings: tuple[str, ...]) -> str:
    """``word`` without the first of ``endings`` it ends with, if that lies within the region."""
    for ending in endings:
        if word.endswith(ending):
            if len(word) - len(ending) >= region:
                return word[: -len(ending)]
            return word
    return word
