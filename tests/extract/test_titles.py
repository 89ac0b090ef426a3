"""Right titles: entities resolved, the site's name taken off, never a cookie notice."""

from __future__ import annotations

import json

from mediamon.extract.extractor import ExtractedArticle, extract
from mediamon.extract.titles import without_site_name

STORY = (
    "Emergency crews in the border town worked through the night to restore power after "
    "shelling damaged the substation that feeds the eastern districts, officials said. "
) * 4
URL = "https://news.example/world/substation-repaired"


def page(head: str, heading: str, title: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        f"{heading}<article>"
        + "".join(f"<p>{STORY}</p>" for _ in range(3))
        + "</article></body></html>"
    )


def extracted(html: str) -> ExtractedArticle:
    result = extract(html, URL)
    assert result is not None
    return result


def test_an_entity_escaped_json_ld_headline_is_unescaped() -> None:
    linked = (
        '{"@type": "NewsArticle", "headline": "Regulator raises the threshold '
        '&amp;#x27;delay&amp;#x27; for &quot;late&quot; trains"}'
    )
    head = f'<script type="application/ld+json">{linked}</script>'
    result = extracted(page(head, ""))
    assert result.title == "Regulator raises the threshold 'delay' for \"late\" trains"


def test_an_og_title_loses_the_site_name_of_og_site_name() -> None:
    head = (
        '<meta property="og:title" content="Crews restore power in Belgorod | The Daily Example">'
        '<meta property="og:site_name" content="The Daily Example">'
    )
    assert extracted(page(head, "")).title == "Crews restore power in Belgorod"


def test_the_title_tags_suffix_is_taken_off_when_another_source_lacks_it() -> None:
    head = '<meta property="og:title" content="Crews restore power in Belgorod">'
    result = extracted(page(head, "", "Crews restore power in Belgorod – Example News"))
    assert result.title == "Crews restore power in Belgorod"
    only_tag = extracted(page("", "<h1>Crews restore power in Belgorod</h1>", "Crews - News"))
    assert only_tag.title == "Crews restore power in Belgorod"


def test_the_outlets_configured_name_is_taken_off() -> None:
    assert without_site_name("Crews restore power - Example.com", ["Example.com"]) == (
        "Crews restore power"
    )
    assert without_site_name("Example News: Crews restore power", ["example news"]) == (
        "Crews restore power"
    )
    # a segment that is not the site's name is part of the headline
    assert without_site_name("Ukraine - Crews restore power", ["Example"]) == (
        "Ukraine - Crews restore power"
    )


def test_a_cookie_banner_heading_before_the_real_h1_is_not_the_title() -> None:
    banner = (
        '<div class="banner"><h1>Наш сайт использует файлы Cookie для улучшения работы</h1>'
        "<button>OK</button></div>"
    )
    result = extracted(page("", banner + "<h1>Энергетики восстановили подстанцию</h1>"))
    assert result.title == "Энергетики восстановили подстанцию"


def test_what_og_title_adds_to_the_h1_after_a_separator_is_the_sites_name() -> None:
    head = '<meta property="og:title" content="Crews restore power in Belgorod | Daily Example">'
    result = extracted(page(head, "<h1>Crews restore power in Belgorod</h1>"))
    assert result.title == "Crews restore power in Belgorod"


def linked_headline(headline: str) -> str:
    linked = json.dumps({"@type": "NewsArticle", "headline": headline})
    return f'<script type="application/ld+json">{linked}</script>'


def test_a_kicker_one_source_puts_before_the_headline_another_gives_alone_is_dropped() -> None:
    head = linked_headline("Border raids: Crews restore power in Belgorod") + (
        '<meta property="og:title" content="Crews restore power in Belgorod">'
    )
    assert extracted(page(head, "")).title == "Crews restore power in Belgorod"


def test_the_headline_two_sources_print_under_different_kickers_is_the_title() -> None:
    head = '<meta property="og:title" content="Border raids: «Crews restore power in Belgorod»">'
    heading = "<h1>Night of shelling - «Crews restore power in Belgorod»</h1>"
    assert extracted(page(head, heading)).title == "«Crews restore power in Belgorod»"


def test_a_quoted_title_is_not_cut_at_a_dash_inside_the_quotation() -> None:
    quoted = "'I sell holidays - booking the right day could save you thousands'"
    head = linked_headline(quoted) + (
        "<meta property='og:title' content=\"'I sell Disney holidays - booking the right day "
        "could save you thousands'\">"
    )
    assert extracted(page(head, "")).title == quoted


def test_sources_agreeing_on_a_title_with_its_kicker_keep_the_kicker() -> None:
    head = linked_headline("Border raids: Crews restore power in Belgorod") + (
        '<meta property="og:title" content="Border raids: Crews restore power in Belgorod">'
    )
    heading = "<h1>Crews restore power in Belgorod</h1>"
    assert extracted(page(head, heading)).title == "Border raids: Crews restore power in Belgorod"
