"""extract(): the seed page, each cleaning layer on its own, metadata, the teaser flag, the CLI."""

from __future__ import annotations

import gzip
import json
import logging
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pytest
from lxml import html as lxml_html
from trafilatura import bare_extraction
from trafilatura.settings import Document

from mediamon.extract.extractor import extract
from tests.extract.test_appeals import MULTILINGUAL, news_page
from tests.support import run_mediamon

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"
SEED_PAGE = FIXTURES / "moscow_times_seed.html"
SEED_URL = "https://www.themoscowtimes.com/2023/05/24/anti-kremlin-russians-call-armed-incursion"
STORY = MULTILINGUAL["en"]["body"]


def seed_blocks(xpath: str) -> list[str]:
    """Texts of the seed page's blocks, read from its markup independently of the extractor."""
    tree = lxml_html.fromstring(SEED_PAGE.read_bytes())
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def test_seed_keeps_every_body_paragraph_and_no_word_of_the_appeals() -> None:
    result = extract(SEED_PAGE.read_bytes(), SEED_URL)
    assert result is not None
    body = seed_blocks("//div[@class='article__text']/*")
    assert result.paragraphs == body
    appeals = seed_blocks(
        "//div[contains(@class, 'newsletter-block') or contains(@class, 'contribution-block')]//p"
    )
    for appeal in [*appeals, "Support The Moscow Times!", "Dear readers", "Remind me later"]:
        assert appeal not in result.text
    assert "Dear readers," in result.removed["appeal"]


def test_seed_metadata() -> None:
    result = extract(SEED_PAGE.read_bytes(), SEED_URL)
    assert result is not None
    assert result.title == "Anti-Kremlin Russians Call Armed Incursion a 'Success'"
    assert result.title not in result.text
    assert result.authors == ["AFP"]
    assert result.published == datetime(2023, 5, 24, 11, 5, tzinfo=UTC)
    assert result.updated == datetime(2023, 5, 24, 15, 40, tzinfo=UTC)
    assert result.canonical_url is not None and result.canonical_url.endswith("-a81256")
    assert result.language == "en"
    assert not result.is_teaser


def test_prune_selectors_remove_elements_before_extraction_css_and_xpath() -> None:
    html = news_page("Story", STORY).replace(
        "<div class='body'>",
        "<div class='body'><aside class='promo'><p>Our podcast is out: listen on the way home "
        "tonight, every episode is free for all of our listeners.</p></aside>"
        "<p id='sponsor'>This story was brought to you by a local bakery.</p>",
    )
    result = extract(html, "https://news.example/a", prune=["aside.promo", "//p[@id='sponsor']"])
    assert result is not None
    assert result.paragraphs == STORY
    assert len(result.removed["prune"]) == 2
    assert "podcast" in result.removed["prune"][0]


def test_phrases_remove_paragraphs_containing_them_case_insensitively() -> None:
    paragraphs = [*STORY, "This report was produced with the help of the Editorial Fund."]
    result = extract(
        news_page("Story", paragraphs), "https://news.example/a", phrases=["EDITORIAL FUND"]
    )
    assert result is not None
    assert result.paragraphs == STORY
    assert result.removed["phrase"] == [paragraphs[-1]]


def test_template_lines_remove_whole_matching_paragraphs_only() -> None:
    line = "Photographs are by the agency unless stated otherwise."
    paragraphs = [*STORY, line]
    result = extract(
        news_page("Story", paragraphs), "https://news.example/a", template_lines=[line.upper()]
    )
    assert result is not None
    assert result.paragraphs == STORY
    assert result.removed == {"template": [line]}


def test_nothing_is_removed_from_a_clean_page() -> None:
    result = extract(news_page("Story", STORY), "https://news.example/a")
    assert result is not None
    assert result.paragraphs == STORY
    assert result.removed == {}


def test_teaser_behind_a_paywall_is_flagged_and_the_prompt_removed() -> None:
    intro = STORY[:1]
    prompt = "This story is available exclusively to subscribers. To read the full story, log in."
    result = extract(news_page("Story", [*intro, prompt]), "https://news.example/a")
    assert result is not None
    assert result.is_teaser
    assert result.paragraphs == intro


def test_a_page_declaring_itself_not_free_with_little_text_is_a_teaser() -> None:
    ld = (
        '<script type="application/ld+json">{"headline": "S", "isAccessibleForFree": false}'
        "</script>"
    )
    page = news_page("Story", STORY[:1]).replace("</head>", ld + "</head>")
    result = extract(page, "https://news.example/a")
    assert result is not None and result.is_teaser


