"""A realistic news stream for the stories benchmark, labelled by event and by story.

Many long-running events run at once over six months, each a series of developments (the stories
to find), covered by 60 outlets in English, Russian, Ukrainian, German and Polish. Events of one
kind (strikes, court cases, vaccines...) share their vocabulary, and every article names some of
the entities that all events share (countries, leaders, "EU", "Kremlin"); what tells a story
apart is its own people, places and figures. Names are written in each language's script and
inflected. Each outlet appends its copyright line and newsletter prompt; some articles are wire
copies run by another outlet hours later; some are undated and carry their collection time.
Everything comes from one seeded generator: the same stream on every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

START = datetime(2023, 3, 1, tzinfo=UTC)
MONTHS = 6
LANGUAGES = ("en", "ru", "uk", "de", "pl")
OUTLETS_PER_LANGUAGE = 12
EVENTS = 50
COPY_SHARE = 0.08
UNDATED_SHARE = 0.05

# Entities every event mentions now and then, as each language writes them.
COMMON = {
    "en": ("Russia", "Ukraine", "the EU", "the Kremlin", "Putin", "Zelensky", "Brussels",
           "Washington", "NATO", "Germany", "Poland", "Moscow", "Kyiv", "Biden"),
    "ru": ("России", "Украины", "ЕС", "Кремль", "Путин", "Зеленский", "Брюсселе",
           "Вашингтон", "НАТО", "Германии", "Польши", "Москве", "Киеве", "Байден"),
    "uk": ("Росії", "України", "ЄС", "Кремль", "Путін", "Зеленський", "Брюсселі",
           "Вашингтон", "НАТО", "Німеччини", "Польщі", "Москві", "Києві", "Байден"),
    "de": ("Russland", "der Ukraine", "die EU", "der Kreml", "Putin", "Selenskyj", "Brüssel",
           "Washington", "der NATO", "Deutschland", "Polen", "Moskau", "Kiew", "Biden"),
    "pl": ("Rosji", "Ukrainy", "UE", "Kreml", "Putin", "Zełenski", "Brukseli",
           "Waszyngton", "NATO", "Niemiec", "Polski", "Moskwie", "Kijowie", "Biden"),
}  # fmt: skip
# Words of any news article, by language.
GENERIC = {
    "en": ("said", "officials", "government", "according", "statement", "reported", "week",
           "spokesman", "decision", "question", "situation", "authorities", "reporters",
           "meeting", "expected", "announced", "confirmed", "country", "people", "however"),
    "ru": ("заявил", "чиновники", "правительство", "сообщили", "заявлении", "неделе",
           "представитель", "решение", "вопрос", "ситуация", "власти", "журналистам",
           "встрече", "ожидается", "объявили", "подтвердили", "страны", "однако", "людей"),
    "uk": ("заявив", "посадовці", "уряд", "повідомили", "заяві", "тижня", "речник",
           "рішення", "питання", "ситуація", "влада", "журналістам", "зустрічі",
           "очікується", "оголосили", "підтвердили", "країни", "однак", "людей"),
    "de": ("sagte", "Beamte", "Regierung", "zufolge", "Erklärung", "berichtete", "Woche",
           "Sprecher", "Entscheidung", "Frage", "Lage", "Behörden", "Journalisten",
           "Treffen", "erwartet", "kündigte", "bestätigte", "Landes", "Menschen", "jedoch"),
    "pl": ("powiedział", "urzędnicy", "rząd", "według", "oświadczeniu", "poinformowali",
           "tygodniu", "rzecznik", "decyzja", "pytanie", "sytuacja", "władze", "dziennikarzom",
           "spotkaniu", "oczekuje", "ogłosili", "potwierdzili", "kraju", "jednak", "ludzi"),
}  # fmt: skip
# The vocabulary of each kind of event: concepts, each as (en, ru, uk, de, pl).
KINDS = {
    "strike": (("strike", "забастовка", "страйк", "Streik", "strajk"),
               ("pilots", "пилоты", "пілоти", "Piloten", "piloci"),
               ("flights", "рейсы", "рейси", "Flüge", "loty"),
               ("union", "профсоюз", "профспілка", "Gewerkschaft", "związek"),
               ("wages", "зарплаты", "зарплати", "Löhne", "płace"),
               ("cancelled", "отменены", "скасовані", "gestrichen", "odwołane"),
               ("airline", "авиакомпания", "авіакомпанія", "Fluggesellschaft", "linia")),
    "pipeline": (("pipeline", "газопровод", "газогін", "Pipeline", "gazociąg"),
                 ("sanctions", "санкции", "санкції", "Sanktionen", "sankcje"),
                 ("gas", "газ", "газ", "Gas", "gaz"),
                 ("energy", "энергетики", "енергетики", "Energie", "energii"),
                 ("supplies", "поставки", "постачання", "Lieferungen", "dostawy"),
                 ("construction", "строительство", "будівництво", "Bau", "budowa"),
                 ("certification", "сертификация", "сертифікація", "Zertifizierung",
                  "certyfikacja")),
    "court": (("court", "суд", "суд", "Gericht", "sąd"),
              ("verdict", "приговор", "вирок", "Urteil", "wyrok"),
              ("blasphemy", "богохульство", "богохульство", "Blasphemie", "bluźnierstwo"),
              ("prosecutor", "прокурор", "прокурор", "Staatsanwalt", "prokurator"),
              ("appeal", "апелляция", "апеляція", "Berufung", "apelacja"),
              ("defendant", "обвиняемый", "обвинувачений", "Angeklagte", "oskarżony"),
              ("trial", "процесс", "процес", "Prozess", "proces")),
    "vaccine": (("vaccine", "вакцина", "вакцина", "Impfstoff", "szczepionka"),
                ("vaccination", "вакцинация", "вакцинація", "Impfung", "szczepienia"),
                ("doses", "дозы", "дози", "Dosen", "dawki"),
                ("coronavirus", "коронавирус", "коронавірус", "Coronavirus", "koronawirus"),
                ("infections", "заражения", "зараження", "Infektionen", "zakażenia"),
                ("hospitals", "больницы", "лікарні", "Krankenhäuser", "szpitale"),
                ("approval", "одобрение", "схвалення", "Zulassung", "dopuszczenie")),
    "election": (("election", "выборы", "вибори", "Wahl", "wybory"),
                 ("votes", "голоса", "голоси", "Stimmen", "głosy"),
                 ("candidate", "кандидат", "кандидат", "Kandidat", "kandydat"),
                 ("ballots", "бюллетени", "бюлетені", "Stimmzettel", "karty"),
                 ("campaign", "кампания", "кампанія", "Wahlkampf", "kampania"),
                 ("recount", "пересчет", "перерахунок", "Nachzählung", "przeliczenie"),
                 ("turnout", "явка", "явка", "Wahlbeteiligung", "frekwencja")),
    "brexit": (("referendum", "референдум", "референдум", "Referendum", "referendum"),
               ("negotiations", "переговоры", "переговори", "Verhandlungen", "negocjacje"),
               ("agreement", "соглашение", "угода", "Abkommen", "porozumienie"),
               ("border", "граница", "кордон", "Grenze", "granica"),
               ("parliament", "парламент", "парламент", "Parlament", "parlament"),
               ("customs", "таможня", "митниця", "Zoll", "cło"),
               ("deadline", "срок", "термін", "Frist", "termin")),
    "shelling": (("shelling", "обстрел", "обстріл", "Beschuss", "ostrzał"),
                 ("drones", "беспилотники", "безпілотники", "Drohnen", "drony"),
                 ("killed", "погибли", "загинули", "getötet", "zginęli"),
                 ("wounded", "ранены", "поранені", "verletzt", "ranni"),
                 ("region", "области", "області", "Gebiet", "obwodzie"),
                 ("missiles", "ракеты", "ракети", "Raketen", "rakiety"),
                 ("evacuation", "эвакуация", "евакуація", "Evakuierung", "ewakuacja")),
    "floods": (("floods", "наводнение", "повінь", "Hochwasser", "powódź"),
               ("rescuers", "спасатели", "рятувальники", "Retter", "ratownicy"),
               ("dam", "дамба", "дамба", "Damm", "tama"),
               ("residents", "жители", "мешканці", "Bewohner", "mieszkańcy"),
               ("villages", "сёла", "села", "Dörfer", "wsie"),
               ("water", "вода", "вода", "Wasser", "woda"),
               ("damage", "ущерб", "збитки", "Schäden", "szkody")),
}  # fmt: skip
SYLLABLES = (
    "bar", "vel", "dun", "mor", "kar", "lin", "sel", "tor", "ven", "gra", "mil", "nor", "pet",
    "ros", "tal", "ber", "kas", "dal", "fen", "hol", "kir", "lom", "mar", "ril", "zab", "gut",
    "pav", "lev", "sok", "vik", "nes", "bog", "rat", "tum", "jar", "ped", "sun", "dob", "pol",
)  # fmt: skip
LATIN_TO_CYRILLIC = str.maketrans("abdefgiklmnoprstuvzj", "абдефгиклмнопрстувзй")
ENDINGS = {"ru": ("", "а", "ым", "е"), "uk": ("", "а", "им", "і"), "pl": ("", "a", "em", "ie")}
COPYRIGHT = {
    "en": "© 2023 {name}. All rights reserved. Reproduction without permission is prohibited.",
    "ru": "© 2023 {name}. Все права защищены. Перепечатка без разрешения запрещена.",
    "uk": "© 2023 {name}. Усі права захищені. Передрук без дозволу заборонений.",
    "de": "© 2023 {name}. Alle Rechte vorbehalten. Nachdruck nur mit Genehmigung.",
    "pl": "© 2023 {name}. Wszelkie prawa zastrzeżone. Przedruk bez zgody zabroniony.",
}
NEWSLETTER = {
    "en": "Subscribe to the {name} newsletter and get the morning briefing in your inbox.",
    "ru": "Подпишитесь на рассылку {name} и получайте утренний обзор на почту.",
    "uk": "Підпишіться на розсилку {name} і отримуйте ранковий огляд на пошту.",
    "de": "Abonnieren Sie den Newsletter von {name} und erhalten Sie das Morgenbriefing.",
    "pl": "Zapisz się do newslettera {name} i otrzymuj poranny przegląd na skrzynkę.",
}


@dataclass(frozen=True)
class StreamArticle:
    """An article of the stream: what grouping sees, and its labels."""

    number: int
    outlet_id: str
    language: str
    title: str
    text: str
    published: datetime
    moment: datetime  # its publication time, or its collection time when undated
    collected: datetime
    event: int
    story: int
    copy_of: int | None = None


@dataclass(frozen=True)
class _Outlet:
    id: str
    name: str
    language: str


@dataclass(frozen=True)
class _Story:
    event: int
    number: int
    kind: str
    start: datetime
    hours: float
    actors: tuple[str, ...]
    names: tuple[str, ...]
    figures: tuple[str, ...]
    languages: tuple[str, ...]


def generate(seed: int = 16) -> list[StreamArticle]:
    """The stream, in order of publication."""
    chance = random.Random(seed)
    outlets = [
        _Outlet(f"{language}-{n:02d}", _name(chance).capitalize() + " News", language)
        for language in LANGUAGES
        for n in range(OUTLETS_PER_LANGUAGE)
    ]
    stories = [story for event in range(EVENTS) for story in _stories(event, chance)]
    articles: list[StreamArticle] = []
    for story in stories:
        for _ in range(_story_size(chance)):
            language = chance.choice(story.languages)
            outlet = chance.choice([o for o in outlets if o.language == language])
            articles.append(_article(len(articles), story, outlet, chance))
    articles += _copies(articles, outlets, chance)
    return sorted(articles, key=lambda a: (a.published, a.number))


def _stories(event: int, chance: random.Random) -> list[_Story]:
    kind = list(KINDS)[event % len(KINDS)]
    actors = tuple(_person(chance) for _ in range(3))
    languages = tuple(chance.sample(LANGUAGES, chance.randint(2, 5)))
    begins = START + timedelta(days=chance.uniform(0, 30 * MONTHS - 60))
    count = chance.randint(6, 16)
    span_days = chance.uniform(20, 100)
    return [
        _Story(
            event=event,
            number=event * 100 + n,
            kind=kind,
            start=begins + timedelta(days=span_days * n / count + chance.uniform(0, 3)),
            hours=chance.uniform(12, 72),
            actors=actors,
            names=(_person(chance), _name(chance).capitalize()),
            figures=tuple(str(chance.randrange(12, 9999)) for _ in range(3)),
            languages=tuple(chance.sample(languages, chance.randint(1, len(languages)))),
        )
        for n in range(count)
    ]


def _story_size(chance: random.Random) -> int:
    return min(60, int(chance.paretovariate(1.3) * 4))


def _article(number: int, story: _Story, outlet: _Outlet, chance: random.Random) -> StreamArticle:
    published = story.start + timedelta(hours=chance.uniform(0, story.hours))
    collected = published + timedelta(hours=chance.uniform(0.1, 6))
    undated = chance.random() < UNDATED_SHARE
    paragraphs = [_paragraph(story, outlet.language, chance) for _ in range(chance.randint(3, 6))]
    paragraphs += [
        COPYRIGHT[outlet.language].format(name=outlet.name),
        NEWSLETTER[outlet.language].format(name=outlet.name),
    ]
    return StreamArticle(
        number=number,
        outlet_id=outlet.id,
        language=outlet.language,
        title=_sentence(story, outlet.language, chance).rstrip("."),
        text="\n".join(paragraphs),
        published=published,
        moment=collected if undated else published,
        collected=collected,
        event=story.event,
        story=story.number,
    )


def _paragraph(story: _Story, language: str, chance: random.Random) -> str:
    return " ".join(_sentence(story, language, chance) for _ in range(chance.randint(2, 3)))


def _sentence(story: _Story, language: str, chance: random.Random) -> str:
    index = LANGUAGES.index(language)
    words = [chance.choice(GENERIC[language]) for _ in range(chance.randint(3, 6))]
    words += [chance.choice(KINDS[story.kind])[index] for _ in range(chance.randint(1, 3))]
    if chance.random() < 0.5:
        words.append(_written(chance.choice(story.actors), language, chance))
    if chance.random() < 0.35:
        words.append(_written(chance.choice(story.names), language, chance))
    if chance.random() < 0.3:
        words.append(chance.choice(story.figures))
    for _ in range(chance.choice((0, 1, 1, 2))):
        words.append(chance.choice(COMMON[language]))
    chance.shuffle(words)
    opening = chance.choice(GENERIC[language]).capitalize()
    return f"{opening} {' '.join(words)}."


def _written(name: str, language: str, chance: random.Random) -> str:
    """A name as ``language`` writes it: in Cyrillic for Russian and Ukrainian, inflected."""
    ending = chance.choice(ENDINGS.get(language, ("",)))
    if language in ("ru", "uk"):
        return (
            " ".join(
                part.lower().translate(LATIN_TO_CYRILLIC).capitalize() for part in name.split()
            )
            + ending
        )
    return name + ending


def _copies(
    articles: list[StreamArticle], outlets: list[_Outlet], chance: random.Random
) -> list[StreamArticle]:
    """Wire copies: another outlet of the language runs the text hours later, with its own
    boilerplate lines."""
    copies: list[StreamArticle] = []
    for original in chance.sample(articles, int(len(articles) * COPY_SHARE)):
        outlet = chance.choice([o for o in outlets if o.language == original.language])
        published = original.published + timedelta(hours=chance.uniform(1, 12))
        body = original.text.splitlines()[:-2]
        body += [
            COPYRIGHT[outlet.language].format(name=outlet.name),
            NEWSLETTER[outlet.language].format(name=outlet.name),
        ]
        copies.append(
            StreamArticle(
                number=len(articles) + len(copies),
                outlet_id=outlet.id,
                language=outlet.language,
                title=original.title,
                text="\n".join(body),
                published=published,
                moment=published,
                collected=published + timedelta(hours=1),
                event=original.event,
                story=original.story,
                copy_of=original.number,
            )
        )
    return copies


def _name(chance: random.Random) -> str:
    return "".join(chance.choice(SYLLABLES) for _ in range(3))


def _person(chance: random.Random) -> str:
    return f"{_name(chance).capitalize()} {_name(chance).capitalize()}"
