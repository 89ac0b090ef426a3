"""The topic page's coverage chart: a server-rendered SVG of articles per day, stacked by
outlet label. Colours come from the stylesheet (classes ``bar-N``), not inline styles."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from mediamon.core.wording import counted
from mediamon.web.queries.coverage import DayCoverage

HEIGHT = 160
SLOT = 40
BAR = 28
AXIS = 30
COLOURS = 6  # bar-0 .. bar-5 in style.css; further labels reuse them


def coverage_chart(chart: Sequence[DayCoverage], labels: Sequence[str]) -> Markup:
    """Articles per day, one bar per day stacked by label, each segment titled with its count."""
    top = max((day.articles for day in chart), default=0) or 1
    width = AXIS + SLOT * len(chart)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT + 40}" '
        f'width="{width}" height="{HEIGHT + 40}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">Articles per day by outlet label; most in a day: {top}</title>',
        f'<text x="0" y="12">{top}</text><text x="0" y="{HEIGHT}">0</text>',
    ]
    for slot, day in enumerate(chart):
        x = AXIS + slot * SLOT
        parts.extend(_stack(day, labels, x, top))
        if len(chart) <= 14 or slot % max(1, len(chart) // 10) == 0:
            parts.append(f'<text x="{x}" y="{HEIGHT + 16}">{day.day:%m-%d}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _stack(day: DayCoverage, labels: Sequence[str], x: int, top: int) -> list[str]:
    bottom = float(HEIGHT)
    rects = []
    for count in day.by_label:
        if not count.articles:
            continue
        height = (HEIGHT - 20) * count.articles / top
        bottom -= height
        colour = labels.index(count.label) % COLOURS
        articles = counted(count.articles, "article")
        title = escape(f"{day.day:%Y-%m-%d}: {articles} by {count.label} outlets")
        rects.append(
            f'<rect class="bar-{colour}" x="{x}" y="{bottom:.1f}" width="{BAR}" '
            f'height="{height:.1f}"><title>{title}</title></rect>'
        )
    return rects
