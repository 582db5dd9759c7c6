"""``configscan rules``: list, show and validate rule packs, list those due for review, generate docs.

Thin: parsing and checking live in ``configscan.jurisdictions``; this module prints. ``validate`` is for
a user-written pack or agency policy: every problem is printed with its line, and the exit code is 2.
``stale`` is for cron: silent with exit 0 when every pack is current, one line per due pack and exit 1
otherwise, so the job's mail is the to-do list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from configscan import exitcodes
from configscan.atomic import write_atomic
from configscan.clikit import parse_as_of
from configscan.errors import InputError, UsageError
from configscan.jurisdictions.docs import confidence_mix, jurisdictions_markdown
from configscan.jurisdictions.library import PackLibrary
from configscan.jurisdictions.packfile import check_pack_file
from configscan.jurisdictions.review import due_for_review, parse_age
from configscan.jurisdictions.schema import RulePack
from configscan.textsafe import visible

rules_app = typer.Typer(name="rules", help="The rule packs: list, show, validate, stale, docs.",
                        no_args_is_help=True)


def _library() -> PackLibrary:
    try:
        return PackLibrary()
    except InputError as exc:  # a broken bundled pack is an installation fault, said in one line
        typer.echo(f"configscan: error: {visible(str(exc))}", err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR) from exc


def _summary_row(pack: RulePack) -> dict[str, Any]:
    return {
        "id": pack.id,
        "name": pack.name,
        "level": pack.level.value,
        "rules": len(pack.rules),
        "last_reviewed": pack.last_reviewed.isoformat(),
        "statute_found": pack.statute_found,
        "review_due": pack.review_due.isoformat() if pack.review_due else None,
        "sources": len(pack.sources),
        "confidence": confidence_mix(pack),
        "parent": pack.parent,
        "aliases": pack.aliases,
    }


@rules_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False) -> None:
    """Every bundled pack: id, name, level, rule count, last reviewed."""
    rows = [_summary_row(p) for p in _library().all()]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{'ID':<18} {'LEVEL':<9} {'RULES':>5}  {'REVIEWED':<10}  NAME")
    for row in rows:
        law = "" if row["statute_found"] else "  (no statute found)"
        typer.echo(f"{row['id']:<18} {row['level']:<9} {row['rules']:>5}  {row['last_reviewed']:<10}  "
                   f"{row['name']}{law}")


@rules_app.command("show")
def show_command(
    pack_id: Annotated[str, typer.Argument(help="Pack id or alias, e.g. US-WA, wa, oakland.")],
    as_json: Annotated[bool, typer.Option("--json", help="The pack as JSON.")] = False,
) -> None:
    """One pack with every rule: kind, citation, dates, source, summary, confidence."""
    library = _library()
    try:
        pack = library.get(pack_id)
    except UsageError as exc:
        typer.echo(f"configscan: error: {visible(str(exc))}", err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR) from exc
    if as_json:
        typer.echo(pack.model_dump_json(indent=2))
        return
    typer.echo(f"{pack.id}  {pack.name}  [{pack.level.value}]  version {pack.version}, reviewed "
               f"{pack.last_reviewed.isoformat()}")
    if pack.parent:
        typer.echo(f"overlays: {pack.parent}")
    if not pack.statute_found:
        typer.echo(f"No statute found as of {pack.last_reviewed.isoformat()}: scans run the advisory baseline.")
    if pack.review_due:
        typer.echo(f"review due by {pack.review_due.isoformat()}")
    if pack.notes:
        typer.echo(f"notes: {' '.join(pack.notes.split())}")
    for source in pack.sources:
        typer.echo(f"source read ({source.grade.value}): {source.url}{f'  -- {source.title}' if source.title else ''}")
    for rule in pack.rules:
        typer.echo("")
        typer.echo(f"  {rule.id}  ({rule.kind.value})")
        typer.echo(f"    summary:        {rule.summary}")
        typer.echo(f"    citation:       {rule.citation}")
        until = f" until {rule.effective_until.isoformat()}" if rule.effective_until else ""
        typer.echo(f"    in force:       from {rule.effective_from.isoformat()}{until}")
        if rule.max_retention:
            typer.echo(f"    max_retention:  {rule.max_retention}")
        if rule.params:
            typer.echo(f"    params:         {json.dumps(rule.params, default=str)}")
        if rule.severity:
            typer.echo(f"    severity:       {rule.severity}")
        typer.echo(f"    confidence:     {rule.confidence.value}")
        typer.echo(f"    source:         {rule.source}")
        typer.echo(f"    last reviewed:  {rule.last_reviewed.isoformat()}")


@rules_app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Pack or agency-policy YAML files.")],
) -> None:
    """Check user-written packs or policies; every problem is printed with its line. Exit 2 on any error."""
    known = set(_library().ids())
    failed = False
    for path in paths:
        result = check_pack_file(path, known)
        if result.ok and result.pack is not None:
            typer.echo(f"{path}: ok ({result.pack.id}, level {result.pack.level.value}, "
                       f"{len(result.pack.rules)} rules)")
            continue
        failed = True
        for problem in result.problems:
            line = f":{problem.line}" if problem.line else ""
            where = f" {problem.field}:" if problem.field else ""
            typer.echo(visible(f"{path}{line}:{where} {problem.message}"), err=True)
    if failed:
        raise typer.Exit(exitcodes.INPUT_ERROR)


@rules_app.command("stale")
def stale_command(
    older_than: Annotated[str, typer.Option("--older-than", help="Age that makes a review due: 180d, 26w, 1y, "
                                            "P6M.")] = "180d",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge ages on YYYY-MM-DD (default today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON list (empty when nothing is due).")] = False,
) -> None:
    """Packs due for review (older than --older-than, or past their own review_due date). Exit 1 if any."""
    try:
        days = parse_age(older_than)
    except UsageError as exc:
        typer.echo(f"configscan: error: {visible(str(exc))}", err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR) from exc
    on = parse_as_of(as_of)
    library = _library()
    due = due_for_review(library.all(), on, days)
    if as_json:
        typer.echo(json.dumps([{"id": d.pack.id, "name": d.pack.name, "last_reviewed": d.pack.last_reviewed.isoformat(),
                                "age_days": d.age_days, "reasons": list(d.reasons),
                                "path": str(library.path_of(d.pack.id))} for d in due], indent=2))
    else:
        for d in due:
            typer.echo(f"{d.pack.id:<18} {d.pack.last_reviewed.isoformat()}  {'; '.join(d.reasons)}  ({d.pack.name})")
        if due:
            typer.echo(f"configscan: {len(due)} of {len(library.ids())} rule packs due for review as of "
                       f"{on.isoformat()}", err=True)
    if due:
        raise typer.Exit(exitcodes.FINDINGS)


@rules_app.command("docs")
def docs_command(
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here (atomically) instead of stdout.")] = None,
) -> None:
    """The jurisdictions table in Markdown (docs/jurisdictions.md is this output)."""
    text = jurisdictions_markdown(_library().all())
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)


def register(app: typer.Typer) -> None:
    """Mount ``configscan rules ...`` on the main application."""
    app.add_typer(rules_app, name="rules")
