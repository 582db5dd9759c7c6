"""Benchmark: classifying the distinct reasons and searching organisations of an audit log, plain vs fast.

The values are the distinct ones of the audit benchmark's synthetic log (benchmarks/audit.py: its reason
list, immigration reasons and "burglary <n>" free text; its ~3,000 organisations and federal names), so no
log needs generating. Each is timed, in one run, against the straightforward reference measured alongside:

* reasons: ``classify_reason_plain`` (every rule on every value) vs ``classify_reason`` (memoised on the
  digit-normalised key, cache emptied before each repeat);
* organisations: ``classify_searchers`` with a Classifier that builds its value-dependent patterns at each
  use and deep-copies verdicts (``re``'s cache emptied first) vs the Classifier as shipped (patterns built
  once per value, emptied before each repeat so their compile cost counts). Both share the rule evaluation
  itself, so this ratio shows only what pattern building and copying cost.

Repeats are interleaved and the best kept (the machine is shared).
Usage: python benchmarks/classify.py [--repeat K]
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from configscan.audit.findings import reasons
from configscan.audit.findings.searchers import classify_searchers
from configscan.partners import Classification, Classifier, names, signals

sys.path.insert(0, str(Path(__file__).parent))
import audit  # noqa: E402  (the audit benchmark's generator vocabulary)


def distinct_reasons() -> list[str]:
    return list(dict.fromkeys(audit.REASONS + audit.IMMIGRATION + [f"burglary {n}" for n in range(90000)]))


def distinct_orgs() -> list[str]:
    states = audit.STATES
    orgs = [f"City{i} {states[i % len(states)]} PD" if i % 3 else f"County{i} County {states[i % len(states)]} SO"
            for i in range(3000)]
    return orgs + audit.FEDERAL + ["***"]


class PlainClassifier(Classifier):
    """Every verdict computed afresh and deep-copied, as ``classify`` did for a name it had not seen."""

    def classify(self, name: str, *, state: str | None = None, ori: str | None = None, org_type: str | None = None,
                 agency_state: str | None = None, email_domains: Iterable[str] = ()) -> Classification:
        return copy.deepcopy(self._classify(name, state, ori, org_type, agency_state, tuple(email_domains)))


_BUILDERS = ((signals, "_state_before_noun"), (signals, "_town_pattern"), (signals, "place_named"),
             (names, "place_named"))


@contextmanager
def per_use_patterns() -> Iterator[None]:
    """Swap the cached pattern builders for their uncached bodies (each use compiles via ``re``'s cache)."""
    saved = [(module, attr, getattr(module, attr)) for module, attr in _BUILDERS]
    for module, attr, builder in saved:
        setattr(module, attr, builder.__wrapped__)
    re.purge()
    try:
        yield
    finally:
        for module, attr, builder in saved:
            setattr(module, attr, builder)


def _cold_builders() -> None:
    for module, attr in _BUILDERS:
        getattr(module, attr).cache_clear()


def _best(runs: list[float]) -> float:
    return min(runs)


def _time(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    texts, orgs = distinct_reasons(), distinct_orgs()

    def plain_reasons() -> object:
        return [reasons.classify_reason_plain(t) for t in texts]

    def fast_reasons() -> object:
        reasons._keyed_verdict.cache_clear()
        return [reasons.classify_reason(t) for t in texts]

    # A scan builds its Classifier once (shared by the checks and the audit): construction is not timed, but
    # each repeat gets a fresh one so no verdict is cached from the previous repeat.
    plain_classifiers = [PlainClassifier() for _ in range(args.repeat + 1)]
    fast_classifiers = [Classifier() for _ in range(args.repeat + 1)]

    def plain_orgs() -> object:
        with per_use_patterns():
            return classify_searchers(orgs, plain_classifiers.pop(), "CA", None)

    def fast_orgs() -> object:
        _cold_builders()
        return classify_searchers(orgs, fast_classifiers.pop(), "CA", None)

    assert plain_reasons() == fast_reasons(), "fast reason verdicts differ from the plain rules"
    assert plain_orgs() == fast_orgs(), "fast organisation verdicts differ from the plain rules"
    timings: dict[str, list[float]] = {"plain_reasons": [], "fast_reasons": [], "plain_orgs": [], "fast_orgs": []}
    for _ in range(args.repeat):
        timings["plain_reasons"].append(_time(plain_reasons))
        timings["fast_reasons"].append(_time(fast_reasons))
        timings["plain_orgs"].append(_time(plain_orgs))
        timings["fast_orgs"].append(_time(fast_orgs))
    for label, count, plain, fast in (("reasons", len(texts), "plain_reasons", "fast_reasons"),
                                      ("organisations", len(orgs), "plain_orgs", "fast_orgs")):
        before, after = _best(timings[plain]), _best(timings[fast])
        print(f"{count:>7,} distinct {label:<13} plain {count / before:>10,.0f}/s ({before:.3f} s)   "
              f"fast {count / after:>10,.0f}/s ({after:.3f} s)   {before / after:.1f}x")


if __name__ == "__main__":
    main()
