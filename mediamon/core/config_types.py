"""Validated value types shared by the config models: URLs, cron expressions, languages,
selectors, archive templates, article URL patterns; and the strict base model (unknown keys are
errors)."""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict

from mediamon.core.cron import cron_trigger
from mediamon.core.url_patterns import backtracking_problem, compiled

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
ARCHIVE_FIELDS = {"yyyy", "mm", "dd"}


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a valid id; use lowercase letters, digits, '-' or '_'")
    return value


def checked_query(value: str) -> str:
    """``value`` if it is a valid query of the topic query language (mediamon.query.parser);
    else a ValueError saying what is wrong and at which character."""
    from mediamon.query.parser import QuerySyntaxError, parse_query

    try:
        parse_query(value)
    except QuerySyntaxError as exc:
        raise ValueError(str(exc)) from exc
    return value


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


def _article_pattern(value: str) -> str:
    try:
        re.compile(value)
        compiled(value)
    except Exception as exc:  # re.error, or regex.error for what only the matcher refuses
        raise ValueError(f"'{value}' is not a valid regular expression: {exc}") from exc
    problem = backtracking_problem(value)
    if problem:
        raise ValueError(f"'{value}' is refused: {problem}")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
ArticlePattern = Annotated[str, AfterValidator(_article_pattern)]
ArchiveTemplate = Annotated[str, AfterValidator(_archive_template)]
Cron = Annotated[str, AfterValidator(_cron)]
Language = Annotated[str, AfterValidator(_language)]
PruneSelector = Annotated[str, AfterValidator(_selector)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
