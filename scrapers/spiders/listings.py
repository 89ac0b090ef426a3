"""Conditional GETs of sitemaps and section pages (feeds have theirs in the feed spider).

A listing read in full keeps its validators and the listings it led to (an index's sitemaps, a
section's next page), but only once every article it listed is settled: stored, or recorded
as failed. A 304 then follows what the listing led to before, each conditionally too; an
interrupted crawl, or one whose database refused writes, keeps nothing, so the next reads in
full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scrapy.http import Response
from sqlalchemy import Engine

from mediamon.crawl.feedstate import ListingState, Validators, load_listing, save_listing

LISTING_STATE_META = "listing_state"
NOT_MODIFIED_STAT = "mediamon/listings/not_modified"
SAVED_STAT = "mediamon/listings/validators_saved"


def validators_of(response: Response) -> Validators:
    etag = response.headers.get("ETag")
    modified = response.headers.get("Last-Modified")
    return Validators(
        etag.decode("latin-1") if etag else None, modified.decode("latin-1") if modified else None
    )


def requested_url(response: Response) -> str:
    """The URL the listing was requested under (before any redirect)."""
    return str(response.meta.get("redirect_urls", [response.url])[0])


@dataclass
class ListingRead:
    """A listing answered in full during this crawl, and the articles it led to."""

    url: str
    outlet_id: str
    validators: Validators
    followed: list[str] = field(default_factory=list)
    requested: set[str] = field(default_factory=set)

    def settled(self, settled_links: set[str]) -> bool:
        return self.requested <= settled_links


class ListingMemory:
    """The listings of one spider: conditional request headers, and what to keep at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.read: dict[str, ListingRead] = {}
        self.settled_links: set[str] = set()

    def conditional_meta(self, url: str, meta: dict[str, Any]) -> dict[str, str]:
        """The headers that make the request of ``url`` conditional (``meta`` learns the kept
        state and that a 304 is an answer)."""
        state = load_listing(self.engine, url)
        if state is None:
            return {}
        meta[LISTING_STATE_META] = state
        meta["handle_httpstatus_list"] = [*meta.get("handle_httpstatus_list", ()), 304]
        return state.validators.headers()

    @staticmethod
    def not_modified(response: Response) -> ListingState | None:
        """The kept state of a listing answered 304; None when it was answered in full."""
        if response.status != 304:
            return None
        state: ListingState | None = response.meta.get(LISTING_STATE_META)
        return state or ListingState(Validators())

    def reading(self, response: Response, outlet_id: str) -> ListingRead:
        read = ListingRead(requested_url(response), outlet_id, validators_of(response))
        self.read[read.url] = read
        return read

    def settle(self, link: str) -> None:
        self.settled_links.add(link)

    def keep(self) -> int:
        """Save the validators of every listing whose articles are all settled; how many."""
        kept = [read for read in self.read.values() if self.keepable(read)]
        for read in kept:
            state = ListingState(read.validators, tuple(read.followed))
            save_listing(self.engine, read.url, read.outlet_id, state)
        return len(kept)

    def keepable(self, read: ListingRead) -> bool:
        has_validators = bool(read.validators.etag or read.validators.last_modified)
        return has_validators and read.settled(self.settled_links)
