"""The fast classification paths give the same verdicts as the plain per-value rules, on every kind of input.

Reasons: :func:`classify_reason` (memoised on :func:`reason_key`) against :func:`classify_reason_plain`, on
the labelled corpus and on generated variants built to break a careless key: digits touching 287(g), 211 and
the I-247/I-200/I-205 forms, long case numbers, redaction markers with 4/5-digit runs, case, punctuation,
portal '+' spacing, Spanish and non-ASCII digits. Partners: the Classifier (patterns built once per value,
cached verdicts handed out as cheap copies) against the same rules with every pattern built per call and
verdicts deep-copied, on both labelled corpora and vendor-style variants.
"""

from __future__ import annotations

import copy
import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from configscan.audit.findings.reasons import (
    _text_verdict,
    classify_reason,
    classify_reason_plain,
    normalise,
    reason_key,
)
from configscan.audit.findings.searchers import state_hint
from configscan.partners import Classification, Classifier, names, signals
from configscan.partners.classifier import judged

DATA = Path(__file__).parent / "data"


def _column(file: str, column: str) -> list[str]:
    with (DATA / file).open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


_DIGIT_FORMS = [
    "287(g)", "287 (g)", "287g", "287G", "1287(g)", "2870(g)", "12870g", "287(g) 12345", "287(g)12345",
    "28712345 g", "287", "2871", "211", "2110", "12110", "211 12345", "211-12345", "x211", "211x",
    "I-247", "I-247A", "I247", "i-2471234", "I-2470", "I-24", "I-2479999 hold", "I-200", "I-2000", "I-20012",
    "i-205", "I-2050", "I205", "1234.567 gc", "12345.678 gc", "1234.5678 GC", "0123.456GC", "9999.999 gc",
    "25-001234", "2024", "12345", "٢٨٧(g)", "١2345", "2345١", "۲۱۱", "12", "1",
]
_PHRASES = [
    "ICE", "ice", "ICE hold", "assist ice", "ice rink", "ice detainer", "ERO", "HSI", "CBP", "border patrol",
    "deportation", "immigration", "la migra", "deportación", "inmigrantes ilegales", "patrulla fronteriza",
    "burglary", "robbery", "stolen vehicle", "meth ice", "abortion", "Embarazada", "inv", "investigation",
    "other", "na", "Daytime search for best result", "case", "", "police assist", "Rice St", "federal",
    "HSI narcotics", "impersonating ICE officer", "ICE protest", "8 USC", "illegal re-entry", "imm hold", "ICE admin",
    "undocumented", "alien status", "estatus migratorio", "I-205 ICE", "Immigration and Customs Enforcement",
]
_SEPARATORS = [" ", "+", "_", "/", " - ", ", ", "#"]


def _reason_variants() -> Iterator[str]:
    corpus = _column("reason_corpus.csv", "reason")
    yield from corpus
    for phrase, digits in itertools.product(_PHRASES, _DIGIT_FORMS):
        for separator in _SEPARATORS:
            yield f"{phrase}{separator}{digits}"
            yield f"{digits}{separator}{phrase}"
        yield f"{phrase}{digits}"
        yield f"{digits}{phrase}"
    for text in corpus + _PHRASES:
        yield from (text.upper(), text.lower(), text.title(), text.replace(" ", "+"), f"  {text}  ",
                    f"{text} 12345", f"{text} case 25-0012345", f"({text})", f"{text}.")
    yield from _DIGIT_FORMS
    yield from ("***", "###", "[REDACTED]", "1234.567 gc", " ", "\t", "")


