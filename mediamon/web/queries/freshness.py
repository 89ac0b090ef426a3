"""Figures computed once per state of the store: the Topic page and the Overview rank a week
of articles as the digest does (seconds of Python at a million articles), the Outlets page
counts every article; the result is kept, per process, until the store changes.

The store's state is read from the database on every request, in one cheap query of indexed
maxima and counts, so a page computed by one process is dropped as soon as any process (a
crawl, a grouping run, a retag) changes what it shows:

- a new article raises the newest article id, and a new version of one (a re-fetch with a new
  text) adds a row to its versions;
- topics tagged or untagged change how many tags there are;
- grouping adds members (more of them, and a newer article among them), new stories (a
  higher id) or moves one's last sighting; merging stories removes one (fewer stories).

Known gap: a retag that, in one run, moves articles from one topic to another as many times
as the other way keeps every figure above and is seen only at the next change. The counts
cost a scan of an index (tens of milliseconds at a million tagged or grouped articles); a
change log kept by triggers would make the state constant-time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mediamon.core.models import ArticleRow, ArticleTopic, ArticleVersion, StoryMember
from mediamon.core.models import Story as StoryRow

KEPT = 64  # computed pages kept per process (topics x windows, and the overview)
T = TypeVar("T")


def store_state(engine: Engine) -> tuple[Any, ...]:
    """What every page computed from the store depends on: it changes whenever they would."""
    state = select(
        select(func.max(ArticleRow.id)).scalar_subquery(),
        select(func.count()).select_from(ArticleVersion).scalar_subquery(),
        select(func.count()).select_from(ArticleTopic).scalar_subquery(),
        select(func.count()).select_from(StoryMember).scalar_subquery(),
        select(func.max(StoryMember.article_id)).scalar_subquery(),
        select(func.count()).select_from(StoryRow).scalar_subquery(),
        select(func.max(StoryRow.id)).scalar_subquery(),
        select(func.max(StoryRow.last_seen_at)).scalar_subquery(),
    )
    with Session(engine) as session:
        row = session.execute(state).one()
    return tuple(row)


class StateCache:
    """Values computed from the store, each kept with the store state it was computed in and
    used only while the store is still in that state."""

    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self.lock = Lock()
        self.kept: OrderedDict[Hashable, tuple[tuple[object, tuple[Any, ...]], Any]] = OrderedDict()

    def get(self, engine: Engine, config: object, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``compute()`` for ``key`` (computed with ``config``) in the store's
        current state."""
        state = (config, store_state(engine))  # the same config object: compared by identity
        full_key = (engine.url.render_as_string(hide_password=True), id(config), key)
        with self.lock:
            kept = self.kept.get(full_key)
        if kept is not None and kept[0][0] is config and kept[0][1] == state[1]:
            return kept[1]
        value = compute()
        with self.lock:
            self.kept[full_key] = (state, value)
            self.kept.move_to_end(full_key)
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return value


page_cache = StateCache()
