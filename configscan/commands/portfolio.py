"""``configscan portfolio INPUTS... --out DIR``: one report per agency, the batch's network, and an index.

Thin: parse options, plan (read, group, network), evaluate every agency, write, exit with the worst code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from configscan import exitcodes
from configscan.clikit import failing_cleanly, parse_as_of, parse_fail_on
from configscan.leftovers import work_directory
from configscan.network.graph import Membership
from configscan.portfolio.run import PortfolioOptions, plan, progress_bar, run_all, summarise
from configscan.portfolio.write import write_portfolio
from configscan.readers.memberships import read_memberships
from configscan.scan import ScanOptions
from configscan.textsafe import visible


def portfolio_command(
    inputs: Annotated[list[Path], typer.Argument(help="Exports of many agencies: files, folders or globs.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for index.html, portfolio.json|csv, agencies/.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Evaluate the law in force on YYYY-MM-DD.")] = None,
    fail_on: Annotated[str, typer.Option("--fail-on", help="Lowest severity that exits 1, or never.")] = "high",
    policy: Annotated[Path | None, typer.Option("--policy", help="Policy pack applied to every agency.")] = None,
    directory: Annotated[Path | None, typer.Option("--directory", help="Partner directory CSV.")] = None,
    g287: Annotated[Path | None, typer.Option("--287g", help="A newer ICE 287(g) list (ICE's xlsx or a CSV) "
                                              "than the bundled one; the reports state its date.")] = None,
    members: Annotated[Path | None, typer.Option("--members", help="Pool membership CSV: pool,name,state,ori.")
                       ] = None,
    audit: Annotated[list[Path] | None, typer.Option("--audit", help="Audit logs; each joins the agency in its "
                                                     "folder or named in its file name.")] = None,
    agency_name: Annotated[str | None, typer.Option("--agency-name", help="Agency for files that name none.")
                           ] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave out matching files.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", min=0, help="Worker processes (0: CPU count).")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
) -> None:
    """Scan many agencies at once: one report per agency, who can reach each agency's data, and an index."""
    threshold = parse_fail_on(fail_on)
    with work_directory("configscan-") as work, failing_cleanly(None):
        base = ScanOptions(inputs=[], as_of=parse_as_of(as_of), fail_on=threshold, policy=policy,
                           directory=directory, g287=g287, exclude=exclude or [], work=Path(work))
        memberships: list[Membership] = read_memberships(members) if members else []
        options = PortfolioOptions(inputs=inputs, base=base, memberships=memberships, audit=audit or [],
                                   agency_name=agency_name, **({"jobs": jobs} if jobs else {}))
        planned, portfolio = plan(options)
        advance, stop = progress_bar(len(planned))
        try:
            results = run_all(planned, options.jobs, advance, out)
        finally:
            stop()
        portfolio = summarise(portfolio, planned, results)
        write_portfolio(out, portfolio)
    if not quiet:
        verdicts: dict[str, int] = {}
        for row in portfolio.agencies:
            verdicts[row.verdict] = verdicts.get(row.verdict, 0) + 1
        counts = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
        typer.echo(visible(f"configscan: portfolio of {len(portfolio.agencies)} agencies: {counts}; "
                           f"index at {out / 'index.html'}"), err=True)
        for row in portfolio.agencies:
            for error in row.errors:
                typer.echo(visible(f"configscan: incomplete: {row.name}: {error}"), err=True)
    raise typer.Exit(portfolio.exit_code if portfolio.exit_code in (0, 1, 3) else exitcodes.INCOMPLETE)


def register(app: typer.Typer) -> None:
    app.command("portfolio")(portfolio_command)
