"""``configscan run`` over several scans: each scan's inputs read on their own, the agencies evaluated as one
batch through the portfolio's machinery, then each scan ended exactly as a lone scan ends.

Why a batch: the agencies' exports describe one network, so each agency's reach takes in what the others'
exports say (a partner that is another scanned agency, its side doors, two exports that disagree), and a batch
large enough to pay for it is evaluated in worker processes. What stays per scan: its inputs and options, its
waivers and gates, its record in the history, its reports and alerts. Fail closed per scan: a scan whose
inputs cannot be read (or whose audit log or mapping is wrong) ends with exit 2 and one line naming the file;
the other scans go on, and the run's exit code is the worst of them.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import typer

from configscan import __version__, exitcodes
from configscan.clikit import failing_cleanly
from configscan.errors import InputError, UsageError
from configscan.findings import ScanResult
from configscan.inputs import SkippedInput
from configscan.network.graph import AgencyInput, build_network, node_id
from configscan.network.reach import reach_of
from configscan.nightly import Afterwards
from configscan.partners.g287 import cached_roster
from configscan.portfolio.model import Portfolio
from configscan.portfolio.run import PARALLEL_FROM, Job, cached_classifier, evaluate_job, slugify, summarise, warm
from configscan.portfolio.write import write_agency, write_portfolio
from configscan.registry import Registry
from configscan.runfile import RunFile, ScanEntry
from configscan.runlog import Log
from configscan.runner import RunSettings, afterwards, finish_entry, prepare
from configscan.scan import ScanOptions, read_agency
from configscan.writers import WriterError


@dataclass
class _Scan:
    """One scan of the batch, from reading to its exit code."""

    entry: ScanEntry
    slug: str
    after: Afterwards
    evidence: Path | None
    stack: ExitStack = field(default_factory=ExitStack)  # its evidence staging file, held until it ends
    targets: list[tuple[str, Path]] = field(default_factory=list)
    job: Job | None = None
    skipped: list[SkippedInput] = field(default_factory=list)
    result: ScanResult | None = None
    error: str | None = None
    code: int = exitcodes.INPUT_ERROR


def run_batch(plan: RunFile, entries: Sequence[ScanEntry], settings: RunSettings, registry: Registry, log: Log,
              bar: Any) -> tuple[list[int], int]:
    """Every scan's exit code (in the file's order), and the portfolio index's (0: written or not asked for)."""
    started = time.perf_counter()
    taken: set[str] = set()
    scans: list[_Scan] = []
    try:
        for entry in entries:
            bar.step(f"reading {entry.name}")
            scan = _read(plan, entry, settings, registry, log, slugify(entry.name, None, taken))
            scans.append(scan)
            if scan.job is None:
                bar.advance()
        live = [s for s in scans if s.job is not None]
        links = _connect(scans)
        log.event("info", f"{len(live)} agencies evaluated as one batch ({len(links)} link(s) between them)")
        bar.step(f"evaluating {len(live)} agencies")
        workers = (plan.portfolio.jobs if plan.portfolio and plan.portfolio.jobs else os.cpu_count()) or 1
        outcomes = evaluate_all([s.job for s in live if s.job is not None], workers, bar.advance)
        for scan, outcome in zip(live, outcomes, strict=True):
            _finish(plan, scan, outcome, registry, log)
        index = _index(plan, scans, settings, registry, links, log, started)
    finally:
        for scan in scans:
            scan.after.close()
            scan.stack.close()
    return [s.code for s in scans], index


def _read(plan: RunFile, entry: ScanEntry, settings: RunSettings, registry: Registry, log: Log,
          slug: str) -> _Scan:
    """Fetch, open the history and waivers, check the report targets, read and normalise (as ``run_scan``)."""
    after = afterwards(plan, entry, settings, log)
    scan = _Scan(entry=entry, slug=slug, after=after,
                 evidence=entry.path(entry.evidence_csv, plan.base, settings.as_of))
    try:
        scan.stack.enter_context(failing_cleanly(scan.evidence))
        options, scan.targets = prepare(plan, entry, settings, registry, after, scan.evidence, log)
        config, fragments, conflicts, inventory = read_agency(options, registry.readers)
    except (InputError, UsageError) as exc:
        scan.error = str(exc)
        log.event("error", scan.error, scan=entry.name)
        return scan
    except typer.Exit as exc:  # failing_cleanly's own one-line error (the evidence file cannot be staged)
        scan.code, scan.error = int(exc.exit_code), "the evidence file could not be staged"
        return scan
    scan.skipped = list(inventory.skipped)
    # Folder files that could not be read make the agency incomplete, as in a lone scan (evaluate_job adds them).
    scan.job = Job(slug=slug, options=options, config=config, fragments=fragments, conflicts=conflicts,
                   errors=list(inventory.errors), label=entry.name)
    return scan


