"""Fixture cases for checks (pass / fail / unverified), usable by third-party check packs too.

A case file (``checks/cases/<module>.yaml``) names a check id and lists cases; each case is a small
interchange document laid over a minimal base (``format`` and a test agency) and the outcome expected
from that check alone: ``pass`` (no finding), ``fail`` (at least one failed rule, no unverified),
``unverified`` (at least one unverified finding, no failure), or ``upcoming``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from configscan.checkapi import Check, CheckContext
from configscan.findings import Finding, Outcome
from configscan.jurisdictions.loader import PackLibrary, build_ruleset
from configscan.model import FORMAT_ID, AgencyConfig
from configscan.partners import Classifier
from configscan.scan import classify

Expectation = Literal["pass", "fail", "unverified", "upcoming"]


class Case(BaseModel):
    name: str
    expect: Expectation
    jurisdiction: str | None = None
    local: str | None = None
    as_of: dt.date = dt.date(2026, 11, 25)
    config: dict[str, Any] = Field(default_factory=dict)
    subjects: list[str] | None = None  # when given, exactly these subjects must appear


class CaseFile(BaseModel):
    check: str
    cases: list[Case]


def load_case_file(path: Path) -> CaseFile:
    return CaseFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def build_config(case: Case) -> AgencyConfig:
    data: dict[str, Any] = {"format": FORMAT_ID, "agency": {"name": "Test Agency", "state": "CA"}}
    data.update(case.config)
    return AgencyConfig.model_validate(data)


def run_case(check: Check, case: Case, library: PackLibrary, classifier: Classifier) -> list[Finding]:
    """Evaluate one check on one case with the real rule packs and classifier (upcoming rules included)."""
    config = build_config(case)
    jurisdiction = case.jurisdiction or f"US-{config.agency.state}"
    rules = build_ruleset(library, jurisdiction, case.as_of, local=case.local)
    partners, users = classify(config, classifier)
    ctx = CheckContext(config=config, rules=rules, partners=partners, users=users)
    findings = list(check.run(ctx))
    if case.expect == "upcoming":
        future = CheckContext(config=config, rules=rules.upcoming_only(), partners=partners, users=users)
        findings += [f.model_copy(update={"outcome": Outcome.upcoming}) for f in check.run(future)
                     if f.outcome is Outcome.fail]
    return findings


def outcome_of(findings: list[Finding]) -> Expectation:
    outcomes = {f.outcome for f in findings}
    if Outcome.fail in outcomes:
        return "fail"
    if Outcome.unverified in outcomes:
        return "unverified"
    if Outcome.upcoming in outcomes:
        return "upcoming"
    return "pass"
