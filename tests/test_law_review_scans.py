"""Scans under the 2026-12-02 review: the corrected dates, the new packs, and the verdict on a date before any
rule is in force -- driven end to end with the real packs, checks and classifier on realistic exports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from configscan.cli import app
from configscan.findings import Finding, Outcome, ScanResult
from configscan.registry import load_registry
from configscan.scan import ScanOptions, scan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REVIEW = dt.date(2026, 12, 2)
REGISTRY = load_registry()
RUNNER = CliRunner()
ICE = {"name": "ICE ERO Newark", "direction": "outbound", "link": "1:1", "status": "active"}
FBI = {"name": "[Federal] FBI Newark", "direction": "outbound", "link": "1:1", "status": "active"}


def export(tmp_path: Path, state: str, **changes: object) -> Path:
    """The Georgia example (compliant with its own law) moved to another state, with some fields changed."""
    data = yaml.safe_load((EXAMPLES / "ocmulgee-county-ga.yaml").read_text(encoding="utf-8"))
    data["agency"] = {"name": f"Test County {state} Sheriff's Office", "state": state}
    data["sharing"]["shared_states"] = [state]
    data["partners"] = [{"name": f"Neighbour County {state} SO", "state": state, "org_type": "Sheriff's Office",
                         "direction": "both", "link": "1:1", "status": "active"}]
    data.update(changes)
    out = tmp_path / f"{state.lower()}-{len(list(tmp_path.iterdir()))}.yaml"
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def run(path: Path, as_of: dt.date = REVIEW) -> ScanResult:
    return scan(ScanOptions(inputs=[path], as_of=as_of), REGISTRY.checks, REGISTRY.readers)


def of_rule(result: ScanResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


# --- Verdict on a date before any rule is in force -------------------------------------------------------

def test_date_before_georgias_law_is_not_clean(tmp_path: Path) -> None:
    now = run(EXAMPLES / "ocmulgee-county-ga.yaml")
    assert now.summary.verdict == "clean"
    # 2010: before O.C.G.A. 35-1-22 (2018-07-01) and before the advisory baseline (2015): nothing applies.
    ancient = run(EXAMPLES / "ocmulgee-county-ga.yaml", as_of=dt.date(2010, 1, 1))
    assert ancient.summary.verdict == "no rules in force on that date"
    assert not [f for f in ancient.findings if f.outcome is Outcome.fail]
    # The day before the statute: only the baseline applies, and a 21-day setting passes it.
    short = export(tmp_path, "GA", retention_days=21)
    assert run(short, as_of=dt.date(2018, 6, 30)).summary.verdict == "no rules in force on that date"
    assert run(short, as_of=dt.date(2018, 7, 1)).summary.verdict == "clean"


def test_findings_before_the_law_still_decide_the_verdict(tmp_path: Path) -> None:
    # The baseline's risks are real findings even when no law was in force yet: "risks found", not "no rules".
    path = export(tmp_path, "GA", partners=[FBI])
    result = run(path, as_of=dt.date(2018, 6, 30))
    assert result.summary.verdict == "risks found"


def test_cli_summary_and_json_for_a_date_before_any_rule(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    html = tmp_path / "r.html"
    result = RUNNER.invoke(app, ["scan", str(EXAMPLES / "ocmulgee-county-ga.yaml"), "--as-of", "2010-01-01",
                                 "--json", str(out), "--html", str(html)])
    assert result.exit_code == 0
    assert "NO RULES IN FORCE ON THAT DATE" in result.stderr and "CLEAN" not in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["summary"]["verdict"] == "no rules in force on that date"
    assert "not a clean report" in html.read_text(encoding="utf-8")


def test_fail_on_is_recorded_as_given(tmp_path: Path) -> None:
    recorded = {}
    for value in ("never", "critical", "medium"):
        out = tmp_path / f"{value}.json"
        result = RUNNER.invoke(app, ["scan", str(EXAMPLES / "mesquite-county-tx.yaml"), "--fail-on", value,
                                     "--json", str(out)])
        recorded[value] = (result.exit_code, json.loads(out.read_text(encoding="utf-8"))["summary"]["fail_on"])
    # Texas gives medium advisory risks: only --fail-on medium exits 1.
    assert recorded == {"never": (0, "never"), "critical": (0, "critical"), "medium": (1, "medium")}


# --- Corrected dates --------------------------------------------------------------------------------------

def test_nc_retention_in_force_from_2015_12_01(tmp_path: Path) -> None:
    path = export(tmp_path, "NC", retention_days=120)
    november = run(path, as_of=dt.date(2015, 11, 15))
    assert [f.outcome for f in of_rule(november, "nc-32-retention")] == [Outcome.upcoming]
    december = run(path, as_of=dt.date(2015, 12, 1))
    assert [f.outcome for f in of_rule(december, "nc-32-retention")] == [Outcome.fail]


def test_md_immigration_warrant_rule_applies_in_2022(tmp_path: Path) -> None:
    result = run(EXAMPLES / "patuxent-hills-md.yaml", as_of=dt.date(2022, 6, 1))
    ice = [f for f in of_rule(result, "md-3529-immigration") if f.outcome is Outcome.fail]
    assert [f.subject for f in ice] == ["ICE ERO Baltimore"] and not ice[0].advisory


# --- New packs ----------------------------------------------------------------------------------------------

def test_iowa_30_days(tmp_path: Path) -> None:
    assert not of_rule(run(export(tmp_path, "IA", retention_days=30)), "ia-321p4-retention")
    finding = of_rule(run(export(tmp_path, "IA", retention_days=45)), "ia-321p4-retention")
    assert len(finding) == 1 and finding[0].outcome is Outcome.fail and finding[0].evidence["limit"] == "P30D"
    assert not finding[0].advisory and finding[0].confidence == "statute-text"


def test_kentucky_90_days_from_2026_07_15(tmp_path: Path) -> None:
    path = export(tmp_path, "KY", retention_days=120)
    before = of_rule(run(path, as_of=dt.date(2026, 7, 1)), "ky-hb58-retention")
    assert [f.outcome for f in before] == [Outcome.upcoming]
    after = of_rule(run(path), "ky-hb58-retention")
    assert [f.outcome for f in after] == [Outcome.fail] and after[0].confidence == "secondary"


def test_new_jersey_immigration_certification_and_federal_risk(tmp_path: Path) -> None:
    oos = {"name": "Bucks County PA SO", "state": "PA", "org_type": "Sheriff's Office", "direction": "both",
           "link": "1:1", "status": "active"}
    result = run(export(tmp_path, "NJ", partners=[ICE, FBI, oos]))
    immigration = [f for f in of_rule(result, "nj-ppa-immigration") if f.outcome is Outcome.fail]
    assert [f.subject for f in immigration] == ["ICE ERO Newark"] and not immigration[0].advisory
    federal = of_rule(result, "nj-ppa-sharing")
    assert {f.subject for f in federal} == {"ICE ERO Newark", "[Federal] FBI Newark"}
    assert all(f.advisory for f in federal)  # the act's permitted cases were not read: a risk
    certification = of_rule(result, "nj-ppa-out-of-state-certification")
    assert [(f.subject, f.outcome) for f in certification] == [("Bucks County PA SO", Outcome.unverified)]
    assert result.summary.verdict == "violations found"


def test_colorado_immigration_access_is_an_unverified_risk(tmp_path: Path) -> None:
    result = run(export(tmp_path, "CO", partners=[ICE]))
    risk = [f for f in of_rule(result, "co-sb25-276-immigration") if f.outcome is Outcome.fail]
    assert risk and all(f.advisory and f.confidence == "unverified" and f.layer == "US-CO" for f in risk)
    assert result.summary.verdict == "risks found"
    assert not any(f.rule == "baseline-immigration-use" for f in result.findings)
