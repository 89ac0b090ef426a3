"""The default world: five synthetic outlets and the stories they published in May 2023.

Outlet names are invented; each is modelled on a kind of real outlet (an exiled English-language
independent, a public broadcaster, a state news agency, a Ukrainian online paper, an exiled
Russian-language outlet). The article texts live in ``stories.txt`` (see :mod:`.stories`).
"""

from __future__ import annotations

from mediamon.world import appeals
from mediamon.world.chrome import ENGLISH, RUSSIAN, UKRAINIAN
from mediamon.world.model import FeedSpec, OutletSpec, Story
from mediamon.world.stories import load_stories

MOSCOW_MONITOR = OutletSpec(
    id="moscowmonitor",
    name="Moscow Monitor",
    language="en",
    labels=("independent", "exiled"),
    tagline="Independent news from Russia",
    feeds=(FeedSpec("/rss/news", "rss2", "Moscow Monitor - News", "Independent news from Russia"),),
    article_path="/{yyyy}/{mm}/{dd}/{slug}-a{serial}",
    article_pattern=r"/\d{4}/\d{2}/\d{2}/[\w-]+-a\d+$",
    serial_base=81230,
    chrome=ENGLISH,
    blocks=appeals.MOSCOW_MONITOR,
)

NORTHERN_BROADCASTING = OutletSpec(
    id="northernbroadcasting",
    name="Northern Broadcasting",
    language="en",
    labels=("public-broadcaster", "british"),
    tagline="News, sport and weather from the Northern Broadcasting Corporation",
    feeds=(
        FeedSpec(
            "/news/world/europe/feed.atom",
            "atom",
            "Northern Broadcasting News - Europe",
            "The latest stories from Europe",
        ),
    ),
    article_path="/news/{section}-{serial}",
    article_pattern=r"/news/[a-z-]+-\d{8}$",
    serial_base=65601200,
    chrome=ENGLISH,
    blocks=appeals.NORTHERN_BROADCASTING,
    middle_after=4,
)

VESTI_AGENCY = OutletSpec(
    id="vestiagency",
    name="Вести-Агентство",
    language="ru",
    labels=("state-owned", "russian"),
    tagline="Государственное информационное агентство",
    feeds=(
        FeedSpec(
            "/rss/rdf.xml", "rdf", "Вести-Агентство: главные новости", "Новости России и мира"
        ),
    ),
    article_path="/{section}/{serial}",
    article_pattern=r"/[a-z-]+/\d{8}$",
    serial_base=17860100,
    chrome=RUSSIAN,
    blocks=appeals.VESTI_AGENCY,
    encoding="windows-1251",
    middle_after=2,
)

KHVYLIA = OutletSpec(
    id="khvylia",
    name="Українська хвиля",
    language="uk",
    labels=("independent", "ukrainian"),
    tagline="Незалежне інтернет-видання",
    feeds=(FeedSpec("/rss/", "rss2", "Українська хвиля", "Новини України та світу"),),
    article_path="/news/{yyyy}/{mm}/{dd}/{serial}/",
    article_pattern=r"/news/\d{4}/\d{2}/\d{2}/\d+/$",
    serial_base=7403100,
    chrome=UKRAINIAN,
    blocks=appeals.KHVYLIA,
    middle_after=2,
)

MERIDIAN = OutletSpec(
    id="meridian",
    name="Меридиан",
    language="ru",
    labels=("independent", "exiled"),
    tagline="Независимое издание о России",
    feeds=(FeedSpec("/feed/atom", "atom", "Меридиан", "Новости и истории о России"),),
    article_path="/{yyyy}/{mm}/{dd}/{slug}",
    article_pattern=r"/\d{4}/\d{2}/\d{2}/[\w-]+$",
    serial_base=1,
    chrome=RUSSIAN,
    blocks=appeals.MERIDIAN,
)

DEFAULT_OUTLETS = (MOSCOW_MONITOR, NORTHERN_BROADCASTING, VESTI_AGENCY, KHVYLIA, MERIDIAN)


def default_outlets() -> list[OutletSpec]:
    return list(DEFAULT_OUTLETS)


def default_stories() -> list[Story]:
    return load_stories()
