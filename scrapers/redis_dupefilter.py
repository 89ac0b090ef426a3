"""A scrapy-redis duplicate filter that forgets: fingerprints live in time-window keys that expire.

scrapy-redis keeps every fingerprint ever seen in one set, which grows with every article for as
long as the deployment runs. Here a fingerprint lands in the set of the current window, and a
request counts as seen when the current or the previous window has it; each set expires after two
windows. So Redis holds at most two windows of fingerprints, and a request is refused again for
at least one window. Older articles need no filter: they are stored, and the database check in
the feeder and the worker skips them; an article whose fetch failed is tried again after that.
"""

from __future__ import annotations

import time
from typing import Any

from redis import Redis
from scrapy import Request
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter

from mediamon.crawl.distributed import DUPEFILTER_WINDOW_SETTING

DEFAULT_WINDOW_HOURS = 6.0


class WindowedRedisDupeFilter(RFPDupeFilter):
    def __init__(self, server: Redis, key: str, window_seconds: float, debug: bool = False) -> None:
        super().__init__(server, key, debug)
        self.window_seconds = window_seconds

    @classmethod
    def from_spider(cls, spider: Any) -> WindowedRedisDupeFilter:
        settings = spider.settings
        key = settings.get("SCHEDULER_DUPEFILTER_KEY") % {"spider": spider.name}
        hours = settings.getfloat(DUPEFILTER_WINDOW_SETTING, DEFAULT_WINDOW_HOURS)
        server = get_redis_from_settings(settings)
        return cls(server, key, hours * 3600, settings.getbool("DUPEFILTER_DEBUG"))

    def window_key(self, offset: int = 0) -> str:
        return f"{self.key}:{int(time.time() // self.window_seconds) + offset}"

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.request_fingerprint(request)
        # Not renewed while seen: a URL offered again and again is still retried once a window.
        if self.server.sismember(self.window_key(-1), fingerprint):
            return True
        current = self.window_key()
        with self.server.pipeline() as pipe:
            pipe.sadd(current, fingerprint)
            pipe.expire(current, int(2 * self.window_seconds) + 1)
            added, _ = pipe.execute()
        return bool(added == 0)

    def clear(self) -> None:
        self.server.delete(self.window_key(), self.window_key(-1))
