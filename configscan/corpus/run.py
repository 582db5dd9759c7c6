"""One corpus run: manifest -> load -> link -> owners -> outputs (the command is a thin wrapper)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class CorpusResult:
    owners: list[owners.Owner]
    tiers: Tiers
    errors: list[str] = field(default_factory=list)
    evidence_rows: int = 0

    def summary_line(self) -> str:
        found = sum(len(o.findings) for o in self.owners)
        return (f"configscan corpus: {len(self.owners)} owner(s), {self.tiers.rows:,} rows, {self.tiers.searches:,} "
                f"distinct searches ({self.tiers.linked_by_id:,} linked by ID, {self.tiers.linked_by_loose_key:,} "
                f"by loose key, {self.tiers.ambiguous_unlinked:,} ambiguous left unlinked); {found} finding(s)")

    def exit_code(self, threshold: Severity | None) -> int:
        if self.errors:
            return 3
        if threshold is None:
            return 0
        worst = [f.severity.rank for o in self.owners for f in o.findings]
        return 1 if worst and max(worst) >= threshold.rank else 0


def run_corpus(request: CorpusRequest, started: float | None = None) -> CorpusResult:
    started = time.perf_counter() if started is None else started
    releases = manifest.load(request.source, request.state)
    manifest.verify(releases)
    con = engine.connect(request.work, memory_limit="1500MB")
    try:
        loaded = load.load(con, releases, request.work, request.exclude)
        # Row numbers are taken (the load numbers rows by position); nothing after it needs the engine to keep
        # rows in order, and without that its large groupings and tables hold less in memory.
        con.execute("SET preserve_insertion_order = false")
        tiers = dedup.link(con)
        found = owners.evaluate(con, releases, request.work, Classifier(None), request.as_of, request.threshold)
        result = CorpusResult(found, tiers, list(loaded.errors))
        if request.evidence is not None:
            staged = evidence.staging_path(request.evidence)  # published by the command after the outputs
            result.evidence_rows = write.write_evidence(con, staged, releases, loaded, request.threshold,
                                                        request.work)
        data = write.report(releases, loaded, tiers, found, time.perf_counter() - started)
        data["evidence_rows"] = result.evidence_rows
        write.write_outputs(request.out, data, found)
        html.write_html(request.out, found, releases, loaded, tiers, request.as_of)
        return result
    finally:
        con.close()
