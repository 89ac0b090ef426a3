"""Re-applying topics to stored articles after topics.yaml changed, and testing one topic.

Articles are read in batches by id, each batch tagged and written in its own transaction, so a
large archive neither fills memory nor holds one long write lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from mediamon.core.config_models import TopicModel
from mediamon.core.models import ArticleRow, ArticleTopic
from mediamon.query.parser import Clue
from mediamon.query.topics import CompiledTopic, TopicTagger
from mediamon.store.search import SearchFilters, search

BATCH = 500


@dataclass
class RetagReport:
    articles: int = 0
    changed: int = 0
    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)


def count_articles(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ArticleRow)) or 0


def retag_articles(
    engine: Engine,
    topics: Sequence[TopicModel],
    zone: tzinfo,
    progress: Callable[[int], None] = lambda done: None,
    dry_run: bool = False,
) -> RetagReport:
    """Tag every stored article with the topics as configured now; report what changed."""
    tagger = TopicTagger(topics, zone)
    report = RetagReport()
    for batch in _batches(engine):
        with Session(engine) as session, session.begin():
            for row in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(batch))):
                _retag_one(session, tagger, row, report, dry_run)
        report.articles += len(batch)
        progress(len(batch))
    return report


def _batches(engine: Engine) -> Iterator[list[int]]:
    last = 0
    while True:
        with Session(engine) as session:
            query = select(ArticleRow.id).where(ArticleRow.id > last).order_by(ArticleRow.id)
            batch = list(session.scalars(query.limit(BATCH)))
        if not batch:
            return
        yield batch
        last = batch[-1]


def _retag_one(
    session: Session, tagger: TopicTagger, row: ArticleRow, report: RetagReport, dry_run: bool
) -> None:
    query = select(ArticleTopic.topic_id).where(ArticleTopic.article_id == row.id)
    before = set(session.scalars(query))
    after = set(tagger.tag(row.title, row.text, row.language, row.published_at))
    if before == after:
        return
    report.changed += 1
    for topic_id in after - before:
        report.added[topic_id] = report.added.get(topic_id, 0) + 1
    for topic_id in before - after:
        report.removed[topic_id] = report.removed.get(topic_id, 0) + 1
    if not dry_run:
        session.execute(delete(ArticleTopic).where(ArticleTopic.article_id == row.id))
        session.add_all(ArticleTopic(article_id=row.id, topic_id=t) for t in sorted(after))


@dataclass(frozen=True)
class TopicMatch:
    article: ArticleRow
    clues: list[Clue]  # each term of the query, with where it was found


def topic_matches(
    engine: Engine, topic: TopicModel, zone: tzinfo, filters: SearchFilters
) -> list[TopicMatch]:
    """The stored articles the topic matches as configured now, each with why it matches.

    The topic's languages and date window apply, as when tagging; ``filters.limit`` counts
    articles the query matches before those are applied.
    """
    compiled = CompiledTopic.compile(topic)
    tagger = TopicTagger([topic], zone)
    matches = []
    for row in search(engine, compiled.query, filters):
        if tagger.tag(row.title, row.text, row.language, row.published_at):
            clues = compiled.query.clues(row.title, row.text, row.language)
            matches.append(TopicMatch(row, clues))
    return matches
