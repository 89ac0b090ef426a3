"""The headline: the one the page's title sources agree on, cleaned of what publishers add to it.

Structured data often carries HTML entities twice escaped (``threshold &#x27;delay&#x27;``),
og:title and <title> end with the site's name ("... - Golem.de", "... | DW | 28.04.2023"), and
the first <h1> on a page can be a cookie banner's. Each source's title is unescaped and loses a
suffix (or prefix) that is the outlet's name; a consent notice is never a title; of what is left,
the title most sources agree on wins, in the order of trust on a tie, and where all differ, the
headline they share under their kickers. The headline is also what trafilatura may read as the
article's first paragraph, with or without its kicker (``without_headline``).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from lxml.html import HtmlElement

from mediamon.extract.dates import parse_date

SEPARATOR = re.compile(r"\s+[|–—\-:·•*/»]\s+|:\s+|\s*[|｜：ㅣ]\s*")
NOT_LETTERS = re.compile(r"[\W_]+")
# Notices about cookies and consent, in the languages the appeal detector knows, and beyond.
CONSENT_NOTICE = re.compile(
    r"cookie|consent|gdpr|datenschutz|einwilligung|privacy|privacidad|confidentialité"
    r"|файл\w* cookie|куки|согласи|конфиденциальн|файли cookie|згод",
    re.IGNORECASE,
)
# Headings in these are page furniture, not a story's.
FURNITURE_TAGS = frozenset({"nav", "footer", "aside"})
BANNER_MARKS = ("cookie", "consent")
MAX_HEADINGS = 3
SITE_NAME_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title")
MAX_SITE_NAME_WORDS = 6
MIN_TITLE_CHARS = 1
MAX_DATE_CHARS = 12
MIN_HEADLINE_WORDS = 3
# the headline is looked for among this many first paragraphs, with a kicker of at most so many
# letters before it (or missing from it), which leaves at least this share of the longer one
HEADLINE_LOOKAHEAD = 3
MAX_KICKER_CHARS = 80
MIN_HEADLINE_SHARE = 0.5
# an opening quotation mark and the marks that close it
QUOTE_PAIRS = {'"': '"', "'": "'", "«": "»", "»": "«", "“": "”", "„": "“", "‘": "’", "‚": "‘"}


def unescaped(text: str) -> str:
    """``text`` with HTML entities resolved, twice escaped ones too, and whitespace collapsed."""
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    return " ".join(text.split())


def is_consent_notice(text: str) -> bool:
    return bool(CONSENT_NOTICE.search(text))


def headings(tree: HtmlElement) -> list[str]:
    """The page's first <h1> texts, without those of its header, navigation, footer or banners
    (ancestors are checked in Python for the few <h1>: an XPath test would walk every one)."""
    found = []
    for element in tree.iter("h1"):
        if _furniture(element):
            continue
        text = " ".join(element.text_content().split())
        if text:
            found.append(text)
        if len(found) == MAX_HEADINGS:
            break
    return found


def _furniture(element: HtmlElement) -> bool:
    ancestors = list(element.iterancestors())
    for index, ancestor in enumerate(ancestors):
        if ancestor.tag in FURNITURE_TAGS:
            return True
        if ancestor.tag == "header" and all(a.tag != "article" for a in ancestors[index + 1 :]):
            return True  # the page's header; an article's own header holds its headline
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower()
        if any(mark in marks for mark in BANNER_MARKS):
            return True
    return False


def title_tag(tree: HtmlElement) -> str | None:
    head = tree.find("head")
    element = head.find("title") if head is not None else None
    text = element.text if element is not None else None
    return unescaped(text) if text and text.strip() else None


def site_names(meta: dict[str, str], page_title: str | None, titles: Sequence[str]) -> list[str]:
    """The names the site goes by: declared in <meta>, and what one source's title (<title>'s
    most often) adds after a separator to another's."""
    names = [unescaped(meta[key]) for key in SITE_NAME_KEYS if meta.get(key)]
    for longer in [page_title, *titles] if page_title else titles:
        names.extend(_title_remainders(longer, titles))
    return [name for name in names if name]


def _title_remainders(page_title: str, titles: Sequence[str]) -> Iterable[str]:
    key = title_key(page_title)
    for title in titles:
        other_key = title_key(title)
        if other_key and key != other_key and key.startswith(other_key):
            remainder = page_title[len(title) :] if page_title.startswith(title) else ""
            parts = [p for p in SEPARATOR.split(remainder) if p.strip()]
            yield from (p for p in parts if len(p.split()) <= MAX_SITE_NAME_WORDS)


