"""Scrapy settings for mediamon. Values that come from config/ are applied by OutletSpider.

The config directory and database URL come from MEDIAMON_CONFIG / MEDIAMON_DATABASE_URL, or from
`-s MEDIAMON_CONFIG_DIR=... -s MEDIAMON_DATABASE_URL=...` on `scrapy crawl`.
"""

from __future__ import annotations

import os

from mediamon.core.names import CONFIG_ENV, DATABASE_URL_ENV, DNS_LOOKUP_SETTING

BOT_NAME = "mediamon"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

MEDIAMON_CONFIG_DIR = os.environ.get(CONFIG_ENV)
MEDIAMON_DATABASE_URL = os.environ.get(DATABASE_URL_ENV)

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control would serve, on a loopback port, an endpoint running the Python code
# sent to it, and write its token into the user's profile: a crawl listens on no port and writes
# nothing there. Left out of EXTENSIONS too, which spares every crawl process importing aiohttp.
REMOTE_CONTROL_ENABLED = False
CONCURRENT_REQUESTS = 32
# Scrapy takes each callback's output with CONCURRENT_ITEMS tasks, made anew for every response;
# an article page yields one item, so the default of 100 cost a sixth of a crawl's CPU.
CONCURRENT_ITEMS = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_TIMES = 2
# The spider's own line names the outlet, the URL and the cause of a download that failed.
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"
REDIRECT_MAX_TIMES = 5
LOG_LEVEL = "INFO"

# AutoThrottle slows down for slow servers; the outlet's configured delay stays the floor.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# SourceOutcomes is outermost: it sees what became of each configured source after retries and
# redirects. The URL guard runs next, so every request (robots.txt and redirects included) passes
# it and a refused one never reaches a connection; RetryAfter (555) sees a 429/503 before
# Scrapy's RetryMiddleware (550) would retry it at once.
DOWNLOADER_MIDDLEWARES = {
    "scrapers.sources.SourceOutcomes": 5,
    "scrapers.urlguard.UrlGuardMiddleware": 10,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.robots.SharedRobotsTxtMiddleware": 100,
    "scrapers.retry_after.RetryAfterMiddleware": 555,
    "scrapers.middlewares.ConditionalGetMiddleware": 560,
    "scrapers.charset.CharsetRepairMiddleware": 580,
    "scrapers.hostile.RedirectLoopMiddleware": 650,
}

# Only http(s) is ever fetched: the URL guard refuses other schemes, and no handler exists for
# them. The http(s) handler reports an address the resolver refused as such.
DOWNLOAD_HANDLERS = {
    "http": "scrapers.resolver.CheckedHTTPDownloadHandler",
    "https": "scrapers.resolver.CheckedHTTPDownloadHandler",
    "file": None,
    "ftp": None,
    "s3": None,
    "data": None,
}

# Hostnames are resolved once, at connect time, and refused when any address is not public
# (scrapers.resolver); MEDIAMON_DNS_LOOKUP names the getaddrinfo-like function it asks.
TWISTED_DNS_RESOLVER = "scrapers.resolver.CheckingResolver"
MEDIAMON_DNS_LOOKUP = os.environ.get(DNS_LOOKUP_SETTING) or "socket.getaddrinfo"

EXTENSIONS = {
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.throttle.AutoThrottle": None,
    "scrapers.throttle.OutletAutoThrottle": 0,
    "scrapers.extensions.RunRecorder": 100,
    "scrapers.progress.CrawlProgress": 200,
}
MEDIAMON_PROGRESS_INTERVAL = 30  # seconds between progress lines of a long crawl; 0 turns off

ITEM_PIPELINES = {
    "pipelines.extract_pipeline.ExtractPipeline": 100,
    "pipelines.topics.TopicsPipeline": 400,
    "pipelines.store.StorePipeline": 500,
    "pipelines.stories.StoriesPipeline": 600,
    "pipelines.alerts.AlertsPipeline": 700,
}
# Processes extracting pages: None takes settings.yaml's crawling.extract_processes, else one per
# CPU core; 0 or 1 extracts in the crawl process itself.
MEDIAMON_EXTRACT_PROCESSES: int | None = None

# Articles stored per transaction (a batch waits at most a quarter of a second to fill up).
MEDIAMON_STORE_BATCH_SIZE = 64

FEED_EXPORT_ENCODING = "utf-8"
