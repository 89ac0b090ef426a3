"""The appeal detector: paragraphs of an extracted article that ask the reader for something.

It needs no outlet configuration. Each paragraph is classified on its own (donation ask,
subscription prompt, paywall teaser, "read more" lead-in, app or social prompt, cookie notice,
interface label; event and shopping logistics, such as a registration fee or a coupon code at
checkout, are not the outlet's offer), then context widens a verdict: an appeal that opens with
"Dear readers" or "A message from ..." takes the paragraphs up to its last ask with it; a
"Support us" headline takes the paragraphs in which the outlet speaks as "we" up to the ask they
lead to; and the button captions of a donation widget ("Once", "Monthly", "Continue") go with
the ask they follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mediamon.extract.appeal_lexicon import (
    ANY_STEM,
    APPEAL_OPENER,
    CALL_TO_ACTION_AT_END,
    COOKIE,
    DONATION,
    INTERFACE_LABEL,
    LEGAL_NOTICE,
    LEGAL_NOTICE_STEMS,
    LOGISTICS,
    OUTLET_OFFER,
    PAYWALL,
    READ_MORE_LEAD,
    REPORTED_SPEECH,
    SOCIAL,
    SUBSCRIPTION,
    SUPPORT_HEADLINE,
    WE_VOICE,
)

MAX_APPEAL_CHARS = 900
MAX_SINGLE_HIT_CHARS = 320
MAX_LEAD_IN_CHARS = 250
MAX_LABEL_WORDS = 8
MAX_OPENER_CHARS = 80
OPENER_WINDOW = 8
MAX_CAPTION_WORDS = 3
MAX_CAPTION_CHARS = 25
CALL_TO_ACTION_TAIL = 40
QUOTE_MARKS = "\"'«»“”„‘’"

PROSE_CATEGORIES = (PAYWALL, DONATION, SUBSCRIPTION, SOCIAL, COOKIE)
ASKING_KINDS = frozenset({"paywall", "donation", "subscription"})
WIDGET_KINDS = frozenset({"paywall", "donation"})
# the outlet's own offers, which event and shopping logistics resemble ("register now", "sign up")
OUTLET_ASKS = frozenset({"subscription", "paywall"})


@dataclass
class AppealScan:
    """Which paragraphs are appeals (by index) and whether a paywall notice was among them."""

    appeal_indexes: set[int] = field(default_factory=set)
    paywall_seen: bool = False


def classify(paragraph: str) -> str | None:
    """The kind of appeal a paragraph is on its own, or None for (probably) journalism."""
    text = paragraph.strip().lower()
    if not text or len(text) > MAX_APPEAL_CHARS:
        return None
    if len(text) <= MAX_OPENER_CHARS and APPEAL_OPENER.match(text):
        return "opener"
    if len(text) <= MAX_LEAD_IN_CHARS and READ_MORE_LEAD.match(text):
        return "read_more"
    if SUPPORT_HEADLINE.match(text) and _is_short_label(text):
        return "headline"
    if INTERFACE_LABEL.match(text) and _is_short_label(text):
        return "label"
    kind = _prose_kind(text)
    if kind is not None and REPORTED_SPEECH.search(text):
        return None
    return kind


def _is_short_label(text: str) -> bool:
    return len(text.split()) <= MAX_LABEL_WORDS


def _prose_kind(text: str) -> str | None:
    if CALL_TO_ACTION_AT_END.search(text[-CALL_TO_ACTION_TAIL:]):
        return "donation"
    if len(text) <= MAX_SINGLE_HIT_CHARS and _is_legal_notice(text):
        return "notice"
    if not ANY_STEM.search(text):
        return None
    kinds = [category.name for category in PROSE_CATEGORIES if category.found_in(text)]
    if _is_logistics(text):
        kinds = [kind for kind in kinds if kind not in OUTLET_ASKS]
    if not kinds:
        return None
    # one stray phrase does not make a long paragraph an appeal; real asks pile them up
    if len(text) > MAX_SINGLE_HIT_CHARS and len(kinds) < 2:
        return None
    return kinds[0]


def _is_logistics(text: str) -> bool:
    """Whether ``text`` tells a reader how to attend an event or get a deal (a registration fee,
    a coupon code at checkout) rather than to subscribe to the outlet."""
    return LOGISTICS.search(text) is not None and OUTLET_OFFER.search(text) is None


def _is_legal_notice(text: str) -> bool:
    return any(stem in text for stem in LEGAL_NOTICE_STEMS) and bool(LEGAL_NOTICE.search(text))


def find_appeals(paragraphs: Sequence[str]) -> AppealScan:
    """Indexes of the paragraphs that are appeals, with their context taken into account."""
    kinds = [classify(paragraph) for paragraph in paragraphs]
    scan = AppealScan(paywall_seen="paywall" in kinds)
    for index, kind in enumerate(kinds):
        if kind == "opener":
            scan.appeal_indexes.update(_opened_block(kinds, index))
        elif kind == "headline":
            scan.appeal_indexes.add(index)
            scan.appeal_indexes.update(_headed_block(paragraphs, kinds, index))
        elif kind is not None:
            scan.appeal_indexes.add(index)
            if kind in WIDGET_KINDS:
                scan.appeal_indexes.update(_widget_captions(paragraphs, index))
    return scan


def _opened_block(kinds: Sequence[str | None], start: int) -> range:
    """The paragraphs from an opener to the last ask within reach, or none without an ask."""
    window = range(start + 1, min(start + 1 + OPENER_WINDOW, len(kinds)))
    asks = [index for index in window if kinds[index] in ASKING_KINDS]
    return range(start, asks[-1] + 1) if asks else range(0)


def _headed_block(paragraphs: Sequence[str], kinds: Sequence[str | None], start: int) -> range:
    """After a "Support us" headline: the outlet's "we" paragraphs up to the ask they lead to."""
    last_ask = None
    for index in range(start + 1, min(start + 1 + OPENER_WINDOW, len(kinds))):
        if kinds[index] in ASKING_KINDS:
            last_ask = index
        elif kinds[index] is not None or not _speaks_as_outlet(paragraphs[index]):
            break
    return range(start + 1, last_ask + 1) if last_ask is not None else range(0)


def _speaks_as_outlet(paragraph: str) -> bool:
    text = paragraph.lower()
    return (
        len(text) <= MAX_SINGLE_HIT_CHARS
        and WE_VOICE.search(text) is not None
        and REPORTED_SPEECH.search(text) is None
    )


def _widget_captions(paragraphs: Sequence[str], after: int) -> list[int]:
    captions = []
    for index in range(after + 1, len(paragraphs)):
        if not _is_caption(paragraphs[index]):
            break
        captions.append(index)
    return captions


def _is_caption(paragraph: str) -> bool:
    text = paragraph.strip()
    return (
        len(text) <= MAX_CAPTION_CHARS
        and len(text.split()) <= MAX_CAPTION_WORDS
        and not any(mark in text for mark in QUOTE_MARKS)
    )
