"""The README's references against the code, both ways (as sqlite-utils' test_docs does).

Every `mediamon` command and option is in the "CLI reference" and every config key in the
"Config reference"; and nothing is documented there that the code lacks. Both sides are derived:
the commands and options by walking the click tree, the keys from the pydantic models of each
config file, so a new command, option or key fails here until the README has it.
"""

from __future__ import annotations

import re
import shlex
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field

import click
import pytest
from pydantic import BaseModel

from mediamon.cli import main
from mediamon.core.alerts_models import AlertsFile, SubscriptionModel, TargetModel
from mediamon.core.config import FILES, OPTIONAL_FILES
from mediamon.core.config_models import OutletsFile, TopicsFile
from mediamon.core.settings_models import SettingsFile
from tests.support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CONFIG_MODELS: dict[str, type[BaseModel]] = {
    "outlets.yaml": OutletsFile,
    "topics.yaml": TopicsFile,
    "settings.yaml": SettingsFile,
    "alerts.yaml": AlertsFile,
}

CODE_SPAN = re.compile(r"`([^`]+)`")
LONG_OR_SHORT_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z](?![\w-]))")
OPTION_WITH_CHOICES = re.compile(r"(--[a-z][a-z0-9-]*) ([\w-]+(?:\|[\w-]+)+)")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    following = re.compile(rf"^#{{1,{len(level)}}} ", re.M).search(text, start)
    return text[start : following.start() if following else len(text)]


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the markdown tables in ``text``, as cells with ``\\|`` unescaped."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or re.fullmatch(r"[|\s:-]+", line):
            continue
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        rows.append(cells)
    # the first row of each table is its header
    headers = [i for i, line in enumerate(rows) if line and line[0] in {"field", "command"}]
    return [row for i, row in enumerate(rows) if i not in headers]


def spans(cell: str) -> list[str]:
    return CODE_SPAN.findall(cell)


# --- the CLI ------------------------------------------------------------------------------------


