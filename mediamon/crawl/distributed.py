"""Distributed crawling over Redis: the feeder hands article requests to workers on any machine.

`mediamon crawl --distributed` (the feeder) polls feeds, sitemaps and sections itself and pushes
each new article onto ``<namespace>:articles:start_urls``. Every `mediamon worker` pulls from it
into one shared scrapy-redis request queue and duplicate filter, fetches, extracts and stores.
Listings stay with the feeder because their bookkeeping (poll times, validators, archive windows)
belongs to one process; articles are the bulk of the work and are independent of each other.
"""

from __future__ import annotations

import logging
from typing import Any

import redis

logger = logging.getLogger(__name__)

ARTICLE_SPIDER = "articles"
HANDOFF_KEY_SETTING = "MEDIAMON_HANDOFF_KEY"
IDLE_EXIT_SETTING = "MEDIAMON_WORKER_IDLE_EXIT"
DUPEFILTER_WINDOW_SETTING = "MEDIAMON_DUPEFILTER_WINDOW_HOURS"
HANDOFF_MIDDLEWARE = "scrapers.handoff.ArticleHandoffMiddleware"
HANDED_OFF_STAT = "mediamon/distributed/handed_off"
CONNECT_TIMEOUT_SECONDS = 5


class RedisUnavailable(Exception):
    """Redis does not answer at the configured URL."""


def start_urls_key(namespace: str) -> str:
    return f"{namespace}:{ARTICLE_SPIDER}:start_urls"


def check_redis(url: str) -> None:
    """Fail early and plainly when Redis is unreachable, instead of a worker retrying forever."""
    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise RedisUnavailable(
            f"cannot reach Redis at {url}: {exc}. Start Redis there, or point --redis-url "
            "(env MEDIAMON_REDIS_URL, settings.yaml redis_url) at the shared one."
        ) from exc
    finally:
        client.close()


def feeder_settings(redis_url: str, namespace: str) -> dict[str, Any]:
    """Scrapy settings that make the listing spiders queue article requests in Redis."""
    return {
        "REDIS_URL": redis_url,
        HANDOFF_KEY_SETTING: start_urls_key(namespace),
        "SPIDER_MIDDLEWARES": {HANDOFF_MIDDLEWARE: 10},
    }


def worker_settings(redis_url: str, namespace: str, idle_exit: float) -> dict[str, Any]:
    """Scrapy settings of a worker: scrapy-redis scheduler, shared queue and duplicate filter."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        # Persisting is what makes the queue shared: a worker that stops must not clear it.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{namespace}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{namespace}:%(spider)s:dupefilter",
        "DUPEFILTER_CLASS": "scrapers.redis_dupefilter.WindowedRedisDupeFilter",
        "REDIS_START_URLS_KEY": f"{namespace}:%(name)s:start_urls",
        IDLE_EXIT_SETTING: idle_exit,
    }


def namespace_keys(url: str, namespace: str) -> list[str]:
    """Every key a deployment (or a test) has in Redis under ``namespace``."""
    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
    with client:
        return sorted(key.decode() for key in client.scan_iter(match=f"{namespace}:*"))


def clear_namespace(url: str, namespace: str) -> int:
    """Delete a namespace's queue, start list and duplicate filter; return how many keys."""
    keys = namespace_keys(url, namespace)
    if not keys:
        return 0
    client = redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)
    with client:
        return int(client.delete(*keys))
