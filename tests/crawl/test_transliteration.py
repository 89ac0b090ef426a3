"""Outlet ids from names in Cyrillic, Greek and accented Latin: readable Latin slugs."""

from __future__ import annotations

import pytest

from mediamon.crawl.discover import outlet_id, unique_id
from mediamon.crawl.transliteration import to_latin

LOOPBACK = "http://127.0.0.1:8080/"  # an IP host: the id comes from the name


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        ("Новая газета", "ru", "novaya-gazeta"),
        ("Коммерсантъ", "ru", "kommersant"),
        ("Українська правда", "uk", "ukrainska-pravda"),
        ("Європейська правда", "uk", "yevropeiska-pravda"),
        ("Наша Ніва", "be", "nasha-niva"),
        ("Дневник", "bg", "dnevnik"),
        ("Площад Славейков", "bg", "ploshtad-slaveykov"),
        ("Политика", "sr", "politika"),
        ("Њуз", "sr", "njuz"),
        ("Καθημερινή", "el", "kathimerini"),
        ("Süddeutsche Zeitung", "de", "suddeutsche-zeitung"),
        ("Gazeta Wyborcza – Łódź", "pl", "gazeta-wyborcza-lodz"),
    ],
)
def test_a_name_in_any_script_gives_a_latin_id(name: str, language: str, expected: str) -> None:
    assert outlet_id(LOOPBACK, name, language) == expected


def test_without_a_language_cyrillic_reads_as_russian() -> None:
    assert to_latin("Грайворон") == "grayvoron"


def test_an_internationalised_host_is_read_as_written() -> None:
    assert outlet_id("https://xn--b1aew.xn--p1ai/", "МВД России", "ru") == "mvd"


def test_a_name_with_no_letters_left_still_gives_an_id() -> None:
    assert outlet_id(LOOPBACK, "★ ★ ★", None) == "outlet"


def test_an_id_in_use_gets_the_next_free_number() -> None:
    assert unique_id("meduza", {"tass"}) == "meduza"
    assert unique_id("meduza", {"meduza", "meduza-2"}) == "meduza-3"