def commands(
    group: click.Group = main, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of the CLI by its path, groups included (the top one as ``()``)."""
    if not prefix:
        yield (), group
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from commands(command, (*prefix, name))


COMMANDS = dict(commands())


def options(command: click.Command) -> list[set[str]]:
    """Each option of ``command`` (``--help`` included) as the set of its names."""
    found = [
        {*param.opts, *param.secondary_opts}
        for param in command.params
        if isinstance(param, click.Option)
    ]
    # a subcommand's context inherits the top one's settings (its -h), as when it is run
    top = click.Context(main, **main.context_settings)
    context = top if command is main else click.Context(command, parent=top)
    help_option = command.get_help_option(context)
    return found + ([set(help_option.opts)] if help_option else [])


def option_names(command: click.Command) -> set[str]:
    return set().union(*options(command))


@dataclass
class CliReference:
    common: set[str]  # options the text above the table gives to every command
    options: dict[tuple[str, ...], set[str]] = field(default_factory=dict)  # command -> options
    choices: list[tuple[tuple[str, ...], str, set[str]]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # documented commands the CLI lacks


def documented_paths(span: str, reference: CliReference) -> list[tuple[str, ...]]:
    """The commands a `mediamon ...` span names: ``a|b`` after a group names both."""
    paths: list[tuple[str, ...]] = [()]
    for token in span.split()[1:]:
        group = COMMANDS[paths[0]]
        if not isinstance(group, click.Group) or token.startswith(("-", "[")):
            break
        names = token.split("|")
        missing = [n for n in names if (*paths[0], n) not in COMMANDS]
        if missing:
            reference.unknown += [" ".join(("mediamon", *paths[0], n)) for n in missing]
            return []
        paths = [(*path, name) for path in paths for name in names]
    return paths


def cli_reference() -> CliReference:
    text = section(README, "## CLI reference")
    intro = text[: text.index("\n|")]
    reference = CliReference(
        common={o for s in spans(intro) for o in LONG_OR_SHORT_OPTION.findall(s)}
    )
    rows = table_rows(text)
    assert rows, "the CLI reference has no table"
    for cells in rows:
        for span in spans(cells[0]):
            if not span.startswith("mediamon"):
                continue  # e.g. `python scheduler.py`
            paths = documented_paths(span, reference)
            named = set(LONG_OR_SHORT_OPTION.findall(span))
            for path in paths:
                reference.options.setdefault(path, set()).update(named)
                for option, values in OPTION_WITH_CHOICES.findall(span):
                    reference.choices.append((path, option, set(values.split("|"))))
    return reference


REFERENCE = cli_reference()


def test_every_documented_command_exists() -> None:
    assert REFERENCE.options, "no `mediamon ...` command found in the CLI reference"
    assert REFERENCE.unknown == []


def test_every_command_is_documented() -> None:
    leaves = [path for path, command in COMMANDS.items() if not isinstance(command, click.Group)]
    assert leaves
    assert [" ".join(p) for p in leaves if p not in REFERENCE.options] == []


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=lambda p: " ".join(("mediamon", *p)))
def test_every_option_is_documented(path: tuple[str, ...]) -> None:
    """An option counts as documented by any of its names (``-v`` for ``-v/--verbose``)."""
    documented = REFERENCE.options.get(path, set()) | REFERENCE.common
    missing = [sorted(names) for names in options(COMMANDS[path]) if not names & documented]
    assert missing == []


def test_every_documented_option_exists() -> None:
    assert REFERENCE.common, "the CLI reference's text names no option shared by the commands"
    everywhere = set().union(*(option_names(c) for c in COMMANDS.values()))
    assert sorted(REFERENCE.common - everywhere) == []
    unknown = {
        " ".join(("mediamon", *path)): sorted(named - option_names(COMMANDS[path]))
        for path, named in REFERENCE.options.items()
    }
    assert {command: names for command, names in unknown.items() if names} == {}


def test_documented_choices_are_the_options_choices() -> None:
    assert REFERENCE.choices, "the CLI reference lists no option's choices"
    for path, option, values in REFERENCE.choices:
        [param] = [p for p in COMMANDS[path].params if option in getattr(p, "opts", ())]
        assert isinstance(param.type, click.Choice), (path, option)
        assert values == set(param.type.choices), (" ".join(path), option)


# --- the config ---------------------------------------------------------------------------------


def nested_model(annotation: object) -> type[BaseModel] | None:
    """The model a field holds: directly, in a list or as ``Model | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, typing.Union, types.UnionType):
        found = [nested_model(arg) for arg in typing.get_args(annotation)]
        return next((model for model in found if model is not None), None)
    return None


def field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def entry_keys(model: type[BaseModel]) -> tuple[set[str], set[str]]:
    """A file of entries (outlets.yaml, topics.yaml): its top-level keys, and the keys of the
    models under them (an outlet's fields and the defaults', a topic's)."""
    top, entries = set(field_names(model)), set()
    for info in model.model_fields.values():
        inner = nested_model(info.annotation)
        assert inner is not None, f"{model.__name__} has a top-level key that is not a model"
        entries |= set(field_names(inner))
    return top, entries


def dotted_keys(
    model: type[BaseModel], prefix: str = "", seen: set[type[BaseModel]] | None = None
) -> Iterator[str]:
    """settings.yaml: every key, nested ones dotted. A model met again (``alerts.email`` is an
    e-mail block like ``digest.email``) is documented once, where it is met first."""
    seen = set() if seen is None else seen
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        yield key
        inner = nested_model(info.annotation)
        if inner is not None and inner not in seen:
            seen.add(inner)
            yield from dotted_keys(inner, key + ".", seen)


SETTINGS_KEYS = set(dotted_keys(SettingsFile))


