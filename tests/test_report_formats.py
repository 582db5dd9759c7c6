"""Every report format a user asks for: Markdown, CSV, SARIF, the JSON report's schema, --redact, writer failures,
and the HTML report's structure (rolled-up cards, counts that agree, evidence in plain words, renewal list)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from htmldoc import parse

from configscan.registry import Registry
from configscan.writers import Writer

from conftest import EXAMPLES, ROOT, run_cli, write_config

EUGENE = ROOT / "tests" / "data" / "real" / "eugene-or"
EUGENE_ARGS = (EUGENE / "sharing-list.csv", "--agency-name", "Eugene Police Department", "--agency-state", "OR")
# The published SARIF 2.1.0 schema is validated against when a copy is provided (it cannot be vendored here);
# the key structure GitHub's and GitLab's importers rely on is always checked (tests/data/sarif-core.json).
SARIF_SCHEMA_CANDIDATES = (ROOT / "tests" / "data" / "sarif-schema-2.1.0.json",
                           ROOT.parent / "shared" / "data" / "sarif-schema-2.1.0.json")


def _hostile(tmp_path: Path, minimal: dict[str, Any]) -> Path:
    minimal["partners"] = [
        {"name": "=HYPERLINK(\"http://x\",\"ICE\")", "state": "AZ", "direction": "outbound", "link": "1:1",
         "status": "active"},
        {"name": "U.S. Border Patrol", "direction": "outbound", "link": "1:1", "status": "active"},
    ]
    minimal["users"] = [{"email": "jane.doe@ice.dhs.gov", "name": "Jane Doe", "role": "Investigator"},
                        {"email": "j.roe@ice.dhs.gov", "name": "John Roe", "role": "Investigator"}]
    return write_config(tmp_path, minimal)


def test_markdown_csv_and_sarif_agree_with_the_json_report(tmp_path: Path) -> None:
    out = {k: tmp_path / f"r.{k}" for k in ("json", "md", "csv", "sarif")}
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", out["json"], "--md", out["md"],
                  "--csv", out["csv"], "--sarif", out["sarif"])
    assert run.code == 1
    report = json.loads(out["json"].read_text())
    rows = list(csv.DictReader(out["csv"].open(encoding="utf-8", newline="")))
    assert [r["fingerprint"] for r in rows] == [f["fingerprint"] for f in report["findings"]]
    assert list(rows[0]) == ["id", "severity", "outcome", "check", "subject", "rule", "citation", "layer",
                             "fingerprint", "file", "row"]
    assert {r["file"] for r in rows} == {str(EXAMPLES / "pinecrest-ca.json")}
    md = out["md"].read_text()
    federal = {(f["check"], f["subject"]) for f in report["findings"] if f["outcome"] == "fail"
               and f["check"] in ("partners.federal_link", "users.federal_accounts", "sharing.national_lookup")}
    assert f"Federal agencies can reach this agency's data through {len(federal)} links or settings" in md
    assert md.startswith("# ALPR sharing scan: Pinecrest Police Department")
    assert "**Verdict: violations found.**" in md and "Contract renewal: **2027-01-31**" in md
    assert "## Before you renew" in md and "## Top findings" in md and "*Not legal advice.*" in md
    log = json.loads(out["sarif"].read_text())
    results = log["runs"][0]["results"]
    assert [r["partialFingerprints"]["configscanFingerprint/v1"] for r in results] == \
        [f["fingerprint"] for f in report["findings"]]
    levels = {f["severity"]: r["level"] for f, r in zip(report["findings"], results, strict=True)}
    assert levels["critical"] == "error" and levels["medium"] == "warning"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["help"]["text"] and "Citation:" in rule["help"]["text"] for rule in rules)
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("pinecrest-ca.json")


def test_sarif_rows_and_schema(tmp_path: Path) -> None:
    """Findings from a sharing list point at their row; the log validates against SARIF 2.1.0's structure."""
    sarif = tmp_path / "r.sarif"
    run_cli("scan", *EUGENE_ARGS, "--sarif", sarif)
    log = json.loads(sarif.read_text())
    jsonschema.validate(log, json.loads((ROOT / "tests" / "data" / "sarif-core.json").read_text()))
    regions = [loc["physicalLocation"].get("region", {}).get("startLine")
               for r in log["runs"][0]["results"] for loc in r["locations"]]
    assert 2 in regions and all(line is None or line >= 1 for line in regions)
    published = next((p for p in SARIF_SCHEMA_CANDIDATES if p.is_file()), None)
    if published is not None:
        schema = json.loads(published.read_text())
        jsonschema.Draft4Validator(schema).validate(log)


