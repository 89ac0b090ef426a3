"""Scraped text made safe to show: no bidirectional embedding, override or isolate controls.

U+202A..U+202E (LRE, RLE, PDF, LRO, RLO) and U+2066..U+2069 (LRI, RLI, FSI, PDI) reorder what
follows them: a right-to-left override shows "exe.gnp" as "png.exe", and one left unclosed
reverses the rest of the line it is shown on (a digest's times, outlet names, links).

The marks U+200E, U+200F and U+061C (LRM, RLM, ALM) are kept: they are zero-width letters of
one direction, which cannot reorder strong characters or reach past the text they sit in, and
Arabic, Hebrew and Persian text needs them to place digits and punctuation correctly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def clean_title(title: str | None) -> str | None:
    """``title`` without bidi controls; None when nothing else is left of it."""
    if title is None:
        return None
    cleaned = without_bidi_controls(title)
    return cleaned if cleaned.strip() else None


def clean_names(names: Iterable[str]) -> list[str]:
    """Author names without bidi controls, dropping those left empty."""
    return [name for name in (without_bidi_controls(n) for n in names) if name.strip()]
