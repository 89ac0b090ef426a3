"""Publication dates an analyst can trust: every source is read, they vote by day, and a date
outside the plausibility window never wins and is recorded as rejected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from mediamon.extract.date_sources import DateSource
from mediamon.extract.dates import (
    IMPLAUSIBLE,
    DateCandidate,
    DateCandidates,
    decide_article_dates,
    decide_dates,
    parse_date,
)
from mediamon.extract.extractor import ExtractedArticle, extract

SEEN = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
STORY = (
    "Emergency crews in the border town worked through the night to restore power after "
    "shelling damaged the substation that feeds the eastern districts, officials said. "
) * 4
URL = "https://news.example/world/substation-repaired"


def page(head: str = "", body_top: str = "", title: str = "Crews restore power") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>{head}</head><body>"
        "<nav><a href='/'>Home</a></nav>"
        f"<article><h1>{title}</h1>{body_top}"
        + "".join(f"<p>{STORY}</p>" for _ in range(3))
        + "</article><footer>About us</footer></body></html>"
    )


def extracted(html: str, url: str = URL) -> ExtractedArticle:
    result = extract(html, url)
    assert result is not None
    return result


def test_a_json_ld_year_one_loses_to_the_feed_and_is_recorded_as_rejected() -> None:
    linked = (
        '{"@type": "NewsArticle", "headline": "Crews", "datePublished": "0001-01-01T00:00:00Z"}'
    )
    result = extracted(page(f'<script type="application/ld+json">{linked}</script>'))
    feed_date = datetime(2024, 5, 5, 18, 30, tzinfo=UTC)
    decision = decide_article_dates(result.dates, feed_date, DateSource.FEED, SEEN)
    assert decision.published is not None
    assert decision.published.moment == feed_date
    assert decision.published.source == DateSource.FEED
    assert [(r.source, r.reason) for r in decision.rejected] == [(DateSource.JSON_LD, IMPLAUSIBLE)]


def test_an_implausible_date_never_overrides_a_plausible_one() -> None:
    future = SEEN + timedelta(days=30)
    candidates = DateCandidates(
        [
            DateCandidate.known(DateSource.JSON_LD, future),
            DateCandidate.known(DateSource.META, datetime(1970, 1, 1, tzinfo=UTC)),
            DateCandidate.read(DateSource.URL, "2024-05-04"),
        ]
    )
    decision = decide_dates(candidates, SEEN)
    assert decision.published is not None
    assert decision.published.moment.date().isoformat() == "2024-05-04"
    assert decision.published.source == DateSource.URL
    assert len(decision.rejected) == 2


def test_a_date_only_in_rfc_2822_is_read_with_its_offset() -> None:
    head = '<meta property="article:published_time" content="Sat, 04 May 2024 23:15:00 -0400">'
    result = extracted(page(head))
    assert result.published == datetime(2024, 5, 5, 3, 15, tzinfo=UTC)
    assert result.published is not None and result.published.utcoffset() == timedelta(hours=-4)
    assert result.published.date().isoformat() == "2024-05-04"  # the page's day, not UTC's


def test_a_date_only_in_dc_date_is_read() -> None:
    result = extracted(page('<meta name="DC.date" content="2024-05-03T10:00:00+02:00">'))
    assert result.published == datetime(2024, 5, 3, 8, 0, tzinfo=UTC)


def test_a_date_only_in_the_url_gives_that_day() -> None:
    result = extracted(page(), "https://news.example/2024/05/03/crews-restore-power")
    assert result.published is not None
    assert result.published.date().isoformat() == "2024-05-03"


def test_a_date_only_in_the_visible_text_gives_that_day() -> None:
    byline = '<p class="article-date">Published 3 May 2024</p>'
    result = extracted(page(body_top=byline))
    assert result.published is not None
    assert result.published.date().isoformat() == "2024-05-03"


def test_a_related_posts_time_before_the_real_one_is_not_the_date() -> None:
    related = (
        '<aside class="related"><article><a href="/old">Older story</a>'
        '<time datetime="2019-02-01T08:00:00Z">1 Feb 2019</time></article></aside>'
    )
    html = page(body_top='<time datetime="2024-05-03T07:45:00Z">3 May 2024</time>')
    html = html.replace("<article>", related + "<article>", 1)
    result = extracted(html, "https://news.example/world/2024/05/03/crews")
    assert result.published == datetime(2024, 5, 3, 7, 45, tzinfo=UTC)


def test_the_sources_that_agree_outvote_the_first_found() -> None:
    head = (
        '<meta property="article:published_time" content="2024-05-01T12:00:00Z">'
        '<meta name="dc.date" content="2024-05-03">'
    )
    linked = '{"@type": "NewsArticle", "headline": "C", "datePublished": "2024-05-03T06:00:00Z"}'
    head += f'<script type="application/ld+json">{linked}</script>'
    result = extracted(page(head), "https://news.example/2024/05/03/crews")
    assert result.published == datetime(2024, 5, 3, 6, 0, tzinfo=UTC)


def test_a_utc_time_near_midnight_takes_the_day_the_url_names() -> None:
    head = '<meta property="article:published_time" content="2024-05-04T02:30:00Z">'
    result = extracted(page(head), "https://news.example/2024/05/03/crews")
    assert result.published == datetime(2024, 5, 4, 2, 30, tzinfo=UTC)
    decision = decide_dates(result.dates, SEEN)
    assert decision.published is not None and decision.published.source == DateSource.META


def test_published_and_updated_are_kept_apart_with_their_sources() -> None:
    head = (
        '<meta property="article:published_time" content="2024-05-03T06:00:00+03:00">'
        '<meta property="article:modified_time" content="2024-05-04T09:00:00+03:00">'
    )
    decision = decide_dates(extracted(page(head)).dates, SEEN)
    assert decision.published is not None and decision.updated is not None
    assert decision.published.moment == datetime(2024, 5, 3, 6, tzinfo=timezone(timedelta(hours=3)))
    assert decision.updated.moment == datetime(2024, 5, 4, 6, tzinfo=UTC)
    assert decision.published.source == decision.updated.source == DateSource.META


def test_written_dates_in_several_languages_are_read() -> None:
    for text in ("3 May 2024", "May 3, 2024", "03.05.2024", "3 мая 2024", "3. Mai 2024"):
        parsed = parse_date(text)
        assert parsed is not None, text
        assert parsed.moment.date().isoformat() == "2024-05-03", text
    assert parse_date("not a date") is None
    assert parse_date("31.02.2024") is None


def test_the_json_ld_article_counts_not_a_related_story_listed_before_it() -> None:
    related = '{"@type": "WebPage", "headline": "Older", "datePublished": "2019-02-01T08:00:00Z"}'
    own = '{"@type": "NewsArticle", "headline": "C", "datePublished": "2024-05-03T06:00:00Z"}'
    head = f'<script type="application/ld+json">[{related}, {own}]</script>'
    assert extracted(page(head)).published == datetime(2024, 5, 3, 6, 0, tzinfo=UTC)
