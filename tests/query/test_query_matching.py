"""Matching topic queries against articles: inflections, phrases, NEAR, NOT, and explanations."""

from __future__ import annotations

import pytest

from mediamon.query.parser import parse_query

BELGOROD = (
    '(belgorod OR белгород* OR бєлгород*) AND (incursion OR raid OR "Russian Volunteer Corps") '
    "AND NOT exercise"
)

INFLECTED: list[tuple[str, str, str | None]] = [
    # English
    ("incursion", "Two incursions were reported overnight.", "en"),
    ("raid", "Saboteurs raided a village.", "en"),
    ('"Russian Volunteer Corps"', "fighters of the Russian Volunteer Corps' units", "en"),
    ("Belgorod", "in the Belgorod region", None),
    ("BELGOROD", "in belgorod", "en"),
    # Russian
    ("Белгород", "Обстрел Белгородской области продолжается", "ru"),
    ("Белгород", "В Белгороде объявили тревогу", "ru"),
    ("Белгород", "жители Белгородской области", None),
    ("вторжение", "после вторжения диверсантов", "ru"),
    ('"русский добровольческий корпус"', "бойцы Русского добровольческого корпуса", "ru"),
    ("Артём", "сказал Артем Иванов", "ru"),
    ("Артем", "сказал Артём Иванов", None),
    # Ukrainian
    ("бєлгород*", "Вибухи на Бєлгородщині", "uk"),
    ("бєлгород*", "у Бєлгородській області", None),
    ("Бєлгород", "Вибухи на Бєлгородщині", "uk"),
    ("Бєлгород", "у Бєлгородській області", "uk"),
    ("Бєлгород", "у Бєлгороді", None),
    ("вторгнення", "після вторгненням у", "uk"),
    ("рейд", "кілька рейдів", "uk"),
    ("обстріл", "нові обстріли", "uk"),
    ('"російський добровольчий корпус"', "бійці Російського добровольчого корпусу", "uk"),
    ("з'явився", "там з’явилися бійці", "uk"),
    ("з’явився", "там зʼявився боєць", None),
    # German
    ("Angriff", "Nach den Angriffen auf die Region", "de"),
    ('"Gebiet Belgorod"', "im Gebiet Belgorods", "de"),
    ("Grenze", "an den Grenzen", None),
    # Language tags as pages give them
    ("Белгород", "жители Белгородской области", "ru-RU"),
    ("Бєлгород", "на Бєлгородщині", "ua"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "text", "language"), INFLECTED, ids=[f"{q} ~ {t}" for q, t, _ in INFLECTED]
)
def test_inflected_forms_match(query: str, text: str, language: str | None) -> None:
    assert parse_query(query).matches("", text, language)


NOT_MATCHING: list[tuple[str, str, str | None]] = [
    ("raid", "Radiation levels are normal.", "en"),
    ("belgorod", "A football match in Madrid.", "en"),
    ("город*", "Белгород", "ru"),
    ("Белгород", "Белгородец", None),
    ('"volunteer corps"', "the volunteer medical corps", "en"),
    ('"volunteer corps"', "corps of volunteers", "en"),
    ("Бєлгород", "Белгородская область", "uk"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "text", "language"), NOT_MATCHING, ids=[f"{q} !~ {t}" for q, t, _ in NOT_MATCHING]
)
def test_unrelated_or_differently_spelled_words_do_not_match(
    query: str, text: str, language: str | None
) -> None:
    assert not parse_query(query).matches("", text, language)


def test_topic_query_matches_across_title_and_text() -> None:
    query = parse_query(BELGOROD)
    assert query.matches("Raid on Belgorod", "Shelling continued.", "en")
    assert query.matches("Incursions", "Бої на Бєлгородщині тривали добу.", "uk")
    assert query.matches("Belgorod", "The Russian Volunteer Corps claimed responsibility.", None)


def test_not_excludes_articles_with_the_word_in_any_inflection() -> None:
    query = parse_query(BELGOROD)
    assert not query.matches("Belgorod raid", "It was only an exercise.", "en")
    assert not query.matches("Belgorod raid", "Military exercises near the border.", "en")


def test_unrelated_articles_do_not_match_the_topic() -> None:
    query = parse_query(BELGOROD)
    assert not query.matches("Elections in Berlin", "Voters went to the polls.", "en")
    assert not query.matches("Belgorod weather", "Sunny with light wind.", "en")


def test_operators_follow_precedence_when_matching() -> None:
    query = parse_query("belgorod OR raid AND NOT exercise")
    assert query.matches("Belgorod exercise", "", "en")
    assert not query.matches("Raid exercise", "", "en")


def test_phrase_must_be_consecutive_and_within_one_field() -> None:
    query = parse_query('"volunteer corps"')
    assert query.matches("", "The Volunteer Corps said", "en")
    assert not query.matches("A volunteer", "Corps members said", "en")


def test_punctuation_between_phrase_words_does_not_break_the_phrase() -> None:
    assert parse_query('"Belgorod region"').matches("", "Belgorod, region officials said", "en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("raid belgorod", True),
        ("belgorod raid", True),
        ("a raid near the town of Belgorod", True),
        ("a raid near the small border town of Belgorod", False),
    ],
)
def test_near_matches_within_the_distance_in_either_order(text: str, expected: bool) -> None:
    assert parse_query("raid NEAR/5 belgorod").matches("", text, "en") is expected


def test_near_one_means_adjacent() -> None:
    query = parse_query("border NEAR/1 town")
    assert query.matches("", "the border town", "en")
    assert not query.matches("", "the border of the town", "en")


def test_near_with_phrase_and_alternatives() -> None:
    query = parse_query('(raid OR incursion*) NEAR/3 "volunteer corps"')
    assert query.matches("", "the Volunteer Corps led an incursion", "en")
    assert not query.matches("", "an incursion was reported; later the Volunteer Corps spoke", "en")


def test_near_does_not_reach_from_title_into_text() -> None:
    assert not parse_query("raid NEAR/5 belgorod").matches("Raid", "Belgorod", "en")


def test_leading_not_matches_articles_without_the_word() -> None:
    query = parse_query("NOT exercise")
    assert query.matches("Belgorod", "", "en")
    assert not query.matches("Exercises", "", "en")


def test_invisible_characters_and_stress_marks_do_not_split_words() -> None:
    query = parse_query("Белгород")
    assert query.matches("", "Бел\u00adгород", "ru")
    assert query.matches("", "Белгоро\u0301д", "ru")


def test_numbers_and_abbreviations_match() -> None:
    assert parse_query("2023 AND РДК").matches("", "В мае 2023 года РДК заявил", "ru")
    assert parse_query("U.S.").matches("", "U.S. officials", "en")


def test_explain_names_each_term_and_where_it_was_found() -> None:
    lines = parse_query(BELGOROD).explain(
        "Incursion into Belgorod region", "Бійці Російського корпусу на Бєлгородщині", None
    )
    assert lines == [
        "belgorod: title «Belgorod»",
        "белгород*: not found",
        "бєлгород*: text «Бєлгородщині»",
        "incursion: title «Incursion»",
        "raid: not found",
        '"russian volunteer corps": not found',
        "NOT exercise: not found",
    ]


def test_explain_shows_why_an_article_was_excluded_and_near_spans() -> None:
    query = parse_query("raid NEAR/3 belgorod AND NOT exercise")
    lines = query.explain("Exercises", "A raid on Belgorod", "en")
    assert lines == [
        "raid NEAR/3 belgorod: text «raid on Belgorod»",
        "NOT exercise: title «Exercises»",
    ]
