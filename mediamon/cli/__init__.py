"""The ``mediamon`` command. Subcommands live one module each and load only when used."""

from __future__ import annotations

import importlib
import logging

import click

from mediamon import __version__
from mediamon.core.exit_codes import exit_codes_help
from mediamon.core.logs import configure_logging

# name -> "module:attribute"; loading lazily keeps `mediamon --help` fast (no Scrapy import).
COMMANDS = {
    "backfill": "mediamon.cli.backfill_cmd:backfill",
    "config": "mediamon.cli.config_cmd:config",
    "crawl": "mediamon.cli.crawl_cmd:crawl",
    "alerts": "mediamon.cli.alerts_cmd:alerts",
    "boilerplate": "mediamon.cli.boilerplate_cmd:boilerplate",
    "demo": "mediamon.cli.demo_cmd:demo",
    "digest": "mediamon.cli.digest_cmd:digest",
    "retag": "mediamon.cli.topics_cmd:retag",
    "search": "mediamon.cli.search_cmd:search",
    "serve": "mediamon.cli.serve_cmd:serve",
    "stories": "mediamon.cli.stories_cmd:stories",
    "topics": "mediamon.cli.topics_cmd:topics",
    "versions": "mediamon.cli.versions_cmd:versions",
    "outlets": "mediamon.cli.outlets_cmd:outlets",
    "run": "mediamon.cli.run_cmd:run",
    "status": "mediamon.cli.status_cmd:status",
    "extract": "mediamon.cli.extract_cmd:extract",
    "reextract": "mediamon.cli.reextract_cmd:reextract_command",
    "worker": "mediamon.cli.worker_cmd:worker",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=exit_codes_help(),
)
@click.version_option(__version__, prog_name="mediamon")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def main(verbose: int) -> None:
    """Follow how an event is covered across many outlets.

    mediamon polls outlets' feeds, extracts and cleans each article, tags it with the topics it
    matches, stores it, and writes a digest. Start with `mediamon demo`.
    """
    configure_logging([logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)])
