"""One corpus run: manifest -> load -> link -> owners -> outputs (the command is a thin wrapper)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

from configscan import leftovers
from configscan.atomic import atomic_stream
from configscan.audit.passes import engine, evidence
from configscan.corpus import dedup, html, load, manifest, owners, write
from configscan.corpus.dedup import Tiers
from configscan.findings import Severity
from configscan.partners import Classifier


@dataclass
class CorpusRequest:
    source: Path
    out: Path
    state: str | None
    evidence: Path | None
    as_of: dt.date
    threshold: int
    work: Path
    exclude: list[str] = field(default_factory=list)  # --exclude globs for files in release folders
    memory_limit: str = "1500MB"  # the engine's: past it, it spills to ``work``; what cannot spill fails the run


@dataclass
class CorpusResult:
    owners: list[owners.Owner]
    tiers: Tiers
    errors: list[str] = field(default_factory=list)
    evidence_rows: int = 0

    def summary_line(self) -> str:
        found = sum(o.found for o in self.owners)
        return (f"configscan corpus: {len(self.owners)} owner(s), {self.tiers.rows:,} rows, {self.tiers.searches:,} "
                f"distinct searches ({self.tiers.linked_by_id:,} linked by ID, {self.tiers.linked_by_loose_key:,} "
                f"by loose key, {self.tiers.ambiguous_unlinked:,} ambiguous left unlinked); {found} finding(s)")

    def exit_code(self, threshold: Severity | None) -> int:
        if self.errors:
            return 3
        if threshold is None:
            return 0
        return 1 if max((o.rank for o in self.owners), default=-1) >= threshold.rank else 0


def run_corpus(request: CorpusRequest, started: float | None = None) -> CorpusResult:
    started = time.perf_counter() if started is None else started
    leftovers.sweep_leftovers([request.out])  # what a killed run left beside the outputs (staged pages, reports)
    releases = manifest.load(request.source, request.state)
    manifest.verify(releases)
    con = engine.connect(request.work, memory_limit=request.memory_limit)
    try:
        loaded = load.load(con, releases, request.work, request.exclude)
        # Row numbers are taken (the load numbers rows by position); nothing after it needs the engine to keep
        # rows in order, and without that its large groupings and tables hold less in memory.
        con.execute("SET preserve_insertion_order = false")
        tiers = dedup.link(con, len(loaded.sources), loaded.last_row, provenance=request.evidence is not None)
        result = CorpusResult([], tiers, list(loaded.errors))
        with atomic_stream(request.out / "corpus.json") as stream:
            report = write.ReportWriter(stream, releases, loaded, tiers)
            with html.PageWriter(request.out, html.run_of(releases, loaded, tiers, request.as_of)) as pages:
                for owner in owners.evaluate(con, releases, request.work, Classifier(None), request.as_of,
                                             request.threshold, keep_rows=request.evidence is not None,
                                             owner_columns=loaded.owner_column):
                    report.owner(owner)
                    pages.owner(owner)
                    owner.findings = []  # written: a national corpus's findings are never all held
                    result.owners.append(owner)
                pages.finish()  # a page that failed in a worker fails the run before anything is published
                if request.evidence is not None:
                    staged = evidence.staging_path(request.evidence)  # published by the command after the outputs
                    result.evidence_rows = write.write_evidence(con, staged, releases, loaded, request.threshold,
                                                                request.work)
                report.finish(loaded.errors, loaded.skipped, time.perf_counter() - started, result.evidence_rows)
                write.write_index(request.out, result.owners)
        return result
    finally:
        con.close()
