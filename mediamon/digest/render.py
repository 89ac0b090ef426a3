"""Rendering a digest as HTML, Markdown, plain text or JSON.

Scraped titles and text are hostile input: the HTML templates autoescape everything, only
http(s) URLs become links, and Markdown output escapes what Markdown would read as markup. Bidi
controls are gone from the model's titles, snippets and names (mediamon.digest.build); the HTML also
isolates each in <bdi>, and the text filters drop any left in other values.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields, is_dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from mediamon.core.textclean import BIDI_CONTROLS
from mediamon.core.wording import counted
from mediamon.digest.model import Digest
from mediamon.digest.timeline import sparkline, timeline_svg

TEMPLATES = Path(__file__).with_name("templates")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|" + BIDI_CONTROLS.pattern)


def is_web_url(url: object) -> bool:
    """Only http(s) URLs are linked: javascript:, data: and the like are shown as text."""
    return isinstance(url, str) and url.strip().lower().startswith(("http://", "https://"))


def markdown_escape(value: str) -> str:
    """Escape what Markdown would read as markup or HTML in scraped text."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", plain(value))


def plain(value: str) -> str:
    """One line of text: whitespace collapsed, control characters (bidi ones too) dropped."""
    return " ".join(CONTROL_CHARS.sub("", value).split())


def markdown_url(url: str) -> str:
    """``url`` made safe inside <...> in Markdown, or '#' when it is not http(s)."""
    if not is_web_url(url):
        return "#"
    return url.strip().replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def local_time(moment: datetime, digest: Digest) -> str:
    """'09:14' in a digest within one day, '05-23 09:14' in a longer one, '2023-01-02 09:14'
    in one across the turn of a year."""
    first = digest.start.astimezone(digest.zone)
    last = (digest.end - timedelta(microseconds=1)).astimezone(digest.zone)
    if first.date() == last.date():
        return f"{moment:%H:%M}"
    return f"{moment:%m-%d %H:%M}" if first.year == last.year else f"{moment:%Y-%m-%d %H:%M}"


def topic_label(digest: Digest) -> str:
    if len(digest.sections) == 1:
        return digest.sections[0].name
    return "the digest's topics"


def _environment(autoescape: bool) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(md=markdown_escape, md_url=markdown_url, plain=plain)
    environment.tests["web_url"] = is_web_url
    environment.globals.update(
        counted=counted,
        local_time=local_time,
        sparkline=sparkline,
        timeline_svg=timeline_svg,
        topic_label=topic_label,
    )
    return environment


@cache
def html_environment() -> Environment:
    """For HTML and Atom templates: every value is escaped unless it is Markup we built."""
    return _environment(autoescape=True)


@cache
def text_environment() -> Environment:
    # Markdown and text output: nothing is HTML, scraped values pass the md / plain filters.
    return _environment(autoescape=False)


def render_html(digest: Digest) -> str:
    return html_environment().get_template("digest.html.j2").render(digest=digest)


def render_html_body(digest: Digest) -> Markup:
    """The digest's body without <html>/<head>, e.g. for the content of a feed entry."""
    template = html_environment().get_template("digest_body.html.j2")
    return Markup(template.render(digest=digest))


def render_markdown(digest: Digest) -> str:
    return text_environment().get_template("digest.md.j2").render(digest=digest)


def render_text(digest: Digest) -> str:
    return text_environment().get_template("digest.txt.j2").render(digest=digest)


def render_json(digest: Digest) -> str:
    return json.dumps(_jsonable(digest), ensure_ascii=False, indent=2) + "\n"


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        own = {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
        return own | _derived(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, ZoneInfo):
        return value.key
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    return value


def _derived(value: Any) -> dict[str, Any]:
    names = (
        "headline",
        "period",
        "previous_period",
        "title",
        "story_count",
        "article_count",
        "new_count",
    )
    return {name: _jsonable(getattr(value, name)) for name in names if hasattr(value, name)}
