"""Runs every check's fixture cases (checks/cases/*.yaml) against the installed check plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

from configscan import plugins
from configscan.checkapi import Check
from configscan.jurisdictions.loader import PackLibrary
from configscan.partners import Classifier
from configscan.testing import Case, load_case_file, outcome_of, run_case

CASES_DIR = Path(__file__).resolve().parent.parent / "checks" / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))


def _checks() -> dict[str, Check]:
    loaded, failures = plugins.load(plugins.CHECKS, Check)
    assert not failures, failures
    return {c.value.meta.id: c.value for c in loaded}


CHECKS = _checks()
LIBRARY = PackLibrary()
CLASSIFIER = Classifier()
PARAMS = [
    pytest.param(load_case_file(path).check, case, id=f"{path.stem}:{case.name}")
    for path in CASE_FILES
    for case in load_case_file(path).cases
]


def test_every_check_has_passing_and_failing_cases() -> None:
    covered: dict[str, set[str]] = {}
    for path in CASE_FILES:
        case_file = load_case_file(path)
        covered.setdefault(case_file.check, set()).update(c.expect for c in case_file.cases)
    for check_id in CHECKS:
        assert check_id in covered, f"{check_id} has no fixture cases"
        assert "pass" in covered[check_id], f"{check_id} lacks a passing case"
        assert covered[check_id] & {"fail", "unverified"}, f"{check_id} lacks a failing or unverified case"


@pytest.mark.parametrize(("check_id", "case"), PARAMS)
def test_case(check_id: str, case: Case) -> None:
    findings = run_case(CHECKS[check_id], case, LIBRARY, CLASSIFIER)
    assert outcome_of(findings) == case.expect, [f.title + " / " + f.subject for f in findings]
    if case.subjects is not None:
        assert sorted({f.subject for f in findings}) == sorted(case.subjects)