def without_site_name(title: str, names: Iterable[str]) -> str:
    """``title`` without a leading or trailing segment that is one of ``names`` (or a date)."""
    return _without_site_keys(title, {title_key(name) for name in names} - {""})


def _without_site_keys(title: str, keys: set[str]) -> str:
    parts = SEPARATOR.split(title)
    if len(parts) == 1:
        return title.strip()
    separators = SEPARATOR.findall(title)
    while len(parts) > 1 and _is_site_segment(parts[-1], keys):
        parts.pop()
        separators.pop()
    while len(parts) > 1 and title_key(parts[0]) in keys:
        parts.pop(0)
        separators.pop(0)
    joined = (sep + part for sep, part in zip(separators, parts[1:], strict=True))
    return (parts[0] + "".join(joined)).strip()


def _is_site_segment(segment: str, keys: set[str]) -> bool:
    key = title_key(segment)
    if key in keys:
        return True
    return len(segment) <= MAX_DATE_CHARS and key.isdigit() and parse_date(segment) is not None


def title_key(text: str) -> str:
    """``text`` as titles are compared: its letters and digits, case folded."""
    return NOT_LETTERS.sub("", text.casefold())


def choose_title(candidates: Sequence[str | None], names: Iterable[str]) -> str | None:
    """The title most of ``candidates`` (in order of trust) agree on, each cleaned first."""
    keys = {title_key(name) for name in names} - {""}
    cleaned = []
    for candidate in candidates:
        if not candidate:
            continue
        title = _without_site_keys(unescaped(candidate), keys)
        key = title_key(title)
        if len(title) >= MIN_TITLE_CHARS and key not in keys and not is_consent_notice(title):
            cleaned.append((key, title))
    if not cleaned:
        return None
    votes = Counter(key for key, _ in cleaned)
    best = max(votes.values())
    if best == 1 and len(cleaned) > 1:
        headline = _headline_under_kickers(cleaned)
        if headline is not None:
            return headline
    return next(title for key, title in cleaned if votes[key] == best)


def _headline_under_kickers(cleaned: Sequence[tuple[str, str]]) -> str | None:
    """Where no two sources agree, the headline they share once a kicker (topline) is taken off:
    the same text after each one's kicker ("Kicker A - Headline", "Kicker B: Headline"), or one
    source's whole title after another's kicker ("Kicker: Headline", "Headline")."""
    tails = [tail for _, title in cleaned if (tail := _after_kicker(title)) is not None]
    shared = Counter(title_key(tail) for tail in tails)
    for tail in tails:
        if shared[title_key(tail)] > 1:
            return tail
    tail_keys = set(shared)
    return next((title for key, title in cleaned if key in tail_keys), None)


def _after_kicker(title: str) -> str | None:
    """What follows the last separator in ``title``, if what precedes it can be a kicker: not a
    quotation the separator falls inside, and the rest a headline of some words."""
    separators = list(SEPARATOR.finditer(title))
    if not separators:
        return None
    last = separators[-1]
    kicker, headline = title[: last.start()], title[last.end() :].strip()
    opened = kicker[:1]
    if opened in QUOTE_PAIRS and QUOTE_PAIRS[opened] not in kicker[1:]:
        return None
    return headline if len(headline.split()) >= MIN_HEADLINE_WORDS else None


def without_headline(paragraphs: list[str], title: str | None) -> list[str]:
    """``paragraphs`` without the headline trafilatura read among the first of them: the title,
    or the title run together with the kicker (topline) printed above it, or the title without
    its kicker."""
    key = title_key(title) if title else ""
    if not key:
        return paragraphs
    for index, paragraph in enumerate(paragraphs[:HEADLINE_LOOKAHEAD]):
        if _is_headline(paragraph, key):
            return paragraphs[:index] + paragraphs[index + 1 :]
    return paragraphs


def _is_headline(paragraph: str, title: str) -> bool:
    key = title_key(paragraph)
    if not key or len(key) > len(title) + MAX_KICKER_CHARS:
        return False
    shorter, longer = sorted((key, title), key=len)
    return longer.endswith(shorter) and len(shorter) >= MIN_HEADLINE_SHARE * len(longer)
