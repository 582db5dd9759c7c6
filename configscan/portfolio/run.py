"""Scanning many agencies: read every input once, group by agency, build the batch's network, then evaluate
each agency on its own (in worker processes when the batch is large enough to pay for starting them).

Fail closed per agency, not per run: an input that cannot be read marks the agency it belongs to (the agency
whose exports share its folder) incomplete, or stands in the index as an unreadable input of its own; the
others are still scanned, and the run's exit code is the worst of all (3 if any agency is incomplete).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from configscan import __version__, exitcodes
from configscan.errors import InputError
from configscan.findings import Outcome, ScanResult, Severity
from configscan.inputs import survey
from configscan.jurisdictions.library import PackLibrary
from configscan.leftovers import work_directory
from configscan.model import AgencyConfig
from configscan.network.graph import AgencyInput, Membership, build_network, node_id
from configscan.network.reach import reach_of
from configscan.partners import Classifier
from configscan.partners.g287 import cached_roster
from configscan.partners.names import normalise as normalise_name
from configscan.portfolio.group import AgencyGroup, group_fragments
from configscan.portfolio.model import AgencyRow, Portfolio, WorstFinding
from configscan.portfolio.write import write_agency
from configscan.readers.base import Fragment
from configscan.readers.merge import Conflict, merge
from configscan.readers.pick import read_all
from configscan.registry import Registry, load_registry
from configscan.scan import ScanOptions, evaluate, normalise

PARALLEL_FROM = 8  # agencies: below this, starting worker processes costs more than it saves
MAX_WORST = 25


@dataclass
class PortfolioOptions:
    inputs: Sequence[Path]
    base: ScanOptions  # as_of, fail_on, policy, directory, g287, ... shared by every agency
    memberships: Sequence[Membership] = ()
    audit: Sequence[Path] = ()
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    agency_name: str | None = None


@dataclass
class Job:
    slug: str
    options: ScanOptions
    config: AgencyConfig | None
    fragments: list[Fragment]
    conflicts: list[Conflict]
    errors: list[str]
    label: str


def slugify(name: str, state: str | None, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", normalise_name(f"{name} {state or ''}")).strip("-")[:80] or "agency"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _read_one(path: Path, reader: str | None) -> tuple[list[Fragment], str | None]:
    """One input's fragments, or why it could not be read (in a worker process or in this one)."""
    try:
        return read_all([path], cached_registry().readers, reader)[0], None
    except InputError as exc:
        return [], str(exc)


def _read(paths: Sequence[Path], options: ScanOptions, audit: Sequence[Path] = (), workers: int = 1,
          ) -> tuple[list[Fragment], list[tuple[Path, str]]]:
    """Every readable fragment, and every input that could not be read with why (one bad file stops nothing).
    Audit logs given with ``--audit`` are left out: in an agency's folder they are its log, not an export.
    Many inputs are read by worker processes (recognising a file's format is most of a portfolio's reading)."""
    inventory = survey(paths, lambda _: None, options.exclude)
    logs = {Path(p).resolve() for p in audit}
    files = [path for path in inventory.files if path.resolve() not in logs]
    fragments: list[Fragment] = []
    unreadable: list[tuple[Path, str]] = [(Path(e.split(":", 1)[0]), e) for e in inventory.errors]
    readers = [options.reader] * len(files)
    if workers > 1 and len(files) >= PARALLEL_FROM:
        warm()
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_read_one, files, readers, chunksize=max(1, len(files) // (4 * workers))))
    else:
        results = [_read_one(path, reader) for path, reader in zip(files, readers, strict=True)]
    for path, (found, why) in zip(files, results, strict=True):
        fragments.extend(found)
        if why is not None:
            unreadable.append((path, why))
    return fragments, unreadable


def plan(options: PortfolioOptions) -> tuple[list[Job], Portfolio]:
    """Read and group every input, build the network, and make one evaluation job per agency."""
    started = time.perf_counter()
    fragments, unreadable = _read(options.inputs, options.base, options.audit, options.jobs)
    groups = group_fragments(fragments, options.agency_name) if fragments else []
    taken: set[str] = set()
    jobs: list[Job] = []
    configs: list[tuple[Job, AgencyConfig]] = []
    for group in groups:
        job = _job(group, options, taken)
        jobs.append(job)
        if job.config is not None:
            configs.append((job, job.config))
    for path, why in unreadable:
        owner = _owner_of(path, groups, jobs)
        if owner is not None:
            owner.errors.append(why)
        else:
            jobs.append(Job(slug=slugify(path.stem, None, taken), options=options.base, config=None, fragments=[],
                            conflicts=[], errors=[why], label=str(path)))
    _attach_audit(options.audit, groups, jobs)
    roster = cached_roster(options.base.g287)
    network = build_network([AgencyInput(config=c, source=j.label) for j, c in configs],
                            cached_classifier(options.base.directory), roster, options.memberships)
    index = {node_id(c): i for i, (_, c) in enumerate(configs)}
    for job, config in configs:
        job.options = replace(job.options, reach=reach_of(network, node_id(config)))
    order = [j.slug for j in jobs]
    links = sorted({(order.index(configs[index[a]][0].slug), order.index(configs[index[b]][0].slug))
                    for a, b in network.edges() if a in index and b in index})
    portfolio = Portfolio(tool={"name": "configscan", "version": __version__},
                          generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0), as_of=options.base.as_of,
                          fail_on=options.base.fail_on.value if options.base.fail_on else "never", exit_code=0,
                          g287_list=roster.info, links=links, seconds=time.perf_counter() - started)
    return jobs, portfolio


