"""Reading one rule-pack file (bundled or user-written) with errors that point at the offending line.

A user writing an agency policy needs to know *where* the file is wrong, so every problem carries the
line of the YAML node it concerns, found from the composed YAML tree rather than by guessing at text.
Beyond the schema, a few checks catch packs that validate but could not mean what their author intended
(a city without a parent, a retention limit on a rule that is not about retention, a state code that is
not one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from configscan.errors import InputError
from configscan.jurisdictions.schema import Confidence, Level, RuleKind, RulePack, SourceGrade
from configscan.readers import safeyaml

US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
    "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC",
})
# Values a rule's ``applies_to`` may hold; checks read exactly these.
APPLIES_TO = frozenset({"any", "federal", "out_of_state"})


@dataclass(frozen=True)
class PackProblem:
    """One thing wrong with a pack file: where (line, dotted field) and what."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        at = f"line {self.line}: " if self.line else ""
        where = f"{self.field}: " if self.field else ""
        return f"{at}{where}{self.message}"


@dataclass
class PackCheck:
    """The result of reading a pack file: the pack when it validated, and every problem found."""

    path: Path
    pack: RulePack | None
    problems: list[PackProblem]

    @property
    def ok(self) -> bool:
        return self.pack is not None and not self.problems


def _node_at(root: yaml.Node | None, loc: tuple[int | str, ...]) -> tuple[yaml.Node | None, bool]:
    """The deepest YAML node along ``loc`` and whether the whole path was found."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                         None)
            if child is None:
                # An unknown key is reported at the key itself.
                key = next((k for k, _ in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                           None)
                return (key, True) if key is not None else (node, False)
            node = child
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node, False
    return node, True


def line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the node a validation error points at (its parent's line when the key is missing)."""
    node, _ = _node_at(root, loc)
    return node.start_mark.line + 1 if node is not None else None


def _rule_line(root: yaml.Node | None, index: int, key: str = "id") -> int | None:
    return line_of(root, ("rules", index, key)) or line_of(root, ("rules", index))


def _semantic_problems(pack: RulePack, root: yaml.Node | None, known_ids: set[str] | None) -> list[PackProblem]:
    """Checks the schema cannot express: they need the level, other packs, or the rule kind together."""
    problems: list[PackProblem] = []
    if pack.level is Level.city:
        if not pack.parent:
            problems.append(PackProblem(line_of(root, ("id",)), "parent", "a city pack needs the id of its state "
                                        "pack as parent (e.g. US-CA)"))
        elif known_ids is not None and pack.parent not in known_ids:
            problems.append(PackProblem(line_of(root, ("parent",)), "parent",
                                        f"no bundled pack {pack.parent!r} to layer this city over"))
    if pack.level is Level.policy and not pack.id.startswith("policy"):
        problems.append(PackProblem(line_of(root, ("id",)), "id",
                                    "an agency policy's id must start with 'policy', e.g. policy-pinecrest-pd"))
    if pack.level is not Level.policy and pack.id.startswith("policy"):
        problems.append(PackProblem(line_of(root, ("level",)), "level",
                                    f"id {pack.id!r} is a policy id but level is {pack.level.value!r}"))
    if not pack.statute_found:
        for i, rule in enumerate(pack.rules):
            # A city may bind itself by contract without an ordinance; a state without a statute may not --
            # except through a general law whose reach is unsettled, which can only ever give a risk.
            unsettled = str(rule.params.get("status", "")).lower() == "unsettled"
            if rule.kind is not RuleKind.context and not unsettled and pack.level in (Level.state, Level.federal):
                problems.append(PackProblem(_rule_line(root, i, "kind"), f"rules.{i}.kind",
                                            f"statute_found is false, so rule {rule.id} may only be kind "
                                            "'context' or carry params.status: unsettled"))
    problems.extend(_source_problems(pack, root))
    for i, rule in enumerate(pack.rules):
        if rule.max_retention is not None and rule.kind is not RuleKind.max_retention:
            problems.append(PackProblem(line_of(root, ("rules", i, "max_retention")), f"rules.{i}.max_retention",
                                        f"rule {rule.id} is kind {rule.kind.value}; only max_retention rules "
                                        "take a max_retention"))
        applies = rule.params.get("applies_to")
        if applies is not None:
            values = applies if isinstance(applies, list) else [applies]
            bad = [v for v in values if v not in APPLIES_TO]
            if bad or not isinstance(applies, list):
                problems.append(PackProblem(line_of(root, ("rules", i, "params", "applies_to")),
                                            f"rules.{i}.params.applies_to",
                                            f"must be a list of {', '.join(sorted(APPLIES_TO))}; got {applies!r}"))
        states = rule.params.get("allowed_states")
        if states is not None:
            values = states if isinstance(states, list) else [states]
            bad = [s for s in values if not isinstance(s, str) or s.upper() not in US_STATES]
            if bad or not isinstance(states, list):
                problems.append(PackProblem(line_of(root, ("rules", i, "params", "allowed_states")),
                                            f"rules.{i}.params.allowed_states",
                                            f"must be a list of two-letter state codes; not {bad or states!r}"))
    return problems


