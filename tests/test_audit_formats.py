"""`configscan audit` writes every report format `scan` does, and --redact applies to each."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from audit_fixtures import network_audit

from conftest import run_cli


def test_audit_writes_markdown_csv_and_sarif_that_agree_with_the_json(tmp_path: Path) -> None:
    log = network_audit(tmp_path / "log.csv")
    out = {ext: tmp_path / f"r.{ext}" for ext in ("json", "md", "csv", "sarif")}
    run = run_cli("audit", log, "--agency-state", "CA", "--json", out["json"], "--md", out["md"],
                  "--csv", out["csv"], "--sarif", out["sarif"])
    assert run.code == 1, run.stderr
    report = json.loads(out["json"].read_text())
    with out["csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["fingerprint"] for r in rows) == sorted(f["fingerprint"] for f in report["findings"])
    results = json.loads(out["sarif"].read_text())["runs"][0]["results"]
    assert sorted(r["partialFingerprints"]["configscanFingerprint/v1"] for r in results) == sorted(
        f["fingerprint"] for f in report["findings"])
    federal = next(r for r in results if r["ruleId"].startswith("audit.federal_searcher")
                   and "Border Patrol" in r["message"]["text"])
    location = federal["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("log.csv") and location["region"]["startLine"] == 8
    assert all(r["locations"] for r in results)  # code-scanning dashboards need a place for every result
    assert "Verdict: violations found" in out["md"].read_text()


def test_audit_redact_keeps_counts_and_refuses_the_evidence_csv(tmp_path: Path) -> None:
    log = network_audit(tmp_path / "log.csv")
    plain, public = tmp_path / "plain.json", tmp_path / "public.json"
    run_cli("audit", log, "--agency-state", "CA", "--json", plain)
    run_cli("audit", log, "--agency-state", "CA", "--json", public, "--redact")
    a, b = json.loads(plain.read_text()), json.loads(public.read_text())
    assert a["summary"]["counts"] == b["summary"]["counts"]
    refused = run_cli("audit", log, "--agency-state", "CA", "--redact", "--evidence-csv", tmp_path / "rows.csv")
    assert refused.code == 2 and "--redact" in refused.stderr
    assert not (tmp_path / "rows.csv").exists()
