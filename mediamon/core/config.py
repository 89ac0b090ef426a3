"""Configuration: the YAML files in the config directory, validated once into typed models.

Three files live in the config directory (``--config DIR``, ``MEDIAMON_CONFIG`` or ``./config``):
``outlets.yaml`` (a ``defaults`` block and an ``outlets`` list), ``topics.yaml`` (a ``topics``
list) and ``settings.yaml``; a fourth, ``alerts.yaml`` (alert subscriptions), is optional.
:func:`load_config` reads them and either returns a :class:`Config` or raises one
:class:`ConfigError` listing every problem found, each naming the file, the entry, the field and
what would be right.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mediamon.core.alerts_models import AlertsFile
from mediamon.core.config_models import (
    Config,
    Outlet,
    OutletModel,
    OutletsFile,
    SettingsFile,
    TopicModel,
    TopicsFile,
)
from mediamon.core.config_paths import anchored_settings
from mediamon.core.names import CONFIG_ENV, DATABASE_URL_ENV

__all__ = [
    "Config",
    "ConfigError",
    "ConfigProblem",
    "Outlet",
    "OutletModel",
    "TopicModel",
    "load_config",
    "resolve_config_dir",
]

FILES = ("outlets.yaml", "topics.yaml", "settings.yaml")
# Files that may be absent: absent, each means its defaults (no alert subscriptions).
OPTIONAL_FILES = ("alerts.yaml",)


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the configuration, located as precisely as possible."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f": {self.entry}"
        if self.field:
            where += f": field '{self.field}'"
        return f"{where}: {self.message}"


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists everything found, not just the first."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the configuration:\n{lines}")


def resolve_config_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config directory: the explicit argument, else ``$MEDIAMON_CONFIG``, else ``./config``."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or "config")


def load_config(
    directory: str | os.PathLike[str] | None = None,
    database_url: str | None = None,
    paths_relative_to: Path | None = None,
) -> Config:
    """Read and validate the three config files; raise :class:`ConfigError` with every problem.

    ``database_url`` (or ``$MEDIAMON_DATABASE_URL``) overrides the one in settings.yaml. The
    settings' paths come back absolute (see :mod:`mediamon.core.config_paths`), made so against
    ``paths_relative_to`` (default: the config directory; a copy of the files names the
    directory they were copied from).
    """
    root = resolve_config_dir(directory)
    problems: list[ConfigProblem] = []
    if not root.is_dir():
        hint = f"pass --config DIR or set {CONFIG_ENV} to a directory holding {', '.join(FILES)}"
        raise ConfigError([ConfigProblem(str(root), None, None, f"not a directory; {hint}")])
    raw = {name: _read_yaml(root / name, problems) for name in FILES}
    outlets = _validate(OutletsFile, raw["outlets.yaml"], root / "outlets.yaml", problems)
    topics = _validate(TopicsFile, raw["topics.yaml"], root / "topics.yaml", problems)
    settings = _validate(SettingsFile, raw["settings.yaml"], root / "settings.yaml", problems)
    alerts = _read_alerts(root / "alerts.yaml", problems)
    if outlets is not None:
        problems += _duplicate_ids(
            root / "outlets.yaml", "outlets", [o.id for o in outlets.outlets]
        )
    if topics is not None:
        problems += _duplicate_ids(root / "topics.yaml", "topics", [t.id for t in topics.topics])
    if topics is not None and alerts is not None:
        problems += _unknown_topics(root / "alerts.yaml", alerts, {t.id for t in topics.topics})
    if problems or outlets is None or topics is None or settings is None or alerts is None:
        raise ConfigError(problems)
    override = database_url or os.environ.get(DATABASE_URL_ENV)
    return Config(
        directory=root,
        outlets=outlets.resolved_outlets(),
        topics=topics.topics,
        settings=anchored_settings(settings, paths_relative_to or root, override),
        alerts=alerts,
    )


def _read_alerts(path: Path, problems: list[ConfigProblem]) -> AlertsFile | None:
    if not path.exists():
        return AlertsFile.model_validate({})
    alerts = _validate(AlertsFile, _read_yaml(path, problems), path, problems)
    if alerts is not None:
        ids = [s.id for s in alerts.subscriptions]
        problems += _duplicate_ids(path, "subscriptions", ids)
    return alerts


def _unknown_topics(path: Path, alerts: AlertsFile, known: set[str]) -> list[ConfigProblem]:
    return [
        ConfigProblem(
            str(path),
            f"subscriptions[{index}] (id '{subscription.id}')",
            "topics",
            f"no topic '{topic}' in topics.yaml; known: {', '.join(sorted(known))}",
        )
        for index, subscription in enumerate(alerts.subscriptions)
        for topic in subscription.topics
        if topic not in known
    ]


# The same safe loader in C (libyaml) where PyYAML has it: a thousand outlets parse many times
# faster than in pure Python.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, problems: list[ConfigProblem]) -> Any:
    if not path.is_file():
        problems.append(ConfigProblem(str(path), None, None, "file is missing"))
        return None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(ConfigProblem(str(path), None, None, f"not valid YAML{where}: {reason}"))
        return None
    except UnicodeDecodeError as exc:
        problems.append(ConfigProblem(str(path), None, None, f"not UTF-8 text: {exc}"))
        return None
    return {} if data is None else data


def _validate(model: Any, data: Any, path: Path, problems: list[ConfigProblem]) -> Any:
    if data is None:
        return None
    if not isinstance(data, dict):
        kind = type(data).__name__
        problems.append(ConfigProblem(str(path), None, None, f"expected a mapping, found a {kind}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problem_from_error(path, data, error) for error in exc.errors())
        return None


def _problem_from_error(path: Path, data: dict[str, Any], error: Any) -> ConfigProblem:
    loc = [part for part in error["loc"] if not _is_pydantic_tag(part)]
    entry, field_path = _split_location(data, loc)
    return ConfigProblem(str(path), entry, field_path, _explain(error))


def _is_pydantic_tag(part: object) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _split_location(data: dict[str, Any], loc: list[Any]) -> tuple[str | None, str | None]:
    """Turn ``['outlets', 3, 'feeds', 0]`` into ("outlets[3] (id 'tass')", "feeds[0]")."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        entry = f"{loc[0]}[{loc[1]}]"
        item = (data.get(loc[0]) or [None] * (loc[1] + 1))[loc[1]]
        if isinstance(item, dict) and "id" in item:
            entry += f" (id '{item['id']}')"
        rest = loc[2:]
    elif loc:
        entry, rest = str(loc[0]), loc[1:]
    else:
        return None, None
    if not rest:
        return entry, None
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    return entry, field


def _explain(error: Any) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; see the config reference in README.md)"
    message = str(error["msg"])
    message = re.sub(r"^(Value error|Assertion failed), ", "", message)
    found = error.get("input")
    if (
        kind not in {"missing"}
        and isinstance(found, str | int | float)
        and str(found) not in message
    ):
        message += f" (found {found!r})"
    return message


def _duplicate_ids(path: Path, section: str, ids: list[str]) -> list[ConfigProblem]:
    seen: dict[str, int] = {}
    problems = []
    for index, ident in enumerate(ids):
        if ident in seen:
            message = (
                f"duplicate id '{ident}', already used by {section}[{seen[ident]}]; "
                "ids must be unique"
            )
            problems.append(ConfigProblem(str(path), f"{section}[{index}]", "id", message))
        else:
            seen[ident] = index
    return problems