def _source_problems(pack: RulePack, root: yaml.Node | None) -> list[PackProblem]:
    """A law pack lists what its review read, every rule's source among it, graded honestly.

    An agency policy cites its own documents and is exempt. A rule claiming ``statute-text`` must rest on
    an official or mirror copy of the statute: a news page cannot support that claim.
    """
    problems: list[PackProblem] = []
    for i, rule in enumerate(pack.rules):
        if rule.last_reviewed > pack.last_reviewed:
            problems.append(PackProblem(line_of(root, ("rules", i, "last_reviewed")), f"rules.{i}.last_reviewed",
                                        f"rule {rule.id} was reviewed after the pack's last_reviewed "
                                        f"({pack.last_reviewed.isoformat()})"))
    if pack.level is Level.policy:
        return problems
    if not pack.sources:
        problems.append(PackProblem(line_of(root, ("id",)), "sources",
                                    "list the sources the review read (url, grade, title)"))
        return problems
    grades = {source.url: source.grade for source in pack.sources}
    for i, rule in enumerate(pack.rules):
        grade = grades.get(rule.source)
        if grade is None:
            problems.append(PackProblem(line_of(root, ("rules", i, "source")), f"rules.{i}.source",
                                        f"rule {rule.id}'s source is not among the pack's sources"))
        elif rule.confidence is Confidence.statute_text and grade is SourceGrade.secondary:
            problems.append(PackProblem(line_of(root, ("rules", i, "confidence")), f"rules.{i}.confidence",
                                        f"rule {rule.id} claims statute-text but its source is graded "
                                        "secondary; cite the official or mirror text, or lower the confidence"))
    return problems


def check_pack_text(text: str, path: Path, known_ids: set[str] | None = None) -> PackCheck:
    """Validate a pack's text and collect every problem (not only the first), each with its line."""
    try:
        if "&" in text and "*" in text:  # anchors and aliases: a user's pack could be an alias bomb; bounded
            data: Any = safeyaml.load(text, str(path))
        else:
            data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader (C when built)
    except InputError as exc:
        return PackCheck(path, None, [PackProblem(1, "", exc.detail)])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return PackCheck(path, None, [PackProblem(line, "", f"not valid YAML ({getattr(exc, 'problem', exc)})")])
    if not isinstance(data, dict):
        return PackCheck(path, None, [PackProblem(1, "", "a rule pack must be a mapping with id, name, level, "
                                                 "version, last_reviewed and rules")])
    try:
        pack = RulePack.model_validate(data)
    except ValidationError as exc:
        root = _compose(text)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc)
            node, found = _node_at(root, loc)
            line = node.start_mark.line + 1 if node is not None else None
            message = err["msg"]
            if err["type"] == "missing" or not found:
                message = f"{message} (in the mapping starting here)"
            problems.append(PackProblem(line, field, message))
        return PackCheck(path, None, problems)
    problems = _semantic_problems(pack, None, known_ids)
    if problems:  # only now are line numbers worth a second (node) parse
        problems = _semantic_problems(pack, _compose(text), known_ids)
    return PackCheck(path, pack, problems)


# The C-accelerated safe loader when PyYAML was built with libyaml (several times faster), else the pure one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(text: str) -> yaml.Node | None:
    """The node tree (with line marks) of text already known to parse: only for error messages."""
    return yaml.compose(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def check_pack_file(path: Path, known_ids: set[str] | None = None) -> PackCheck:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        return PackCheck(path, None, [PackProblem(None, "", f"cannot read rule pack ({detail})")])
    return check_pack_text(text, path, known_ids)


def parse_pack(path: Path, known_ids: set[str] | None = None) -> RulePack:
    """Read and validate one pack file; the first problem becomes a one-line error naming file and line."""
    result = check_pack_file(path, known_ids)
    if result.problems or result.pack is None:
        first = result.problems[0] if result.problems else PackProblem(None, "", "not a rule pack")
        more = f" (and {len(result.problems) - 1} more; run 'configscan rules validate {path}')" \
            if len(result.problems) > 1 else ""
        raise InputError(str(path), f"{first}{more}")
    return result.pack
