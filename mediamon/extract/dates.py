"""Publication dates an analyst can trust: every source's date is a vote, and the day with the most
weight behind it wins, not the first date found.

A page often states its date several times (JSON-LD, <meta>, a <time>, its URL, the text under
the headline) and its feed states it again; any one of them can be wrong: a placeholder year 1,
a related post's <time>, a time in UTC whose day is not the page's. Each candidate supports the
day it falls on where the page is; the sources that agree outvote the one that does not. A value
outside the plausibility window (before 1990, or after the page was first seen plus a day) never
votes: it is kept among the rejected ones, so the operator can see it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from email.utils import parsedate_to_datetime

from mediamon.core.plausible_dates import LATEST_AFTER_SEEN, is_plausible
from mediamon.extract.date_sources import SOURCE_KINDS, DateSource

DATE_ONLY_FORMAT = "%Y-%m-%d"
# why a date was not believed
IMPLAUSIBLE = "implausible"
UNREADABLE = "unreadable"
# A date without a time of day is taken at noon where the page is: its day survives any offset.
DAY_ONLY_TIME = time(12)
# A time stated in UTC may fall on the next or previous day where the page is: it supports that
# neighbouring day too, with this share of its weight, so a URL or text that names it can win.
NEIGHBOUR_SHARE = 0.5
# UTC hours at which it is already the previous day in the Americas, or the next day in Asia
LATEST_PREVIOUS_DAY_HOUR = 8
EARLIEST_NEXT_DAY_HOUR = 14
# A full time with its offset was written by a machine on purpose; a bare day is often an issue's
# date, or a template's.
STATED_TIME_SHARE = 1.25
# A published candidate that is exactly a stated update time, when another states an earlier
# publication time, is likely that update time.
UPDATE_ECHO_SHARE = 0.25

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan januar janvier enero января январь січня січень",
            "february feb februar février febrero февраля февраль лютого лютий",
            "march mar märz mars marzo марта март березня березень",
            "april apr avril abril апреля апрель квітня квітень",
            "may mai mayo мая май травня травень",
            "june jun juni juin junio июня июнь червня червень",
            "july jul juli juillet julio июля июль липня липень",
            "august aug août agosto августа август серпня серпень",
            "september sep sept septembre septiembre сентября сентябрь вересня вересень",
            "october oct oktober octobre octubre октября октябрь жовтня жовтень",
            "november nov novembre noviembre ноября ноябрь листопада листопад",
            "december dec dezember décembre diciembre декабря декабрь грудня грудень",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
NUMERIC_DAY = re.compile(r"\b(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d\d)\b")
ISO_DAY = re.compile(r"\b(?P<y>(?:19|20)\d\d)[-/.](?P<m>[01]?\d)[-/.](?P<d>[0-3]?\d)\b")
DAY_MONTH_YEAR = re.compile(
    rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<mon>{_MONTH_NAMES})\.?,?\s+"
    r"(?:de\s+)?(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
MONTH_DAY_YEAR = re.compile(
    rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
DAY_PATTERNS = (ISO_DAY, DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC_DAY)
UTC_NAMES = re.compile(r"\s*(?:UTC|GMT|Z)$", re.IGNORECASE)
COMPACT_OFFSET = re.compile(r"([+-]\d\d)(\d\d)$")


@dataclass(frozen=True)
class ParsedDate:
    moment: datetime
    """Aware; in the zone the string named (UTC when it named none)."""
    has_time: bool
    zone_stated: bool


@dataclass(frozen=True)
class DateCandidate:
    """One source's word on a date: ``text`` as found, ``moment`` as read (None if unreadable)."""

    source: DateSource
    text: str
    moment: datetime | None
    has_time: bool = True
    zone_stated: bool = True

    @classmethod
    def read(cls, source: DateSource, text: str) -> DateCandidate:
        parsed = parse_date(text)
        if parsed is None:
            return cls(source, text, None)
        return cls(source, text, parsed.moment, parsed.has_time, parsed.zone_stated)

    @classmethod
    def known(cls, source: DateSource, moment: datetime) -> DateCandidate:
        """A date already read (a feed's), taken as UTC if it has no zone."""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return cls(source, aware.isoformat(), aware)


