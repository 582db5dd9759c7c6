"""``configscan corpus``: a state's (or a country's) released audit logs in one run, findings per camera owner.

Thin: parse options, then manifest -> load -> link duplicates -> owners' findings -> outputs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from configscan import exitcodes
from configscan.audit.passes import evidence
from configscan.audit.run import DEFAULT_SWEEP_THRESHOLD
from configscan.clikit import failing_cleanly, parse_as_of, parse_fail_on, parse_memory
from configscan.leftovers import work_directory
from configscan.textsafe import visible


def register(app: typer.Typer) -> None:
    @app.command("corpus")
    def corpus_command(
        source: Annotated[Path, typer.Argument(help="A manifest (CSV or TOML: release, path, agency, state, "
                                               "request_url, sha256) or a folder with one sub-folder per release.")],
        out: Annotated[Path, typer.Option("--out", help="Folder for corpus.json, index.csv, index.html and "
                                          "owners/<owner>.html (one printable page per camera owner).")],
        state: Annotated[str | None, typer.Option("--state", help="Owners' state for a folder without a "
                                                  "manifest (USPS code).")] = None,
        evidence_csv: Annotated[Path | None, typer.Option("--evidence-csv", help="Every released row behind a "
                                                          "flagged search, with release, file, sheet, row.")] = None,
        as_of: Annotated[str | None, typer.Option("--as-of", help="Law in force on YYYY-MM-DD.")] = None,
        sweep_threshold: Annotated[int, typer.Option("--sweep-threshold", min=1,
                                                     help="Networks per search that make a mass sweep.")]
        = DEFAULT_SWEEP_THRESHOLD,
        fail_on: Annotated[str, typer.Option("--fail-on", help="Lowest severity that exits 1, or never.")] = "high",
        exclude: Annotated[list[str] | None, typer.Option("--exclude", help="Leave out files in release folders "
                                                          "that match this glob (by name or path); repeatable.")]
        = None,
        memory_limit: Annotated[str, typer.Option("--memory-limit", help="The engine's memory (it spills to disk "
                                                  "past it); 100 M national searches fit the default.")] = "1500MB",
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
    ) -> None:
        """Many releases by many agencies: searches de-duplicated across releases, findings per camera owner."""
        import duckdb

        from configscan.corpus.run import CorpusRequest, run_corpus

        threshold = parse_fail_on(fail_on)
        day = parse_as_of(as_of)
        memory = parse_memory(memory_limit)
        started = time.perf_counter()
        with work_directory("configscan-corpus-") as tmp, failing_cleanly(evidence_csv):
            try:
                result = run_corpus(CorpusRequest(source=source, out=out, state=state, evidence=evidence_csv,
                                                  as_of=day, threshold=sweep_threshold, work=Path(tmp),
                                                  exclude=exclude or [], memory_limit=memory), started)
            except duckdb.OutOfMemoryException as exc:
                _out_of_memory(memory, exc)
            if evidence_csv is not None:
                evidence.publish(evidence_csv)  # only once the outputs are written: never half an evidence file
        if not quiet:
            typer.echo(visible(result.summary_line()), err=True)
            for error in result.errors:
                typer.echo(visible(f"configscan: incomplete: {error}"), err=True)
        raise typer.Exit(result.exit_code(threshold))


def _out_of_memory(memory: str, exc: Exception) -> NoReturn:
    """A step the engine could not spill to disk: not a bug and not bad input, but a corpus larger than the
    memory it was given. One line with the way out; the previous outputs stay as they were (exit 3)."""
    first = " ".join(str(exc).split("Possible solutions")[0].split())
    typer.echo(visible(f"configscan: incomplete: the engine ran out of its {memory} ({first}); nothing was "
                       "written: run again with a larger --memory-limit"), err=True)
    raise typer.Exit(exitcodes.INCOMPLETE)
