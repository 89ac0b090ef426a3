"""The digest's formats, one row each: the name settings.yaml and ``mediamon digest --format``
take, the file extension of the scheduler's digest files, the media type of a mail part.

Plain data for the settings validation and the scheduler; each format's renderer is its row in
:data:`mediamon.digest.formats.RENDERERS` (a test holds both tables to the same names).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DigestFormat:
    name: str
    extension: str
    """Of the scheduler's files, ``digest-<day>.<extension>``."""
    media_type: str
    note: str = ""
    """Shown after the name in ``mediamon digest --help``."""


DIGEST_FORMATS: tuple[DigestFormat, ...] = (
    DigestFormat("html", "html", "text/html", "for a browser or mail"),
    DigestFormat("md", "md", "text/markdown"),
    DigestFormat("txt", "txt", "text/plain"),
    DigestFormat("json", "json", "application/json"),
    DigestFormat(
        "atom",
        "xml",
        "application/atom+xml",
        "a feed, one entry per day for the last 7 days or for each day since --since",
    ),
)
DIGEST_FORMAT_NAMES = tuple(digest_format.name for digest_format in DIGEST_FORMATS)
DEFAULT_DIGEST_FORMAT = "md"


def digest_format(name: str) -> DigestFormat:
    """The row of ``name``; KeyError when there is none."""
    for row in DIGEST_FORMATS:
        if row.name == name:
            return row
    raise KeyError(f"no digest format {name!r}; choose from {', '.join(DIGEST_FORMAT_NAMES)}")


def formats_help() -> str:
    """'html (for a browser or mail), md, ... or atom (...)': each name and its note."""
    *first, last = (f"{row.name} ({row.note})" if row.note else row.name for row in DIGEST_FORMATS)
    return f"{', '.join(first)}, or {last}."