@dataclass(frozen=True)
class DateChoice:
    moment: datetime
    """Aware, in the page's own offset when a source stated one."""
    source: DateSource
    """The source whose value was taken (others may have agreed on the day)."""


@dataclass(frozen=True)
class Rejected:
    source: DateSource
    text: str
    reason: str


@dataclass
class DateCandidates:
    """Every date a page (and its listing) states, by what it dates."""

    published: list[DateCandidate] = field(default_factory=list)
    updated: list[DateCandidate] = field(default_factory=list)

    def with_published(self, candidate: DateCandidate) -> DateCandidates:
        return DateCandidates([*self.published, candidate], list(self.updated))


@dataclass(frozen=True)
class DateDecision:
    published: DateChoice | None
    updated: DateChoice | None
    rejected: tuple[Rejected, ...] = ()

    def rejected_notes(self) -> list[str]:
        """The dates not believed, one "source: 'value' (reason)" each."""
        return [f"{r.source}: {r.text!r} ({r.reason})" for r in self.rejected]


def parse_date(text: str) -> ParsedDate | None:
    """A date in any common machine form (ISO 8601, RFC 2822) or, failing that, the first day
    written out in ``text`` ("3 May 2024", "May 3, 2024", "03.05.2024", "3 мая 2024")."""
    text = " ".join(text.split())
    if not text:
        return None
    return _machine_date(text) or _written_day(text)


def _machine_date(text: str) -> ParsedDate | None:
    iso = _iso(text)
    if iso is not None:
        return iso
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return ParsedDate(value if value.tzinfo else value.replace(tzinfo=UTC), True, True)


def _iso(text: str) -> ParsedDate | None:
    cleaned = COMPACT_OFFSET.sub(r"\1:\2", UTC_NAMES.sub("+00:00", text.replace(" ", "T", 1)))
    cleaned = cleaned.replace("T+", "+").replace(" +", "+").replace(" -", "-")
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    has_time = len(cleaned) > 10
    if value.tzinfo is None:
        return ParsedDate(value.replace(tzinfo=UTC), has_time, False)
    return ParsedDate(value, has_time, True)


def _written_day(text: str) -> ParsedDate | None:
    for pattern in DAY_PATTERNS:
        for match in pattern.finditer(text):
            day = _day_of(match)
            if day is not None:
                return ParsedDate(datetime.combine(day, DAY_ONLY_TIME, UTC), False, False)
    return None


def _day_of(match: re.Match[str]) -> date | None:
    parts = match.groupdict()
    month = MONTHS.get(parts["mon"].lower()) if parts.get("mon") else int(parts["m"])
    try:
        return date(int(parts["y"]), month or 0, int(parts["d"]))
    except ValueError:
        return None


def decide_dates(candidates: DateCandidates, seen_at: datetime) -> DateDecision:
    """The published and updated dates the candidates agree on; ``seen_at`` is when the page was
    first seen (nothing is published a day after it)."""
    rejected: list[Rejected] = []
    updated_candidates = _plausible(candidates.updated, seen_at, rejected)
    published_candidates = _plausible(candidates.published, seen_at, rejected)
    published = _decide(published_candidates, _echoes(published_candidates, updated_candidates))
    updated = _decide(updated_candidates, earliest=published)
    return DateDecision(published, updated, tuple(rejected))


def decide_article_dates(
    page: DateCandidates,
    listed: datetime | None,
    listed_by: DateSource,
    seen_at: datetime,
) -> DateDecision:
    """The page's dates decided together with the date its listing (feed, sitemap) gave."""
    if listed is not None:
        page = page.with_published(DateCandidate.known(listed_by, listed))
    return decide_dates(page, seen_at)


def _plausible(
    candidates: Iterable[DateCandidate], seen_at: datetime, rejected: list[Rejected]
) -> list[DateCandidate]:
    kept = []
    for candidate in candidates:
        if candidate.moment is None:
            rejected.append(Rejected(candidate.source, candidate.text, UNREADABLE))
        elif not is_plausible(candidate.moment, seen_at):
            rejected.append(Rejected(candidate.source, candidate.text, IMPLAUSIBLE))
        else:
            kept.append(candidate)
    return kept


def _echoes(
    published: Sequence[DateCandidate], updated: Sequence[DateCandidate]
) -> set[datetime | None]:
    """The update times that published candidates repeat while an earlier one was stated."""
    timed = [c.moment for c in published if c.has_time and c.moment is not None]
    earliest = min(timed, default=None)
    return {c.moment for c in updated if c.has_time and c.moment != earliest}


