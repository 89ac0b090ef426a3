"""The article_urls pattern that `outlets discover` suggests from the links of a feed."""

from __future__ import annotations

from mediamon.core.url_patterns import backtracking_problem, search
from mediamon.crawl.article_pattern import suggest_article_pattern

HOME = "https://news.example/"


def links(*paths: str) -> list[str]:
    return [HOME.rstrip("/") + path for path in paths]


def suggested(*paths: str) -> str:
    suggestion = suggest_article_pattern(links(*paths), HOME)
    assert suggestion is not None
    assert backtracking_problem(suggestion.pattern) is None
    return suggestion.pattern


def test_dates_and_ids_become_digit_runs_and_shared_segments_stay_literal() -> None:
    pattern = suggested("/news/2023/05/22/7403101/", "/news/2023/05/23/7403187/")
    assert pattern == r"/news/\d{4}/\d{2}/\d{2}/\d{7,}/$"
    assert search(pattern, HOME + "news/2024/01/02/12345678/")
    for listing in ("news/", "news/2023/05/22/", "news/2023/05/22/2/", ""):
        assert not search(pattern, HOME + listing)


def test_a_slug_with_an_id_keeps_the_literal_before_the_id() -> None:
    pattern = suggested("/2023/05/22/raid-on-shebekino-a81231", "/2023/05/23/drones-a81240")
    assert pattern == r"/\d{4}/\d{2}/\d{2}/[\w-]+-a\d{5,}$"
    assert search(pattern, HOME + "2023/06/01/kremlin-2024-budget-a90001")


def test_a_file_ending_and_a_month_name_are_kept() -> None:
    pattern = suggested("/world/2023/may/22/belgorod-raid.html", "/uk/2023/may/23/budget.html")
    assert pattern == r"/[a-z-]+/\d{4}/[a-z]{3}/\d{2}/[\w-]+\.html$"
    assert search(pattern, HOME + "world/2023/jun/01/later-story.html")


def test_links_of_several_depths_give_one_alternative_each() -> None:
    pattern = suggested(
        "/politics/17860101", "/world/17860102", "/live/2023/05/22/x", "/live/2023/05/23/w", "/y"
    )
    assert search(pattern, HOME + "economy/17860199")
    assert search(pattern, HOME + "live/2023/05/24/z")
    assert not search(pattern, HOME + "y"), "a shape seen once is no evidence"


def test_links_with_a_query_string_still_match() -> None:
    pattern = suggested("/a/story-one-123?utm_source=rss", "/a/story-two-124?utm_source=rss")
    assert search(pattern, HOME + "a/story-three-125?utm_source=rss")


def test_a_shape_that_would_match_a_section_is_left_out() -> None:
    # /[\w-]+ from /about-us and /contact would match /politics, above an article.
    pages = links("/politics/17860101", "/world/17860102", "/about-us", "/contact")
    suggestion = suggest_article_pattern(pages, HOME)
    assert suggestion is not None
    assert (suggestion.pattern, suggestion.matched, suggestion.links) == (r"/[a-z-]+/\d{8,}$", 2, 4)


def test_no_pattern_when_the_only_shape_would_match_a_section() -> None:
    pages = links("/politics", "/world", "/politics/17860101")
    assert suggest_article_pattern(pages, HOME) is None


def test_no_pattern_from_a_single_link() -> None:
    assert suggest_article_pattern(links("/news/2023/05/22/1/"), HOME) is None
