"""Typed models of the three config files; loading and error reporting are in
mediamon.core.config."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from mediamon.core.alerts_models import AlertsFile
from mediamon.core.config_types import (
    ArchiveTemplate,
    ArticlePattern,
    Cron,
    HttpUrl,
    Language,
    PruneSelector,
    Slug,
    Strict,
    checked_query,
)
from mediamon.core.hosts import host_key, on_domain
from mediamon.core.settings_models import (
    AlertSettings,
    CrawlingSettings,
    DigestSettings,
    EmailSettings,
    SchedulerSettings,
    SettingsFile,
)
from mediamon.core.sources import SOURCE_FIELDS
from mediamon.core.url_patterns import search

__all__ = [
    "AlertSettings",
    "Config",
    "CrawlingSettings",
    "DigestSettings",
    "EmailSettings",
    "Outlet",
    "OutletDefaults",
    "OutletModel",
    "OutletsFile",
    "SchedulerSettings",
    "SettingsFile",
    "TopicModel",
    "TopicsFile",
]


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

    id: Slug
    name: str
    homepage: HttpUrl
    domains: list[str] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    feeds: list[HttpUrl] = Field(default_factory=list)
    sitemaps: list[HttpUrl] = Field(default_factory=list)
    sections: list[HttpUrl] = Field(default_factory=list)
    archives: list[ArchiveTemplate] = Field(default_factory=list)
    article_urls: ArticlePattern | None = None
    schedule: Cron | None = None
    download_delay: float | None = Field(None, ge=0)
    concurrency: int | None = Field(None, ge=1, le=64)
    prune: list[PruneSelector] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_sources(self) -> OutletModel:
        if not any(getattr(self, field) for field in SOURCE_FIELDS):
            *first, last = (f"'{field}'" for field in SOURCE_FIELDS)
            raise ValueError(f"an outlet needs at least one of {', '.join(first)} or {last}")
        return self


class Outlet(OutletModel):
    """An outlet with the defaults applied: every optional field has its effective value."""

    schedule: Cron
    download_delay: float
    concurrency: int

    def owns(self, url: str) -> bool:
        """Whether ``url`` is on one of this outlet's own domains (subdomains included), hosts
        compared in their ASCII (IDNA) form: ``domains`` holds that form."""
        try:
            host = host_key(urlsplit(url).hostname or "")
        except ValueError:  # not a URL (an invalid IPv6 literal, say)
            return False
        return any(on_domain(host, domain) for domain in self.domains)

    def is_article_url(self, url: str) -> bool:
        """Whether ``url`` matches ``article_urls`` (any URL does when no pattern is set);
        :class:`~mediamon.core.url_patterns.PatternTimeout` when matching takes too long."""
        return self.article_urls is None or search(self.article_urls, url)


class OutletsFile(Strict):
    defaults: OutletDefaults = Field(default_factory=OutletDefaults)  # type: ignore[arg-type]
    outlets: list[OutletModel]

    def resolved_outlets(self) -> list[Outlet]:
        return [self._resolve(outlet) for outlet in self.outlets]

    def _resolve(self, outlet: OutletModel) -> Outlet:
        base = self.defaults
        values: dict[str, Any] = outlet.model_dump()
        domains = outlet.domains or [_site_domain(outlet.homepage)]
        values["domains"] = [host_key(domain) for domain in domains]
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
    return host_key(urlsplit(url).hostname or "").removeprefix("www.")


class TopicModel(Strict):
    """A topic to follow: a boolean query over title and text, in the given languages."""

    id: Slug
    name: str
    query: str
    languages: list[Language] = Field(default_factory=list)
    since: date | None = None
    until: date | None = None

    @field_validator("query")
    @classmethod
    def _parses(cls, value: str) -> str:
        return checked_query(value)


class TopicsFile(Strict):
    topics: list[TopicModel]


@dataclass(frozen=True)
class Config:
    """The validated configuration every command works from."""

    directory: Path
    outlets: list[Outlet]
    topics: list[TopicModel]
    settings: SettingsFile
    alerts: AlertsFile = dataclasses.field(default_factory=lambda: AlertsFile.model_validate({}))

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
