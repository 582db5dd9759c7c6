"""Measure the classifier on a labelled corpus: precision and recall per category, federal false positives.

Used by the corpus test (which asserts the thresholds) and by ``benchmarks/partner_corpus.py`` (which
prints the figures), so both report the same numbers.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from configscan.partners.classifier import Classifier
from configscan.partners.model import Category


@dataclass
class Scores:
    total: int = 0
    confusion: Counter[tuple[Category, Category]] = field(default_factory=Counter)  # (truth, predicted)
    misses: list[tuple[str, Category, Category]] = field(default_factory=list)

    def precision(self, category: Category) -> float | None:
        predicted = sum(n for (_, p), n in self.confusion.items() if p is category)
        return self.confusion[(category, category)] / predicted if predicted else None

    def recall(self, category: Category) -> float | None:
        actual = sum(n for (t, _), n in self.confusion.items() if t is category)
        return self.confusion[(category, category)] / actual if actual else None

    def federal_recall(self) -> float:
        actual = [(t, p) for (t, p), n in self.confusion.items() for _ in range(n) if t.is_federal]
        return sum(p.is_federal for _, p in actual) / len(actual) if actual else 1.0

    def federal_false_positive_rate(self) -> float:
        non = [(t, p) for (t, p), n in self.confusion.items() for _ in range(n) if not t.is_federal]
        return sum(p.is_federal for _, p in non) / len(non) if non else 0.0

    def report(self) -> str:
        lines = [f"{'category':<22}{'n':>5}{'precision':>11}{'recall':>9}"]
        for category in Category:
            n = sum(c for (t, _), c in self.confusion.items() if t is category)
            prec, rec = self.precision(category), self.recall(category)
            lines.append(f"{category.value:<22}{n:>5}{_pct(prec):>11}{_pct(rec):>9}")
        lines.append(f"federal recall (either federal category): {_pct(self.federal_recall())}")
        lines.append(f"federal false positives among non-federal names: {_pct(self.federal_false_positive_rate())}")
        lines.append(f"immigration-component recall: {_pct(self.recall(Category.federal_immigration))}")
        lines += [f"  miss: {name!r} is {truth.value}, classified {pred.value}" for name, truth, pred in self.misses]
        return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def evaluate(corpus: Path, classifier: Classifier | None = None) -> Scores:
    """Classify every corpus row (with its state, org_type and ORI columns, as a sharing list gives them)."""
    classifier = classifier or Classifier()
    scores = Scores()
    with corpus.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            truth = Category(row["category"])
            verdict = classifier.classify(row["name"], state=row.get("state") or None,
                                          org_type=row.get("org_type") or None, ori=row.get("ori") or None)
            scores.total += 1
            scores.confusion[(truth, verdict.category)] += 1
            if verdict.category is not truth:
                scores.misses.append((row["name"], truth, verdict.category))
    return scores
