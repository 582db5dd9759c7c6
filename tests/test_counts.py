"""Counts mean one thing everywhere: a finding is one subject of one check (at the most severe rule it hits),
in the summary line, the JSON summary, the HTML banner and the portfolio index; rule hits are counted apart."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from configscan.findings import Finding, Outcome, Severity, tally

from conftest import EXAMPLES, run_cli


def _finding(check: str, subject: str, severity: Severity, rule: str) -> Finding:
    return Finding(check=check, rule=rule, severity=severity, outcome=Outcome.fail, title="t", subject=subject)


def test_one_partner_breaking_two_rules_is_one_finding_at_the_worse_severity() -> None:
    counted = tally([_finding("partners.federal_link", "U.S. Border Patrol", Severity.critical, "ca-sb34"),
                     _finding("partners.federal_link", "U.S. Border Patrol", Severity.high, "ca-sb54"),
                     _finding("partners.federal_link", "FBI", Severity.high, "ca-sb34")])
    assert counted.counts["critical"] == 1 and counted.counts["high"] == 1 and counted.rule_hits == 3


def test_summary_line_json_and_html_banner_agree(tmp_path: Path) -> None:
    out, html = tmp_path / "r.json", tmp_path / "r.html"
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", out, "--html", html)
    report = json.loads(out.read_text())
    worst: dict[tuple[str, str], int] = defaultdict(int)
    ranks = {s.value: s.rank for s in Severity}
    for f in report["findings"]:
        if f["outcome"] == "fail":
            worst[(f["check"], f["subject"])] = max(worst[(f["check"], f["subject"])], ranks[f["severity"]])
    expected = {s.value: sum(r == s.rank for r in worst.values()) for s in Severity}
    assert report["summary"]["counts"] == expected
    assert report["summary"]["rule_hits"] == len(report["findings"]) > sum(expected.values())
    line = ", ".join(f"{n} {sev}" for sev, n in expected.items())
    assert line in run.stderr
    banner = html.read_text()
    for sev, n in expected.items():
        assert re.search(rf">\s*{n} {sev}\s*<", banner), sev
