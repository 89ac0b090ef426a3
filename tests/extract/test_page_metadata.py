"""read_metadata: which source wins when a page states a date in several places (the votes
themselves: tests/extract/test_dates.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import html as lxml_html

from mediamon.extract.metadata import PageMetadata, read_metadata

URL = "https://news.example/2024/story"


def metadata(head: str, body: str) -> PageMetadata:
    page = f"<html><head><title>T</title>{head}</head><body><article>{body}</article></body></html>"
    return read_metadata(lxml_html.document_fromstring(page), URL)


def test_meta_tags_and_microdata_that_agree_outvote_a_lone_time() -> None:
    body = (
        '<span itemprop="datePublished" content="2024-01-02T10:00:00Z">2 January</span>'
        '<time datetime="2024-01-05T08:00:00Z">5 January</time>'
    )
    found = metadata('<meta property="article:published_time" content="2024-01-02">', body)
    assert found.published == datetime(2024, 1, 2, 10, tzinfo=UTC)
    assert found.date_decision.published is not None
    assert found.date_decision.published.source == "microdata"  # the one with a time of day


def test_an_article_time_is_the_last_resort_for_the_publication_date() -> None:
    found = metadata("", '<p>By A</p><time datetime="2024-02-03T04:05:00Z">3 Feb</time>')
    assert found.published == datetime(2024, 2, 3, 4, 5, tzinfo=UTC)
    assert found.updated is None
    named = metadata('<meta name="pubdate" content="2024-02-01">', '<time datetime="2024-02-03">')
    assert named.published == datetime(2024, 2, 1, 12, tzinfo=UTC)


def test_a_time_with_microdata_counts_under_its_itemprop_only() -> None:
    found = metadata("", '<time itemprop="dateModified" datetime="2024-03-04">4 March</time>')
    assert found.updated == datetime(2024, 3, 4, 12, tzinfo=UTC)  # a bare day: its noon
    assert all(c.source != "microdata" for c in found.dates.published)


def test_canonical_link_ahead_of_og_url_and_the_page_url_when_neither_is_http() -> None:
    both = (
        '<link rel="canonical" href="/a#top"><meta property="og:url" content="https://x.example/b">'
    )
    assert metadata(both, "").canonical_url == "https://news.example/a"
    assert metadata('<meta property="og:url" content="/c">', "").canonical_url == (
        "https://news.example/c"
    )
    assert metadata('<link rel="canonical" href="javascript:void(0)">', "").canonical_url == URL
