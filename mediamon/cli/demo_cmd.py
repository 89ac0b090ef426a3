"""`mediamon demo`: the whole pipeline on the local outlet world, no internet needed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from mediamon.cli.common import config_dir_option
from mediamon.cli.crawl_cmd import summarise


@click.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to put the database, config and digest [default: a new temp dir].",
)
@config_dir_option("Take topics.yaml from this config directory")
def demo(workdir: Path | None, config_dir: str | None) -> None:
    """Start the local outlet world, crawl it with the real spiders and pipelines, and write a
    digest. Prints where the database and the digest are. Run again with the same --workdir,
    it serves the outlets at the same addresses, so what is stored already is not stored again."""
    from mediamon.ops.demo import DemoError, run_demo

    workdir = workdir or Path(tempfile.mkdtemp(prefix="mediamon-demo-"))
    click.echo(f"mediamon demo: crawling the local outlet world into {workdir}")
    try:
        result = run_demo(workdir, config_dir)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summarise("feeds", result.stats))
    click.echo(f"database: {result.database}")
    click.echo(f"digest:   {result.digest}")
    click.echo(f"          {result.digest_html} (open it in a browser)")
    click.echo(f"browse:   mediamon serve --config {result.workdir / 'config'}")
