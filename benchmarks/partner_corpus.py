"""Print the partner classifier's precision/recall on the labelled corpus, and its speed.

Run: python benchmarks/partner_corpus.py [tests/data/partner_corpus.csv]
Speed is reported as a ratio against a baseline measured in the same run (normalising the names only).
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from configscan.partners import Classifier
from configscan.partners.evaluate import evaluate
from configscan.partners.names import normalise


def main() -> None:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/partner_corpus.csv")
    classifier = Classifier()
    scores = evaluate(corpus, classifier)
    print(f"{scores.total} labelled names from {corpus}")
    print(scores.report())
    with corpus.open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for name in names:
            normalise(name)
    baseline = time.perf_counter() - start
    fresh = [Classifier() for _ in range(rounds)]  # distinct instances: no cached verdicts
    start = time.perf_counter()
    for instance in fresh:
        for name in names:
            instance.classify(name, agency_state="OR")
    elapsed = time.perf_counter() - start
    print(f"classify (uncached): {len(names) * rounds / elapsed:,.0f} names/s "
          f"({elapsed / baseline:.0f}x the cost of normalising a name)")


if __name__ == "__main__":
    main()
