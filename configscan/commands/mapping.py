"""``configscan map suggest FILE``: a first draft of a column mapping for ``scan --mapping``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from configscan import exitcodes
from configscan.atomic import write_atomic
from configscan.errors import InputError
from configscan.readers.mapped import suggest
from configscan.textsafe import visible


def suggest_command(
    file: Annotated[Path, typer.Argument(help="A CSV or XLSX export.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the TOML here (default: stdout).")] = None,
) -> None:
    """Propose a TOML column mapping from the file's headers; edit it, then scan with --mapping."""
    if not file.is_file():
        typer.echo(f"configscan: error: {visible(str(file))}: no such file", err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR)
    try:
        text = suggest(file)
    except InputError as exc:
        typer.echo(f"configscan: error: {visible(str(exc))}", err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR) from None
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Column mappings for CSV/XLSX files no built-in reader knows.", no_args_is_help=True)
    group.command("suggest")(suggest_command)
    app.add_typer(group, name="map")
