"""Parse ``stories.txt``: the article texts of the default world.

Format: a record starts with ``=== OUTLET_ID / SLUG``, then ``key: value`` header lines (title,
published as ISO 8601 with offset, author, section, optional comma-separated topics), a blank
line, and paragraphs separated by blank lines (a paragraph may wrap over several lines). Lines
starting with ``#`` before the first record are comments.
"""

from __future__ import annotations

import re
from datetime import datetime
from importlib import resources

from mediamon.world.model import Story

RECORD_START = re.compile(r"^=== (?P<outlet>[a-z0-9_-]+) / (?P<slug>[a-z0-9-]+)\s*$", re.MULTILINE)
HEADER_LINE = re.compile(r"^(?P<key>[a-z]+): (?P<value>.+)$")
REQUIRED_HEADERS = ("title", "published", "author", "section")


class StoryFormatError(ValueError):
    pass


def load_stories(text: str | None = None) -> list[Story]:
    """The stories in ``text``, or in the packaged stories.txt when ``text`` is None."""
    if text is None:
        text = resources.files("mediamon.world").joinpath("stories.txt").read_text("utf-8")
    starts = list(RECORD_START.finditer(text))
    ends = [match.start() for match in starts[1:]] + [len(text)]
    return [
        _parse_record(match, text[match.end() : end])
        for match, end in zip(starts, ends, strict=True)
    ]


def _parse_record(start: re.Match[str], content: str) -> Story:
    where = f"{start['outlet']}/{start['slug']}"
    header_text, _, body_text = content.strip("\n").partition("\n\n")
    headers = _parse_headers(header_text, where)
    blocks = (" ".join(block.split("\n")).strip() for block in body_text.split("\n\n"))
    paragraphs = tuple(block for block in blocks if block)
    if not paragraphs:
        raise StoryFormatError(f"story {where} has no paragraphs")
    published = datetime.fromisoformat(headers["published"])
    if published.tzinfo is None:
        raise StoryFormatError(f"story {where}: 'published' needs a UTC offset")
    topics = frozenset(t.strip() for t in headers.get("topics", "").split(",") if t.strip())
    return Story(
        outlet_id=start["outlet"],
        slug=start["slug"],
        title=headers["title"],
        published=published,
        author=headers["author"],
        section=headers["section"],
        paragraphs=paragraphs,
        topics=topics,
    )


def _parse_headers(header_text: str, where: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in header_text.splitlines():
        match = HEADER_LINE.match(line)
        if match is None:
            raise StoryFormatError(f"story {where}: bad header line {line!r}")
        headers[match["key"]] = match["value"].strip()
    missing = [key for key in REQUIRED_HEADERS if key not in headers]
    if missing:
        raise StoryFormatError(f"story {where}: missing header(s) {', '.join(missing)}")
    return headers
