"""The extract pipeline: pages are extracted in worker processes, learning stays in the crawl.

Scrapy runs many items through the pipelines at once, so while one page waits for a worker the
reactor keeps downloading and other pages are extracted on the other cores. The template lines
an outlet has learned are read (cached briefly) and learned here, in the crawl process, because
they live in the database; workers only get them as plain text.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from mediamon.core.article import Article
from mediamon.core.config_models import Outlet
from mediamon.core.context import context_from_settings
from mediamon.core.db_errors import unwritable_reason
from mediamon.core.names import EXTRACT_PROCESSES_SETTING
from mediamon.core.textclean import clean_title
from mediamon.extract.canonical import trusted_canonical
from mediamon.extract.date_sources import hint_source
from mediamon.extract.dates import IMPLAUSIBLE, decide_article_dates
from mediamon.extract.extractor import ExtractedArticle, remove_template_lines
from mediamon.extract.learned import TemplateLines
from mediamon.extract.pool import ExtractionCrashed, ExtractionJob, ExtractionPool
from mediamon.extract.titles import without_site_name
from mediamon.store.unwritable import not_stored, stop_crawl

logger = logging.getLogger(__name__)
# Lines another crawl process learns reach this one within this many seconds.
ACTIVE_LINES_TTL_SECONDS = 30.0


def extract_processes(setting: int | None, configured: int | None) -> int:
    """The pool size: the Scrapy setting, else settings.yaml, else one per CPU core."""
    for choice in (setting, configured):
        if choice is not None:
            return int(choice)
    return os.cpu_count() or 1


class ExtractPipeline:
    """Fills an Article's extracted fields, learns outlet template lines, drops empty pages.

    A canonical URL off the outlet's domains is refused (the page's own URL is kept), counted
    under ``mediamon/refused/canonical`` and logged. ``on_unwritable`` is told why when the
    database refuses the template lines learned (a crawl stops).
    """

    def __init__(
        self,
        outlets: dict[str, Outlet],
        template_lines: TemplateLines | None,
        stats: StatsCollector,
        processes: int = 0,
        on_unwritable: Callable[[str], None] | None = None,
    ) -> None:
        self.outlets = outlets
        self.template_lines = template_lines
        self.stats = stats
        self.pool = ExtractionPool(processes)
        self.on_unwritable = on_unwritable
        self._active: dict[str, tuple[float, frozenset[str]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        assert crawler.stats is not None
        context = context_from_settings(crawler.settings)
        settings = context.config.settings
        learning = TemplateLines(context.engine, settings.boilerplate_min_articles)
        outlets = {outlet.id: outlet for outlet in context.config.outlets}
        setting = crawler.settings.get(EXTRACT_PROCESSES_SETTING)
        processes = extract_processes(
            None if setting is None else int(setting), settings.crawling.extract_processes
        )
        return cls(
            outlets,
            learning,
            crawler.stats,
            processes,
            on_unwritable=lambda why: stop_crawl(crawler, why),
        )

    def close_spider(self, spider: Any = None) -> None:
        """Write the last batch of template-line sightings, then stop the extraction workers."""
        try:
            if self.template_lines is not None:
                for outlet_id, learned in self.template_lines.flush().items():
                    self._note_learned(outlet_id, learned)
        except Exception as exc:
            if not self._refused_writes(exc):
                raise
        finally:
            self.pool.shutdown()

    async def process_item(self, item: Article, spider: Any = None) -> Article:
        known_lines = self._active_lines(item.outlet_id)
        result = await self._extract(self._job(item, known_lines))
        if result is None or not result.text:
            self.stats.inc_value("mediamon/extract/dropped_empty")
            raise DropItem(f"no article text could be extracted from {item.url}")
        result = self._trusted(item, result)
        try:
            result = self._learn(item, result, known_lines)
        except Exception as exc:
            if self._refused_writes(exc):
                raise not_stored(item.url, exc) from exc
            raise
        outlet = self.outlets.get(item.outlet_id)
        _fill(item, result, outlet.name if outlet else None)
        self._note_rejected_dates(item)
        self._count(result)
        return item

    def _job(self, item: Article, known_lines: frozenset[str]) -> ExtractionJob:
        outlet = self.outlets.get(item.outlet_id)
        return ExtractionJob(
            html=item.html,
            url=item.url,
            encoding=item.encoding,
            prune=tuple(outlet.prune) if outlet else (),
            phrases=tuple(outlet.phrases) if outlet else (),
            template_lines=known_lines,
        )

    async def _extract(self, job: ExtractionJob) -> ExtractedArticle | None:
        try:
            return await self.pool.extract(job)
        except ExtractionCrashed as exc:
            self.stats.inc_value("mediamon/extract/worker_crashed")
            raise DropItem(f"extraction crashed its worker process on {job.url}") from exc
        except Exception as exc:
            self.stats.inc_value("mediamon/extract/failed")
            raise DropItem(f"extraction failed on {job.url}: {exc!r}") from exc

    def _trusted(self, item: Article, result: ExtractedArticle) -> ExtractedArticle:
        """``result`` with its canonical URL if the page may declare it, else the page's URL."""
        declared = result.canonical_url
        if declared is None or trusted_canonical(declared, self._owner(item)):
            return result
        self.stats.inc_value("mediamon/refused/canonical")
        logger.warning(
            "outlet %s: %s declares %.200r, off the outlet's domains, as its canonical URL: "
            "ignored, the article keeps its own URL",
            item.outlet_id,
            item.url,
            declared,
        )
        return replace(result, canonical_url=item.url)

    def _owner(self, item: Article) -> Callable[[str], bool]:
        outlet = self.outlets.get(item.outlet_id)
        if outlet is not None:
            return outlet.owns
        host = urlsplit(item.url).hostname  # an outlet this config lacks: its page's own host
        return lambda url: urlsplit(url).hostname == host

    def _refused_writes(self, error: BaseException) -> bool:
        reason = unwritable_reason(error)
        if reason is not None and self.on_unwritable is not None:
            self.on_unwritable(reason)
        return reason is not None

    def _active_lines(self, outlet_id: str) -> frozenset[str]:
        if self.template_lines is None:
            return frozenset()
        now = time.monotonic()
        cached = self._active.get(outlet_id)
        if cached is None or now - cached[0] > ACTIVE_LINES_TTL_SECONDS:
            cached = (now, frozenset(self.template_lines.active_lines(outlet_id)))
            self._active[outlet_id] = cached
        return cached[1]

    def _learn(
        self, item: Article, result: ExtractedArticle, known_lines: frozenset[str]
    ) -> ExtractedArticle:
        if self.template_lines is None:
            return result
        seen = [*result.paragraphs, *result.removed.get("template", [])]
        article_key = result.canonical_url or item.url
        learned = self.template_lines.record(item.outlet_id, article_key, seen)
        self._note_learned(item.outlet_id, learned)
        # Pages are extracted concurrently: lines learned while this one was in the pool count too.
        current = self._active_lines(item.outlet_id) | set(learned)
        return remove_template_lines(result, current - known_lines)

    def _note_learned(self, outlet_id: str, learned: list[str]) -> None:
        if learned:
            logger.info("learned %d template line(s) of %s", len(learned), outlet_id)
            self.stats.inc_value("mediamon/extract/template_learned", len(learned))
            self._active.pop(outlet_id, None)

    def _note_rejected_dates(self, item: Article) -> None:
        if item.rejected_dates:
            self.stats.inc_value("mediamon/extract/dates_rejected", len(item.rejected_dates))
        if any(note.endswith(f"({IMPLAUSIBLE})") for note in item.rejected_dates):
            logger.warning(
                "outlet %s: %s: dates not believed: %s; published %s (%s)",
                item.outlet_id,
                item.url,
                "; ".join(item.rejected_dates),
                item.published_at.isoformat() if item.published_at else "unknown",
                item.published_source or "no source",
            )

    def _count(self, result: ExtractedArticle) -> None:
        self.stats.inc_value("mediamon/extract/articles")
        for layer, paragraphs in result.removed.items():
            self.stats.inc_value(f"mediamon/extract/{layer}_removed", len(paragraphs))
        if result.is_teaser:
            self.stats.inc_value("mediamon/extract/teasers")


def _fill(item: Article, result: ExtractedArticle, outlet_name: str | None) -> None:
    title = result.title or clean_title(item.hint_title)
    item.title = without_site_name(title, [outlet_name]) if title and outlet_name else title
    item.text = result.text
    item.authors = result.authors
    dates = decide_article_dates(
        result.dates, item.hint_published, hint_source(item.hint_source), item.fetched_at
    )
    item.published_at = dates.published.moment if dates.published else None
    item.published_source = dates.published.source if dates.published else None
    item.updated_at = dates.updated.moment if dates.updated else None
    item.updated_source = dates.updated.source if dates.updated else None
    item.rejected_dates = dates.rejected_notes()
    item.language = result.language
    item.canonical_url = result.canonical_url or item.url
    item.removed = result.removed
    item.is_teaser = result.is_teaser
