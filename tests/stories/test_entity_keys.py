"""Entity keys: one key per name across languages and inflections, only for names and figures."""

from __future__ import annotations

import pytest

from mediamon.stories.entity_keys import entity_keys


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Governor Vyacheslav Gladkov said", "gldk"),
        ("сообщил губернатор Вячеслав Гладков", "gldk"),
        ("По словам Гладкова, снаряд", "gldk"),
        ("зустрівся з Гладковим у", "gldk"),
        ("shelling in the Belgorod region", "blgr"),
        ("в Белгородской области", "blgr"),
        ("обстріл на Бєлгородщині", "blgr"),
        ("cars made by Škoda", "skd"),
    ],
)
def test_one_name_has_one_key_in_any_language_and_case(text: str, key: str) -> None:
    assert key in entity_keys(text)


def test_figures_of_two_digits_or_more_are_keys_but_years_are_not() -> None:
    text = "In 2023, 14 apartment blocks, 7 schools and 007 agents in 1999 and 0042 ways."
    assert entity_keys(text) == {"#14", "#7", "#42"}


@pytest.mark.parametrize(
    "text",
    [
        "Belgorod was shelled.",  # a paragraph's first word
        "It rained. Belgorod was shelled.",
        'It rained! "Belgorod was shelled," he said.',
        "The result: Belgorod was shelled.",
        "It rained… Belgorod was shelled.",
        "It rained.\nBelgorod was shelled.",  # the first word of another paragraph
    ],
)
def test_a_capitalised_word_starting_a_sentence_is_no_name(text: str) -> None:
    assert "blgr" not in entity_keys(text)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ('Shells hit "Belgorod" and (Shebekino) again', {"blgr", "sbkn"}),
        ("Shells hit the town, Belgorod officials said", {"blgr"}),
        ("She met Ivano-Frankivsk officials", {"vnfr"}),
        ("a pro-Kremlin channel", set()),  # a name inside a word does not count
        ("they don't say Shebekino", {"sbkn"}),
        ("on Monday the Governor and President said", set()),
        ("the Ab and Ob rivers", set()),  # too few consonants to tell names apart
    ],
)
def test_names_inside_sentences_are_keys(text: str, keys: set[str]) -> None:
    assert entity_keys(text) == keys
