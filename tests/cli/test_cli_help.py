"""Every command and every option of the mediamon CLI explains itself."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from mediamon.cli import main


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, f"{' '.join((*prefix, name))} is listed but cannot be loaded"
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


COMMANDS = sorted(all_commands(main))


def resolve(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


def test_the_cli_has_the_commands_the_readme_documents() -> None:
    assert {("demo",), ("crawl",), ("digest",), ("config", "check"), ("extract",)} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=[" ".join(p) for p in COMMANDS])
def test_command_and_each_option_have_help(path: tuple[str, ...]) -> None:
    command = resolve(path)
    assert (command.help or "").strip(), f"mediamon {' '.join(path)} has no help text"
    undocumented = [
        p.name for p in command.params if isinstance(p, click.Option) and not (p.help or "").strip()
    ]
    assert not undocumented, f"mediamon {' '.join(path)}: options without help: {undocumented}"
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="mediamon")
    assert result.exit_code == 0, result.output
    assert "Usage: mediamon" in result.output
