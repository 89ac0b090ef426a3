"""What the commands share: their common options and turning problems into clean messages."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mediamon.core.config import ConfigError
from mediamon.core.context import Context, DatabaseUnavailable, get_context
from mediamon.core.exit_codes import ExitCode
from mediamon.core.logs import LOG_LEVELS, configure_logging
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


VERBOSITY_LEVELS = ("WARNING", "INFO", "DEBUG")  # no -v, -v, -vv


class CommandFailed(click.ClickException):
    """A clean one-line exit (``Error: ...`` on stderr) with a code of the exit-code table."""

    def __init__(self, message: str, exit_code: ExitCode) -> None:
        super().__init__(message)
        self.exit_code = int(exit_code)  # type: ignore[misc]  # click reads the instance's


def log_options(default_level: str = "WARNING") -> Callable[[F], F]:
    """--log-level and --log-file; the log is set up before the command runs, which gets the
    chosen ``log_level`` and ``log_file`` (for Scrapy's settings)."""

    def decorate(command: F) -> F:
        @click.option(
            "--log-level",
            type=click.Choice(LOG_LEVELS),
            help=f"Log level of mediamon's own lines; other libraries log only warnings a user "
            f"can act on, unless DEBUG. [default: {default_level}, or -v INFO, -vv DEBUG]",
        )
        @click.option(
            "--log-file",
            type=click.Path(dir_okay=False, writable=True),
            help="Append the log to this file instead of standard error (the summary stays on "
            "standard output, a failure's one line on standard error).",
        )
        @functools.wraps(command)
        def wrapper(*args: Any, log_level: str | None, log_file: str | None, **kwargs: Any) -> Any:
            level = log_level or verbosity_level(default_level)
            configure_logging(level, log_file)
            return command(*args, log_level=level, log_file=log_file, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def verbosity_level(default_level: str) -> str:
    """The level ``mediamon -v``/``-vv`` asked for, if more than ``default_level``."""
    verbose = click.get_current_context().find_root().params.get("verbose") or 0
    asked = VERBOSITY_LEVELS[min(verbose, 2)]
    return min(asked, default_level, key=LOG_LEVELS.index)


def log_file_settings(log_file: str | None) -> dict[str, Any]:
    """Scrapy's settings writing its log (and that of its crawl processes) to ``log_file``."""
    return {"LOG_FILE": log_file, "LOG_FILE_APPEND": True} if log_file else {}


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


def storage_problem(results: Mapping[str, Mapping[str, Any]], again: str) -> str | None:
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
