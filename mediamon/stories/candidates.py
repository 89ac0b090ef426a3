"""The open stories an article may join, and how similar each is to it: the cosine of the
story's centroid (``story_keys`` weights, ``stories.norm_squared``) and the article's vector.
See ``mediamon.stories.grouping``."""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, select

from mediamon.stories.features import is_name
from mediamon.stories.records import STORIES, STORY_KEYS

# Stories are looked for among those sharing several of an article's heaviest features: a story
# sharing only common ones (countries, leaders) is not similar enough to join.
SEED_FEATURES = 16
MIN_SHARED_SEEDS = 3
# Compared in full, at most: those sharing the most of its heaviest features.
MAX_CANDIDATES = 6

# The open stories sharing most of an article's heaviest features (its rarest names mostly).
OPEN_SHARING = (
    select(STORY_KEYS.c.story_id)
    .join(STORIES, STORY_KEYS.c.story_id == STORIES.c.id)
    .where(
        STORY_KEYS.c.key.in_(bindparam("keys", expanding=True)),
        STORIES.c.last_seen_at >= bindparam("since"),
        STORIES.c.first_seen_at <= bindparam("until"),
    )
    .group_by(STORY_KEYS.c.story_id)
    .having(func.count() >= MIN_SHARED_SEEDS)
    .order_by(func.count().desc(), STORY_KEYS.c.story_id)
    .limit(MAX_CANDIDATES)
)
# Their centroids' weights of the article's features, and their lengths.
CENTROIDS_OF = (
    select(STORIES.c.id, STORIES.c.norm_squared, STORY_KEYS.c.key, STORY_KEYS.c.weight)
    .join(STORY_KEYS, STORY_KEYS.c.story_id == STORIES.c.id)
    .where(
        STORIES.c.id.in_(bindparam("story_ids", expanding=True)),
        STORY_KEYS.c.key.in_(bindparam("keys", expanding=True)),
    )
)


def seeds(vector: dict[str, float]) -> list[str]:
    """The features stories are looked for by: an article's heaviest names, or its heaviest
    features if it names fewer than ``MIN_SHARED_SEEDS``. A content word most reports use is in
    a large share of all stories ever grouped: as a seed, it made each lookup read all of them."""
    heaviest = sorted(vector, key=lambda key: -vector[key])
    names = [key for key in heaviest if is_name(key)]
    return (names if len(names) >= MIN_SHARED_SEEDS else heaviest)[:SEED_FEATURES]


def similar_stories(
    connection: Connection, vector: dict[str, float], since: datetime, until: datetime
) -> list[tuple[int, float, list[str]]]:
    """The stories active between ``since`` and ``until`` sharing features with an article's
    ``vector``: the id of each, the cosine of its centroid and the vector, and the features it
    shares."""
    window = {"keys": seeds(vector), "since": since, "until": until}
    story_ids = connection.scalars(OPEN_SHARING, window).all()
    if not story_ids:
        return []
    dots: dict[int, float] = {}
    lengths: dict[int, float] = {}
    shared: dict[int, list[str]] = {}
    centroids = {"story_ids": story_ids, "keys": list(vector)}
    for story_id, norm_squared, key, weight in connection.execute(CENTROIDS_OF, centroids).all():
        dots[story_id] = dots.get(story_id, 0.0) + weight * vector[key]
        lengths[story_id] = norm_squared
        shared.setdefault(story_id, []).append(key)
    return [
        (story_id, dot / math.sqrt(lengths[story_id]), shared[story_id])
        for story_id, dot in dots.items()
        if lengths[story_id] > 0
    ]
