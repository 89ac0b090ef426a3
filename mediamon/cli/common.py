"""What the commands share: their common options and turning problems into clean messages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mediamon.core.config import ConfigError
from mediamon.core.context import Context, DatabaseUnavailable, get_context
from mediamon.core.names import CONFIG_ENV, DATABASE_URL_ENV

if TYPE_CHECKING:
    from mediamon.crawl.run import CrawlFailed

F = TypeVar("F", bound=Callable[..., Any])


CONFIG_HELP = "Config directory holding outlets.yaml, topics.yaml, settings.yaml"
DATABASE_HELP = (
    "Database URL, overriding settings.yaml, e.g. sqlite:///mediamon.sqlite (a relative path is "
    "relative to the working directory) or postgresql://postgres@127.0.0.1/mediamon"
)


def config_dir_option(help_text: str = CONFIG_HELP) -> Callable[[F], F]:
    """--config DIR (or $MEDIAMON_CONFIG), passed to the command as ``config_dir``."""
    return click.option(
        "--config",
        "config_dir",
        envvar=CONFIG_ENV,
        type=click.Path(file_okay=False),
        help=f"{help_text} [env {CONFIG_ENV}; default ./config].",
    )


def database_url_option(help_text: str = DATABASE_HELP) -> Callable[[F], F]:
    """--database-url URL (or $MEDIAMON_DATABASE_URL), passed as ``database_url``."""
    return click.option(
        "--database-url", envvar=DATABASE_URL_ENV, help=f"{help_text} [env {DATABASE_URL_ENV}]."
    )


def config_options(command: F) -> F:
    """Add --config and --database-url to a command and pass it a loaded ``Context`` as ``ctx``;
    a database that does not exist yet is created."""
    return _with_context(command, existing=False)


def reading_config_options(command: F) -> F:
    """As :func:`config_options`, for a command that only reads: a database that does not exist
    is a one-line error, and nothing is created."""
    return _with_context(command, existing=True)


def _with_context(command: F, existing: bool) -> F:
    @config_dir_option()
    @database_url_option()
    @functools.wraps(command)
    def wrapper(*args: Any, config_dir: str | None, database_url: str | None, **kwargs: Any) -> Any:
        kwargs["ctx"] = load_context(config_dir, database_url, existing)
        return command(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def load_context(
    config_dir: str | None, database_url: str | None, existing: bool = False
) -> Context:
    """The context, or a clean exit listing every config problem or saying why the database
    cannot be opened (``existing``: or that it does not exist)."""
    try:
        return get_context(config_dir, database_url, existing)
    except (ConfigError, DatabaseUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc


REDIS_URL_ENV = "MEDIAMON_REDIS_URL"


def redis_url_option(command: F) -> F:
    return click.option(
        "--redis-url",
        envvar=REDIS_URL_ENV,
        help=f"Redis holding the shared crawl queue, overriding settings.yaml redis_url "
        f"[env {REDIS_URL_ENV}], e.g. redis://queue.example.org:6379/0.",
    )(command)


def reachable_redis(ctx: Context, redis_url: str | None) -> str:
    """The Redis URL to use, once it answers; a clean error naming it when it does not."""
    from mediamon.crawl.distributed import RedisUnavailable, check_redis

    url = redis_url or ctx.config.settings.redis_url
    try:
        check_redis(url)
    except RedisUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    return url


log_level_option = click.option(
    "--log-level",
    default="WARNING",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    help="Scrapy log level.",
)


time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds the whole crawl may take; when they are up it stops (requests in flight are "
    "finished), says so and exits 1. [default: settings.yaml crawling.time_limit_seconds]",
)


def unfinished_crawl(failed: CrawlFailed, again: str) -> str:
    """What to say of a crawl that ended before its end: its time limit was reached, or crawl
    processes failed. ``again`` says what fetches the rest ("crawl again")."""
    from mediamon.crawl.run import CrawlTimeLimit

    if isinstance(failed, CrawlTimeLimit):
        return f"{failed}; {again} to fetch the rest"
    return f"{failed}. What the other crawl processes stored is kept; {again} to fetch the rest."


def storage_problem(results: dict[str, dict[str, Any]], again: str) -> str | None:
    """Why a crawl failed to store articles, if it did: the database refused writes (the crawl
    stopped early), or articles failed to be stored. ``again`` says what fetches them."""
    from mediamon.store.unwritable import STORE_FAILED_STAT, UNWRITABLE_STAT

    failed = sum(int(stats.get(STORE_FAILED_STAT, 0)) for stats in results.values())
    reason = next((s[UNWRITABLE_STAT] for s in results.values() if s.get(UNWRITABLE_STAT)), None)
    if reason is not None:
        return (
            f"the crawl stopped early: cannot write to the database: {reason}; {failed} "
            f"articles were not stored ({again} once the database can be written)"
        )
    if failed:
        return f"{failed} articles could not be stored; {again} to fetch them"
    return None