def outside_parentheses(text: str) -> str:
    """``text`` without what it says in parentheses (outside code spans): the asides."""
    kept, depth, in_code = [], 0, False
    for char in text:
        in_code = in_code != (char == "`")
        if not in_code and char in "()":
            depth = max(0, depth + (1 if char == "(" else -1))
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def documented_settings(text: str) -> set[str]:
    """A row documents its keys (`a`, `b`); a row of `block.*`, or of a key holding a model,
    lists the keys inside it as `key` spans in its text, each with its default and any aside in
    parentheses after it."""
    keys: set[str] = set()
    rows = table_rows(text)
    assert rows, "settings.yaml has no table"
    for cells in rows:
        for key in spans(cells[0]):
            block = key.removesuffix(".*")
            keys.add(block)
            if key.endswith(".*") or any(k.startswith(block + ".") for k in SETTINGS_KEYS):
                inner = [
                    s for s in spans(outside_parentheses(cells[-1])) if IDENTIFIER.fullmatch(s)
                ]
                keys |= {f"{block}.{name}" for name in inner}
    return keys | {k.rsplit(".", 1)[0] for k in keys if "." in k}


def config_file_section(name: str) -> str:
    return section(section(README, "## Config reference"), f"### {name}")


def test_every_config_file_has_a_section() -> None:
    assert set(CONFIG_MODELS) == {*FILES, *OPTIONAL_FILES}
    headings = re.findall(r"^### (\S+)$", section(README, "## Config reference"), re.M)
    assert headings == [*FILES, *OPTIONAL_FILES]


def test_every_key_of_alerts_yaml_is_documented_and_exists() -> None:
    """Its top-level keys in the text above the table; a subscription's and a target's fields
    in the table."""
    text = config_file_section("alerts.yaml")
    prose = {s for s in spans(text[: text.find("\n|")]) if IDENTIFIER.fullmatch(s)}
    assert sorted(set(field_names(AlertsFile)) - prose) == []
    documented = {key for cells in table_rows(text) for key in spans(cells[0])}
    fields = set(field_names(SubscriptionModel)) | set(field_names(TargetModel))
    assert sorted(fields - documented) == []
    assert sorted(documented - fields) == []


@pytest.mark.parametrize("name", ["outlets.yaml", "topics.yaml"])
def test_every_key_of_a_file_of_entries_is_documented_and_exists(name: str) -> None:
    text = config_file_section(name)
    top, entries = entry_keys(CONFIG_MODELS[name])
    prose = {s for s in spans(text[: text.find("\n|")]) if IDENTIFIER.fullmatch(s)}
    assert sorted(top - prose) == [], f"{name}: top-level keys not named above the table"
    documented = {key for cells in table_rows(text) for key in spans(cells[0])}
    assert documented, f"{name} has no table"
    assert sorted(entries - documented) == [], f"{name}: keys missing from the README"
    assert sorted(documented - entries) == [], f"{name}: documented keys the code lacks"


def test_every_setting_is_documented_and_exists() -> None:
    documented = documented_settings(config_file_section("settings.yaml"))
    assert sorted(SETTINGS_KEYS - documented) == [], "settings missing from the README"
    assert sorted(documented - SETTINGS_KEYS) == [], "documented settings the code lacks"


# --- other claims the code can check -------------------------------------------------------------

FENCED_BLOCK = re.compile(r"^ *```[^\n]*\n(.*?)^ *```", re.M | re.S)
# mediamon as the program of a shell line: first, after `&&`, after `timeout 25m` or cron's fields
INVOCATION = re.compile(
    r"(?:^|&&\s*|\btimeout\s+\S+\s+|^(?:\S+\s+){5})(?:\.venv/bin/)?mediamon((?:\s+[^\s#|>&;]+)*)"
)
SUBSHELL = re.compile(r"\$\([^)]*\)")


def shell_invocations() -> list[tuple[str, list[str]]]:
    """Each `mediamon ...` command line of the README's code blocks, and each `.venv/bin/mediamon
    ...` span of its text, with the arguments given."""
    lines = [line for block in FENCED_BLOCK.findall(README) for line in block.splitlines()]
    prose = FENCED_BLOCK.sub("", README)
    lines += [span for span in spans(prose) if span.startswith(".venv/bin/mediamon")]
    found = []
    for line in lines:
        command_line = SUBSHELL.sub("VALUE", line.split(" #")[0]).strip()
        match = INVOCATION.search(command_line)
        if match:
            found.append((line.strip(), shlex.split(match.group(1))))
    return found


