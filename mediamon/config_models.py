"""Typed models of the three config files; loading and error reporting are in mediamon.config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from mediamon.cron import cron_trigger

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
ARCHIVE_FIELDS = {"yyyy", "mm", "dd"}


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"'{value}' is not an http(s) URL; expected e.g. https://example.com/rss")
    return value


def _cron(value: str) -> str:
    try:
        cron_trigger(value)
    except ValueError as exc:
        raise ValueError(
            f"'{value}' is not a cron expression ({exc}); expected five fields, e.g. "
            "'*/30 * * * *' (or six, seconds first)"
        ) from exc
    return value


def _language(value: str) -> str:
    if not LANGUAGE.match(value):
        raise ValueError(
            f"'{value}' is not an ISO 639-1 language code; expected e.g. 'en', 'ru', 'uk'"
        )
    return value


def _selector(value: str) -> str:
    from parsel import Selector

    probe = Selector(text="<html></html>")
    try:
        if value.startswith(("/", "(")):
            probe.xpath(value)
        else:
            probe.css(value)
    except Exception as exc:  # parsel raises several types for bad selectors
        raise ValueError(f"'{value}' is neither a valid CSS nor XPath selector: {exc}") from exc
    return value


def _archive_template(value: str) -> str:
    if not ARCHIVE_FIELDS.intersection(re.findall(r"{(\w+)}", value)):
        raise ValueError(
            f"'{value}' names no date; expected a URL with {{yyyy}}, {{mm}} and {{dd}}, "
            "e.g. https://example.com/archive/{yyyy}/{mm}/{dd}"
        )
    try:
        sample = value.format(yyyy="2023", mm="05", dd="22")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"'{value}' has an unknown placeholder {exc}; use only {{yyyy}}, {{mm}}, {{dd}}"
        ) from exc
    _http_url(sample)
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
ArchiveTemplate = Annotated[str, AfterValidator(_archive_template)]
Cron = Annotated[str, AfterValidator(_cron)]
Language = Annotated[str, AfterValidator(_language)]
PruneSelector = Annotated[str, AfterValidator(_selector)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutletDefaults(Strict):
    """The ``defaults`` block of outlets.yaml: what every outlet inherits unless it sets its own."""

    schedule: Cron = "*/30 * * * *"
    download_delay: float = Field(1.0, ge=0)
    concurrency: int = Field(2, ge=1, le=64)
    languages: list[Language] = Field(default_factory=lambda: ["en"])
    prune: list[PruneSelector] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)


class OutletModel(Strict):
    """One outlet to watch. Unset fields inherit ``defaults``; ``prune``/``phrases`` add to them."""

    id: str
    name: str
    homepage: HttpUrl
    domains: list[str] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    feeds: list[HttpUrl] = Field(default_factory=list)
    sitemaps: list[HttpUrl] = Field(default_factory=list)
    sections: list[HttpUrl] = Field(default_factory=list)
    archives: list[ArchiveTemplate] = Field(default_factory=list)
    article_urls: str | None = None
    schedule: Cron | None = None
    download_delay: float | None = Field(None, ge=0)
    concurrency: int | None = Field(None, ge=1, le=64)
    prune: list[PruneSelector] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(
                f"'{value}' is not a valid id; use lowercase letters, digits, '-' or '_'"
            )
        return value

    @field_validator("article_urls")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"'{value}' is not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _has_sources(self) -> OutletModel:
        if not (self.feeds or self.sitemaps or self.sections or self.archives):
            raise ValueError(
                "an outlet needs at least one of 'feeds', 'sitemaps', 'sections' or 'archives'"
            )
        return self


class Outlet(OutletModel):
    """An outlet with the defaults applied: every optional field has its effective value."""

    schedule: Cron
    download_delay: float
    concurrency: int

    def owns(self, url: str) -> bool:
        """Whether ``url`` is on one of this outlet's own domains (subdomains included)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == domain or host.endswith("." + domain) for domain in self.domains)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` matches ``article_urls`` (any URL does when no pattern is set)."""
        return self.article_urls is None or re.search(self.article_urls, url) is not None


class OutletsFile(Strict):
    defaults: OutletDefaults = Field(default_factory=OutletDefaults)  # type: ignore[arg-type]
    outlets: list[OutletModel]

    def resolved_outlets(self) -> list[Outlet]:
        return [self._resolve(outlet) for outlet in self.outlets]

    def _resolve(self, outlet: OutletModel) -> Outlet:
        base = self.defaults
        values: dict[str, Any] = outlet.model_dump()
        values["domains"] = [d.lower() for d in outlet.domains] or [_site_domain(outlet.homepage)]
        values["languages"] = outlet.languages or base.languages
        values["schedule"] = outlet.schedule or base.schedule
        if outlet.download_delay is None:
            values["download_delay"] = base.download_delay
        values["concurrency"] = outlet.concurrency or base.concurrency
        values["prune"] = [*base.prune, *outlet.prune]
        values["phrases"] = [*base.phrases, *outlet.phrases]
        values["labels"] = outlet.labels or base.labels
        return Outlet.model_validate(values)


def _site_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class TopicModel(Strict):
    """A topic to follow: a boolean query over title and text, in the given languages."""

    id: str
    name: str
    query: str
    languages: list[Language] = Field(default_factory=list)
    since: date | None = None
    until: date | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        return OutletModel._slug(value)

    @field_validator("query")
    @classmethod
    def _parses(cls, value: str) -> str:
        from pipelines.query import QuerySyntaxError, parse_query

        try:
            parse_query(value)
        except QuerySyntaxError as exc:
            raise ValueError(str(exc)) from exc
        return value


class TopicsFile(Strict):
    topics: list[TopicModel]


class EmailSettings(Strict):
    """SMTP delivery of the digest. The password is read from the environment variable named."""

    smtp_host: str = "localhost"
    smtp_port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    password_env: str = "MEDIAMON_SMTP_PASSWORD"
    sender: str = "mediamon@localhost"
    recipients: list[str] = Field(default_factory=list)


class DigestSettings(Strict):
    schedule: Cron = "0 7 * * *"
    formats: list[str] = Field(default_factory=lambda: ["md"])
    output_dir: str = "digests"
    email: EmailSettings | None = None

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str]) -> list[str]:
        known = {"md", "html", "txt", "json", "atom"}
        unknown = [f for f in value if f not in known]
        if unknown:
            raise ValueError(f"unknown format(s) {unknown}; choose from {sorted(known)}")
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
    # Processes extracting pages during a crawl; None: one per CPU core; 0 or 1: in the crawl.
    extract_processes: int | None = Field(None, ge=0)

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

    database_url: str = "sqlite:///mediamon.sqlite"
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


@dataclass(frozen=True)
class Config:
    """The validated configuration every command works from."""

    directory: Path
    outlets: list[Outlet]
    topics: list[TopicModel]
    settings: SettingsFile

    def outlet(self, outlet_id: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        known = ", ".join(o.id for o in self.outlets)
        raise KeyError(
            f"no outlet '{outlet_id}' in {self.directory / 'outlets.yaml'}; known: {known}"
        )

    def topic(self, topic_id: str) -> TopicModel:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        known = ", ".join(t.id for t in self.topics)
        raise KeyError(f"no topic '{topic_id}' in {self.directory / 'topics.yaml'}; known: {known}")