def test_a_full_article_with_a_newsletter_box_is_not_a_teaser() -> None:
    paragraphs = [*STORY, "Sign up for our daily newsletter and get the top stories in your inbox."]
    result = extract(news_page("Story", paragraphs), "https://news.example/a")
    assert result is not None and not result.is_teaser


@pytest.mark.parametrize("language", sorted(MULTILINGUAL))
def test_language_is_detected_when_the_page_does_not_declare_it(language: str) -> None:
    result = extract(
        news_page("Headline", MULTILINGUAL[language]["body"], lang=None), "https://x.example/"
    )
    assert result is not None
    assert result.language == language


def test_a_declared_language_contradicted_by_the_script_is_corrected() -> None:
    result = extract(
        news_page("Заголовок", MULTILINGUAL["ru"]["body"], lang="en"), "https://x.example/"
    )
    assert result is not None and result.language == "ru"


def test_json_ld_authors_dates_and_relative_canonical() -> None:
    ld = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "X"},'
        '{"@type": "NewsArticle", "headline": "Headline", "datePublished": "2024-03-01T08:00:00Z",'
        '"dateModified": "2024-03-02T10:30:00+01:00", "author": [{"@type": "Person", "name": '
        '"Anna Petrova"}, {"@type": "Person", "name": "John Smith"}]}]}</script>'
        '<link rel="canonical" href="/news/headline">'
    )
    page = news_page("Headline", STORY).replace("</head>", ld + "</head>")
    result = extract(page, "https://news.example/news/headline?utm_source=feed#top")
    assert result is not None
    assert result.authors == ["Anna Petrova", "John Smith"]
    assert result.author == "Anna Petrova; John Smith"
    assert result.published == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert result.updated == datetime(2024, 3, 2, 9, 30, tzinfo=UTC)
    assert result.canonical_url == "https://news.example/news/headline"


def test_meta_authors_joined_by_and_are_split() -> None:
    meta = '<meta name="author" content="By Maria Lopez and Tom Berg">'
    result = extract(
        news_page("S", STORY).replace("</head>", meta + "</head>"), "https://x.example/"
    )
    assert result is not None and result.authors == ["Maria Lopez", "Tom Berg"]


def test_bytes_in_a_declared_legacy_encoding() -> None:
    page = news_page("Заголовок", MULTILINGUAL["ru"]["body"], lang="ru").encode("cp1251")
    result = extract(page, "https://x.example/", encoding="windows-1251")
    assert result is not None
    assert result.paragraphs == MULTILINGUAL["ru"]["body"]


def test_a_page_without_text_gives_none() -> None:
    assert (
        extract("<html><body><div><img src='a.png'></div></body></html>", "https://x.example/")
        is None
    )


def test_cli_prints_text_or_json(tmp_path: Path) -> None:
    plain = run_mediamon("extract", str(SEED_PAGE), "--url", SEED_URL)
    text, removed = plain.stdout.split("\nRemoved by ", 1)
    assert STORY[0] not in text
    assert "Caesar said that his group had bought humvees" in text
    assert "Dear readers" not in text
    assert "Dear readers," in removed
    as_json = json.loads(
        run_mediamon("extract", str(SEED_PAGE), "--url", SEED_URL, "--json").stdout
    )
    assert as_json["published"] == "2023-05-24T14:05:00+03:00"
    assert "Dear readers," in as_json["removed"]["appeal"]


