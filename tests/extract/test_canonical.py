"""Canonical URLs: every variant of an article's address comes down to one."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from mediamon.extract.canonical import canonicalize, trusted_canonical

CANONICAL = "https://news.example.com/2023/05/22/belgorod-raid"


@pytest.mark.parametrize(
    "variant",
    [
        CANONICAL,
        "https://news.example.com/2023/05/22/belgorod-raid/",
        "HTTPS://News.Example.COM/2023/05/22/belgorod-raid",
        "https://news.example.com:443/2023/05/22/belgorod-raid",
        "https://news.example.com/2023/05/22/belgorod-raid#comments",
        "https://news.example.com/2023/05/22/belgorod-raid?utm_source=tg&utm_medium=social",
        "https://news.example.com/2023/05/22/belgorod-raid?fbclid=IwAR0abc",
        "https://news.example.com/2023/05/22/belgorod-raid?gclid=x&yclid=y&mc_cid=z&mc_eid=w",
        "https://news.example.com/2023/05/22/belgorod-raid?amp",
        "https://news.example.com/2023/05/22/belgorod-raid?amp=1",
        "https://news.example.com/2023/05/22/belgorod-raid?outputType=amp",
        "https://news.example.com/2023/05/22/belgorod-raid/amp/",
        "https://news.example.com/amp/2023/05/22/belgorod-raid",
        "https://news.example.com/2023/05/22/belgorod-raid.amp",
        "https://amp.news.example.com/2023/05/22/belgorod-raid",
        "https://m.news.example.com/2023/05/22/belgorod-raid/?utm_campaign=x#top",
        "  https://news.example.com/2023/05/22/belgorod-raid  ",
    ],
)
def test_variants_share_one_canonical_url(variant: str) -> None:
    assert canonicalize(variant) == CANONICAL


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com:80/a/", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/news?id=7&page=2", "https://example.com/news?id=7&page=2"),
        ("https://example.com/news?page=2&id=7", "https://example.com/news?id=7&page=2"),
        ("https://example.com/news?id=7&utm_source=rss", "https://example.com/news?id=7"),
        ("https://example.com/news?view=gallery", "https://example.com/news?view=gallery"),
        ("https://example.com/example/ample", "https://example.com/example/ample"),
        ("https://m.example.com/a", "https://example.com/a"),
        ("https://m.com/a", "https://m.com/a"),
        ("https://mtv.example.com/a", "https://mtv.example.com/a"),
        ("https://example.com/Путь/статья", "https://example.com/Путь/статья"),
        ("mailto:desk@example.com", "mailto:desk@example.com"),
    ],
)
def test_what_identifies_an_article_is_kept(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_canonicalising_twice_changes_nothing() -> None:
    once = canonicalize("https://M.Example.com:443/amp/a/b/?utm_source=x&b=2&a=1#f")
    assert canonicalize(once) == once == "https://example.com/a/b?a=1&b=2"


def owned_by_example(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "news.example.com" or host.endswith(".news.example.com")


@pytest.mark.parametrize(
    ("declared", "trusted"),
    [
        (CANONICAL, True),
        ("https://amp.news.example.com/2023/05/22/belgorod-raid", True),
        ("http://news.example.com/a", True),
        ("https://other.example.org/2023/05/22/belgorod-raid", False),
        ("https://news.example.com.evil.example/a", False),
        ("https://news.example.com@evil.example/a", False),
        ("javascript:alert(1)", False),
        ("ftp://news.example.com/a", False),
        ("data:text/html,news.example.com", False),
    ],
)
def test_a_canonical_url_is_trusted_only_on_the_outlets_own_domains(
    declared: str, trusted: bool
) -> None:
    assert trusted_canonical(declared, owned_by_example) is trusted


def test_an_internationalised_host_has_one_canonical_spelling_as_requested() -> None:
    requested = "https://xn--stssenseer-fcb.de/2024/05/artikel"
    for written in ("https://Stössenseer.de/2024/05/artikel/", requested):
        assert canonicalize(written) == requested
