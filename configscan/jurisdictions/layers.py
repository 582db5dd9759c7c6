"""Layering packs for one scan: state, city overlay, agency policy, and the advisory baseline.

Every rule of every layer applies, so the stricter rule wins without any merging: a 21-day state limit
and a 30-day city limit are both evaluated and a 25-day setting breaks only the first. Each applied rule
remembers its pack, so each finding can say which layer it comes from. The baseline fills in each risk
that no layer (law or policy) covers, and its findings are advisory. Rules are split by ``as_of`` into
those in force and those enacted but not yet in force (shown as upcoming).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from configscan.errors import InputError
from configscan.jurisdictions.library import PackLibrary
from configscan.jurisdictions.packfile import parse_pack
from configscan.jurisdictions.schema import Level, Rule, RuleKind, RulePack

UPCOMING_WINDOW_DAYS = 180

# Layer roles, as the report shows them.
ROLE_STATE = "state"
ROLE_CITY = "city"
ROLE_POLICY = "policy"
ROLE_BASELINE = "advisory-baseline"
LEGAL_ROLES = (ROLE_STATE, ROLE_CITY)


@dataclass(frozen=True)
class AppliedRule:
    """A rule together with the pack (layer) it came from."""

    rule: Rule
    pack_id: str
    level: Level
    upcoming: bool = False

    @property
    def unsettled(self) -> bool:
        """The pack marks the rule's reach as unsettled law (``params.status: unsettled``)."""
        return str(self.rule.params.get("status", "")).lower() == "unsettled"

    @property
    def advisory(self) -> bool:
        """A risk, not a violation: the baseline (no law applies) or a rule whose reach is unsettled."""
        return self.level is Level.baseline or self.unsettled


@dataclass
class RuleSet:
    """The rules one scan evaluates: those in force on ``as_of`` and those enacted for later."""

    as_of: dt.date
    packs: list[tuple[RulePack, str]] = field(default_factory=list)  # (pack, role)
    in_force: list[AppliedRule] = field(default_factory=list)
    upcoming: list[AppliedRule] = field(default_factory=list)

    def of_kind(self, *kinds: RuleKind) -> list[AppliedRule]:
        return [r for r in self.in_force if r.rule.kind in kinds]

    @property
    def statute_found(self) -> bool:
        """Whether a state or city layer has a law; a policy file is not law, the baseline is not law."""
        return any(p.statute_found for p, role in self.packs if role in LEGAL_ROLES)

    @property
    def nothing_in_force(self) -> bool:
        """No rule of the agency's layers (state, city, policy) applies on ``as_of`` although some apply later,
        or no rule applies at all: a report without findings then means nothing was checked, not "clean".

        A pack with no statute (its state runs on the advisory baseline on every date) is not this case.
        """
        if any(a.level is not Level.baseline for a in self.in_force):
            return False
        return bool(self.upcoming) or not self.in_force

    def upcoming_only(self) -> RuleSet:
        """A view whose in-force rules are the upcoming ones, for evaluating what is coming."""
        return RuleSet(as_of=self.as_of, packs=self.packs, in_force=list(self.upcoming), upcoming=[])


def _applies_to(rule: Rule) -> set[str]:
    value = rule.params.get("applies_to")
    if value is None:
        return {"any"}
    return {str(v) for v in (value if isinstance(value, list) else [value])}


def covered_risks(rules: Iterable[Rule]) -> set[RuleKind]:
    """The baseline kinds that these rules already cover (so the baseline adds no duplicate risk).

    ``conditional_sharing`` covers federal and/or out-of-state access according to its ``applies_to``;
    an out-of-state declaration requirement covers out-of-state access.
    """
    covered: set[RuleKind] = set()
    for rule in rules:
        covered.add(rule.kind)
        if rule.kind is RuleKind.out_of_state_requires_declaration:
            covered.add(RuleKind.forbid_out_of_state_sharing)
        if rule.kind is RuleKind.conditional_sharing:
            scope = _applies_to(rule)
            if scope & {"any", "federal"}:
                covered.add(RuleKind.forbid_federal_sharing)
            if scope & {"any", "out_of_state"}:
                covered.add(RuleKind.forbid_out_of_state_sharing)
    return covered


def load_policy(path: Path, known_ids: set[str]) -> RulePack:
    """An agency's own policy file: the pack schema with ``level: policy`` (checked, with line numbers)."""
    pack = parse_pack(path, known_ids)
    if pack.level is not Level.policy:
        raise InputError(str(path), f"level: {pack.level.value!r}; a --policy file must say 'level: policy'")
    return pack


def resolve_layers(library: PackLibrary, jurisdiction: str, local: str | None) -> list[tuple[RulePack, str]]:
    """State (or federal) pack plus optional city overlay; a city id given as jurisdiction implies both."""
    main = library.get(jurisdiction)
    if main.level is Level.city:
        if local and library.find_local(local, library.get(main.parent or "")).id != main.id:
            raise InputError(jurisdiction, f"is a city overlay; it cannot be combined with --local {local}")
        return [(library.get(main.parent or ""), ROLE_STATE), (main, ROLE_CITY)]
    if main.level in (Level.baseline, Level.policy):
        raise InputError(jurisdiction, "is not a jurisdiction; choose a state pack such as US-WA")
    layers = [(main, ROLE_STATE)]
    if local:
        layers.append((library.find_local(local, main), ROLE_CITY))
    return layers


def build_ruleset(
    library: PackLibrary,
    jurisdiction: str,
    as_of: dt.date,
    local: str | None = None,
    policy: Path | None = None,
) -> RuleSet:
    """The rules in force on ``as_of`` (and those coming later) for one agency's layers."""
    layers = resolve_layers(library, jurisdiction, local)
    if policy:
        layers.append((load_policy(policy, set(library.ids())), ROLE_POLICY))
    ruleset = RuleSet(as_of=as_of)
    for pack, role in layers:
        ruleset.packs.append((pack, role))
        for rule in pack.rules:
            if rule.kind is RuleKind.context:
                continue
            if rule.in_force(as_of):
                ruleset.in_force.append(AppliedRule(rule=rule, pack_id=pack.id, level=pack.level))
            elif rule.effective_from > as_of:
                # Enacted but not yet in force: evaluated separately and shown as upcoming.
                ruleset.upcoming.append(AppliedRule(rule=rule, pack_id=pack.id, level=pack.level, upcoming=True))
    _add_baseline(library, ruleset, as_of)
    return ruleset


def _add_baseline(library: PackLibrary, ruleset: RuleSet, as_of: dt.date) -> None:
    baseline = library.get("baseline")
    covered = covered_risks(a.rule for a in ruleset.in_force)
    used = False
    for rule in baseline.rules:
        if rule.kind in covered or not rule.in_force(as_of):
            continue
        ruleset.in_force.append(AppliedRule(rule=rule, pack_id=baseline.id, level=baseline.level))
        used = True
    if used:
        ruleset.packs.append((baseline, ROLE_BASELINE))