def _decide(
    candidates: Sequence[DateCandidate],
    update_times: Collection[datetime | None] = (),
    earliest: DateChoice | None = None,
) -> DateChoice | None:
    if earliest is not None:  # an update before the publication is not one (days may be bare)
        start = earliest.moment - LATEST_AFTER_SEEN
        candidates = [c for c in candidates if c.moment and c.moment >= start]
    if not candidates:
        return None
    zone = _page_zone(candidates)
    day = _winning_day(candidates, zone, update_times)
    return _moment_on(day, candidates, zone)


def _page_zone(candidates: Sequence[DateCandidate]) -> tzinfo | None:
    """The page's own offset: the first stated one that is not UTC, by source rank."""
    for candidate in _by_rank(candidates):
        moment = candidate.moment
        if candidate.zone_stated and moment is not None and moment.utcoffset():
            return moment.tzinfo
    return None


def _by_rank(candidates: Iterable[DateCandidate]) -> list[DateCandidate]:
    return sorted(candidates, key=lambda c: SOURCE_KINDS[c.source].rank)


def _winning_day(
    candidates: Sequence[DateCandidate],
    zone: tzinfo | None,
    update_times: Collection[datetime | None],
) -> date:
    votes: dict[date, dict[DateSource, float]] = defaultdict(dict)
    for candidate in candidates:
        weight = _weight(candidate, update_times)
        for day, share in _days_supported(candidate, zone):
            current = votes[day].get(candidate.source, 0.0)
            votes[day][candidate.source] = max(current, weight * share)
    totals = {day: sum(by_source.values()) for day, by_source in votes.items()}
    # a tie goes to the earlier day: a publication date is never after an update
    return min(totals, key=lambda day: (-totals[day], day))


def _weight(candidate: DateCandidate, update_times: Collection[datetime | None]) -> float:
    weight = SOURCE_KINDS[candidate.source].weight
    if candidate.has_time and candidate.zone_stated:
        weight *= STATED_TIME_SHARE
    if candidate.moment in update_times:
        weight *= UPDATE_ECHO_SHARE
    return weight


def _days_supported(candidate: DateCandidate, zone: tzinfo | None) -> list[tuple[date, float]]:
    moment = candidate.moment
    assert moment is not None
    if not candidate.has_time:
        return [(moment.date(), 1.0)]
    local = moment.astimezone(zone) if zone is not None else moment
    if zone is not None or moment.utcoffset():
        return [(local.date(), 1.0)]
    # in UTC and the page's zone unknown: near midnight the page's day may be the next or previous
    if local.hour < LATEST_PREVIOUS_DAY_HOUR:
        return [(local.date(), 1.0), (local.date() - timedelta(days=1), NEIGHBOUR_SHARE)]
    if local.hour >= EARLIEST_NEXT_DAY_HOUR:
        return [(local.date(), 1.0), (local.date() + timedelta(days=1), NEIGHBOUR_SHARE)]
    return [(local.date(), 1.0)]


def _moment_on(
    day: date, candidates: Sequence[DateCandidate], zone: tzinfo | None
) -> DateChoice | None:
    on_day = [c for c in _by_rank(candidates) if (day, 1.0) in _days_supported(c, zone)]
    timed = [c for c in on_day if c.has_time]
    if timed and timed[0].moment is not None:
        moment = timed[0].moment
        return DateChoice(moment.astimezone(zone) if zone is not None else moment, timed[0].source)
    neighbours = [c for c in _by_rank(candidates) if c.has_time and c.moment is not None]
    for candidate in neighbours:  # a UTC time whose day where the page is was voted for
        assert candidate.moment is not None
        if any(d == day for d, _ in _days_supported(candidate, zone)):
            return DateChoice(candidate.moment, candidate.source)
    source = on_day[0].source if on_day else candidates[0].source
    return DateChoice(datetime.combine(day, DAY_ONLY_TIME, zone or UTC), source)


def utc_offset_minutes(moment: datetime | None) -> int | None:
    """The offset of ``moment`` from UTC in minutes (None without a date or a zone)."""
    if moment is None or moment.utcoffset() is None:
        return None
    offset = moment.utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)
