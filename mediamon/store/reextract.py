"""Re-extraction: re-run the current rules over stored raw HTML, writing only what changed.

Used by `mediamon reextract` after prune rules, phrases, the appeal lexicon or the learned
template lines have changed: a newly learned line also disappears from articles stored before
it was learned. An article whose extraction comes out the same is not written at all; one whose
text changes keeps its previous text as a version, and its near-duplicate signature is renewed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from mediamon.core.config_models import Config
from mediamon.core.models import ArticleRow, decompress_html
from mediamon.core.plausible_dates import is_plausible
from mediamon.extract.dates import IMPLAUSIBLE, decide_dates, utc_offset_minutes
from mediamon.extract.extractor import ExtractedArticle, extract
from mediamon.extract.learned import TemplateLines
from mediamon.store.dedup import content_hash, copy_signature
from mediamon.store.near_duplicates import forget_signature, index_signature
from mediamon.store.versions import keep_current_as_version

BATCH_SIZE = 100


@dataclass
class ReextractReport:
    examined: int = 0
    changed: int = 0
    failed: int = 0


def count_articles(engine: Engine, outlet_id: str | None, since: datetime | None) -> int:
    query = _selection(select(func.count(ArticleRow.id)), outlet_id, since, None)
    with Session(engine) as session:
        return session.scalar(query) or 0


def reextract(
    engine: Engine,
    config: Config,
    outlet_id: str | None = None,
    since: datetime | None = None,
    on_article: Callable[[], None] = lambda: None,
    article_id: int | None = None,
) -> ReextractReport:
    """Re-extract the selected stored articles (``article_id``: only that one);
    ``on_article`` is called after each one."""
    rules = _OutletRules(config, TemplateLines(engine, config.settings.boilerplate_min_articles))
    report = ReextractReport()
    with Session(engine) as session:
        for row in _rows(session, outlet_id, since, article_id):
            _reextract_row(session, row, rules, report)
            on_article()
            if report.examined % BATCH_SIZE == 0:
                session.commit()
        session.commit()
    return report


def _selection(
    query: Select[Any], outlet_id: str | None, since: datetime | None, article_id: int | None
) -> Select[Any]:
    if article_id is not None:
        query = query.where(ArticleRow.id == article_id)
    if outlet_id is not None:
        query = query.where(ArticleRow.outlet_id == outlet_id)
    if since is not None:
        query = query.where(func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at) >= since)
    return query


def _rows(
    session: Session, outlet_id: str | None, since: datetime | None, article_id: int | None
) -> Iterator[ArticleRow]:
    query = _selection(select(ArticleRow), outlet_id, since, article_id).order_by(ArticleRow.id)
    yield from session.scalars(query.execution_options(yield_per=BATCH_SIZE))


class _OutletRules:
    """Each outlet's prune rules, phrases and active template lines, read once per run."""

    def __init__(self, config: Config, template_lines: TemplateLines) -> None:
        self.outlets = {outlet.id: outlet for outlet in config.outlets}
        self.template_lines = template_lines
        self.lines: dict[str, set[str]] = {}

    def extract(self, row: ArticleRow) -> ExtractedArticle | None:
        outlet = self.outlets.get(row.outlet_id)
        if row.outlet_id not in self.lines:
            self.lines[row.outlet_id] = self.template_lines.active_lines(row.outlet_id)
        return extract(
            decompress_html(row.raw_html),
            row.url,
            prune=outlet.prune if outlet else (),
            phrases=outlet.phrases if outlet else (),
            template_lines=self.lines[row.outlet_id],
            encoding=row.encoding,
        )


def _reextract_row(
    session: Session, row: ArticleRow, rules: _OutletRules, report: ReextractReport
) -> None:
    report.examined += 1
    result = rules.extract(row)
    if result is None or not result.text:
        report.failed += 1
        return
    changes = {
        name: value
        for name, value in _new_values(row, result).items()
        if getattr(row, name) != value
    }
    if "text" in changes:
        keep_current_as_version(session, row)
    for name, value in changes.items():
        setattr(row, name, value)
    if "text" in changes:
        _renew_signature(session, row)
    report.changed += bool(changes)


def _renew_signature(session: Session, row: ArticleRow) -> None:
    signature = copy_signature(row.text)
    if signature is None:
        forget_signature(session, row.id)
    else:
        index_signature(session, row.id, signature)


def _new_values(row: ArticleRow, result: ExtractedArticle) -> dict[str, Any]:
    return {
        "title": result.title or row.title,
        "text": result.text,
        "authors": result.authors,
        **_date_values(row, result),
        "language": result.language,
        "removed": result.removed,
        "is_teaser": result.is_teaser,
        "content_hash": content_hash(result.text),
    }


def _date_values(row: ArticleRow, result: ExtractedArticle) -> dict[str, Any]:
    """The page's dates decided again as of its first fetch; a date the page no longer yields
    (one its feed gave) is kept."""
    decision = decide_dates(result.dates, row.first_seen_at or row.fetched_at)
    values: dict[str, Any] = {
        "updated_at": decision.updated.moment if decision.updated else None,
        "updated_source": decision.updated.source if decision.updated else None,
        "rejected_dates": decision.rejected_notes(),
    }
    seen_at = row.first_seen_at or row.fetched_at
    if decision.published is not None:
        values["published_at"] = decision.published.moment
        values["published_source"] = decision.published.source
        values["published_utc_offset"] = utc_offset_minutes(decision.published.moment)
    elif row.published_at is not None and not is_plausible(row.published_at, seen_at):
        # stored before dates were checked: a placeholder goes, and is noted among the rejected
        values["rejected_dates"].append(f"stored: {row.published_at.isoformat()!r} ({IMPLAUSIBLE})")
        values |= {"published_at": None, "published_source": None, "published_utc_offset": None}
    return values
