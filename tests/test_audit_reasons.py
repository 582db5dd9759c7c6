"""Reason classification against a labelled corpus of real-looking released reasons."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from configscan.audit.findings.reasons import (
    IMMIGRATION_AGENCY,
    IMMIGRATION_PURPOSE,
    classify_reason,
    immigration_rule,
    is_redacted,
    normalise,
)

IMMIGRATION = (IMMIGRATION_AGENCY, IMMIGRATION_PURPOSE)

CORPUS = Path(__file__).parent / "data" / "reason_corpus.csv"


def _corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_corpus_is_large_and_labelled() -> None:
    rows = _corpus()
    assert len(rows) >= 300
    assert {r["label"] for r in rows} >= {"immigration", "vague", "offense", "other"}
    assert sum(r["agency"] == "1" for r in rows) >= 100 and sum(r["purpose"] == "1" for r in rows) >= 100
    assert sum(r["agency"] == "1" and r["purpose"] == "0" and r["label"] == "offense" for r in rows) >= 10
    assert all(r["source"] for r in rows)


@pytest.mark.parametrize("fact", ["agency", "purpose"])
def test_agency_and_purpose_precision_and_recall_at_least_97_percent(fact: str) -> None:
    tp = fp = fn = 0
    misses = []
    for row in _corpus():
        predicted = getattr(classify_reason(row["reason"]), fact) is not None
        actual = row[fact] == "1"
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
        if predicted != actual:
            misses.append(row["reason"])
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.97 and recall >= 0.97, (precision, recall, misses)


@pytest.mark.parametrize("text", ["police", "office", "Rice St", "notice", "justice", "ice rink", "Device",
                                  "Price", "service", "POLICE NOTICE", "Ice rink theft", "meth ice possession",
                                  "stolen vehicle I-205 NB", "I-5 pursuit", "imminent threat", "migraine", "I-2470",
                                  "Rice Lake theft", "2 grams ice", "removal of abandoned vehicle", "victim Hsieh",
                                  "expired license", "report writing", "Federal Way PD assist"])
def test_confusable_words_never_match(text: str) -> None:
    assert immigration_rule(normalise(text)) is None
    assert classify_reason(text).category not in IMMIGRATION


@pytest.mark.parametrize(("text", "rule"), [
    ("ICE", "agency.ice"), ("ice hold", "purpose.hold"), ("ICE+ERO", "purpose.removal_component"),
    ("ERO fugitive", "purpose.removal_component"), ("Border+Patrol", "agency.border_patrol"),
    ("287(g)", "purpose.removal_component"), ("deportación", "purpose.deportation"), ("la migra", "agency.es_migra"),
    ("illegal alien", "purpose.alien"), ("I-247A detainer", "purpose.detainer_form"),
    ("Enforcement & Removal Ops", "purpose.removal_component"), ("C.B.P. assist", "agency.cbp"),
    ("immig case", "purpose.immigration"), ("migra", "agency.es_migra"),
])
def test_each_match_names_the_rule(text: str, rule: str) -> None:
    verdict = classify_reason(text)
    assert verdict.category in IMMIGRATION
    assert verdict.rule == rule


def test_redaction_is_unknown_not_vague() -> None:
    for marker in ("***", "REDACTED", " REDACTED", "[REDACTED]", "###", "* * *", "7923.600 GC"):
        assert is_redacted(marker)
        assert classify_reason(marker).category == "redacted"
    assert classify_reason("").category == "vague"
    assert classify_reason("inv").rule == "vague.generic"
    assert classify_reason("Other - Not Applicable").category == "vague"
    assert classify_reason("Daytime search for best result").rule == "vague.ui_artefact"


@pytest.mark.parametrize("marker", [
    "(b)(6)", "(b)(7)(C)", "b6, b7c", "(b)(6) & (b)(7)(c)", "XXXXXXXX", "[EXEMPT]", "Withheld",
    "Withheld per GC 7923.600", "Redacted - 6254(f)", "PRA exempt", "Exempt - 7923.600", "GC § 7923.600",
    "Cal. Gov. Code § 6254(f)"])
def test_foia_codes_and_public_records_citations_are_redaction_markers(marker: str) -> None:
    assert is_redacted(marker)
    assert classify_reason(marker).category == "redacted"


@pytest.mark.parametrize("reason", ["Exempt vehicle", "b&e", "Box 6", "Exemption check", "government building",
                                    "Robbery (b)", "xx"])
def test_ordinary_reasons_are_not_redaction_markers(reason: str) -> None:
    assert not is_redacted(reason)


def test_offense_types_and_portal_plus_signs() -> None:
    assert classify_reason("Property+Crime").category == "offense:theft"
    assert classify_reason("Motor Vehicle Theft/Stolen").category == "offense:vehicle_theft"
    assert classify_reason("abortion clinic").category == "reproductive_health"
