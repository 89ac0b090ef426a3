"""The database schema: the ORM models of every table, and the types and helpers they share.

The schema is created and changed only through the Alembic migrations in
mediamon/core/migrations (see :mod:`mediamon.core.db`).
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import (
    text as sql_text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: mediamon stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Feed(Base):
    """A feed URL and what is needed to poll it politely: validators and failure history."""

    __tablename__ = "feeds"
    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    outlet_id: Mapped[str] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    entries_seen: Mapped[int] = mapped_column(Integer, default=0)
    poll_interval: Mapped[float | None] = mapped_column(Float)
    """Seconds between polls, adapted to the feed's publishing rate within configured bounds."""
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the feed is next due: interval, failure backoff or the server's Retry-After."""
    newest_entry_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UrlFailure(Base):
    """A page that failed (to download, or to extract to an article): tried again only once
    ``retry_at`` has come, and no more after ``crawling.url_max_attempts`` attempts."""

    __tablename__ = "url_failures"
    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    outlet_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    """None once given up: the page is not requested again while the record stands."""
    source_url: Mapped[str | None] = mapped_column(String(2048))


class ListingValidators(Base):
    """HTTP validators of a sitemap or section page read in full, for conditional GETs; a 304
    follows ``followed`` (an index's sitemaps, a section's next page) as the page did."""

    __tablename__ = "listing_validators"
    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    outlet_id: Mapped[str] = mapped_column(String(64), index=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    followed: Mapped[list[str]] = mapped_column(JSON, default=list)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ArticleRow(Base):
    """A stored article. ``url`` is where it was fetched; ``canonical_url`` is unique."""

    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    outlet_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_source: Mapped[str | None] = mapped_column(String(16))
    """Where the publication date came from: feed, sitemap, json-ld, meta, time, text, url..."""
    published_utc_offset: Mapped[int | None] = mapped_column(Integer)
    """The page's own UTC offset in minutes, when it stated one: its day is the page's day."""
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_source: Mapped[str | None] = mapped_column(String(16))
    rejected_dates: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    """Dates the page or its listing stated that were not believed, with why."""
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the article was first fetched (``fetched_at`` is its latest fetch)."""
    language: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    raw_html: Mapped[bytes] = mapped_column(LargeBinary)
    encoding: Mapped[str] = mapped_column(String(32))
    removed: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    is_teaser: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    source_url: Mapped[str | None] = mapped_column(String(2048))

    @property
    def page_published_at(self) -> datetime | None:
        """``published_at`` where the page was published (its own UTC offset, when it stated
        one): its date is the page's day, which UTC's may not be."""
        if self.published_at is None or self.published_utc_offset is None:
            return self.published_at
        return self.published_at.astimezone(timezone(timedelta(minutes=self.published_utc_offset)))

    __table_args__ = (
        Index("ix_articles_outlet_published", "outlet_id", "published_at"),
        Index("ix_articles_published", "published_at"),
        Index("ix_articles_fetched", "fetched_at"),
        # outlet health's newest articles by when they appeared (migration 0011)
        Index(
            "ix_articles_outlet_moment",
            "outlet_id",
            sql_text("coalesce(published_at, fetched_at)"),
        ),
        Index("ix_articles_outlet_id", "outlet_id", "id"),  # an outlet's newest (migration 0012)
    )


class ArticleTopic(Base):
    __tablename__ = "article_topics"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class BoilerplateLine(Base):
    """A paragraph seen across articles of one outlet; ``status`` is learned, pinned or exempt."""

    __tablename__ = "boilerplate_lines"
    outlet_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    line_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="candidate")
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BoilerplateSighting(Base):
    """An article in which a boilerplate candidate line appeared: counts are of distinct articles.

    ``article_key`` is a hash of the article's canonical URL: re-crawling or re-extracting the
    same article never counts twice, across runs and processes.
    """

    __tablename__ = "boilerplate_sightings"
    outlet_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    line_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    article_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class ArticleVersion(Base):
    """An earlier text of an article, kept when a re-fetch of the same URL brought a new one.

    ``articles`` always holds the newest text; numbers count from 1 (the first text stored).
    """

    __tablename__ = "article_versions"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))


class MinHashSignature(Base):
    """An article's MinHash signature (uint32 values) and how many shingles its text had."""

    __tablename__ = "minhash_signatures"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    shingles: Mapped[int] = mapped_column(Integer)


class MinHashBand(Base):
    """One LSH band of an article's signature, hashed; articles sharing a band are candidates."""

    __tablename__ = "minhash_bands"
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    __table_args__ = ({"sqlite_with_rowid": False},)


class Story(Base):
    """Articles about the same development, across outlets and languages."""

    __tablename__ = "stories"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    headline: Mapped[str] = mapped_column(Text)
    first_outlet_id: Mapped[str] = mapped_column(String(64))
    first_article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    article_count: Mapped[int] = mapped_column(Integer, default=1)
    # The squared length of the story's centroid (the sum of its members' feature vectors).
    norm_squared: Mapped[float] = mapped_column(Float, default=0.0)


class StoryMember(Base):
    """An article's place in a story; ``keys`` are the entity keys it was grouped by."""

    __tablename__ = "story_members"
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[float] = mapped_column(Float, default=0.0)
    keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Why it joined: how (first, similar, copy), the score and the top shared names and words.
    why: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class StoryKey(Base):
    """How many of a story's articles carry a feature, and its weight in the story's centroid:
    the index stories are found and compared by."""

    __tablename__ = "story_keys"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    articles: Mapped[int] = mapped_column(Integer, default=1)
    weight: Mapped[float] = mapped_column(Float, default=0.0)


class EntityKeyFrequency(Base):
    """In how many stored articles an entity key occurs, so rare names weigh more than common."""

    __tablename__ = "entity_key_frequencies"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    articles: Mapped[int] = mapped_column(Integer, default=0)


class Run(Base):
    """One run of a job (a crawl, a digest): when, how it ended, and what it counted."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job: Mapped[str] = mapped_column(Text, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The process that records the run, so a run left 'running' by a killed one can be settled.
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))
    # The file holding the run's output, when the scheduler ran it (mediamon.ops.run_logs).
    log_path: Mapped[str | None] = mapped_column(Text)


class DigestRecord(Base):
    """The stories a digest showed, per topic selection (a topic id, or ``*`` for all) and
    period: the next period's digest marks as new only the stories this one did not show."""

    __tablename__ = "digest_records"
    selection: Mapped[str] = mapped_column(String(64), primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime())
    story_keys: Mapped[list[str]] = mapped_column(JSON, default=list)


class AlertDevelopment(Base):
    """Something that happened to a subscribed story or topic (mediamon.alerts), recorded once
    per subscription: the unique key is what makes it exactly-once across processes."""

    __tablename__ = "alert_developments"
    __table_args__ = (UniqueConstraint("subscription", "key", name="uq_alert_development"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(32))
    # What a message merges developments by: ``story:<id>`` or ``topic:<id>``.
    subject: Mapped[str] = mapped_column(String(128))
    summary: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_messages.id", ondelete="SET NULL"), index=True
    )


class AlertMessage(Base):
    """One message of a subscription: the developments of one story (or topic) merged."""

    __tablename__ = "alert_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AlertDelivery(Base):
    """The outbox: a message to one target, its attempts, and how the last one went."""

    __tablename__ = "alert_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("alert_messages.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When it may next be tried; while one process is sending, the end of its lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements (cheaper per row than the ORM on hot paths)."""
    return Base.metadata.tables[model.__tablename__]


def compress_html(html: bytes) -> bytes:
    return zlib.compress(html, 6)


def decompress_html(blob: bytes) -> bytes:
    return zlib.decompress(blob)


def utcnow() -> datetime:
    return datetime.now(UTC)
