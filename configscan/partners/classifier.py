"""The decision pipeline: gather every signal about an organisation, then decide, and say which decided.

Order of precedence (first that applies wins): the user's directory CSV; any federal immigration
evidence; multi-agency bodies (unless the vendor itself labels the organisation federal); other federal
evidence; tribal; state; private; local; otherwise unknown. Federal evidence is looked for first because
a missed federal partner is a missed back door -- but only in precise forms (vendor label, ORI agency
code, e-mail domain, directory aliases on whole words), so look-alike city names never trigger it.
A name of the form "<place> VA Police" is Virginia's or Veterans Affairs' only as data or evidence beside the
name says (``va_names``); otherwise it stays unknown rather than guessed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from enum import Enum
from pathlib import Path

from configscan.partners.directory import Directory
from configscan.partners.model import Category, Classification
from configscan.partners.names import ParsedName, parse
from configscan.partners.ori import looks_like_ori, parse_ori
from configscan.partners.signals import Signal, email_signals, name_signals, org_type_signals, ori_signals
from configscan.partners.states import usps
from configscan.partners.va_names import ambiguity_reason, read_va, settling_signals

_ORDER = (Category.federal_immigration, Category.multi_agency, Category.federal_other, Category.tribal,
          Category.state, Category.private, Category.local)
_HARD_FEDERAL = frozenset({"vendor", "email", "ori", "org_type"})


class Classifier:
    """Classifies organisation names. Construct once per run: it loads the bundled and user directory."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = Directory(directory)
        # Exports repeat names (one row per network shared); classify each distinct input once. What does not
        # depend on the agency (category, state, reasons) is cached apart, so judging the same names against
        # many agencies' states (a portfolio, a corpus of many owners) classifies each name once.
        self._cache: dict[tuple[object, ...], Classification] = {}
        self._base: dict[tuple[object, ...], Classification] = {}

    def classify(
        self,
        name: str,
        *,
        state: str | None = None,
        ori: str | None = None,
        org_type: str | None = None,
        agency_state: str | None = None,
        email_domains: Iterable[str] = (),
    ) -> Classification:
        domains = tuple(email_domains)
        key = (name, state, ori, org_type, agency_state, domains)
        cached = self._cache.get(key)
        if cached is None:
            base_key = (name, state, ori, org_type, domains)
            base = self._base.get(base_key)
            if base is None:
                base = self._base[base_key] = self._classify(name, state, ori, org_type, domains)
            cached = self._cache[key] = judged(base, agency_state)
        return _detached(cached)

    def _classify(self, name: str, state: str | None, ori: str | None, org_type: str | None,
                  email_domains: tuple[str, ...]) -> Classification:
        """Everything but the comparison with the agency's state (``out_of_state`` is left None)."""
        parsed = parse(name)
        reasons: list[str] = []
        override = self._directory.override_for(name) or self._directory.override_for(parsed.text)
        info = parse_ori(ori, frozenset(self._directory.ori_codes)) if ori else None
        if ori and not looks_like_ori(ori):
            reasons.append(f"ORI {ori!r} is not a valid 9-character NCIC identifier; ignored")
        decided: str | None
        if override is not None:
            category, confidence, decided = override.category, 1.0, "override"
            reasons.append(f"your directory CSV lists it as {override.category.value} ({override.source})")
            signals: list[Signal] = []
        else:
            beside = email_signals(list(email_domains), self._directory) + ori_signals(info, self._directory)
            va = read_va(parsed, state)
            if va is None:
                signals = org_type_signals(org_type, parsed.tags) + beside + name_signals(parsed, self._directory)
            elif va.signal is not None:  # data settles what "VA" means; the name says nothing more
                signals = org_type_signals(org_type, parsed.tags) + beside + [va.signal]
                parsed = replace(parsed, state=va.state, state_how="the place of the VA-named police")
            else:  # "<place> VA Police" with nothing settling it: read neither a state nor a town from it
                signals = settling_signals(va, org_type, parsed.tags, info) + beside
                parsed = replace(parsed, state=None, state_how=None)
            category, confidence, decided = _decide(signals)
            if va is not None and va.signal is None:
                reasons.append(ambiguity_reason(va, settled=category is not Category.unknown))
            if signals or va is None or va.signal is not None:
                reasons.extend(_explain(signals, category))
        if "inactive" in parsed.tags or "retired" in parsed.tags or "revoked" in parsed.tags:
            reasons.append(f"the vendor marks this entry {'/'.join(t for t in parsed.tags if t != 'federal')}; "
                           "confirm its access is really off")
        settled, conflict, state_reasons = _settle_state(parsed, state, info.state if info else None,
                                                         override.state if override else None, signals)
        reasons.extend(state_reasons)
        if conflict and category is not Category.unknown:
            confidence = round(confidence * 0.9, 2)
        return Classification(name=name, category=category, out_of_state=None, state=settled, reasons=reasons,
                              confidence=confidence, tags=list(parsed.tags), state_conflict=conflict,
                              decided_by=decided)


