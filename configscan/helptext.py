"""Examples and exit codes for ``--help``: kept in one place and attached to every command by name.

Attached after the commands are mounted (``decorate``), so a command module needs no change to get them and
the exit-code table cannot drift between commands. Every example here is run by the test suite's help test
only as far as parsing goes; the README holds the longer walk-through.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer

from configscan.runlock import LOCKED

EXIT_CODES = (
    "Exit codes: 0 clean (nothing at or above the gate) | 1 findings at or above --fail-on (or new ones, "
    "with --fail-on-new) | 2 usage or input error, one line naming the file | 3 incomplete: an input, check, "
    f"plugin, fetch or alert failed; never a clean report | {LOCKED} another run of the same scan file is in "
    "progress (configscan run); nothing done | 130 interrupted (Ctrl-C) | 143 terminated (SIGTERM)."
)

EXAMPLES: dict[str, Sequence[str]] = {
    "": ("configscan scan examples/pinecrest-ca.json --html report.html --json report.json",
         "configscan run scans.toml --log-format json",
         "configscan history harbor-view"),
    "scan": ("configscan scan export.json --html r.html --json r.json",
             "configscan scan snap/ --jurisdiction US-CA --local oakland --as-of 2026-12-01",
             "configscan scan export.json --db ~/history.db --fail-on-new high --waivers waivers.yaml"),
    "run": ("configscan run --check scans.toml",
            "configscan run scans.toml --quiet",
            "configscan run scans.toml --as-of 2026-12-02 --log-format json --only harbor-view"),
    "history": ("configscan history", "configscan history harbor-view --json"),
    "diff": ("configscan diff --agency harbor-view", "configscan diff 1 3 --json"),
    "checks": ("configscan checks", "configscan checks --json"),
    "formats": ("configscan formats",),
    "schema": ("configscan schema > agency-config.schema.json",),
    "audit": ("configscan audit 'logs/*.csv.gz' --agency-state CA --html audit.html",),
    "portfolio": ("configscan portfolio exports/ --out portfolio/",),
    "corpus": ("configscan corpus releases.csv --out corpus/ --evidence-csv corpus/rows.csv",
               "configscan corpus releases/ --state CA --out corpus/"),
    "fetch": ("configscan fetch portal pinecrest-ca --out snap/",),
    "map": ("configscan map suggest release.xlsx > mapping.toml",),
    "partners": ("configscan partners classify orgs.csv --agency-state CA",),
    "rules": ("configscan rules list", "configscan rules show US-WA"),
    "fetch portal": ("configscan fetch portal pinecrest-ca --out snap/",),
    "fetch muckrock": ("configscan fetch muckrock 123456 --out snap/",),
    "fetch url": ("configscan fetch url https://example.org/export.xlsx --out snap/ --token-env PORTAL_TOKEN",),
    "map suggest": ("configscan map suggest release.xlsx > mapping.toml",),
    "partners classify": ("configscan partners classify orgs.csv --agency-state CA --json",),
    "rules list": ("configscan rules list --json",),
    "rules show": ("configscan rules show US-WA", "configscan rules show US-CA-OAKLAND --json"),
    "rules validate": ("configscan rules validate ours.yaml",),
    "rules stale": ("configscan rules stale --older-than 1y",),
    "rules docs": ("configscan rules docs -o docs/jurisdictions.md",),
}


def epilog(name: str) -> str:
    lines = EXAMPLES.get(name, ())
    shown = "\n\n".join(f"  $ {line}" for line in lines)
    return (f"Examples:\n\n{shown}\n\n" if lines else "") + EXIT_CODES


def decorate(app: typer.Typer) -> None:
    """Give the root, every command and every command group its examples and the exit codes."""
    if not app.info.epilog or not isinstance(app.info.epilog, str):
        app.info.epilog = epilog("")
    for command in app.registered_commands:
        name = command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")
        if command.epilog is None:
            command.epilog = epilog(name)
    for group in app.registered_groups:
        name = group.name if isinstance(group.name, str) else ""
        instance = group.typer_instance
        if instance is not None and not isinstance(instance.info.epilog, str):
            instance.info.epilog = epilog(name)
        for command in instance.registered_commands if instance is not None else []:
            if command.epilog is None:
                sub = command.name or (command.callback.__name__.replace("_", "-") if command.callback else "")
                command.epilog = epilog(f"{name} {sub}")


def show_version(value: bool) -> None:
    """``--version``: the tool's version (the one recorded with every run in the history)."""
    if value:
        from configscan import __version__

        typer.echo(f"configscan {__version__}")
        raise typer.Exit(0)