def _connect(scans: Sequence[_Scan]) -> list[tuple[int, int]]:
    """Each agency's reach in the batch's network (one network per partner directory the scans use), and the
    links between batch agencies as (owner, searcher) positions for the index's picture."""
    live = [(i, s.job) for i, s in enumerate(scans) if s.job is not None and s.job.config is not None]
    agencies = [AgencyInput(config=job.config, source=job.label) for _, job in live if job.config is not None]
    position = {node_id(job.config): i for i, job in live if job.config is not None}
    roster = cached_roster(None)
    links: set[tuple[int, int]] = set()
    for directory in dict.fromkeys(job.options.directory for _, job in live):
        network = build_network(agencies, cached_classifier(directory), roster)
        links |= {(position[a], position[b]) for a, b in network.edges() if a in position and b in position}
        for _, job in live:
            if job.config is not None and job.options.directory == directory:
                job.options = replace(job.options, reach=reach_of(network, node_id(job.config)))
    return sorted(links)


def _evaluate(job: Job) -> ScanResult | str:
    """One agency, here or in a worker. An input or usage error (a missing audit log, an audit mapping without
    logs) is that agency's alone: returned as its one line, so the others are still evaluated."""
    try:
        result = evaluate_job(job)
    except (InputError, UsageError) as exc:
        return str(exc)
    return result if result is not None else f"{job.label}: its inputs could not be read"


def evaluate_all(jobs: Sequence[Job], workers: int, advance: Callable[[], None]) -> list[ScanResult | str]:
    """Every job in order; in worker processes when the batch is large enough to pay for starting them."""
    warm()
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        done = []
        for job in jobs:
            done.append(_evaluate(job))
            advance()
        return done
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(_evaluate, job) for job in jobs]
        results = []
        for future in futures:
            results.append(future.result())
            advance()
        return results


def _finish(plan: RunFile, scan: _Scan, outcome: ScanResult | str, registry: Registry, log: Log) -> None:
    if isinstance(outcome, str):
        scan.error = outcome
        log.event("error", outcome, scan=scan.entry.name)
        return
    outcome.skipped[:0] = scan.skipped  # a lone scan lists the inputs' skipped files first, then the logs'
    try:
        scan.code = finish_entry(plan, scan.entry, scan.after, outcome, registry, scan.targets, scan.evidence, log)
        scan.result = outcome
    except (InputError, UsageError) as exc:
        scan.error = str(exc)
        log.event("error", scan.error, scan=scan.entry.name)
    except typer.Exit as exc:  # a report writer's own one-line failure (exit 3)
        scan.code, scan.error = int(exc.exit_code), "a report was not written"


def _index(plan: RunFile, scans: Sequence[_Scan], settings: RunSettings, registry: Registry,
           links: list[tuple[int, int]], log: Log, started: float) -> int:
    """``[portfolio] out``: every agency's reports (as recorded: waivers applied, run id set) and the index,
    written after them so it never links to a report that is not there. Exit 3 when they cannot be written."""
    out = plan.index_out(settings.as_of)
    if out is None:
        return exitcodes.OK
    jobs = [s.job if s.result is not None and s.job is not None else
            Job(slug=s.slug, options=ScanOptions(inputs=[]), config=None, fragments=[], conflicts=[],
                errors=[s.error or "not scanned"], label=s.entry.name) for s in scans]
    fail_on = settings.fail_on or plan.fail_on or "high"
    portfolio = Portfolio(tool={"name": "configscan", "version": __version__},
                          generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0), as_of=settings.as_of,
                          fail_on=fail_on, exit_code=0, g287_list=cached_roster(None).info, links=links)
    portfolio = summarise(portfolio, jobs, [s.result for s in scans])
    for row, scan in zip(portfolio.agencies, scans, strict=True):
        row.exit_code = scan.code  # the scan's own gate (its waivers, fail_on_new), as the run exits
    portfolio.exit_code = max(s.code for s in scans)
    portfolio.seconds = time.perf_counter() - started
    try:
        for scan in scans:
            if scan.result is not None:
                write_agency(out, scan.slug, scan.result, registry)
        write_portfolio(out, portfolio)
    except (OSError, WriterError) as exc:
        log.event("error", f"{out}: the portfolio index was not written ({exc})")
        return exitcodes.INCOMPLETE
    log.event("info", f"portfolio index of {len(scans)} agencies at {out / 'index.html'}")
    return exitcodes.OK