def _job(group: AgencyGroup, options: PortfolioOptions, taken: set[str]) -> Job:
    data, conflicts = merge(group.fragments)
    label = ", ".join(f.source for f in group.fragments)
    try:
        config = normalise(data, label)
    except InputError as exc:
        return Job(slug=slugify(group.label, None, taken), options=options.base, config=None,
                   fragments=group.fragments, conflicts=conflicts, errors=[str(exc)], label=group.label)
    slug = slugify(config.agency.name, config.agency.state, taken)
    return Job(slug=slug, options=replace(options.base, inputs=[Path(f.source) for f in group.fragments]),
               config=config, fragments=group.fragments, conflicts=conflicts, errors=[], label=config.agency.name)


def _owner_of(path: Path, groups: list[AgencyGroup], jobs: list[Job]) -> Job | None:
    """The agency whose exports sit in the same folder as an unreadable file, if exactly one does."""
    here = [i for i, g in enumerate(groups) if path.parent in g.folders]
    return jobs[here[0]] if len(here) == 1 else None


def _attach_audit(logs: Sequence[Path], groups: list[AgencyGroup], jobs: list[Job]) -> None:
    """An audit log belongs to the agency whose exports share its folder, else the agency whose name (as a
    slug) its file name contains; one that fits no agency, or several, is an input error naming it."""
    for log in logs:
        here = [i for i, g in enumerate(groups) if Path(log).parent in g.folders]
        if len(here) != 1:
            stem = re.sub(r"[^a-z0-9]+", "-", Path(log).name.lower())
            here = [i for i, j in enumerate(jobs[: len(groups)]) if j.slug.rsplit("-", 1)[0] in stem]
        if len(here) != 1:
            raise InputError(str(log), "audit log fits no agency (or several): put it in the agency's folder or "
                             "name it after the agency")
        job = jobs[here[0]]
        job.options = replace(job.options, audit=[*job.options.audit, str(log)])


@cache
def cached_registry() -> Registry:
    """One registry per process (each worker loads its own once)."""
    return load_registry()


@cache
def cached_library() -> PackLibrary:
    """The rule packs once per process: parsing the 59 bundled packs costs more than evaluating an agency."""
    return PackLibrary()


@cache
def cached_classifier(directory: Path | None) -> Classifier:
    """One partner directory load and one name cache per process, shared by every agency it evaluates
    (classification is a pure function of the name and the directory)."""
    return Classifier(directory)


def warm() -> None:
    """Load what every evaluation needs before worker processes fork from this one, so they inherit it."""
    cached_registry()
    cached_library()


def evaluate_job(job: Job, out: Path | None = None) -> ScanResult | None:
    """One agency's scan (in a worker process or in this one); None when its inputs could not be read.

    With ``out``, the agency's own reports are written here too, by the process that evaluated it: rendering
    a report costs more than evaluating the agency, so it is spread over the workers with the evaluation."""
    if job.config is None:
        return None
    registry = cached_registry()
    with work_directory("configscan-portfolio-") as work:
        options = replace(job.options, work=Path(work))
        result = evaluate(options, job.config, registry.checks, job.fragments, job.conflicts, audit_config=job.config,
                          library=cached_library(), classifier=cached_classifier(options.directory))
    if job.errors:
        result.errors.extend(job.errors)
        result.summary.verdict = "incomplete"
    if out is not None:
        write_agency(out, job.slug, result, registry)
    return result


