"""The appeal detector on its own and inside extraction: appeals go, journalism stays."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import pytest
import yaml

from mediamon.extract.appeal_lexicon import ANY_STEM
from mediamon.extract.appeals import PROSE_CATEGORIES, classify, find_appeals
from mediamon.extract.extractor import extract

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
MULTILINGUAL: dict[str, Any] = yaml.safe_load(
    (FIXTURES / "multilingual_appeals.yaml").read_text(encoding="utf-8")
)
JOURNALISM: dict[str, Any] = yaml.safe_load(
    (FIXTURES / "journalism_about_appeals.yaml").read_text(encoding="utf-8")
)


def news_page(title: str, paragraphs: list[str], lang: str | None = "en") -> str:
    """A plain article page; every paragraph sits in the article body, as in-article boxes do."""
    lang_attribute = f' lang="{lang}"' if lang else ""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html{lang_attribute}><head><title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{escape(title)}</h1><div class='body'>{body}</div></article>"
        "<footer><a href='/about'>About us</a></footer></body></html>"
    )


def interleave(body: list[str], appeals: list[str]) -> list[str]:
    """Appeals between and after the body paragraphs, where sites put their boxes."""
    middle = len(body) // 2
    return [*body[:middle], *appeals[:2], *body[middle:], *appeals[2:]]


@pytest.mark.parametrize("language", sorted(MULTILINGUAL))
def test_each_appeal_is_classified_on_its_own(language: str) -> None:
    assert MULTILINGUAL[language]["appeals"]
    for appeal in MULTILINGUAL[language]["appeals"]:
        assert classify(appeal) is not None, appeal


@pytest.mark.parametrize("language", sorted(MULTILINGUAL))
def test_news_paragraphs_are_not_classified_as_appeals(language: str) -> None:
    assert MULTILINGUAL[language]["body"]
    for paragraph in MULTILINGUAL[language]["body"]:
        assert classify(paragraph) is None, paragraph


@pytest.mark.parametrize("language", sorted(MULTILINGUAL))
def test_extraction_drops_appeals_and_keeps_the_story(language: str) -> None:
    story = MULTILINGUAL[language]
    html = news_page("Headline", interleave(story["body"], story["appeals"]), lang=language)
    result = extract(html, f"https://news.example/{language}/story")
    assert result is not None
    assert result.paragraphs == story["body"]
    assert not any(appeal in result.text for appeal in story["appeals"])
    # what the page's own layout did not already hide, the appeal layer took and recorded
    assert set(result.removed["appeal"]) <= set(story["appeals"])


@pytest.mark.parametrize("story", sorted(JOURNALISM))
def test_journalism_about_donations_newsletters_and_prices_is_kept(story: str) -> None:
    fixture = JOURNALISM[story]
    result = extract(news_page(fixture["title"], fixture["body"]), "https://news.example/a")
    assert result is not None
    assert result.paragraphs == fixture["body"]
    assert "appeal" not in result.removed


def test_a_dear_readers_letter_goes_as_a_whole_up_to_its_last_ask() -> None:
    paragraphs = [
        "The court adjourned the hearing until next month, the defence said.",
        "Dear readers,",
        "Independent reporting from the region has become dangerous and expensive.",
        "Our correspondents work under constant pressure from the authorities.",
        "If you value this work, please support us with a monthly contribution.",
        "Once",
        "Monthly",
        "Continue",
    ]
    assert find_appeals(paragraphs).appeal_indexes == set(range(1, 8))


def test_a_support_headline_takes_the_outlets_own_voice_up_to_the_ask() -> None:
    paragraphs = [
        "Residents of Graivoron were evacuated overnight, the governor said.",
        "Поддержите нас",
        "Нас признали «нежелательной организацией», и без поддержки читателей нам не выжить.",
        "Мы не берем денег у государства. Нашу работу оплачивают читатели — такие же, как вы.",
        "Если можете, оформите ежемесячное пожертвование.",
        "The evacuation was expected to last several days.",
    ]
    assert find_appeals(paragraphs).appeal_indexes == {1, 2, 3, 4}


def test_a_support_headline_never_takes_the_story_after_it() -> None:
    paragraphs = [
        "Support us",
        "Ukrainian officials said our forces had nothing to do with the raid.",
        "Shelling continued in the border villages on Tuesday.",
        "Please support our journalism with a monthly donation.",
    ]
    assert find_appeals(paragraphs).appeal_indexes == {0, 3}


def test_an_opener_without_any_ask_is_not_removed() -> None:
    paragraphs = ["Dear readers,", "the letter began, and went on to list the mayor's grievances."]
    assert find_appeals(paragraphs).appeal_indexes == set()


def test_quoted_appeals_in_reporting_are_kept() -> None:
    assert classify('"Please donate now, we need your help," the charity\'s director said.') is None


def test_long_paragraph_with_one_stray_phrase_is_kept() -> None:
    paragraph = (
        "The ministry said it would support our farmers with subsidies, but the opposition "
        "called the plan inadequate and warned that the drought would cut yields by a third, "
        "raising bread prices across the region for the second year in a row, while "
        "exporters complained that new quotas would make their contracts impossible to meet."
    )
    assert classify(paragraph) is None


def test_paywall_notice_is_flagged() -> None:
    scan = find_appeals(["Short intro.", "To read the full story, subscribe for $1 a week."])
    assert scan.paywall_seen
    assert scan.appeal_indexes == {1}


# Asks whose category gate rests on a narrow stem ("give now", not "give", which half of all
# news paragraphs contain): each must still reach its category's pattern.
NARROW_STEM_ASKS = {
    "Give what you can to keep our reporting free.": "donation",
    "Give today and keep the newsroom open.": "donation",
    "We need your help to keep reporting from the front line.": "donation",
    "Jetzt Mitglied werden und unabhängigen Journalismus stärken.": "donation",
    "Ihre Spende hilft uns, unabhängig zu bleiben.": "donation",
    "Spenden Sie jetzt für unabhängigen Journalismus.": "donation",
    "Sign me up for breaking news e-mails.": "subscription",
    "Signing up for our e-mail alerts takes a minute.": "subscription",
    "Sign in now to keep your saved stories.": "subscription",
    "Already a member? Log in here.": "subscription",
    "Dieser Artikel ist leider nur für Abonnenten unserer Zeitung freigeschaltet.": "paywall",
    "Den ganzen Text gibt es nur mit Plus-Abo.": "paywall",
    "Den ganzen Text lesen Sie nur im Digital-Abo.": "paywall",
    "Turn on push notifications for breaking news.": "social",
    "Got a story? Get in touch with our news team by emailing us at news@example.com.": "social",
    "Folgst du schon dem Tagblatt auf Whatsapp?": "social",
    "Fehler gefunden? Jetzt melden.": "social",
}


@pytest.mark.parametrize("ask", sorted(NARROW_STEM_ASKS))
def test_asks_behind_narrow_stems_are_classified(ask: str) -> None:
    assert classify(ask) == NARROW_STEM_ASKS[ask]


def test_the_shared_stem_gate_lets_every_stem_of_every_category_through() -> None:
    assert PROSE_CATEGORIES
    for category in PROSE_CATEGORIES:
        assert category.stems, category
        for stem in category.stems:
            assert ANY_STEM.search(f"text {stem} text"), stem


@pytest.mark.parametrize(
    "story",
    [
        "Also read into the record: the minister said the figures were worse than expected.",
        "Die Polizei fand den Fehler gefunden hatte, meldete sich niemand mehr.",
        "Residents who want to get in touch with the council can call its hotline from Monday.",
        "Les også statsbudsjettet nøye, sa finansministeren til Stortinget tirsdag.",
        "Der Sender berichtete in seinem Liveblog über die Lage in Essen und im Umland der Stadt.",
    ],
)
def test_reporting_that_merely_begins_like_a_prompt_is_kept(story: str) -> None:
    assert classify(story) is None


def test_app_prompts_are_social_and_words_merely_containing_app_are_not() -> None:
    assert classify("Download our app to get breaking news alerts on your phone.") == "social"
    assert classify("Get the Gazette app for the latest news.") == "social"
    assert classify("The council approved the appeal after it happened twice.") is None


EVENT_AND_DEAL_LOGISTICS = {
    "event registration fee": (
        "Sign up by Friday to secure your place: the registration fee of £30 covers lunch, "
        "and runners who register now pay the early-bird price."
    ),
    "event ticket": "Register now to get early-bird pricing: tickets are $99 until Friday.",
    "product deal": (
        "Sign up for the free Best Buy account to unlock the deal price, then add the TV to your "
        "cart and enter the code TV50 at checkout."
    ),
    "shop discount": (
        "Subscribe to the Subscribe & Save option to get the extra 15% off, then cancel after "
        "your first delivery."
    ),
    "de event": "Jetzt anmelden: Der Eintritt kostet 10 Euro, für Mitglieder ist er frei.",
    "de deal": (
        "Jetzt anmelden und den Gutscheincode SOMMER10 im Warenkorb eingeben: Der Rabatt gilt "
        "bis Sonntag."
    ),
    "fr event": "Inscrivez-vous avant le 1er mai : les frais d'inscription sont de 30 euros.",
}


@pytest.mark.parametrize("name", sorted(EVENT_AND_DEAL_LOGISTICS))
def test_event_logistics_and_deal_instructions_stay_in_the_body(name: str) -> None:
    logistics = EVENT_AND_DEAL_LOGISTICS[name]
    story = MULTILINGUAL["en"]
    body = [*story["body"][:2], logistics, *story["body"][2:]]
    result = extract(
        news_page("Headline", interleave(body, story["appeals"])), "https://n.example/a"
    )
    assert result is not None
    assert result.paragraphs == body
    assert logistics not in result.removed.get("appeal", [])


@pytest.mark.parametrize(
    "appeal",
    [
        "Sign up for our daily newsletter and get the top stories in your inbox.",
        "Subscribe now for unlimited access to all our journalism: 50% off for a year.",
        "Register for free to continue reading, or subscribe for $1 a week.",
        "Support independent journalism: become a member today.",
        "Subscribe to our newsletter for the best deals every week.",
    ],
)
def test_the_outlets_own_offers_are_appeals_even_with_a_price(appeal: str) -> None:
    assert classify(appeal) is not None


@pytest.mark.parametrize(
    "lead_in",
    [
        "READ NEXT: Cape Town heads into a weekend of shifting skies",
        "For more stories like this, check our news page.",
        "Mehr Themen auf unserer Seite:",
        "ALSO READ: Storm warning for the coast this weekend",
        "Les også: Slik ble sommeren på Vestlandet",
        "Läs också: Regeringen vill sänka skatten",
        "Mehr zur Lage im Nahen Osten lesen Sie in unserem Liveblog:",
    ],
)
def test_read_next_lead_ins_are_read_more_prompts(lead_in: str) -> None:
    assert classify(lead_in) == "read_more"


@pytest.mark.parametrize(
    "offer",
    [
        "Subscribe today and get 50% off your first year.",
        "Special offer: subscribe now for just $1 a week, 75% off the regular price.",
        "Jetzt abonnieren und 50 Prozent Rabatt sichern!",
    ],
)
def test_an_outlets_discounted_subscription_offer_is_still_an_appeal(offer: str) -> None:
    assert classify(offer) is not None