def test_fast_reason_verdicts_equal_the_plain_rules() -> None:
    variants = list(dict.fromkeys(_reason_variants()))
    assert len(variants) > 10_000
    verdicts = {}
    for text in variants:
        expected = classify_reason_plain(text)
        assert classify_reason(text) == expected, text
        verdicts[text] = expected
    assert classify_reason(None) == classify_reason_plain(None)
    # The variants reach the digit-sensitive rules on both sides of each boundary.
    rules = {v.rule for v in verdicts.values()} | {v.category for v in verdicts.values()}
    assert {"purpose.removal_component", "agency.ice_context", "agency.ice", "purpose.detainer_form",
            "purpose.admin_warrant", "purpose.border_crossing", "reverse.impersonation", "offense:robbery",
            "redaction marker", "vague.too_short", "vague.generic", "reproductive_health"} <= rules
    assert verdicts["ice I-2470"].rule == "agency.ice_context" and verdicts["ice I-2000"].rule is None
    assert verdicts["ice I-200"].rule == "purpose.admin_warrant"
    assert verdicts["8 USC 12345"].rule == "purpose.border_crossing"
    assert verdicts["robbery 211"].category == verdicts["211 12345"].category == "offense:robbery"
    assert verdicts["2110 burglary"].category == "offense:burglary"


@pytest.mark.parametrize("text", ["ice I-2471234", "ice I-2000", "1287(g)", "2110", "burglary 25-001234",
                                  "٢٨٧(g)", "ICE+12345"])
def test_reason_key_keeps_the_rules_verdict(text: str) -> None:
    assert _text_verdict(reason_key(text)) == _text_verdict(text)
    assert reason_key(normalise(text)) == normalise(reason_key(text))


def test_redaction_is_decided_on_the_raw_reason() -> None:
    # The key of "12345.678 gc" looks like a redaction marker ("1230.678 gc"); the raw reason is not one.
    assert classify_reason_plain(reason_key("12345.678 gc")).category == "redacted"
    assert classify_reason("12345.678 gc") == classify_reason_plain("12345.678 gc")
    assert classify_reason("12345.678 gc").category != "redacted"


def test_reason_key_collapses_case_numbers_only() -> None:
    assert reason_key("burglary 12345") == reason_key("burglary 12399") == "burglary 1230"
    assert reason_key("burglary 123") != reason_key("burglary 124")
    assert reason_key("I-2471234") == "I-2470" and reason_key("ICE 287(g)") == "ICE 287(g)"


def _partner_inputs() -> Iterator[tuple[str, str | None, str | None]]:
    for file in ("partner_corpus.csv", "partner_heldout.csv"):
        with (DATA / file).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row["name"], row["state"] or None, row["org_type"] or None
                yield row["name"], state_hint(row["name"]), None
                yield row["name"].upper(), None, None
                yield f"[Inactive] {row['name']}", None, None
    for state in ("CA", "OH", "IN", "OR", "TX", "WA", "ME", "VA"):
        for name in (f"Springfield {state} PD", f"{state} Department of Justice", f"{state} Homeland Security",
                     f"State of {state} DPS", f"{state} - National Park PD", f"National Park {state} PD",
                     f"Ohio County {state} SO", f"{state} Parks and Wildlife", "Iowa City PD", "VA - Richmond PD",
                     "VA Puget Sound Health Care System", "Texas DPS", "Indiana State Police",
                     f"Loma Linda {state} Police", f"Richmond {state} Police Department",
                     f"Gordonsville {state} Police", f"Presidio of Monterey {state} PD", f"Fort Irwin {state} PD",
                     f"Fort Worth {state} PD",
                     "Federal Reserve Bank of Kansas City", "Federal Reserve Employees Credit Union"):
            yield name, state, None


def _verdicts(classify: object, inputs: list[tuple[str, str | None, str | None]]) -> list[dict[str, object]]:
    assert callable(classify)
    return [classify(name, state=state, org_type=org_type, agency_state="CA").model_dump()
            for name, state, org_type in inputs]


