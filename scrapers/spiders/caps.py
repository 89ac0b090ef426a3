"""Caps on the work one listing can cause: counting and logging what was left unread.

A hostile or broken outlet can list far more than any real one (a feed of 100,000 entries, a
section page of 100,000 links); the spiders read up to a cap from settings.yaml ``crawling.*``
and count the rest under ``mediamon/capped/<what>``, logged once per listing.
"""

from __future__ import annotations

import logging
import re

from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

# The end of an RSS/RDF <item> or Atom <entry>, namespace prefix allowed; bytes, so the search
# works on the undecoded body in any ASCII-compatible encoding.
ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def note_capped(
    stats: StatsCollector, what: str, outlet_id: str, source: str, excess: int, setting: str
) -> None:
    """Count ``excess`` items of ``source`` left unread under ``mediamon/capped/<what>`` and log
    it once (nothing when there is no excess)."""
    if excess <= 0:
        return
    stats.inc_value(f"mediamon/capped/{what}", excess)
    logger.warning(
        "outlet %s: %s lists %d %s too many; they are not read (crawling.%s)",
        outlet_id,
        source,
        excess,
        what.replace("_", " "),
        setting,
    )


def cap_feed_body(body: bytes, limit: int) -> tuple[bytes, int]:
    """An XML feed with only its first ``limit`` items or entries, and how many were cut.

    feedparser takes seconds per 10,000 entries, so a huge feed is cut before parsing: the
    document is kept up to the end of the ``limit``-th entry, then resumes after the last one
    (the closing tags of the channel or feed), which keeps it well-formed.
    """
    keep_until = last_end = 0
    count = 0
    for match in ENTRY_END.finditer(body):
        count += 1
        if count == limit:
            keep_until = match.end()
        last_end = match.end()
    if count <= limit:
        return body, 0
    return body[:keep_until] + body[last_end:], count - limit
