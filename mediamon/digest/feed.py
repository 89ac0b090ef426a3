"""An Atom feed of digests, one entry per day, so a feed reader can follow the digest.

Each entry's content is the day's HTML digest (escaped, as Atom's type="html" requires); entry
ids are stable per topic selection and day, so re-generating the feed updates entries in place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mediamon.core.wording import counted
from mediamon.digest.model import Digest
from mediamon.digest.render import html_environment, render_html_body

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the update time of a feed without entries


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    updated: datetime
    summary: str
    content: str


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: datetime
    entries: tuple[FeedEntry, ...]


def render_atom(digests: Sequence[Digest]) -> str:
    """The feed of ``digests`` (one per day), newest first."""
    selection = digests[0].topic_filter if digests else None
    entries = tuple(
        _entry(d, selection) for d in sorted(digests, key=lambda d: d.start, reverse=True)
    )
    feed = Feed(
        id=f"urn:mediamon:digest:{selection or 'all'}",
        title=digests[0].heading if digests else "mediamon digest",
        updated=max((entry.updated for entry in entries), default=EPOCH),
        entries=entries,
    )
    return html_environment().get_template("digest.atom.j2").render(feed=feed)


def _entry(digest: Digest, selection: str | None) -> FeedEntry:
    day = digest.start.date().isoformat()
    return FeedEntry(
        id=f"urn:mediamon:digest:{selection or 'all'}:{day}",
        title=f"{digest.title} · {counted(digest.story_count, 'story')}, {digest.new_count} new",
        # From the data, not the clock: an entry changes only when its day's articles do.
        updated=min(digest.end, digest.last_collected or digest.start),
        summary=_summary(digest),
        content=str(render_html_body(digest)),
    )


def _summary(digest: Digest) -> str:
    if digest.is_empty:
        return "No articles were collected on this day."
    top = [story for section in digest.sections for story in section.full[:1]]
    lead = f"; top story: {top[0].headline}" if top else ""
    stories = counted(digest.story_count, "story")
    return f"{stories} from {counted(digest.article_count, 'article')}{lead}"
