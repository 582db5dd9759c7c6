"""``configscan partners classify FILE.csv``: the scan's own partner classifier, on a plain list of names.

Lets an analyst check a sharing-list release (or a vendor directory dump) without a full configuration
export. One JSON object per line with ``--json``; otherwise a readable table. Summary on stderr.

Names come from someone else's file: on the table and stderr lines they pass through ``textsafe.visible`` and
in JSON lines through ``textsafe.json_line_safe``, so a name can neither send terminal escape sequences nor
split one record into two lines.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from configscan import exitcodes
from configscan.errors import InputError
from configscan.partners import Classification, Classifier
from configscan.partners.listing import ListedPartner, read_partner_list
from configscan.partners.states import usps
from configscan.textsafe import json_line_safe, visible


def _record(partner: ListedPartner, verdict: Classification) -> dict[str, Any]:
    record: dict[str, Any] = dict(partner.fields)
    record.update(category=verdict.category.value, out_of_state=verdict.out_of_state, reasons=verdict.reasons,
                  confidence=verdict.confidence, classified_state=verdict.state,
                  state_conflict=verdict.state_conflict, tags=verdict.tags)
    return record


def _table(rows: list[tuple[ListedPartner, Classification]]) -> str:
    names = [visible(p.name) for p, _ in rows]
    width = min(48, max([len(n) for n in names] + [4]))
    lines = [f"{'name':<{width}}  {'state':<5}  {'category':<19}  {'out':<5}  {'conf':>4}  why"]
    for name, (_, verdict) in zip(names, rows, strict=True):
        out = {True: "yes", False: "no", None: "?"}[verdict.out_of_state]
        state = visible(verdict.state or "?") + ("!" if verdict.state_conflict else "")
        why = visible(verdict.reasons[0]) if verdict.reasons else ""
        lines.append(f"{name[:width]:<{width}}  {state:<5}  {verdict.category.value:<19}  {out:<5}  "
                     f"{verdict.confidence:>4.2f}  {why}")
    return "\n".join(lines)


def classify_command(
    file: Annotated[Path, typer.Argument(help="CSV with a 'name' column; optional state, ori, org_type.")],
    agency_state: Annotated[str | None, typer.Option("--agency-state", help="The scanned agency's state, "
                                                     "e.g. CA (decides out_of_state).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    directory: Annotated[Path | None, typer.Option("--directory", help="Partner directory CSV that overrides "
                                                   "the bundled one.")] = None,
) -> None:
    """Classify each organisation in a CSV: federal, immigration, state, local, tribal, multi-agency, private."""
    state = usps(agency_state) if agency_state else None
    if agency_state and state is None:
        typer.echo(visible(f"configscan: error: --agency-state {agency_state!r} is not a USPS state code"), err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR)
    try:
        partners = read_partner_list(file)
        classifier = Classifier(directory)
    except InputError as exc:
        typer.echo(visible(f"configscan: error: {exc}"), err=True)
        raise typer.Exit(exitcodes.INPUT_ERROR) from None
    rows = [(p, classifier.classify(p.name, state=p.get("state"), ori=p.get("ori"), org_type=p.get("org_type"),
                                    agency_state=state)) for p in partners]
    if as_json:
        for partner, verdict in rows:
            typer.echo(json_line_safe(json.dumps(_record(partner, verdict), ensure_ascii=False)))
    else:
        typer.echo(_table(rows))
    counts = Counter(v.category.value for _, v in rows)
    summary = ", ".join(f"{n} {c}" for c, n in sorted(counts.items()))
    unknown = counts.get("unknown", 0)
    tail = f"; {unknown} unverified: confirm who they are" if unknown else ""
    typer.echo(visible(f"configscan: {len(rows)} partners in {file}: {summary}{tail}"), err=True)


def register(app: typer.Typer) -> None:
    group = typer.Typer(name="partners", help="Partner intelligence: who is on the other end of a sharing link.",
                        no_args_is_help=True)
    group.command("classify")(classify_command)
    app.add_typer(group, name="partners")
