"""Corpus outputs: the JSON report, the per-owner index (CSV) and the evidence CSV.

The portfolio's index pages are built from per-agency scan results (settings, partners, reports); a corpus
owner has only audit figures, so the index here is its own table, one row per owner, with the same role:
where to look first. Every evidence row is one released row: release, request URL, file, sheet, row and
the manifest's SHA-256, with the search it belongs to, the tier that linked it and, for a reason or case
number recovered from another copy, the release it came from. Formula-looking text is neutralised as in the
audit's evidence CSV.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, BinaryIO

from configscan.atomic import write_atomic
from configscan.audit.passes.engine import put_table, quote
from configscan.corpus.dedup import Tiers, missing_sql
from configscan.corpus.load import Loaded
from configscan.corpus.manifest import Release
from configscan.corpus.owners import Owner
from configscan.textsafe import neutralise_cell, neutralise_sql

INDEX = ("owner", "state", "releases", "searches", "searchers", "federal", "out_of_state", "immigration_purpose",
         "immigration_agency", "findings", "worst")
EVIDENCE = ("owner", "owner_state", "release", "request_url", "file", "sheet", "row", "sha256", "search", "tier",
            "copies", "searcher", "searcher_class", "searcher_state", "time", "reason", "reason_from_release",
            "case", "case_from_release", "category", "rule", "networks")
FLAGGED = ("immigration_purpose", "immigration_agency", "reproductive_health")


class ReportWriter:
    """corpus.json written as the owners come (a national corpus's findings are never all held): the run's
    head (releases, sources, de-duplication tiers), then one owner per line, then the tail (errors, skipped,
    seconds, evidence rows). The stream is ``atomic.atomic_stream``'s: the file appears whole or not at all.
    Findings are serialised by pydantic's own JSON encoder, the same text ``model_dump(mode="json")`` gives."""

    def __init__(self, stream: BinaryIO, releases: list[Release], loaded: Loaded, tiers: Tiers) -> None:
        self.stream = stream
        self.first = True
        head = json.dumps({
            "format": "configscan/corpus@1",
            "releases": [{"name": r.name, "agency": r.agency, "state": r.state, "request_url": r.url or None,
                          "files": [{"path": str(f.path), "sha256": f.sha256 or None} for f in r.files]}
                         for r in releases],
            "sources": [{"release": releases[s.rel].name, "file": s.label, "rows": s.rows,
                         "rows_unreadable": s.rejected} for s in loaded.sources],
            "deduplication": vars(tiers)}, indent=2)
        stream.write((head[:-2] + ',\n  "owners": [').encode("utf-8"))

    def owner(self, owner: Owner) -> None:
        figures = json.dumps({"agency": owner.agency, "state": owner.state, "releases": owner.releases,
                              "searches": owner.searches, "searchers": owner.searchers,
                              "by_searcher": owner.by_searcher, "by_category": owner.by_category})
        found = b",".join(f.model_dump_json().encode("utf-8") for f in owner.findings)
        self.stream.write(b"\n    " if self.first else b",\n    ")
        self.stream.write(figures[:-1].encode("utf-8") + b', "findings": [' + found + b"]}")
        self.first = False

    def finish(self, errors: list[str], skipped: list[str], seconds: float, evidence_rows: int) -> None:
        tail = json.dumps({"errors": errors, "skipped": skipped, "seconds": round(seconds, 3),
                           "evidence_rows": evidence_rows}, indent=2)
        self.stream.write(("\n  ]," + tail[1:] + "\n").encode("utf-8"))


def ranked(owners: list[Owner]) -> list[Owner]:
    """Worst first (the most severe finding), then by name: the order of index.csv and index.html."""
    return sorted(owners, key=lambda o: (-o.rank, o.agency))


def index_row(o: Owner) -> list[object]:
    """One owner's INDEX columns (the CSV and the HTML index show the same figures)."""
    return [o.agency, o.state, "; ".join(o.releases), o.searches, o.searchers, o.by_searcher.get("federal", 0),
            o.by_searcher.get("out_of_state", 0), o.by_category.get("immigration_purpose", 0),
            o.by_category.get("immigration_agency", 0), o.found, o.worst.value if o.worst else ""]


def index_rows(owners: list[Owner]) -> list[list[object]]:
    return [index_row(o) for o in ranked(owners)]


def write_index(out: Path, owners: list[Owner]) -> None:
    lines: list[list[object]] = [list(INDEX), *index_rows(owners)]
    write_atomic(out / "index.csv", _csv_text(lines))


def _csv_text(rows: list[list[object]]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([neutralise_cell(v) if isinstance(v, str) else v for v in row])
    return buffer.getvalue()


def write_evidence(con: Any, path: Path, releases: list[Release], loaded: Loaded, threshold: int, work: Path) -> int:
    """Every released row of a flagged search (immigration or health reason, federal or out-of-state searcher,
    a sweep), once per owner that released it; returns the number of rows written."""
    put_table(con, "src_meta", ("src", "file", "sheet", "sha256"),
              ((i, s.file, s.sheet or "", s.sha256) for i, s in enumerate(loaded.sources)), work)
    put_table(con, "rel_meta", ("rel", "name", "url"), ((i, r.name, r.url) for i, r in enumerate(releases)), work)
    columns = dict(zip(EVIDENCE, (
        "om.agency", "om.state", "rm.name", "rm.url", "sm.file", "sm.sheet", "l.row", "sm.sha256",
        "l.sk::UUID::VARCHAR", "l.tier", "s.copies", "s.org", "coalesce(oc.klass, 'redacted')", "oc.state",
        "strftime(s.ts, '%Y-%m-%d %H:%M:%S')", "s.reason",
        f"CASE WHEN {missing_sql('l.reason')} AND NOT s.reason_missing THEN rr.name END", "s.case_no",
        f"CASE WHEN {missing_sql('l.case_no')} AND NOT s.case_missing THEN cr.name END",
        "coalesce(c.category, 'vague')", "CASE WHEN c.category = 'immigration_agency' THEN c.agency ELSE c.rule END",
        "l.networks"), strict=True))
    numbers = {"row", "copies", "networks"}  # written as they are (-5 is data); every text cell is neutralised
    select = ", ".join(f'{expr if name in numbers else neutralise_sql(expr)} AS "{name}"'
                       for name, expr in columns.items())
    query = f"""
        SELECT {select}
        FROM lown l
        JOIN searches s ON l.sk = s.sk
        JOIN owner_meta om ON om.owner::INTEGER = l.owner
        JOIN rel_meta rm ON rm.rel::INTEGER = l.rel
        JOIN src_meta sm ON sm.src::INTEGER = l.src
        LEFT JOIN owner_class oc ON oc.owner = l.owner AND oc.org IS NOT DISTINCT FROM s.org
        LEFT JOIN (SELECT t.reason, c.category, c.rule, c.agency
                   FROM reason_text t JOIN reason_class c ON t.hr = c.hr) c
          ON c.reason IS NOT DISTINCT FROM s.reason
        LEFT JOIN rel_meta rr ON rr.rel::INTEGER = s.reason_rel
        LEFT JOIN rel_meta cr ON cr.rel::INTEGER = s.case_rel
        WHERE c.category IN {FLAGGED} OR oc.klass IN ('federal', 'out_of_state') OR s.networks >= {int(threshold)}
        ORDER BY l.rel, l.src, l.row"""
    # The engine writes the file (1.75 M rows: about 10 s less than through Python's csv module); USE_TMP_FILE
    # false: the claimed (locked) staging file itself, as the audit's evidence does.
    result = con.execute(f"COPY ({query}) TO {quote(str(path))} (HEADER, DELIMITER ',', USE_TMP_FILE false)"
                         ).fetchone()
    return int(result[0]) if result else 0