def test_sarif_core_schema_rejects_what_code_scanning_rejects() -> None:
    core = json.loads((ROOT / "tests" / "data" / "sarif-core.json").read_text())
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"ruleId": "a", "level": "error", "message": {"text": "m"}, "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": "f.csv"}, "region": {"startLine": 3}}}]}]}]}
    jsonschema.validate(good, core)
    for broken in ({"version": "2.0.0", "runs": good["runs"]}, {"version": "2.1.0"},
                   {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, core)
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"][0]["level"] = "critical"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad_level, core)


def test_csv_cells_cannot_run_as_formulas(tmp_path: Path, minimal: dict[str, Any]) -> None:
    out = tmp_path / "r.csv"
    run_cli("scan", _hostile(tmp_path, minimal), "--csv", out)
    subjects = [r["subject"] for r in csv.DictReader(out.open(encoding="utf-8", newline=""))]
    assert "'=HYPERLINK(\"http://x\",\"ICE\")" in subjects
    assert not any(s.startswith(("=", "+", "-", "@")) for s in subjects)


def test_report_schema_is_published_and_validates_every_example(tmp_path: Path) -> None:
    run = run_cli("schema", "--report")
    schema = json.loads(run.stdout)
    published = json.loads((ROOT / "docs" / "report.schema.json").read_text())
    assert schema == published  # docs/report.schema.json is what `configscan schema --report` prints
    assert schema["$id"].endswith(":" + schema["version"])
    validator = jsonschema.Draft202012Validator(schema)
    examples = sorted(p for p in EXAMPLES.glob("*.*") if not p.name.startswith("policy-"))
    assert len(examples) >= 9
    for example in examples:
        out = tmp_path / f"{example.stem}.json"
        run_cli("scan", example, "--json", out)
        report = json.loads(out.read_text())
        validator.validate(report)
        jsonschema.Draft202012Validator(published).validate(report)
    report["findings"][0]["severity"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)


def test_redact_removes_people_from_every_output_and_keeps_counts(tmp_path: Path, minimal: dict[str, Any]) -> None:
    config = _hostile(tmp_path, minimal)
    plain, red = tmp_path / "plain", tmp_path / "red"
    for folder, extra in ((plain, ()), (red, ("--redact",))):
        run_cli("scan", config, *extra, "--json", folder / "r.json", "--html", folder / "r.html",
                "--md", folder / "r.md", "--csv", folder / "r.csv", "--sarif", folder / "r.sarif")
    for path in red.iterdir():
        text = path.read_text()
        for secret in ("jane.doe@ice.dhs.gov", "j.roe@ice.dhs.gov", "Jane Doe", "John Roe"):
            assert secret not in text, (path.name, secret)
    before, after = json.loads((plain / "r.json").read_text()), json.loads((red / "r.json").read_text())
    assert after["summary"] == before["summary"]
    assert [f["fingerprint"] for f in after["findings"]] == [f["fingerprint"] for f in before["findings"]]
    users = sorted({f["subject"] for f in after["findings"] if f["check"] == "users.federal_accounts"})
    assert users == ["[e-mail 1]", "[e-mail 2]"]  # two accounts stay two findings
    assert "U.S. Border Patrol" in (red / "r.html").read_text()  # organisations stay named


def test_redact_scrubs_case_numbers_and_plates_from_audit_rows(tmp_path: Path) -> None:
    from audit_fixtures import L13, l13_row, write_csv

    rows = [l13_row(1, "U.S. Border Patrol", "ICE hold case 2025-004417"),
            l13_row(2, "U.S. Border Patrol", "ICE detainer")]
    log = write_csv(tmp_path / "log.csv", L13, rows)
    out = tmp_path / "r.json"
    run_cli("audit", log, "--agency-state", "CA", "--json", tmp_path / "plain.json")
    plain = (tmp_path / "plain.json").read_text()
    assert "2025-004417" in plain
    from configscan.findings import ScanResult
    from configscan.redact import redacted

    result = redacted(ScanResult.model_validate_json(plain))
    out.write_text(result.model_dump_json())
    assert "2025-004417" not in out.read_text() and "[case 1]" in out.read_text()


def test_a_writer_that_raises_exits_3_with_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import configscan.cli as cli
    from configscan.registry import load_registry

    def boom(result: Any) -> str:
        raise ZeroDivisionError("division by zero in a third-party writer")

    real = load_registry()
    writers = {**real.writers, "boom": Writer(name="boom", description="broken", render=boom)}
    monkeypatch.setattr(cli, "load_registry", lambda: Registry(real.checks, real.readers, writers, []))
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--json", tmp_path / "r.json", "-o",
                  f"boom={tmp_path / 'r.boom'}")
    assert run.code == 3
    lines = [line for line in run.stderr.splitlines() if "boom" in line]
    assert lines == ["configscan: error: the boom writer failed (ZeroDivisionError: division by zero in a "
                     "third-party writer); its report was not written"]
    assert "Traceback" not in run.stderr and not (tmp_path / "r.boom").exists()


