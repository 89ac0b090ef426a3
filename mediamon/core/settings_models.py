"""The model of settings.yaml: storage, time zone, crawling identity and limits, scheduler,
alerts, digest."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from mediamon.core.config_types import Cron, HttpUrl, Strict
from mediamon.core.digest_formats import DEFAULT_DIGEST_FORMAT, DIGEST_FORMAT_NAMES
from mediamon.core.names import SMTP_PASSWORD_ENV


class EmailSettings(Strict):
    """SMTP delivery of the digest. The password is read from the environment variable named."""

    smtp_host: str = "localhost"
    smtp_port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    password_env: str = SMTP_PASSWORD_ENV
    sender: str = "mediamon@localhost"
    recipients: list[str] = Field(default_factory=list)


class DigestSettings(Strict):
    schedule: Cron = "0 7 * * *"
    formats: list[str] = Field(default_factory=lambda: [DEFAULT_DIGEST_FORMAT])
    output_dir: str = "digests"
    email: EmailSettings | None = None

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in DIGEST_FORMAT_NAMES]
        if unknown:
            known = sorted(DIGEST_FORMAT_NAMES)
            raise ValueError(f"unknown format(s) {unknown}; choose from {known}")
        return value


class SchedulerSettings(Strict):
    """How `mediamon run` runs jobs: limits per crawl process, catch-up, reloading."""

    misfire_grace_time: int = Field(3600, ge=1)
    crawl_time_limit: float = Field(1800, gt=0)
    digest_time_limit: float = Field(600, gt=0)
    crawl_memory_limit_mb: int | None = Field(4096, ge=64)
    stop_grace: float = Field(30, gt=0)
    max_parallel_jobs: int = Field(4, ge=1, le=64)
    reload_interval: float = Field(5, gt=0)
    crawl_command: list[str] | None = Field(None, min_length=1)
    # The output of each run is kept in logs_dir: the first part of a run's output and its end
    # up to this size, and the newest logs within the count and the total size.
    run_log_max_mb: float = Field(10, gt=0)
    run_logs_keep: int = Field(500, ge=1)
    run_logs_max_total_mb: float = Field(1000, gt=0)

    @model_validator(mode="after")
    def _one_log_fits(self) -> SchedulerSettings:
        if self.run_log_max_mb > self.run_logs_max_total_mb:
            raise ValueError(
                f"run_log_max_mb ({self.run_log_max_mb}) is above run_logs_max_total_mb "
                f"({self.run_logs_max_total_mb}): one run's log would not fit; lower it"
            )
        return self


class AlertSettings(Strict):
    """When an outlet counts as unhealthy, and where alerts go besides the log."""

    webhook_url: HttpUrl | None = None
    email: EmailSettings | None = None
    failing_polls: int = Field(3, ge=1)
    silent_factor: float = Field(3.0, ge=1)
    silent_floor_hours: float = Field(6.0, ge=0)
    short_text_ratio: float = Field(0.3, gt=0, lt=1)


class CrawlingSettings(Strict):
    """Politeness and limits of every crawl: feed polling rhythm, response caps, waiting."""

    poll_interval_min_minutes: float = Field(5, gt=0)
    poll_interval_max_minutes: float = Field(360, gt=0)
    failure_backoff_max_hours: float = Field(24, gt=0)
    retry_after_max_seconds: float = Field(120, ge=0)
    max_response_mb: float = Field(10, gt=0)
    timeout_seconds: float = Field(30, gt=0)
    autothrottle: bool = True
    # Bounded work per listing (the excess is counted under mediamon/capped/... and logged).
    # A news feed lists 10 to 100 entries, rarely a few hundred: 500 keeps every real one whole
    # while a feed of 100,000 entries costs one parse of 500 (feedparser needs seconds per
    # 10,000 entries).
    max_feed_entries: int = Field(500, ge=1)
    # The sitemap protocol's own limit of URLs per sitemap (and of sitemaps per index).
    max_sitemap_urls: int = Field(50_000, ge=1)
    # Levels of sitemap indexes followed below a configured (or robots.txt) sitemap: real
    # outlets use one or two (index -> monthly index -> daily sitemaps).
    max_sitemap_depth: int = Field(3, ge=0)
    # Distinct links read from one section or archive page, navigation included: a busy
    # section page of a large outlet has 200 to 600; more is a link farm. It also bounds the
    # article_urls matching done per page.
    max_section_links: int = Field(1000, ge=1)
    # Wall-clock limit of one `mediamon crawl` or `backfill` (every spider in sequence), as
    # scheduler.crawl_time_limit is for scheduled crawls; `--time-limit` overrides it.
    time_limit_seconds: float = Field(1800, gt=0)
    # A page that failed (download or extraction) waits url_retry_minutes before its next
    # attempt, doubled after each further failure up to url_retry_max_hours; after
    # url_max_attempts attempts it is given up (mediamon status lists it).
    url_retry_minutes: float = Field(60, ge=0)
    url_retry_max_hours: float = Field(48, ge=0)
    url_max_attempts: int = Field(5, ge=1)
    # A stored article whose listing says it changed since it was fetched is fetched again, at
    # most this many per outlet per crawl, and not again within the interval: an outlet that
    # stamps every entry "updated now" cannot make each crawl fetch everything again.
    max_refetches_per_outlet: int = Field(20, ge=0)
    min_refetch_interval_minutes: float = Field(15, ge=0)
    # Processes extracting pages during a crawl; None: one per CPU core (in a crawl of one
    # process; a sharded crawl extracts in each crawl process); 0 or 1: in the crawl.
    extract_processes: int | None = Field(None, ge=0)
    # Crawl processes, each crawling its own share of the outlets; None: one per CPU core.
    crawl_processes: int | None = None

    @field_validator("crawl_processes", mode="before")
    @classmethod
    def _process_count(cls, value: object) -> object:
        # Checked before coercion: 'true' or '2' would otherwise pass as a number.
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise ValueError(
                f"{value!r} is not a number of processes; expected a whole number, 1 or more "
                "(1 crawls in one process), or null for one per CPU core"
            )
        return value

    @model_validator(mode="after")
    def _interval_bounds(self) -> CrawlingSettings:
        if self.poll_interval_min_minutes > self.poll_interval_max_minutes:
            raise ValueError(
                f"poll_interval_min_minutes ({self.poll_interval_min_minutes}) is above "
                f"poll_interval_max_minutes ({self.poll_interval_max_minutes}); swap them"
            )
        return self


class SettingsFile(Strict):
    """settings.yaml: storage, time zone, crawling identity, digest."""

    # Relative paths here are relative to the config directory (see mediamon.core.config_paths).
    database_url: str = "sqlite:///mediamon.sqlite"
    logs_dir: str = "logs"
    # Distributed crawling (`mediamon worker`, `mediamon crawl --distributed`): the shared queue,
    # and the prefix of its keys, so deployments sharing one Redis don't take each other's work.
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_namespace: str = Field("mediamon", pattern=r"^[A-Za-z0-9_.-]+$")
    timezone: str = "UTC"
    user_agent: str = "mediamon/0.1 (+https://github.com/mediamon/mediamon)"
    contact: str | None = None
    obey_robots: bool = True
    boilerplate_min_articles: int = Field(5, ge=2)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)  # type: ignore[arg-type]
    alerts: AlertSettings = Field(default_factory=AlertSettings)  # type: ignore[arg-type]
    crawling: CrawlingSettings = Field(default_factory=CrawlingSettings)  # type: ignore[arg-type]

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"'{value}' is not an IANA time zone; expected e.g. 'Europe/Berlin' or 'UTC'"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError(
                f"'{value}' is not a supported database URL; use sqlite:///path/to/file.sqlite "
                "or postgresql://user@host/db"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(
                f"'{value}' is not a Redis URL; use redis://host:6379/0 (rediss:// for TLS)"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} {self.contact}".strip() if self.contact else self.user_agent
