"""AutoThrottle that never goes below an outlet's configured download delay."""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class OutletAutoThrottle(AutoThrottle):
    """Slows down for slow servers as AutoThrottle does; speeds up only to the configured delay."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        slots = crawler.settings.getdict("DOWNLOAD_SLOTS")
        self.floors = {key: float(slot.get("delay", 0)) for key, slot in slots.items()}

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        super()._adjust_delay(slot, latency, response)
        key = response.request.meta.get("download_slot") if response.request else None
        slot.delay = max(slot.delay, self.floors.get(key or "", 0.0))
