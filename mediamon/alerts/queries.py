"""Which active stories match a subscription's query: those with an article whose title and text
match it (the topic query language, mediamon.query). Each article is analysed once per check,
whatever number of subscriptions query it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from mediamon.alerts.facts import StoryFacts
from mediamon.core.alerts_models import SubscriptionModel
from mediamon.core.models import ArticleRow
from mediamon.query.parser import Query, parse_query
from mediamon.query.text_analysis import analyze_article

CHUNK = 500


def stories_matching_queries(
    engine: Engine, subscriptions: Sequence[SubscriptionModel], stories: Sequence[StoryFacts]
) -> dict[str, frozenset[int]]:
    """Per subscription with a query, the ids of the ``stories`` that match it."""
    queries = {s.id: parse_query(s.query) for s in subscriptions if s.query is not None}
    if not queries:
        return {}
    stories_of: dict[int, list[int]] = defaultdict(list)
    for story in stories:
        for member in story.members:
            stories_of[member.article_id].append(story.id)
    matched: dict[str, set[int]] = {subscription_id: set() for subscription_id in queries}
    for article_id, matching in _matching_articles(engine, list(stories_of), queries):
        for subscription_id in matching:
            matched[subscription_id].update(stories_of[article_id])
    return {subscription_id: frozenset(ids) for subscription_id, ids in matched.items()}


def _matching_articles(
    engine: Engine, article_ids: list[int], queries: dict[str, Query]
) -> list[tuple[int, list[str]]]:
    """(article id, the subscriptions whose query it matches) of each article matching any."""
    found = []
    columns = (ArticleRow.id, ArticleRow.title, ArticleRow.text, ArticleRow.language)
    with Session(engine) as session:
        for start in range(0, len(article_ids), CHUNK):
            chunk = article_ids[start : start + CHUNK]
            for article_id, title, text, language in session.execute(
                select(*columns).where(ArticleRow.id.in_(chunk))
            ):
                analysis = analyze_article(title, text, language)
                matching = [sid for sid, q in queries.items() if q.matches_analysis(analysis)]
                if matching:
                    found.append((article_id, matching))
    return found
