"""The names things go by, defined once and imported everywhere (no copies that drift): run and
job names, setting keys and environment variables shared by modules that do not import each
other. Imports only plain data, so the scheduler reads them without loading Scrapy."""

from __future__ import annotations

from collections.abc import Sequence

from mediamon.core.sources import CRAWL_SPIDERS as CRAWL_SPIDERS

CRAWL_JOB_PREFIX = "crawl:"
ALL_OUTLETS = "all"
DIGEST_JOB = "digest"
# The scheduler's job that checks alert subscriptions each minute (mediamon.alerts).
ALERTS_JOB = "alerts"
ALERTS_SCHEDULE = "* * * * *"
"""The job name of the digest and of its runs."""

CONFIG_ENV = "MEDIAMON_CONFIG"
"""Environment variable: the config directory."""
DATABASE_URL_ENV = "MEDIAMON_DATABASE_URL"
"""Environment variable: the database URL (also the Scrapy setting of the same name)."""
CONFIG_SETTING = "MEDIAMON_CONFIG_DIR"
"""Scrapy setting: the config directory of a crawl."""
DATABASE_SETTING = DATABASE_URL_ENV
"""Scrapy setting: the database URL of a crawl."""
DNS_LOOKUP_SETTING = "MEDIAMON_DNS_LOOKUP"
"""Scrapy setting and environment variable: the getaddrinfo-like function crawls resolve names
with (a test's stub; mediamon.world.attacks names it too, as the world imports nothing of
mediamon)."""
EXTRACT_PROCESSES_SETTING = "MEDIAMON_EXTRACT_PROCESSES"
"""Scrapy setting: extraction processes of a crawl (0: extract in the crawl process)."""
SMTP_USERNAME_ENV = "MEDIAMON_SMTP_USERNAME"
SMTP_PASSWORD_ENV = "MEDIAMON_SMTP_PASSWORD"
"""The default of digest.email.password_env."""


def crawl_run_name(spider: str, outlet_ids: Sequence[str]) -> str:
    """The run a crawl of ``outlet_ids`` (none: every outlet) records for ``spider``."""
    return f"{CRAWL_JOB_PREFIX}{spider}:{','.join(outlet_ids) or ALL_OUTLETS}"