def test_cli_reports_a_page_without_text(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body></body></html>")
    result = run_mediamon("extract", str(empty), "--url", "https://x.example/", check=False)
    assert result.returncode != 0
    assert "no article text" in result.stderr


def test_dates_marked_up_in_the_body_are_the_fallback() -> None:
    marks = (
        '<time datetime="2024-01-02T03:04:05+02:00">2 January</time>'
        '<span itemprop="dateModified" content="2024-01-03"></span><h1>'
    )
    result = extract(news_page("S", STORY).replace("<h1>", marks, 1), "https://x.example/")
    assert result is not None
    assert result.published == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert result.updated == datetime(2024, 1, 3, 12, tzinfo=UTC)  # a bare day: its noon


def test_a_long_article_declared_not_free_is_not_a_teaser() -> None:
    ld = '<script type="application/ld+json">{"headline": "S", "isAccessibleForFree": "False"}'
    page = news_page("Story", STORY * 3).replace("</head>", ld + "</script></head>")
    result = extract(page, "https://news.example/a")
    assert result is not None and not result.is_teaser


def thin_page(name: str) -> str:
    """A page on which trafilatura's fast mode finds little of the story, or finds it unstructured,
    and its full mode (readability and jusText compared) finds the story."""
    if name == "lead in the article, the rest in a 'related' box":
        rest = "".join(f"<p>{escape(p)}</p>" for p in STORY[1:])
        body = f"<article><p>{escape(STORY[0])}</p></article><div class='related'>{rest}</div>"
    else:  # the story as one run of text broken by <br>
        body = "<div><span>" + "<br><br>".join(escape(p) for p in STORY) + "</span></div>"
    return news_page("Story", []).replace(
        "<article><h1>Story</h1><div class='body'></div></article>", body
    )


@pytest.mark.parametrize(
    "name", ["lead in the article, the rest in a 'related' box", "text without paragraphs"]
)
def test_a_thin_fast_result_is_replaced_by_trafilaturas_full_comparison(name: str) -> None:
    page, url = thin_page(name), "https://news.example/a"
    fast = bare_extraction(page, url=url, fast=True, include_comments=False)
    assert isinstance(fast, Document) and fast.text is not None
    assert fast.text.split("\n") != STORY  # what fast mode alone would give
    result = extract(page, url)
    assert result is not None and result.paragraphs == STORY


def test_gzipped_bytes_are_decompressed_and_undeclared_encodings_detected() -> None:
    page = news_page("Заголовок", MULTILINGUAL["ru"]["body"], lang="ru")
    for raw in (gzip.compress(page.encode()), page.encode("cp1251")):
        result = extract(raw, "https://x.example/")
        assert result is not None
        assert result.paragraphs == MULTILINGUAL["ru"]["body"]


def test_the_json_ld_article_body_is_read_when_the_page_shows_no_text() -> None:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Story", "articleBody": "\n".join(STORY)})
    scripts = (
        f'<script type="application/ld+json">{ld}</script>'
        f'<script>var teaser = "{"not article text " * 40}";</script>'
        "<style>p {color: red}</style>"
    )
    result = extract(
        news_page("Story", []).replace("</head>", scripts + "</head>"), "https://x.example/"
    )
    assert result is not None
    assert result.text.startswith(STORY[0]) and result.text.endswith(STORY[-1])
    assert "not article text" not in result.text


def test_a_script_inside_a_paragraph_leaves_the_paragraph_whole() -> None:
    cut = STORY[1].index(" ", 20)
    page = news_page("Story", STORY).replace(
        STORY[1][:cut], STORY[1][:cut] + "<script>document.write('ad')</script>", 1
    )
    result = extract(page, "https://x.example/")
    assert result is not None and result.paragraphs == STORY


CONTINUATION = [
    f"Part {n} of the inquiry: the committee heard witnesses describe the night of the shelling "
    "in detail, and officials answered questions about the evacuation of the border villages, "
    "the shelters and the buses that came too late for many of the residents."
    for n in range(1, 13)
]


def test_fast_mode_is_not_trusted_with_a_thin_fragment_of_a_long_article() -> None:
    lead = "".join(f"<p>{escape(p)}</p>" for p in STORY)
    rest = "".join(f"<p>{escape(p)}</p>" for p in CONTINUATION)
    body = f"<div class='story'><article>{lead}</article><div class='story-more'>{rest}</div></div>"
    page = news_page("Story", []).replace(
        "<article><h1>Story</h1><div class='body'></div></article>", body
    )
    url = "https://news.example/a"
    fast = bare_extraction(page, url=url, fast=True, include_comments=False)
    assert isinstance(fast, Document) and fast.text is not None
    assert fast.text.split("\n") == STORY  # four paragraphs: once enough to be trusted
    result = extract(page, url)
    assert result is not None
    assert all(paragraph in result.paragraphs for paragraph in CONTINUATION)


def test_a_prune_selector_that_would_take_the_article_is_skipped_for_that_page(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = news_page("Story", STORY).replace("<article>", "<aside class='story'><article>")
    page = page.replace("</article>", "</article></aside>")
    url = "https://news.example/aside"
    with caplog.at_level(logging.INFO, logger="mediamon"):
        result = extract(page, url, prune=["aside, nav, footer", ".ad"])
    assert result is not None and result.paragraphs == STORY
    assert "prune" not in result.removed
    skipped = [r.getMessage() for r in caplog.records if "prune selector" in r.getMessage()]
    assert len(skipped) == 1
    assert "'aside, nav, footer'" in skipped[0] and url in skipped[0]


def test_a_prune_selector_taking_a_box_beside_the_article_still_applies(
    caplog: pytest.LogCaptureFixture,
) -> None:
    box = "<aside><p>Most read: five stories our readers liked this week</p></aside>"
    page = news_page("Story", STORY).replace("</article>", "</article>" + box)
    with caplog.at_level(logging.INFO, logger="mediamon"):
        result = extract(page, "https://news.example/box", prune=["aside, nav, footer"])
    assert result is not None and result.paragraphs == STORY
    assert any("Most read" in text for text in result.removed["prune"])
    assert not [r for r in caplog.records if "prune selector" in r.getMessage()]


def hydrated_shell_page(title: str, article_html: str) -> str:
    """A page as a JavaScript framework serves it: an empty shell, the article only inside the
    data its script hydrates the page from, beside other long strings that are no article."""
    state = {
        "queries": [
            {"detail": {"title": title, "contentHtml": article_html}},
            {"menu": "<ul>" + "<li><a href='/s'>Section</a></li>" * 40 + "</ul>"},
            {"teaser": "<p>" + "Another story's teaser. " * 10 + "</p>"},
        ]
    }
    data = json.dumps(state)
    script = f"<script>window.__STATE__ = window.__STATE__ || []; __STATE__.push({data})</script>"
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{escape(title)}</title>"
        f"<meta property='og:title' content='{escape(title)}'></head>"
        f"<body><div id='root'><div class='loading'></div></div>"
        f"{script}</body></html>"
    )


def test_an_article_only_in_the_pages_script_data_is_extracted() -> None:
    article_html = (
        "<figure><img src='/a.jpg'><figcaption><p>A caption.</p></figcaption></figure>"
        + "".join(f"<p class='editor-p'>{escape(p)}</p>" for p in STORY)
    )
    title = "Crews restore power after shelling"
    page = hydrated_shell_page(title, article_html)
    url = "https://x.example/news/1"
    assert not (bare_extraction(page, url=url, include_comments=False) or Document()).text
    result = extract(page, url)
    assert result is not None
    assert result.title == title
    assert all(paragraph in result.paragraphs for paragraph in STORY)
    assert not any("teaser" in line or "Section" in line for line in result.paragraphs)


def test_a_consent_dialog_in_the_script_data_is_not_taken_for_the_article() -> None:
    policy = (
        "We and our partners store and access information on your device, such as cookies, "
        "and process personal data such as unique identifiers for personalised advertising. "
    ) * 4
    page = hydrated_shell_page("Shelling hits the border villages", f"<p>{policy}</p>")
    assert extract(page, "https://x.example/news/1") is None


def test_a_shell_page_whose_script_data_holds_no_article_gives_none() -> None:
    page = hydrated_shell_page("Crews restore power", "<p>" + escape(STORY[0][:80]) + "</p>")
    assert extract(page, "https://x.example/news/1") is None


@pytest.mark.parametrize(
    ("printed", "og_title"),
    [
        (
            "Border raids <span>Villagers flee as shelling resumes</span>",
            "Villagers flee as shelling resumes",
        ),
        (
            "<span>Border raids</span>: Villagers flee as shelling resumes",
            "Border raids: Villagers flee as shelling resumes",
        ),
        ("Villagers flee as shelling resumes", "Border raids: Villagers flee as shelling resumes"),
    ],
)
def test_the_headline_printed_with_or_without_its_kicker_is_not_body_text(
    printed: str, og_title: str
) -> None:
    page = (
        news_page("Story", STORY)
        .replace("<h1>Story</h1>", f"<p class='headline'>{printed}</p>")
        .replace(
            "<title>Story</title>",
            f"<title>Story</title><meta property='og:title' content='{og_title}'>",
        )
    )
    result = extract(page, "https://x.example/news/1")
    assert result is not None
    assert result.title == og_title
    assert result.paragraphs == STORY


def test_a_lead_paragraph_ending_like_the_headline_is_kept() -> None:
    lead = "Officials said on Monday that, once again, villagers flee as shelling resumes"
    title = "Villagers flee as shelling resumes"
    page = news_page(title, [lead, *STORY]).replace(f"<h1>{title}</h1>", "")
    result = extract(page, "https://x.example/news/1")
    assert result is not None and result.paragraphs == [lead, *STORY]
