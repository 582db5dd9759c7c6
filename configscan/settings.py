"""Where option values come from: the command line, then ``CONFIGSCAN_*`` variables, then a config file.

Precedence is flag > environment > file > built-in default. The file is ``--config PATH`` (or
``CONFIGSCAN_CONFIG``), else ``configscan.toml`` in the working directory when there is one. Its top-level keys
apply to every command that has that option; a table named after a command (``[run]``, ``[scan]``) applies to
that command only and wins over the top level. Keys are the long option names (``fail-on`` or ``fail_on``);
environment variables are ``CONFIGSCAN_`` + the option name in capitals (``CONFIGSCAN_FAIL_ON``,
``CONFIGSCAN_DB``), and a repeatable option takes several values separated by spaces.

Both become click's ``default_map``, which click consults only for options the command line left unset -- so
the command line always wins, and ``--help`` shows the values in force as defaults. An unknown key in the
file is an error naming its line (a typo must not silently fall back to a default).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from configscan.errors import InputError
from configscan.tomllines import key_lines, line_of

CONFIG_NAME = "configscan.toml"
CONFIG_ENV = "CONFIGSCAN_CONFIG"
ENV_PREFIX = "CONFIGSCAN_"
_NOT_SETTABLE = frozenset({"help", "install_completion", "show_completion", "version", "config", "debug"})


def hoist(argv: Sequence[str], own_config: Collection[str] = ()) -> list[str]:
    """``--config PATH`` is global but may be typed after the command: move it to the front (before ``--``).

    Not for a command that has a ``--config`` of its own (``own_config``: ``audit --config agency.json`` names
    the agency's configuration export, not an options file), and not when it already precedes the command.
    """
    args = list(argv)
    end = args.index("--") if "--" in args else len(args)
    command = next((i for i, arg in enumerate(args[:end]) if not arg.startswith("-")
                    and not (i and args[i - 1] == "--config")), end)
    if command < end and args[command] in own_config:
        return args
    for i, arg in enumerate(args[:end]):
        if i < command and (arg == "--config" or arg.startswith("--config=")):
            return args  # already global
        if arg.startswith("--config="):
            return [arg, *args[:i], *args[i + 1:]]
        if arg == "--config" and i + 1 < end:
            return [arg, args[i + 1], *args[:i], *args[i + 2:]]
    return args


def commands_with_config(root: Any) -> set[str]:
    """Top-level commands that define a ``--config`` option of their own (``hoist`` leaves theirs alone)."""
    return {path[0] for path, command in _commands(root) if len(path) == 1 and any(
        "--config" in getattr(param, "opts", ()) for param in getattr(command, "params", []))}


def config_file(flag: Path | None, environ: Mapping[str, str], cwd: Path) -> Path | None:
    if flag is not None:
        return flag
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    here = cwd / CONFIG_NAME
    return here if here.is_file() else None


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (sub)command under a typer group (duck-typed: typer's own click classes are private)."""
    for name, command in sorted(getattr(group, "commands", {}).items()):
        yield (*prefix, name), command
        yield from _commands(command, (*prefix, name))


def _options(command: Any) -> dict[str, Any]:
    """{"fail-on": option}: settable options by their long name (dashes)."""
    found = {}
    for param in getattr(command, "params", []):
        if getattr(param, "param_type_name", "") == "option" and param.name and param.name not in _NOT_SETTABLE:
            longs = [o for o in param.opts if o.startswith("--")]
            if longs:
                found[longs[0][2:]] = param
    return found


def default_map(root: Any, config: Path | None, environ: Mapping[str, str]) -> dict[str, Any]:
    """click's ``default_map`` for every command under ``root``: environment over file."""
    data, lines = _read(config) if config is not None else ({}, {})
    _reject_unknown(root, data, lines, config)
    result: dict[str, Any] = {}
    for path, command in _commands(root):
        values: dict[str, Any] = {}
        table: Any = data
        for part in path:
            table = table.get(part, {}) if isinstance(table, dict) else {}
        for name, option in _options(command).items():
            for source in (data, table if isinstance(table, dict) else {}):  # top level, then [command]
                for key in (name, name.replace("-", "_")):
                    if key in source and _fits(option, source[key]):
                        values[option.name or name] = source[key]
            env = environ.get(ENV_PREFIX + name.replace("-", "_").upper())
            if env is not None and env != "" and _fits(option, env):
                values[option.name or name] = env.split() if option.multiple else env
        node = result
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(path[-1], {}).update(values)
    return result


def _fits(option: Any, value: Any) -> bool:
    """Whether a value can be this option's: ``json = "r.json"`` is ``scan --json PATH``, not ``checks --json``
    (a flag), so one name shared by a flag and a valued option goes only where it fits."""
    if isinstance(value, dict):
        return False
    if getattr(option, "is_flag", False):
        return isinstance(value, bool) or (isinstance(value, str) and value.strip().lower() in _BOOLEAN_WORDS)
    return not isinstance(value, bool)


_BOOLEAN_WORDS = frozenset({"1", "0", "true", "false", "yes", "no", "on", "off"})


def _read(path: Path) -> tuple[dict[str, Any], dict[Any, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read the config file ({exc.strerror or exc})") from exc
    try:
        return tomllib.loads(text), key_lines(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), f"not valid TOML ({exc})") from exc


def _reject_unknown(root: Any, data: dict[str, Any], lines: dict[Any, int], config: Path | None) -> None:
    commands = dict(_commands(root))
    everywhere = {n for c in commands.values() for n in _options(c)}
    for key, value in data.items():
        if isinstance(value, dict) and (key,) in commands:
            known = set(_options(commands[(key,)]))
            for sub in value:
                if sub.replace("_", "-") not in known and not isinstance(value[sub], dict):
                    _unknown(config, lines, (key,), sub, known)
        elif key.replace("_", "-") not in everywhere:
            _unknown(config, lines, (), key, everywhere)


def _unknown(config: Path | None, lines: dict[Any, int], table: tuple[str, ...], key: str, known: set[str]) -> None:
    line = line_of(lines, table, key)
    near = difflib.get_close_matches(key.replace("_", "-"), sorted(known), n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    where = f"{'.'.join(table)}." if table else ""
    raise InputError(f"{config}:{line}" if line else str(config), f"unknown option {where}{key!r}{hint}")


def environment() -> Mapping[str, str]:
    return os.environ