def run_all(jobs: Sequence[Job], workers: int, progress: Callable[[], None] | None = None,
            out: Path | None = None) -> list[ScanResult | None]:
    """Evaluate every job (writing its reports into ``out``), in parallel when it pays; results in job order."""
    warm()
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        results = []
        for job in jobs:
            results.append(evaluate_job(job, out))
            if progress:
                progress()
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(evaluate_job, job, out) for job in jobs]
        done = []
        for future in futures:
            done.append(future.result())
            if progress:
                progress()
        return done


def summarise(portfolio: Portfolio, jobs: Sequence[Job], results: Sequence[ScanResult | None]) -> Portfolio:
    fail_on = Severity(portfolio.fail_on) if portfolio.fail_on != "never" else None
    checks: set[str] = set()
    worst: list[WorstFinding] = []
    for job, result in zip(jobs, results, strict=True):
        if result is None:
            portfolio.agencies.append(AgencyRow(slug=job.slug, name=job.label, verdict="incomplete",
                                                exit_code=exitcodes.INCOMPLETE, errors=job.errors,
                                                inputs=[f.source for f in job.fragments]))
            continue
        row = _row(job, result, fail_on)
        portfolio.agencies.append(row)
        checks.update(row.checks)
        for pack in result.jurisdictions:
            portfolio.jurisdictions[pack.id] = portfolio.jurisdictions.get(pack.id, 0) + 1
        worst.extend(WorstFinding(agency=row.name, slug=row.slug, check=f.check, severity=f.severity.value,
                                  outcome=f.outcome.value, title=f.title, subject=f.subject, citations=f.citations)
                     for f in result.findings if f.outcome is Outcome.fail)
    rank = {s.value: s.rank for s in Severity}
    portfolio.worst = sorted(worst, key=lambda w: (-rank[w.severity], w.agency, w.check))[:MAX_WORST]
    portfolio.checks = sorted(checks)
    codes = [a.exit_code for a in portfolio.agencies]
    portfolio.exit_code = (exitcodes.INCOMPLETE if exitcodes.INCOMPLETE in codes
                           else max(codes, default=exitcodes.OK))
    return portfolio


def _row(job: Job, result: ScanResult, fail_on: Severity | None) -> AgencyRow:
    reach = result.reach
    checks: dict[str, str] = {}
    for finding in result.findings:  # sorted most severe first: the first per check is its worst
        checks.setdefault(finding.check, f"{finding.outcome.value}:{finding.severity.value}")
    national = None
    sharing = job.config.sharing if job.config else None
    if sharing is not None:
        national = sharing.national_lookup or any(n.national_lookup for n in sharing.networks) or (
            None if sharing.national_lookup is None else False)
    return AgencyRow(
        slug=job.slug, name=str(result.agency.get("name")), state=result.agency.get("state"),
        ori=result.agency.get("ori"), verdict=result.summary.verdict, exit_code=exitcodes.exit_code(result, fail_on),
        counts=result.summary.counts, unverified=result.summary.unverified, national_lookup=national,
        federal_links=sum(1 for s in reach.direct if s.category.startswith("federal")) if reach else 0,
        out_of_state_links=sum(1 for s in reach.direct if s.out_of_state) if reach else 0,
        g287_partners=reach.g287 if reach else 0, reach_total=reach.total if reach else 0,
        reach_federal=reach.federal if reach else 0, side_doors=len(reach.side_doors) if reach else 0,
        checks=checks, inputs=[i.path for i in result.inputs], errors=result.errors)


def progress_bar(total: int) -> tuple[Callable[[], None], Callable[[], None]]:
    """A rich progress bar on a terminal, nothing otherwise (cron logs stay one line per event)."""
    if not sys.stderr.isatty() or total == 0:
        return (lambda: None), (lambda: None)
    from rich.progress import Progress

    bar = Progress(transient=True)
    task = bar.add_task("scanning agencies", total=total)
    bar.start()
    return (lambda: bar.advance(task)), bar.stop