_IMMUTABLE = (str, int, float, bool, Enum, type(None))


def _detached(cached: Classification) -> Classification:
    """A copy of a cached verdict that shares nothing mutable with it, so a caller editing its result cannot
    change the next caller's. Equal to a deep copy at a fraction of the cost: immutable values are shared,
    lists of immutable values are copied, anything else is deep-copied."""
    dup = copy.copy(cached)  # pydantic's shallow copy: a new instance with its own field dict and fields-set
    for field, value in cached.__dict__.items():
        if isinstance(value, _IMMUTABLE):
            continue
        if isinstance(value, list) and all(isinstance(item, _IMMUTABLE) for item in value):
            dup.__dict__[field] = list(value)
        else:
            dup.__dict__[field] = copy.deepcopy(value)
    return dup


def _decide(signals: list[Signal]) -> tuple[Category, float, str | None]:
    if not signals:
        return Category.unknown, 0.0, None
    by_category: dict[Category, list[Signal]] = {}
    for signal in signals:
        by_category.setdefault(signal.category, []).append(signal)
    hard_federal = any(s.source in _HARD_FEDERAL and s.category.is_federal for s in signals)
    private_entity = any(s.legal_entity for s in signals)
    for category in _ORDER:
        support = by_category.get(category)
        if not support:
            continue
        if category is Category.multi_agency and hard_federal:
            continue  # the vendor, the ORI or the account's domain says federal: trust that over the name
        if category.is_federal and private_entity and not hard_federal:
            continue  # "Navy Federal Credit Union", "DEA Federal Credit Union": a business named after an agency
        if category is Category.federal_other and _tribal_under_interior(support, by_category):
            continue  # tribal police carry Interior ("DI") ORIs but are not federal partners
        best = max(support, key=lambda s: s.weight)
        agreeing = len({s.source for s in support}) - 1
        confidence = min(0.99, best.weight + 0.04 * agreeing)
        return category, round(confidence, 2), best.source
    return Category.unknown, 0.0, None


def _tribal_under_interior(support: list[Signal], by_category: dict[Category, list[Signal]]) -> bool:
    only_interior = all(s.source == "ori" and "code DI " in s.reason for s in support)
    return only_interior and Category.tribal in by_category


def _explain(signals: list[Signal], category: Category) -> list[str]:
    if not signals:
        return ["no signal identifies this organisation: confirm who it is"]
    lead = [s.reason for s in sorted(signals, key=lambda s: -s.weight) if s.category is category]
    other = [f"{s.reason} (points to {s.category.value}; outweighed)" for s in signals
             if s.category is not category and s.category.is_federal]
    return list(dict.fromkeys(lead + other))


def _settle_state(parsed: ParsedName, column: str | None, ori_state: str | None, override_state: str | None,
                  signals: list[Signal]) -> tuple[str | None, bool, list[str]]:
    """Pick the partner's state and report disagreements. The name wins over the column: vendor names
    embed where the agency is ("Carson City NV SO"), while release spreadsheets carry typing slips."""
    column_code = usps(column)
    candidates: list[tuple[str, str]] = []
    if override_state:
        candidates.append((override_state, "your directory CSV"))
    if parsed.state:
        candidates.append((parsed.state, parsed.state_how or "the name"))
    if ori_state:
        candidates.append((ori_state, "the ORI prefix"))
    if column_code:
        candidates.append((column_code, "the state column"))
    candidates += [(s.state, "the directory entry") for s in signals if s.state]
    if not candidates:
        return None, False, []
    settled = candidates[0][0]
    distinct = dict.fromkeys(code for code, _ in candidates)
    if len(distinct) == 1:
        return settled, False, [f"state {settled} from {candidates[0][1]}"]
    detail = "; ".join(f"{how}: {code}" for code, how in candidates)
    return settled, True, [f"state conflict ({detail}); using {settled} from {candidates[0][1]}"]


def judged(base: Classification, agency_state: str | None) -> Classification:
    """An agency-independent verdict (``Classifier._classify``) judged against the agency's state."""
    reasons = list(base.reasons)
    out = _out_of_state(base.category, base.state, agency_state, reasons)
    return base.model_copy(update={"out_of_state": out, "reasons": reasons})


def _out_of_state(category: Category, settled: str | None, agency_state: str | None,
                  reasons: list[str]) -> bool | None:
    if category.is_federal:
        return None  # a federal office is not bound to a state; the federal checks cover it
    if settled is None or agency_state is None:
        if agency_state is not None and category is not Category.unknown:
            reasons.append("the partner's state could not be established")
        return None
    out = settled != agency_state.strip().upper()
    reasons.append(f"{'out of state' if out else 'in state'}: partner {settled}, agency {agency_state.upper()}")
    return out
