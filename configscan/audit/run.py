"""One audit, end to end: sources -> grouped pass (de-duplicated) -> classify distinct values -> findings.

Used by ``configscan audit`` and by ``configscan scan --audit``. The caller owns the work directory (a
temporary directory) and publishes the staged evidence file after its reports are written.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.audit.findings.agreements import agreement_searches
from configscan.audit.findings.build import all_findings
from configscan.audit.findings.facts import MAX_IMMIGRATION_FINDINGS, MAX_SWEEP_FINDINGS, AuditFacts, top_orgs
from configscan.audit.findings.searchers import Searcher, classify_searchers
from configscan.audit.findings.summary import AuditFile, AuditSummary
from configscan.audit.inputs import records
from configscan.audit.inputs.sources import Source, expand, reencoded
from configscan.audit.passes import aggregate, alike, dedup, engine, evidence, load, reason_sql, samples
from configscan.errors import InputError
from configscan.findings import Finding
from configscan.inputs import SkippedInput
from configscan.jurisdictions.loader import AppliedRule, RuleSet
from configscan.jurisdictions.schema import RuleKind, duration_days
from configscan.model import AgencyConfig
from configscan.partners import Classifier
from configscan.partners.g287 import Roster
from configscan.progress import AuditProgress
from configscan.readers.mapped import Mapping

DEFAULT_SWEEP_THRESHOLD = 2000  # national lookups typically cover hundreds to ~3,500 networks
# Cameras per search that only a national lookup reaches: a state pool covers a few thousand cameras (Eugene's
# statewide searches ~2,500), a national lookup tens of thousands (~86,000 in Eugene's June 2025 searches).
DEFAULT_WIDE_DEVICES = 20000
# A spreadsheet's last row: an export that fills a sheet to it was cut there (XLSX 1,048,576 rows, XLS 65,536).
SHEET_ROW_LIMITS = (1_048_576, 65_536)


@dataclass
class AuditRequest:
    files: list[str]
    agency_state: str
    rules: RuleSet
    classifier: Classifier
    work: Path
    config: AgencyConfig | None = None
    threshold: int = DEFAULT_SWEEP_THRESHOLD
    evidence_target: Path | None = None  # where the evidence CSV will be published; None: do not write one
    mapping: Mapping | None = None  # a kind = "audit" column mapping for logs whose headers are not recognised
    exclude: list[str] = field(default_factory=list)  # --exclude globs for files in folders
    roster: Roster | None = None  # the 287(g) list: searches by its agencies are counted
    wide_devices: int = DEFAULT_WIDE_DEVICES  # cameras per search that prove national lookup
    progress: AuditProgress | None = None  # a terminal's progress display (configscan.progress); None: nothing


@dataclass
class AuditOutcome:
    summary: AuditSummary
    findings: list[Finding]
    errors: list[str] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)  # files in folders that were not read


def run_audit(request: AuditRequest) -> AuditOutcome:
    started = time.perf_counter()
    sources, skipped, inventory = expand(request.files, request.work, request.mapping, request.exclude)
    errors = [f"{s.label}: skipped, {s.why}" for s in skipped if s.sheet is None and s.why != "empty"]
    errors.extend(inventory.errors)
    notes = [f"{s.label}: {s.why}" for s in skipped] + [f"{s.path}: {s.reason}" for s in inventory.skipped]
    if not sources:
        detail = "; ".join(notes) or "no audit rows"
        raise InputError(", ".join(request.files), f"no audit log found ({detail})")
    con = engine.connect(request.work)
    counter = records.Counter()  # counts every source's records independently, beside the engine
    progress = request.progress or AuditProgress()
    try:
        progress.watch(con)
        progress.sources(len(sources))
        for source in sources:
            counter.start(source.path)
        limit = lookback_limit(request.rules)
        scans = [engine.Scan(source, index, dedup=len(sources) > 1, wide_devices=request.wide_devices,
                             lookback_limit=limit[0] if limit else None) for index, source in enumerate(sources)]
        files, removed, classes = _read(con, request, scans, errors, counter, progress)
        outcome = _analyse(con, request, scans, files, notes, errors, removed, started, classes)
        outcome.skipped = inventory.skipped
        return outcome
    finally:
        progress.unwatch()
        counter.close()
        con.close()


Classes = tuple[dict[str | None, Searcher], dict[str | None, str]]


def _read(con: Any, request: AuditRequest, scans: list[engine.Scan], errors: list[str], counter: records.Counter,
          progress: AuditProgress) -> tuple[list[AuditFile], int, Classes]:
    """Load every source and class its organisations and reasons, keyed on hashes; should two texts share
    one (astronomically rare), everything is read again keyed on the texts themselves."""
    mark = len(errors)
    for hashed in (True, False):
        try:
            files, removed = _load_all(con, scans, request.threshold, errors, request.work, counter, hashed, progress)
            progress.phase("grouping searchers and reasons")
            return files, removed, _classes(con, request)
        except load.HashCollision:
            if not hashed:
                raise
            del errors[mark:]
            load.reset(con)
            progress.sources(len(scans))
    raise AssertionError("unreachable")


def _classes(con: Any, request: AuditRequest) -> Classes:
    """Each organisation's and reason's class in the engine (``org_class``, ``reason_class``) and the groups
    joined to them; returns the searchers and the reasons the samples look up."""
    keys = dict(aggregate.organisations(con))
    searchers = classify_searchers(list(keys), request.classifier, request.agency_state, request.config)
    engine.put_table(con, "org_named", ("ho", "org", "klass", "state", "listed"), (
        (keys[org], org, s.klass, s.state or "", "" if s.listed is None else str(int(s.listed)))
        for org, s in searchers.items()), request.work)
    con.execute("CREATE OR REPLACE TEMP TABLE org_class AS SELECT * REPLACE (ho::UBIGINT AS ho) FROM org_named")
    categories = reason_sql.classify(con, request.work)  # in the engine; Python sees only context-rule reasons
    aggregate.build_groups(con)
    return searchers, categories


def _load_all(con: Any, scans: list[engine.Scan], threshold: int, errors: list[str], work: Path,
              counter: records.Counter, hashed: bool, progress: AuditProgress) -> tuple[list[AuditFile], int]:
    load.prepare(con, dedup=len(scans) > 1)
    read: dict[int, load.LoadStats] = {}
    whole = False  # every source came in one read together (which looked for repeated IDs)
    for scan in scans:
        scan.read_with = None  # a second attempt (keyed on texts) forms its reads together again
    together = [scans]
    if len(scans) > 1:  # one source is read by ``load.load``, which settles its column types itself
        for scan in scans:
            scan.typed = engine.typed_columns(scan.source)  # what tells alike reads apart
        together = alike.groups(scans)
    for group in together:
        if len(group) > 1:
            progress.reading(f"{group[0].source.label} and {len(group) - 1} more like it")
            read |= alike.load(con, group, threshold, hashed)
            whole = len(together) == 1 and len(read) == len(scans)  # repeats are looked for within one read
        for scan in group:
            if scan.src not in read:
                progress.reading(scan.source.label)
                read[scan.src] = _load_one(con, scan, threshold, hashed, work)
            progress.read()
    files, problems = [], []
    for scan in scans:  # in source order, however they were read
        stats = read[scan.src]
        if stats.rejected:
            lines = ", ".join(scan.source.line_name(n) for n in engine.rejected_lines(con, scan.src))
            problems.append(f"{scan.source.label}: {stats.rejected} row(s) could not be read (first at {lines})")
        problems.extend(_reconcile(scan.source, stats, counter))
        files.append(AuditFile(label=scan.source.label, layout=scan.source.layout.name, rows=stats.rows,
                               rows_unreadable=stats.rejected, header_repeats=stats.header_repeats,
                               blank_rows=stats.blank, encoding=scan.source.encoding))
    removed = 0
    if len(scans) > 1:
        progress.phase("removing duplicates across sources")
        # One read of every source that found no ID twice: no search repeats, nothing to read again.
        settled = whole and not alike.repeats(con)
        removed = sum(dedup.resolve(con, scans, threshold, hashed, settled).values())
    load.combine(con, hashed)
    errors.extend(problems)  # only once the load succeeded, so a second attempt does not repeat them
    return files, removed


def _load_one(con: Any, scan: engine.Scan, threshold: int, hashed: bool, work: Path) -> load.LoadStats:
    try:
        return load.load(con, scan, threshold, hashed)
    except load.NotUtf8:  # bytes past the sniffed head are not UTF-8: transcode, then read again
        scan.source = reencoded(scan.source, work)
        return load.load(con, scan, threshold, hashed)


def _reconcile(source: Source, stats: load.LoadStats, counter: records.Counter) -> list[str]:
    """What the independent count says is missing from the engine's account of one source (fail closed: a
    log read short, or with no search at all, is never a clean report)."""
    try:
        parity = counter.result(source.path)
        accounted = stats.rows + stats.rejected + stats.header_repeats + stats.blank
        missing = records.shortfall(source.path, source.lead, accounted, parity)
    except records.Damaged as exc:
        return [f"{source.label}: damaged, not read whole ({exc}); the findings cover only what could be read"]
    problems = [f"{source.label}: {missing}"] if missing else []
    cut = truncated_at(source.lead, stats)
    if cut:
        problems.append(f"{source.label}: fills a spreadsheet to its last row ({cut:,}): the export was cut at "
                        "the sheet's row limit and later searches are missing; ask for it as CSV or split by month")
    if stats.rows == 0:
        problems.append(f"{source.label}: no searches were read from it (an audit header and nothing else); "
                        "an empty log proves nothing")
    return problems


def truncated_at(lead: int, stats: load.LoadStats) -> int | None:
    """The sheet row limit a source reaches, if it does (its records, title and header rows included, or its
    data rows alone, fill a sheet to the last row): a log cut there is incomplete, whatever it shows."""
    data = stats.rows + stats.rejected + stats.header_repeats + stats.blank
    for limit in SHEET_ROW_LIMITS:
        if data + lead == limit or data == limit - 1:
            return limit
    return None


def lookback_limit(rules: RuleSet) -> tuple[float, AppliedRule] | None:
    """The strictest retention limit in force (days, with its rule): how far back a search may look."""
    found = [(duration_days(a.rule.max_retention), a) for a in rules.of_kind(RuleKind.max_retention)
             if a.rule.max_retention]
    return min(found, key=lambda pair: (pair[0], pair[1].advisory)) if found else None


def _analyse(con: Any, request: AuditRequest, scans: list[engine.Scan], files: list[AuditFile], notes: list[str],
             errors: list[str], removed: int, started: float, classes: Classes) -> AuditOutcome:
    searchers, categories = classes
    facts_by_org = aggregate.org_facts(con)
    totals = aggregate.totals(con)
    limit = lookback_limit(request.rules)
    label = str(request.evidence_target) if request.evidence_target else None
    facts = AuditFacts(orgs=facts_by_org, searchers=searchers, threshold=request.threshold, evidence_csv=label,
                       wide_devices=request.wide_devices, retention=limit)
    labels = samples.Labels(klass={o: s.klass for o, s in searchers.items()},
                            state={o: s.state or "??" for o, s in searchers.items()},
                            category=categories)
    wanted = {
        "org": [o for o, v in searchers.items() if v.klass == "federal"],
        "immigration": top_orgs(facts, lambda f: f.immigration, MAX_IMMIGRATION_FINDINGS),
        "sweep": top_orgs(facts, lambda f: f.sweeps, MAX_SWEEP_FINDINGS),
    }
    sampler = samples.Sampler.start(con, wanted, labels, request.threshold)
    evidence_rows = 0
    if request.evidence_target:  # each source is loaded for it: the samples are read from there, not the file
        evidence_rows = evidence.write(con, scans, evidence.staging_path(request.evidence_target),
                                       request.threshold, request.config is not None,
                                       lambda scan, rows: sampler.read(con, scan, rows))
    else:
        for scan in scans:
            sampler.read(con, scan)
    found = all_findings(facts, request.rules, request.config, sampler.found)
    flagged = {o for o, s in searchers.items() if s.klass not in ("in_state", "own")}
    flagged |= {o for o, f in facts_by_org.items() if f.immigration or f.immigration_agency
                 or f.sweeps or f.reproductive}
    summary = AuditSummary(
        engine=engine.version(), files=files, skipped=notes, rows_read=sum(f.rows for f in files),
        rows_unreadable=sum(f.rows_unreadable for f in files), duplicates_removed=removed,
        sweep_threshold=request.threshold, orgs=aggregate.org_stats(facts_by_org, searchers, flagged),
        months=aggregate.months(con), reasons=aggregate.reasons(con), evidence_rows=evidence_rows,
        evidence_csv=label, wide_devices_threshold=request.wide_devices,
        lookback_limit_days=limit[0] if limit else None, **totals)
    if request.roster is not None:
        summary.g287 = agreement_searches(request.roster, facts_by_org, searchers)
    summary.seconds = round(time.perf_counter() - started, 3)
    return AuditOutcome(summary=summary, findings=found, errors=errors)