def test_pdf_without_chromium_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CONFIGSCAN_CHROMIUM", raising=False)
    run = run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--pdf", tmp_path / "r.pdf")
    assert run.code == 3
    assert "needs Chromium" in run.stderr and "apt-get install chromium" in run.stderr
    assert "Traceback" not in run.stderr and not (tmp_path / "r.pdf").exists()


def test_eugene_findings_roll_up_and_counts_agree(tmp_path: Path) -> None:
    html, out = tmp_path / "r.html", tmp_path / "r.json"
    run_cli("scan", *EUGENE_ARGS, "--html", html, "--json", out)
    report = json.loads(out.read_text())
    doc = parse(html)
    cards = [a for t, a in doc.tags if t == "article"]
    out_of_state = [a for a in cards if a["data-check"] == "partners.out_of_state_link"]
    n_links = len({f["subject"] for f in report["findings"] if f["check"] == "partners.out_of_state_link"})
    assert n_links > 30 and len(out_of_state) == 1 and out_of_state[0]["data-issues"] == str(n_links)
    assert len(cards) < 12  # was one card per partner: 46
    banner = {a["data-kind"]: int(a["data-count"] or 0) for t, a in doc.tags if t == "li" and "data-kind" in a}
    sections: dict[str, int] = {}
    for t, a in doc.tags:
        if t == "section" and "data-kind" in a:
            sections[a["data-kind"] or ""] = sections.get(a["data-kind"] or "", 0) + int(a["data-count"] or 0)
    assert {k: v for k, v in banner.items() if v} == sections
    assert sections["unverified"] == sum(int(a["data-issues"] or 0) for a in cards if a["data-outcome"] == "unverified")
    assert len({(f["check"], f["subject"]) for f in report["findings"]}) == sum(banner.values())


def test_evidence_reads_as_people_read_it(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--html", html)
    text = " ".join(parse(html).text)
    assert "365 days" in text and "30 days" in text
    for raw in ("365.0", "P30D", "True", "False", "['", "{'"):
        assert raw not in text, raw
    assert "Contract renewal: 2027-01-31" in text and re.search(r"\(\d+ days? left\)", text)


def test_audit_times_have_no_microseconds_and_charts_are_inline(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    run_cli("scan", *EUGENE_ARGS, "--audit", EUGENE / "portal-search-audit.csv", "--html", html)
    raw = html.read_text()
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d{3,6}", raw)
    doc = parse(html)
    assert sum(1 for t, _ in doc.tags if t == "svg") >= 2
    assert "Searches by month" in raw and "2025-07" in raw


def test_contract_terms_follow_the_law_that_writes_them(tmp_path: Path) -> None:
    wa, tx = tmp_path / "wa.html", tmp_path / "tx.html"
    run_cli("scan", EXAMPLES / "cedar-hollow-wa.yaml", "--html", wa)
    run_cli("scan", EXAMPLES / "mesquite-county-tx.yaml", "--html", tx)
    wa_text, tx_text = " ".join(parse(wa).text), " ".join(parse(tx).text)
    assert "§ 5(6)-(8) (ESSB 6002)" in wa_text and "The law here writes duties into vendor terms" in wa_text
    assert "this list is advisory" in tx_text
    terms = [a for t, a in parse(wa).tags if t == "tr" and "data-term" in a]
    assert len(terms) == 6


def test_redact_refuses_the_raw_evidence_csv(tmp_path: Path) -> None:
    run = run_cli("scan", *EUGENE_ARGS, "--redact", "--audit", EUGENE / "portal-search-audit.csv",
                  "--evidence-csv", tmp_path / "rows.csv", "--json", tmp_path / "r.json")
    assert run.code == 2 and "--redact cannot apply to --evidence-csv" in run.stderr
    assert not (tmp_path / "rows.csv").exists() and not (tmp_path / "r.json").exists()
