"""What `mediamon crawl` tells its user: each spider's own figures, and progress while it runs."""

from __future__ import annotations

import logging

import pytest
from scrapy.utils.test import get_crawler

from mediamon.cli.crawl_cmd import summarise
from scrapers.progress import CrawlProgress


def test_feed_summary_reports_polling_figures() -> None:
    stats = {
        "mediamon/store/stored": 7,
        "mediamon/feeds/parsed": 2,
        "mediamon/feeds/not_modified": 3,
        "mediamon/feeds/not_due": 4,
        "mediamon/store/outlet/tass": 7,
        "mediamon/articles/refetched": 1,
        "finish_reason": "finished",
    }
    assert summarise("feeds", stats) == (
        "feeds: 7 new articles stored, 2 feeds changed, 3 feeds unchanged, 4 feeds not due, "
        "0 feeds failed, 0 articles failed, 1 edited articles fetched again (finished: finished)"
    )


def test_sitemap_and_section_summaries_report_their_own_figures() -> None:
    stats = {
        "mediamon/store/stored": 5,
        "mediamon/sitemaps/index": 1,
        "mediamon/sitemaps/urlset": 3,
        "mediamon/collect/listed": 40,
        "mediamon/articles/already_stored": 35,
        "mediamon/sections/pages": 6,
    }
    sitemaps = summarise("sitemaps", stats)
    assert sitemaps.startswith(
        "sitemaps: 5 new articles stored, 4 sitemaps read, 40 articles listed"
    )
    assert "feeds unchanged" not in sitemaps
    assert "6 pages read, 40 articles listed, 35 already stored" in summarise("sections", stats)


def test_progress_line_is_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    stats = get_crawler().stats
    assert stats is not None
    stats.set_value("mediamon/store/stored", 12)
    stats.set_value("downloader/response_count", 30)
    stats.set_value("mediamon/articles/failed", 2)
    with caplog.at_level(logging.INFO, logger="mediamon.progress"):
        CrawlProgress(30, stats).report("feeds")
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert "feeds: 12 new articles stored so far, 30 pages fetched, 2 failed" in record.getMessage()
