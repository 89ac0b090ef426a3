"""Each digest format's renderer, one row per format of :data:`mediamon.core.digest_formats.
DIGEST_FORMATS` (the names, extensions and media types): a test holds both to the same names.

A renderer takes the period's digest, or (``daily``, a feed) one digest per day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mediamon.digest.feed import render_atom
from mediamon.digest.model import Digest
from mediamon.digest.render import render_html, render_json, render_markdown, render_text


@dataclass(frozen=True)
class Renderer:
    render: Callable[[Sequence[Digest]], str]
    daily: bool = False
    """Takes one digest per day of the period (or of the days before it), not the period's."""


def of_one(render: Callable[[Digest], str]) -> Renderer:
    """The renderer of one digest: the period's."""
    return Renderer(lambda digests: render(digests[0]))


RENDERERS: dict[str, Renderer] = {
    "html": of_one(render_html),
    "md": of_one(render_markdown),
    "txt": of_one(render_text),
    "json": of_one(render_json),
    "atom": Renderer(render_atom, daily=True),
}
MAIL_PARTS = ("txt", "html")
"""The formats of a digest e-mail's parts: plain text first, HTML last (preferred by clients)."""