def unknown_parts(arguments: list[str]) -> list[str]:
    """The options in ``arguments`` that the command they are given to lacks."""
    path: tuple[str, ...] = ()
    unknown = []
    for argument in arguments:
        command = COMMANDS[path]
        if argument.startswith("-") and argument != "-":
            if argument.split("=", 1)[0] not in option_names(command):
                unknown.append(argument)
        elif isinstance(command, click.Group) and (*path, argument) in COMMANDS:
            path = (*path, argument)
        elif isinstance(command, click.Group):
            unknown.append(argument)  # a command that does not exist
    return unknown


def test_every_command_line_in_the_examples_uses_commands_and_options_that_exist() -> None:
    invocations = shell_invocations()
    assert len(invocations) > 10, "no `mediamon ...` lines found in the README's code blocks"
    wrong = {line: unknown_parts(arguments) for line, arguments in invocations}
    assert {line: parts for line, parts in wrong.items() if parts} == {}


def test_the_spiders_named_are_those_scrapy_finds() -> None:
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    from scrapers import settings as scrapy_settings

    loader = SpiderLoader.from_settings(
        Settings({"SPIDER_MODULES": scrapy_settings.SPIDER_MODULES})
    )
    sentence = re.search(r"the\s+spiders\s+are\s+(.*?\.)\s", README, re.S)
    assert sentence is not None, "the README names no spiders ('the spiders are ...')"
    named = {span for span in spans(sentence.group(1)) if IDENTIFIER.fullmatch(span)}
    assert named == set(loader.list())


def test_the_database_urls_are_the_default_and_the_shipped_one() -> None:
    import yaml

    shipped = yaml.safe_load((REPO / "config" / "settings.yaml").read_text(encoding="utf-8"))
    [row] = [
        cells
        for cells in table_rows(config_file_section("settings.yaml"))
        if spans(cells[0]) == ["database_url"]
    ]
    assert spans(row[1]) == [SettingsFile.model_fields["database_url"].default]
    assert f"The shipped settings.yaml sets `{shipped['database_url']}`" in row[2]
    where = section(README, "## Where things live")
    assert f"The shipped settings.yaml says `{shipped['database_url']}`" in where


BLOCK_DEFAULT = re.compile(r"`(\w+)` \(([^:;,)]+)")  # in a `block.*` row: `key` (default: aside)


def setting_default(key: str) -> object:
    model: type[BaseModel] = SettingsFile
    *blocks, name = key.split(".")
    for block in blocks:
        inner = nested_model(model.model_fields[block].annotation)
        assert inner is not None, key
        model = inner
    info = model.model_fields[name]
    return info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]


def documented_defaults() -> dict[str, str]:
    """The default the settings.yaml table gives each key: in its default column, or in the
    parentheses after the key in a `block.*` row. Descriptions (``like ...``, ``...``) are left
    out: only values are compared."""
    found: dict[str, str] = {}
    for cells in table_rows(config_file_section("settings.yaml")):
        keys = spans(cells[0])
        if keys[0].endswith(".*"):
            block = keys[0].removesuffix(".*")
            found |= {f"{block}.{k}": v for k, v in BLOCK_DEFAULT.findall(cells[-1])}
        elif cells[1]:
            values = [v.strip() for v in re.split(r"`,\s*|,\s*`", cells[1])]
            if len(values) == len(keys):
                found |= dict(zip(keys, values, strict=True))
    return {
        k: v.strip("`") for k, v in found.items() if "..." not in v and not v.startswith("like ")
    }


def is_documented_default(documented: str, default: object) -> bool:
    if default is None:
        return documented in {"null", "none"}
    if isinstance(default, bool):
        return documented == str(default).lower()
    if isinstance(default, int | float):
        return float(documented.removesuffix(" s")) == default
    if isinstance(default, list):
        return documented == "[" + ", ".join(map(str, default)) + "]"
    return documented == str(default)


def test_the_documented_defaults_are_the_code_defaults() -> None:
    documented = documented_defaults()
    assert len(documented) > 30, "the settings.yaml table gives few defaults"
    wrong = {
        key: (value, setting_default(key))
        for key, value in documented.items()
        if not is_documented_default(value, setting_default(key))
    }
    assert wrong == {}
