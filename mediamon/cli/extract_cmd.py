"""`mediamon extract FILE --url URL`: run mediamon's extraction on one saved page and print it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from mediamon.extract.extractor import ExtractedArticle
from mediamon.extract.extractor import extract as extract_article


@click.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--json", "as_json", is_flag=True, help="Print every field as JSON, not just text.")
@click.option("--encoding", help="Character encoding of FILE (default: detect).")
@click.option("--prune", multiple=True, help="CSS or XPath selector to remove first; repeatable.")
@click.option("--phrase", multiple=True, help="Drop paragraphs containing this text; repeatable.")
def extract(
    file: Path,
    url: str,
    as_json: bool,
    encoding: str | None,
    prune: tuple[str, ...],
    phrase: tuple[str, ...],
) -> None:
    """Extract the article in FILE: title, clean text and what each cleaning layer removed.

    The layers are the --prune selectors ("prune"), the --phrase lines ("phrase") and the
    appeal detector ("appeal": donation asks, newsletter prompts, "read more" lines...).
    """
    result = extract_article(file.read_bytes(), url, prune=prune, phrases=phrase, encoding=encoding)
    if result is None:
        raise click.ClickException(f"no article text found in {file}")
    if as_json:
        click.echo(json.dumps(_as_dict(result), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(readable(result)))


def readable(result: ExtractedArticle) -> list[str]:
    """The title, the clean text, then what each cleaning layer removed, paragraph by paragraph."""
    lines = [f"Title: {result.title or '(none)'}", "", result.text, ""]
    if not result.removed:
        return [*lines, "Removed: nothing (no cleaning layer took a paragraph)"]
    for layer, paragraphs in result.removed.items():
        lines.append(f"Removed by {layer} ({len(paragraphs)} paragraph(s)):")
        lines += [f"  - {paragraph}" for paragraph in paragraphs]
    return lines


def _as_dict(result: ExtractedArticle) -> dict[str, Any]:
    fields = asdict(result)
    del fields["dates"]  # every source's word on the date: the decision is in published/updated
    for name in ("published", "updated"):
        fields[name] = fields[name].isoformat() if fields[name] else None
    fields["author"] = result.author
    return fields
