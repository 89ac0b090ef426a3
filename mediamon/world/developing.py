"""A development the world's outlets can publish while a test or benchmark watches: one raid,
written in English and in Russian, sharing its names and numbers across the two (what stories
are grouped by across languages, see mediamon.stories.entity_keys)."""

from __future__ import annotations

HEADLINE = "Legion saboteurs cross into Belgorod region near Glotovo"
EN = [
    "Saboteurs of the Freedom of Russia Legion crossed into Belgorod region near Glotovo, "
    "Kozinka and Grayvoron, governor Vyacheslav Gladkov said; Shebekino was shelled.",
    "Gladkov said 14 houses in Glotovo, 27 in Kozinka and 112 in Grayvoron were damaged; "
    "the Legion, Gladkov and Shebekino officials said 19 residents left Glotovo.",
]
RU = [
    "Диверсанты легиона Свобода России перешли в Белгородскую область у Глотово, "
    "Козинки и Грайворона, сообщил губернатор Вячеслав Гладков; Шебекино обстреляно.",
    "Губернатор Гладков сообщил: 14 домов в Глотово, 27 в Козинке и 112 в Грайвороне "
    "повреждены; по данным Гладкова и властей Шебекино, 19 жителей покинули Глотово.",
]
