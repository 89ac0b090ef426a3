"""`mediamon extract FILE`: without --json it still shows what each cleaning layer removed."""

from __future__ import annotations

from html import escape
from pathlib import Path

from click.testing import CliRunner, Result

from mediamon.cli import main
from tests.extract.test_appeals import MULTILINGUAL

BODY: list[str] = MULTILINGUAL["en"]["body"]
APPEALS: list[str] = MULTILINGUAL["en"]["appeals"][:2]
CREDIT = "Photo credit: Regional administration press service, all rights reserved."
PROMO = "Our new podcast on the border region is out now, listen wherever you get podcasts."
TITLE = "Power restored after shelling of substations"


def saved_page(directory: Path) -> Path:
    paragraphs = [*BODY[:2], *APPEALS, CREDIT, *BODY[2:]]
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    page = directory / "page.html"
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>{TITLE}</title></head><body>'
        f"<article><h1>{TITLE}</h1><div class='body'>{body}"
        f"<aside class='promo'><p>{PROMO}</p></aside></div></article></body></html>",
        encoding="utf-8",
    )
    return page


def extract(page: Path, *options: str) -> Result:
    result = CliRunner().invoke(
        main, ["extract", str(page), "--url", "https://a.example/1", *options]
    )
    assert result.exit_code == 0, result.output
    return result


def test_plain_output_shows_the_text_then_what_each_layer_removed(tmp_path: Path) -> None:
    output = extract(
        saved_page(tmp_path), "--prune", "aside.promo", "--phrase", "photo credit"
    ).output
    text = output.split("\nRemoved by ", 1)[0]
    assert text.splitlines()[0] == f"Title: {TITLE}"
    assert all(paragraph in text for paragraph in BODY)
    assert not any(line in text for line in [*APPEALS, CREDIT, PROMO])
    assert f"prune (1 paragraph(s)):\n  - {PROMO}" in output
    assert f"Removed by phrase (1 paragraph(s)):\n  - {CREDIT}" in output
    appeal_lines = "".join(f"\n  - {appeal}" for appeal in APPEALS)
    assert f"Removed by appeal (2 paragraph(s)):{appeal_lines}" in output


def test_plain_output_says_when_nothing_was_removed(tmp_path: Path) -> None:
    page = tmp_path / "clean.html"
    body = "".join(f"<p>{escape(p)}</p>" for p in BODY)
    page.write_text(f"<html lang='en'><body><article>{body}</article></body></html>")
    assert (
        extract(page)
        .output.rstrip()
        .endswith("Removed: nothing (no cleaning layer took a paragraph)")
    )
