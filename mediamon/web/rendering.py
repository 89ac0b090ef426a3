"""Pages as HTML: one Jinja2 environment that escapes every value, and :func:`render`.

Scraped titles, text, authors and URLs are hostile: autoescape is on for every template, only
http(s) URLs become links (the ``web_url`` test), and bidi controls are dropped from what is
shown (the ``plain`` filter) besides each scraped string being isolated in ``<bdi>``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from mediamon.core.textclean import BIDI_CONTROLS
from mediamon.core.wording import counted
from mediamon.digest.render import is_web_url, plain
from mediamon.web.charts import coverage_chart
from mediamon.web.queries.coverage import story_id_of

TEMPLATES = Path(__file__).with_name("templates")

NAVIGATION = (
    ("/", "Overview"),
    ("/search", "Search"),
    ("/outlets", "Outlets"),
    ("/runs", "Runs"),
    ("/digests", "Digests"),
)
"""The pages the header links to; topics, stories and articles are linked from them."""


def when(moment: datetime | None) -> str:
    """'2023-05-22 09:14 UTC', or an em dash for a moment that is not known."""
    return "—" if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def controls_shown(text: str) -> str:
    """``text`` with each bidi control written out (``<U+202E>``), for source that is shown as
    it is: a control left in would reorder what follows it on screen."""
    return BIDI_CONTROLS.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def lag(delay: timedelta) -> str:
    """How long after the first outlet: 'first', '+45 min', '+3 h 20 min', '+2 d 4 h'."""
    minutes = int(delay.total_seconds() // 60)
    if minutes <= 0:
        return "first"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"+{days} d {hours} h"
    return f"+{hours} h {minutes} min" if hours else f"+{minutes} min"


@cache
def environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(controls_shown=controls_shown, plain=plain, when=when)
    environment.tests["web_url"] = is_web_url
    environment.globals.update(
        counted=counted,
        coverage_chart=coverage_chart,
        navigation=NAVIGATION,
        story_number=story_id_of,
        lag=lag,
    )
    return environment


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The template ``name`` (under mediamon/web/templates) as an HTML response; the layout gets
    the request (for the current page) and the configured topics (for the header)."""
    config = request.app.state.ctx.config
    topics = [(topic.id, topic.name) for topic in config.topics]
    page = environment().get_template(name).render(request=request, topics=topics, **context)
    return HTMLResponse(page, status_code=status_code)
