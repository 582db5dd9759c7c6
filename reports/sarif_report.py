"""SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab): one result per rule hit.

Rules carry help text (the rule's summary, citation and the change to make); results point at the export file
(and row where known) as ``physicalLocation``; levels come from severity (critical and high are errors,
medium warnings, low and info notes); ``partialFingerprints`` carry configscan's fingerprint, so a dashboard
tracks a finding across re-exports as configscan does. An incomplete scan is an unsuccessful invocation
with its errors as notifications, so a pipeline cannot mistake it for a clean one.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from configscan.findings import Finding, ScanResult, Severity
from configscan.writers import Writer

from .locate import locate

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.critical: "error", Severity.high: "error", Severity.medium: "warning", Severity.low: "note",
          Severity.info: "note"}
SECURITY_SEVERITY = {Severity.critical: "9.5", Severity.high: "8.0", Severity.medium: "5.5", Severity.low: "3.0",
                     Severity.info: "1.0"}


def rule_id(f: Finding) -> str:
    return f"{f.check}/{f.rule}" if f.rule else f.check


def _rule(f: Finding) -> dict[str, Any]:
    cites = "; ".join(f.citations) or "no legal claim made"
    help_text = f"{f.rule_summary or f.title}\nCitation: {cites}\nWhat to change: {f.remediation}"
    rule: dict[str, Any] = {
        "id": rule_id(f),
        "name": f.check,
        "shortDescription": {"text": f.title},
        "fullDescription": {"text": f.rule_summary or f.title},
        "help": {"text": help_text,
                 "markdown": f"**{f.rule_summary or f.title}**\n\nCitation: {cites}\n\nWhat to change: "
                             f"{f.remediation}"},
        "defaultConfiguration": {"level": LEVELS[f.severity]},
        "properties": {"tags": ["alpr", "privacy", f.check.split(".")[0]],
                       "security-severity": SECURITY_SEVERITY[f.severity],
                       "layer": f.layer or "", "confidence": f.confidence or ""},
    }
    return rule


def _location(f: Finding, result: ScanResult) -> list[dict[str, Any]]:
    file, row = locate(f, result)
    if file is None:
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(file.replace("\\", "/"))}}
    if row is not None:
        physical["region"] = {"startLine": max(row, 1)}
    return [{"physicalLocation": physical, "message": {"text": f.subject}}]


def sarif(result: ScanResult) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        rules.setdefault(rule_id(f), _rule(f))
    order = list(rules)
    results = []
    for f in result.findings:
        results.append({
            "ruleId": rule_id(f),
            "ruleIndex": order.index(rule_id(f)),
            "level": LEVELS[f.severity],
            "message": {"text": f"{f.title}: {f.subject}"},
            "locations": _location(f, result),
            "partialFingerprints": {"configscanFingerprint/v1": f.fingerprint},
            "properties": {"outcome": f.outcome.value, "severity": f.severity.value, "advisory": f.advisory,
                           "citations": f.citations},
        })
    invocation: dict[str, Any] = {"executionSuccessful": not result.errors}
    if result.errors:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": e}}
                                                    for e in result.errors]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "configscan", "version": result.tool.get("version", ""),
                                "rules": list(rules.values())}},
            "invocations": [invocation],
            "artifacts": [{"location": {"uri": quote(i.path.replace("\\", "/"))}, "hashes": {"sha-256": i.sha256}}
                          for i in result.inputs],
            "results": results,
            "properties": {"agency": result.agency.get("name"), "verdict": result.summary.verdict,
                           "lawAsOf": result.as_of.isoformat()},
        }],
    }


def render(result: ScanResult) -> str:
    return json.dumps(sarif(result), indent=2, ensure_ascii=False) + "\n"


writer = Writer(name="sarif", description="SARIF 2.1.0 for code-scanning dashboards", render=render)
