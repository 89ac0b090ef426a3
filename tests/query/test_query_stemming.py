"""Stems that inflected forms share, and the Ukrainian stemmer Snowball lacks."""

from __future__ import annotations

import pytest

from mediamon.query.stemming import normalize_language, stemming_languages, token_keys
from mediamon.query.ukrainian_stemmer import stem_ukrainian

UKRAINIAN_PARADIGMS = [
    ("бєлгород", "бєлгорода", "бєлгороді", "бєлгородом"),
    ("бєлгородська", "бєлгородській", "бєлгородської", "бєлгородську"),
    ("вторгнення", "вторгненні", "вторгненням", "вторгнень"),
    ("рейд", "рейди", "рейдів", "рейдом", "рейду"),
    ("корпус", "корпусу", "корпусі", "корпусом"),
    ("російський", "російського", "російському", "російська", "російських"),
    ("обстріл", "обстріли", "обстрілів", "обстрілу"),
    ("канал", "канали", "каналу"),
    ("прорив", "прориву", "проривом"),
    ("ярослав", "ярослава", "ярославом"),
    ("з'явився", "з'явилися", "з'явилась", "з'явиться"),
]


@pytest.mark.parametrize(
    "forms", UKRAINIAN_PARADIGMS, ids=[forms[0] for forms in UKRAINIAN_PARADIGMS]
)
def test_ukrainian_inflections_share_one_stem(forms: tuple[str, ...]) -> None:
    assert len({stem_ukrainian(form) for form in forms}) == 1


def test_ukrainian_stemmer_leaves_words_without_vowels_alone() -> None:
    assert stem_ukrainian("рдк") == "рдк"


@pytest.mark.parametrize(
    ("word", "language", "expected"),
    [
        ("белгород", "ru", ("ru",)),
        ("белгород", "uk", ("uk",)),
        ("белгород", None, ("ru", "uk")),
        ("belgorod", "ru", ("en", "de")),
        ("belgorod", None, ("en", "de")),
        ("belgorod", "fr", ("fr",)),
        ("belgorod", "xx", ("en", "de")),
        ("2023", None, ()),
    ],
)
def test_words_are_stemmed_in_the_article_language_when_the_script_fits(
    word: str, language: str | None, expected: tuple[str, ...]
) -> None:
    assert stemming_languages(word, language) == expected


def test_place_name_adjectives_are_also_indexed_under_the_place_name() -> None:
    assert "ru:белгород" in token_keys("белгородской", "ru")
    assert "uk:бєлгород" in token_keys("бєлгородщині", "uk")


@pytest.mark.parametrize(
    ("tag", "code"), [("en-GB", "en"), ("uk_UA", "uk"), ("UA", "uk"), ("RU", "ru"), ("", None)]
)
def test_language_tags_are_reduced_to_their_language(tag: str, code: str | None) -> None:
    assert normalize_language(tag) == code
