"""The public scorecard: precision and recall of configscan's federal and immigration verdicts on the project's
labelled corpora, beside the published rules of other ALPR analyses run on the same rows.

Run: python benchmarks/accuracy.py [--misses]   (prints Markdown; docs/accuracy.md is made from its output)

Classes
* ``federal`` and ``federal_immigration``: organisation names (tests/data/partner_corpus.csv, in-sample;
  tests/data/partner_heldout.csv, held out), classified with each row's state, vendor type and ORI columns.
* ``immigration_agency`` and ``immigration_purpose``: search reasons (tests/data/reason_corpus.csv, columns
  ``agency`` and ``purpose``). A classifier that gives one undivided "immigration" verdict (the peers, and
  configscan before the split) is scored as claiming both facts.

Peers: only rules that are public are run, restated here from their sources (see docs/accuracy.md):
* sm-alpr's organisation rule ``ICE\\b`` (no leading word boundary, any case), which a public registry used to
  type organisations federal; it is scored as a federal and as a federal-immigration rule.
* flock_flag.py's immigration labels (segalreport/scripts), any of which marks a reason "immigration".
FlockWatch withdrew its keyword rules and the Colorado ranking's immigration bucket is not published, so
neither can be run.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from configscan.audit.findings import reasons
from configscan.partners import Classifier

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
PARTNER_CORPORA = ("partner_corpus.csv", "partner_heldout.csv")
REASON_CORPUS = "reason_corpus.csv"

# sm-alpr (none-below/sm-alpr): organisation typed federal when ``ICE\b`` matches, in any case.
SM_ALPR_ICE = re.compile(r"ICE\b", re.I)
# flock_flag.py (segalreport/scripts), immigration labels restated: a reason matching any is "immigration".
FLOCK_FLAG = tuple(re.compile(p, re.I) for p in (
    r"ice\s*(hold|detainer|warrant|pick.?up|pickup|administrative)", r"\bice\b",
    r"\bhsi\b|homeland\s*security\s*investigations?", r"\bero\b|enforcement\s*(and|&|of)\s*removal",
    r"\bcbp\b|\busbp\b|border\s*patrol|customs\s*[&]+\s*border|customs\s*and\s*border",
    r"deportat|removal\s*order|order\s*of\s*removal", r"\bdhs\b|dept\.?\s*of\s*homeland\s*security|"
    r"department\s*of\s*homeland", r"\buscis\b", r"immigration\s*\(", r"immigra",
))


@dataclass
class Score:
    """Counts for one class and one classifier; precision/recall as fractions (None when undefined)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def add(self, text: str, truth: bool, predicted: bool) -> None:
        self.tp += truth and predicted
        self.fp += predicted and not truth
        self.fn += truth and not predicted
        if predicted and not truth:
            self.false_positives.append(text)
        if truth and not predicted:
            self.misses.append(text)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _configscan_partner(classifier: Classifier) -> Callable[[dict[str, str]], tuple[bool, bool]]:
    def verdict(row: dict[str, str]) -> tuple[bool, bool]:
        got = classifier.classify(row["name"], state=row.get("state") or None, org_type=row.get("org_type") or None,
                                  ori=row.get("ori") or None)
        return got.category.is_federal, got.category.value == "federal_immigration"
    return verdict


def _sm_alpr(row: dict[str, str]) -> tuple[bool, bool]:
    hit = bool(SM_ALPR_ICE.search(row["name"]))
    return hit, hit


def partner_scores(corpus: str) -> dict[str, dict[str, Score]]:
    """{classifier: {class: Score}} on one organisation corpus."""
    out: dict[str, dict[str, Score]] = {}
    rules = {"configscan": _configscan_partner(Classifier()), "sm-alpr `ICE\\b`": _sm_alpr}
    for who, rule in rules.items():
        scores = out[who] = {"federal": Score(), "federal_immigration": Score()}
        for row in _rows(corpus):
            federal, immigration = rule(row)
            scores["federal"].add(row["name"], row["category"].startswith("federal"), federal)
            scores["federal_immigration"].add(row["name"], row["category"] == "federal_immigration", immigration)
    return out


def _configscan_reason(text: str) -> tuple[bool, bool]:
    verdict = reasons.classify_reason(text)
    facts = vars(verdict)  # read by name so the script also scores the code from before the split
    if "agency" in facts:
        return bool(facts["agency"]), bool(facts["purpose"])
    flagged = verdict.category == "immigration"  # before the split: one verdict claims both facts
    return flagged, flagged


def _flock_flag(text: str) -> tuple[bool, bool]:
    hit = any(p.search(text) for p in FLOCK_FLAG)
    return hit, hit


def reason_scores() -> dict[str, dict[str, Score]]:
    out: dict[str, dict[str, Score]] = {}
    for who, rule in {"configscan": _configscan_reason, "flock_flag.py": _flock_flag}.items():
        scores = out[who] = {"immigration_agency": Score(), "immigration_purpose": Score()}
        for row in _rows(REASON_CORPUS):
            agency, purpose = rule(row["reason"])
            scores["immigration_agency"].add(row["reason"], row["agency"] == "1", agency)
            scores["immigration_purpose"].add(row["reason"], row["purpose"] == "1", purpose)
    return out


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def _table(title: str, rows: int, scores: dict[str, dict[str, Score]]) -> Iterable[str]:
    yield f"### {title} ({rows} labelled rows)"
    yield ""
    yield "| class | classifier | TP | FP | FN | precision | recall |"
    yield "|---|---|---:|---:|---:|---:|---:|"
    classes = next(iter(scores.values())).keys()
    for cls in classes:
        for who, by_class in scores.items():
            s = by_class[cls]
            yield f"| {cls} | {who} | {s.tp} | {s.fp} | {s.fn} | {_pct(s.precision)} | {_pct(s.recall)} |"
    yield ""


def _errors(scores: dict[str, dict[str, Score]]) -> Iterable[str]:
    for who, by_class in scores.items():
        for cls, s in by_class.items():
            if s.false_positives:
                yield f"- {who}, {cls}, false positives: " + "; ".join(f"`{t}`" for t in s.false_positives)
            if s.misses:
                yield f"- {who}, {cls}, misses: " + "; ".join(f"`{t}`" for t in s.misses)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every false positive and miss")
    args = parser.parse_args(argv)
    lines: list[str] = []
    every: list[dict[str, dict[str, Score]]] = []
    for corpus in PARTNER_CORPORA:
        scores = partner_scores(corpus)
        every.append(scores)
        lines += _table(f"Organisations: {corpus}", len(_rows(corpus)), scores)
    scores = reason_scores()
    every.append(scores)
    lines += _table(f"Search reasons: {REASON_CORPUS}", len(_rows(REASON_CORPUS)), scores)
    if args.misses:
        for found in every:
            lines += _errors(found)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