def test_fast_partner_verdicts_equal_the_per_call_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = list(dict.fromkeys(_partner_inputs()))
    assert len(inputs) > 2_000
    fast = _verdicts(Classifier().classify, inputs)
    again = _verdicts(Classifier().classify, inputs)  # a second instance reuses the built patterns
    with monkeypatch.context() as patch:  # the straightforward form: every value-dependent pattern built per use
        patch.setattr(signals, "_state_before_noun", signals._state_before_noun.__wrapped__)
        patch.setattr(signals, "_town_pattern", signals._town_pattern.__wrapped__)
        patch.setattr(signals, "place_named", names.place_named.__wrapped__)
        patch.setattr(names, "place_named", names.place_named.__wrapped__)
        reference = Classifier()

        def plain(name: str, **kwargs: str | None) -> Classification:
            base = reference._classify(name, kwargs["state"], None, kwargs["org_type"], ())
            verdict = judged(base, kwargs["agency_state"])
            return copy.deepcopy(verdict)

        expected = _verdicts(plain, inputs)
    assert fast == expected
    assert again == expected
    assert {v["category"] for v in expected} >= {"federal_immigration", "federal_other", "state", "local",
                                                "tribal", "multi_agency", "private"}


def test_cached_partner_verdicts_are_detached_copies() -> None:
    classifier = Classifier()
    first = classifier.classify("[Inactive] Seattle Police Department", state="WA", agency_state="CA")
    assert first == copy.deepcopy(first) and first.model_fields_set == copy.deepcopy(first).model_fields_set
    first.reasons.append("edited by a caller")
    first.tags.clear()
    second = classifier.classify("[Inactive] Seattle Police Department", state="WA", agency_state="CA")
    assert "edited by a caller" not in second.reasons and second.tags == ["inactive"]
    assert second.model_fields_set == first.model_fields_set and second is not first


def _plain_state_qualified(parsed: names.ParsedName) -> str | None:
    """state_qualified as first written: both patterns built and searched for every name."""
    import re

    codes = f"|{parsed.state.lower()}" if parsed.state else ""
    before = re.compile(rf"\b(?:state of\s+)?({names.STATE_NAME_ALTERNATION}{codes}){signals._LINK}"
                        rf"(?:{signals._STATE_NOUNS})\b").search(parsed.norm)
    after = re.compile(rf"\b(?:{signals._STATE_NOUNS})\s+(?:of|for)\s+(?:the\s+)?(?:state\s+of\s+)?"
                       rf"({names.STATE_NAME_ALTERNATION})\b").search(parsed.norm)
    match = before or after
    if not match:
        return None
    found = match.group(1)
    if re.search(rf"\b{found}\s+(?:county|city)\b", parsed.norm):
        return None
    return names.STATE_NAMES.get(found, found.upper())


def test_partner_shortcuts_equal_the_plain_rules() -> None:
    """The literal prefilters, the shared state-code prefilter and the alias index decide as the full rules."""
    classifier = Classifier()
    directory = classifier._directory
    seen = list(dict.fromkeys(name for name, _, _ in _partner_inputs()))
    seen += [f"{word} {state} {kind}" for word in ("Springfield", "Ohio", "Park", "DHS", "ICE ERO", "Ho-Chunk")
             for state in ("CA", "IN", "OR", "WA") for kind in ("PD", "DPS", "Homeland Security", "OIG", "Co.")]
    for raw in seen:
        parsed = names.parse(raw)
        assert signals.state_qualified(parsed) == _plain_state_qualified(parsed), raw
        text = parsed.text + " " + " ".join(parsed.extra_text)
        every = [e for e in directory.names if e.found_in(text, parsed.norm)]
        assert directory.matches(text, parsed.norm) == sorted(every, key=lambda e: len(e.alias), reverse=True), raw
        norm = parsed.norm
        assert bool(("dhs" in norm or "homeland security" in norm) and signals._DHS.search(norm)) == bool(
            signals._DHS.search(norm)), raw
        assert bool("ice" in norm and signals._LOWER_ICE.search(norm)) == bool(signals._LOWER_ICE.search(norm))
        assert bool(("oig" in norm or "inspector general" in norm) and signals._FEDERAL_OIG.search(norm)) == bool(
            signals._FEDERAL_OIG.search(norm)), raw
        assert bool(("federal" in norm or "export" in norm) and signals._PUBLIC_BODY.search(norm)) == bool(
            signals._PUBLIC_BODY.search(norm)), raw
    assert names.normalise("U.S. Border Patrol – Río Grande") == "us border patrol rio grande"
