"""`mediamon serve`: the analyst's workspace in a browser, and the JSON API."""

from __future__ import annotations

from pathlib import Path

import click

from mediamon.cli.common import (
    CommandFailed,
    config_dir_option,
    database_url_option,
    load_context,
)
from mediamon.core.exit_codes import ExitCode, exit_codes_help


@click.command(epilog=exit_codes_help())
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but a loopback address needs an access token.",
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: one the system picks, printed at start).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File holding the access token every page and API call must carry (or set "
    "MEDIAMON_WEB_TOKEN; a token is never given on the command line, where `ps` shows it).",
)
@config_dir_option()
@database_url_option()
def serve(
    host: str, port: int, token_file: Path | None, config_dir: str | None, database_url: str | None
) -> None:
    """Serve the workspace: pages over topics, stories, articles, search, outlets, runs and
    digests, and the JSON API under /api/v1/, until Ctrl-C or SIGTERM."""
    from mediamon.web.server import (
        ServeRefused,
        bind,
        check_access,
        read_token,
        serve,
        workspace_app,
    )

    try:
        token = read_token(token_file)
        check_access(host, token)
        listening = bind(host, port)
    except ServeRefused as exc:
        raise CommandFailed(str(exc), ExitCode.USAGE) from exc
    ctx = load_context(config_dir, database_url, existing=True)
    serve(workspace_app(ctx, token), listening)
