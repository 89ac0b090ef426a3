"""The coverage timeline: articles per hour (or per day, for long periods) as inline SVG.

The SVG is self-contained (no script, no fonts, no external references) so it shows the same in
a browser and in mail clients that render SVG; text formats get a one-line sparkline instead.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from mediamon.core.wording import counted
from mediamon.digest.model import TimelineBucket

HOURLY_UP_TO = timedelta(hours=48)
MAX_BUCKETS = 62
WIDTH, HEIGHT = 540, 160
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 14, 24
ALL_COLOUR, TOPIC_COLOUR, INK = "#c9d3df", "#1f5fa8", "#44505e"
SPARKS = "▁▂▃▄▅▆▇█"
AXIS_LABELS = {"%Y-%m-%d": 5, "%Y-%m-%d %H:%M": 3}  # longer labels, fewer of them (else 8)


class Dated(Protocol):
    @property
    def when(self) -> datetime: ...


RecordT = TypeVar("RecordT", bound=Dated)


def timeline_buckets(
    records: Sequence[RecordT],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    on_topic: Callable[[RecordT], bool],
) -> tuple[TimelineBucket, ...]:
    starts = _bucket_starts(start, end, zone)
    articles, topical = [0] * len(starts), [0] * len(starts)
    for record in records:
        index = bisect_right(starts, record.when) - 1
        if 0 <= index < len(starts):
            articles[index] += 1
            topical[index] += on_topic(record)
    return tuple(TimelineBucket(s, a, t) for s, a, t in zip(starts, articles, topical, strict=True))


def _bucket_starts(start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
    if end - start <= HOURLY_UP_TO:
        hours = -(-(end - start) // timedelta(hours=1))  # a last part-hour gets a bar of its own
        return [(start + timedelta(hours=h)).astimezone(zone) for h in range(max(hours, 1))]
    day = start.astimezone(zone).date()
    starts = [start.astimezone(zone)]
    while (boundary := datetime.combine(day + timedelta(days=len(starts)), time.min, zone)) < end:
        starts.append(boundary)
    days_per_bucket = -(-len(starts) // MAX_BUCKETS)  # long periods: several days per bar
    return starts[::days_per_bucket]


def is_hourly(buckets: Sequence[TimelineBucket]) -> bool:
    return len(buckets) < 2 or buckets[1].start - buckets[0].start <= timedelta(hours=1)


def label_format(buckets: Sequence[TimelineBucket]) -> str:
    """Hours, or days; with the year (and for hours the day) when the span crosses a year."""
    crosses_year = bool(buckets) and buckets[0].start.year != buckets[-1].start.year
    if is_hourly(buckets):
        return "%Y-%m-%d %H:%M" if crosses_year else "%H:%M"
    return "%Y-%m-%d" if crosses_year else "%m-%d"


def bucket_label(bucket: TimelineBucket, label: str) -> str:
    return bucket.start.strftime(label)


def sparkline(buckets: Sequence[TimelineBucket]) -> str:
    """One line for text digests, e.g. '00:00 ▁▁▃█▅▂ 23:00, peak 14:00 (57 articles)'."""
    if not buckets or not any(b.articles for b in buckets):
        return ""
    peak = max(buckets, key=lambda b: b.articles)
    label = label_format(buckets)
    bars = "".join(SPARKS[round(b.articles / peak.articles * (len(SPARKS) - 1))] for b in buckets)
    first, last = bucket_label(buckets[0], label), bucket_label(buckets[-1], label)
    peak_label = bucket_label(peak, label)
    return f"{first} {bars} {last}, peak {peak_label} ({counted(peak.articles, 'article')})"


def timeline_svg(buckets: Sequence[TimelineBucket], topic_label: str) -> Markup:
    """A bar chart: all articles per bucket, the on-topic share drawn over it."""
    if not buckets:
        return Markup("")
    label = label_format(buckets)
    top = max(1, *(b.articles for b in buckets))
    slot = (WIDTH - LEFT - RIGHT) / len(buckets)
    parts = [_frame(top, buckets, topic_label)]
    parts += [_bar(i, b, slot, top, label, topic_label) for i, b in enumerate(buckets)]
    parts += _axis_labels(buckets, slot, label)
    parts.append(_legend(topic_label))
    return Markup("".join(parts) + "</svg>")


def _frame(top: int, buckets: Sequence[TimelineBucket], topic_label: str) -> str:
    total = sum(b.articles for b in buckets)
    topical = sum(b.on_topic for b in buckets)
    summary = escape(f"Coverage timeline: {counted(total, 'article')}, {topical} on {topic_label}")
    base = HEIGHT - BOTTOM
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'width="100%" style="display:block;max-width:{WIDTH}px;height:auto" '
        f'font-family="Helvetica,Arial,sans-serif" font-size="12" fill="{INK}">'
        f"<title>{summary}</title>"
        f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="#e6eaef"/>'
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#9aa5b1"/>'
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{top}</text>'
        f'<text x="{LEFT - 6}" y="{base}" text-anchor="end">0</text>'
    )


def _bar(
    index: int, bucket: TimelineBucket, slot: float, top: int, label_as: str, topic_label: str
) -> str:
    x = LEFT + index * slot + slot * 0.12
    width = slot * 0.76
    label = escape(
        f"{bucket_label(bucket, label_as)}: {counted(bucket.articles, 'article')}, "
        f"{bucket.on_topic} on {topic_label}"
    )
    return (
        f"<g><title>{label}</title>"
        f"{_rect(x, width, bucket.articles, top, ALL_COLOUR)}"
        f"{_rect(x, width, bucket.on_topic, top, TOPIC_COLOUR)}</g>"
    )


def _rect(x: float, width: float, count: int, top: int, colour: str) -> str:
    if not count:
        return ""
    height = (HEIGHT - TOP - BOTTOM) * count / top
    y = HEIGHT - BOTTOM - height
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}"/>'
    )


def _axis_labels(buckets: Sequence[TimelineBucket], slot: float, label: str) -> list[str]:
    every = max(1, round(len(buckets) / AXIS_LABELS.get(label, 8)))
    return [
        f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
        f"{escape(bucket_label(bucket, label))}</text>"
        for i, bucket in enumerate(buckets)
        if i % every == 0
    ]


def _legend(topic_label: str) -> str:
    x = WIDTH - RIGHT - 240
    return (
        f'<rect x="{x}" y="2" width="9" height="9" fill="{ALL_COLOUR}"/>'
        f'<text x="{x + 13}" y="10">all articles</text>'
        f'<rect x="{x + 90}" y="2" width="9" height="9" fill="{TOPIC_COLOUR}"/>'
        f'<text x="{x + 103}" y="10">{escape(_short(topic_label))}</text>'
    )


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
