"""Loading rule packs from the bundled data (or a user's file) and layering them for one scan.

Layers, from broad to narrow: the state pack, an optional city overlay (``--local``), an optional agency
policy (``--policy``). Every rule of every layer applies -- the stricter rule wins simply because each
rule is evaluated and any breach is a finding. The advisory baseline fills in each rule kind that no
legal layer covers, so a state without a statute still gets risk findings, labelled as such.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from configscan.errors import InputError, UsageError
from configscan.jurisdictions.schema import Level, Rule, RuleKind, RulePack

UPCOMING_WINDOW_DAYS = 180

# A legal rule of one of these kinds also covers the baseline kind it maps from.
_COVERS: dict[RuleKind, set[RuleKind]] = {
    RuleKind.forbid_federal_sharing: {RuleKind.forbid_federal_sharing, RuleKind.conditional_sharing},
    RuleKind.forbid_out_of_state_sharing: {
        RuleKind.forbid_out_of_state_sharing,
        RuleKind.out_of_state_requires_declaration,
        RuleKind.conditional_sharing,
    },
}


@dataclass(frozen=True)
class AppliedRule:
    """A rule together with the pack (layer) it came from."""

    rule: Rule
    pack_id: str
    level: Level
    upcoming: bool = False

    @property
    def advisory(self) -> bool:
        return self.level is Level.baseline


@dataclass
class RuleSet:
    """The rules one scan evaluates: those in force on ``as_of`` and those coming within the window."""

    as_of: dt.date
    packs: list[tuple[RulePack, str]] = field(default_factory=list)  # (pack, role)
    in_force: list[AppliedRule] = field(default_factory=list)
    upcoming: list[AppliedRule] = field(default_factory=list)

    def of_kind(self, *kinds: RuleKind) -> list[AppliedRule]:
        return [r for r in self.in_force if r.rule.kind in kinds]

    @property
    def statute_found(self) -> bool:
        return any(p.statute_found for p, role in self.packs if role in ("state", "city"))

    def upcoming_only(self) -> RuleSet:
        """A view whose in-force rules are the upcoming ones, for evaluating what is coming."""
        return RuleSet(as_of=self.as_of, packs=self.packs, in_force=list(self.upcoming), upcoming=[])


def _pack_dir() -> Path:
    return Path(str(resources.files("configscan.jurisdictions") / "packs"))


def parse_pack(path: Path) -> RulePack:
    """Read and validate one pack file; errors name the file and, where YAML knows it, the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read rule pack ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(str(path), f"{where}not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict):
        raise InputError(str(path), "a rule pack must be a mapping with id, name, level and rules")
    try:
        return RulePack.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        line = _line_of(text, err["loc"], data)
        at = f"line {line}: " if line else ""
        raise InputError(str(path), f"{at}{loc}: {err['msg']}") from exc


def _line_of(text: str, loc: tuple[int | str, ...], data: dict[str, object]) -> int | None:
    """Best-effort line number of a failing field: find the rule's id, then the key after it."""
    lines = text.splitlines()
    start = 0
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rules = data.get("rules")
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = rules[loc[1]].get("id")
            for i, line in enumerate(lines):
                if rule_id and line.strip().lstrip("- ").startswith(f"id: {rule_id}"):
                    start = i
                    break
    key = str(loc[-1]) if loc and isinstance(loc[-1], str) else None
    if key:
        for i in range(start, len(lines)):
            if lines[i].strip().lstrip("- ").startswith(f"{key}:"):
                return i + 1
    return start + 1 if start else None


class PackLibrary:
    """The bundled packs, indexed by id and alias. Constructed per run; nothing is loaded at import."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or _pack_dir()
        self._packs: dict[str, RulePack] = {}
        self._alias: dict[str, str] = {}
        for path in sorted(self.directory.glob("*.yaml")):
            pack = parse_pack(path)
            self._packs[pack.id] = pack
            for alias in [pack.id, *pack.aliases]:
                self._alias[alias.lower()] = pack.id

    def ids(self) -> list[str]:
        return sorted(self._packs)

    def all(self) -> list[RulePack]:
        return [self._packs[i] for i in self.ids()]

    def get(self, name: str) -> RulePack:
        key = name.strip().lower()
        if key.upper().startswith("US-") or key == "us":
            key = key.lower()
        pack_id = self._alias.get(key) or self._alias.get(f"us-{key}")
        if pack_id is None:
            raise UsageError(f"unknown jurisdiction {name!r}; see 'configscan rules list'")
        return self._packs[pack_id]

    def find_local(self, name: str, state_pack: RulePack) -> RulePack:
        """A city overlay by alias (``oakland``) or id, checked against the state being scanned."""
        key = name.strip().lower()
        candidates = [
            p for p in self._packs.values()
            if p.level is Level.city and (key in (a.lower() for a in p.aliases) or p.id.lower() == key)
        ]
        if not candidates:
            raise UsageError(f"no city pack named {name!r}; see 'configscan rules list'")
        pack = next((p for p in candidates if p.parent == state_pack.id), candidates[0])
        if pack.parent != state_pack.id:
            raise UsageError(f"city pack {pack.id} belongs to {pack.parent}, not {state_pack.id}")
        return pack


def build_ruleset(
    library: PackLibrary,
    jurisdiction: str,
    as_of: dt.date,
    local: str | None = None,
    policy: Path | None = None,
) -> RuleSet:
    state = library.get(jurisdiction)
    layers: list[tuple[RulePack, str]] = [(state, "state")]
    if local:
        layers.append((library.find_local(local, state), "city"))
    if policy:
        layers.append((parse_pack(policy), "policy"))
    ruleset = RuleSet(as_of=as_of)
    for pack, role in layers:
        ruleset.packs.append((pack, role))
        for rule in pack.rules:
            if rule.kind is RuleKind.context:
                continue
            applied = AppliedRule(rule=rule, pack_id=pack.id, level=pack.level)
            if rule.in_force(as_of):
                ruleset.in_force.append(applied)
            elif rule.effective_from > as_of:
                # Enacted but not yet in force: evaluated separately and shown as upcoming.
                ruleset.upcoming.append(AppliedRule(rule=rule, pack_id=pack.id, level=pack.level, upcoming=True))
    _add_baseline(library, ruleset, as_of)
    return ruleset


def _add_baseline(library: PackLibrary, ruleset: RuleSet, as_of: dt.date) -> None:
    baseline = library.get("baseline")
    covered: set[RuleKind] = set()
    for applied in ruleset.in_force:
        covered.add(applied.rule.kind)
        for base_kind, legal_kinds in _COVERS.items():
            if applied.rule.kind in legal_kinds:
                covered.add(base_kind)
    used = False
    for rule in baseline.rules:
        if rule.kind in covered or not rule.in_force(as_of):
            continue
        ruleset.in_force.append(AppliedRule(rule=rule, pack_id=baseline.id, level=baseline.level))
        used = True
    if used:
        ruleset.packs.append((baseline, "advisory-baseline"))
