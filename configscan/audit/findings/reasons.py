"""What a logged search reason says: immigration, reproductive health, vague, an offense type, or unknown.

Reasons are free text typed by officers (before 2026) or a dropdown offense type with optional detail.
Immigration is two facts, an agency named and an enforcement purpose, found by the rule table in
:mod:`configscan.audit.findings.reason_rules` (word boundaries, case and context, so "police", "notice", "Rice St",
"justice" or "ice rink" never count, and reversing context such as impersonation or a protest cancels both).
Every match names the rule that fired, so a reviewer can see why a row was flagged.

Reasons repeat heavily (millions of rows, thousands of distinct texts), so the engine classifies each
distinct reason once; :data:`PREFILTER` is a cheap superset of the immigration and health rules (RE2- and
Python-compatible): a reason it does not match skips those ~20 precise rules, which matters when a log
holds tens of thousands of distinct free-text reasons. Many of those differ only by a case number
("burglary 12345"): :func:`classify_reason` classifies each digit-normalised form once (:func:`reason_key`
says why that cannot change a verdict); :func:`classify_reason_plain` is the uncached reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from configscan.audit.findings import reason_rules

IMMIGRATION_AGENCY = "immigration_agency"
IMMIGRATION_PURPOSE = "immigration_purpose"
REPRODUCTIVE = "reproductive_health"
VAGUE = "vague"
REDACTED = "redacted"
OTHER = "other"

# RE2-compatible, case-insensitive superset of the immigration and health rules (see module docstring).
PREFILTER = (
    r"(?i)(ice|i\.c\.e|ero|enforcement and removal|hsi|homeland|dhs|cbp|c\.b\.p|customs|usbp|border|287|247|deport|"
    r"removal|removable|final order|alien|imm|imig|undocumented|uscis|overstay|visa|migra|indocumentad|fronteriza|"
    r"ilegal|illegal|papeles|ewi|inspection|8\s*u\.?\s*s\.?\s*c|"
    r"abort|reproductive|planned parenthood|pregnan|miscarriage|contracepti|embaraz)"
)

_PREFILTER = re.compile(PREFILTER)
# What records officers put in place of a withheld value: asterisks, hashes, XXXX, "[REDACTED]" or
# "Redacted - 6254(f)", "Withheld", "Exempt" alone or with a citation (a bare "exempt vehicle" is a reason),
# FOIA exemption codes ("(b)(6)", "(b)(7)(C)", "b6, b7c") and California Government Code citations.
_FOIA = r"\(?b\)?\s*\(?[1-9]\)?(?:\s*\(?[a-f]\)?)?"
_REDACTION = re.compile(
    r"^(\*[\s*]*|#+|x{3,}|\[?\s*(redacted|withheld)\b[^\]]*\]?|\[?\s*exempt(ed)?\s*\]?|exempt(ed)?\b.*\d.*|"
    r"(pra|cpra|foia)\s+(exempt(ed)?|redact(ed|ion)|withheld)\b.*|"
    rf"{_FOIA}(?:\s*(?:,|;|&|and)?\s*{_FOIA})*|"
    r"\d{4}\.\d{3}\s*gc|(cal\.?\s*)?gov(ernment|t)?\.?\s*code\s*§*\s*\d{4}.*|gc\s*§*\s*\d{4}(\.\d+)?.*)$",
    re.I,
)


def is_redacted(value: str | None) -> bool:
    """Redaction markers and blanks mean "unknown", never "none"."""
    if value is None:
        return True
    text = value.strip()
    return not text or bool(_REDACTION.match(text))


def normalise(reason: str) -> str:
    """Undo URL-style '+' for spaces (portal exports) and collapse whitespace."""
    return " ".join(reason.replace("+", " ").replace("_", " ").split())


@dataclass(frozen=True)
class Verdict:
    """The category of one reason and the rule that put it there (None for plain offense/other).

    ``agency`` and ``purpose`` are the ids of the rules that found each immigration fact (None when absent):
    the category is ``immigration_purpose`` when a purpose was found, else ``immigration_agency`` when an
    agency was, and ``rule`` is then that category's rule. A reason whose immigration words a ``reverse`` rule
    turned around keeps its ordinary category with that rule's id, so a reviewer sees why it was not flagged."""

    category: str
    rule: str | None = None
    agency: str | None = None
    purpose: str | None = None


_I = re.I
_RULES = reason_rules.compiled()


@dataclass(frozen=True)
class Facts:
    """What the immigration rules found in one reason (rule ids), or the reversal that cancelled them."""

    agency: str | None = None
    purpose: str | None = None
    reversed_by: str | None = None


def immigration_facts(text: str) -> Facts:
    """Apply the rule table to ``text`` (already normalised): the first agency and purpose rule that fire."""
    found: dict[str, str] = {}
    reversal: str | None = None
    ice_vetoed: bool | None = None
    for item in _RULES:
        rule = item.rule
        if rule.fact in found or (rule.fact == "reverse" and reversal):
            continue
        if item.pattern.search(text) is None:
            continue
        if rule.id.startswith("agency.ice"):
            if ice_vetoed is None:
                ice_vetoed = bool(reason_rules.ICE_VETO.search(text))
            if ice_vetoed or (rule.needs == "ice_context" and not _ice_in_context(text)):
                continue
        if rule.needs == "immigration_context" and not ("agency" in found or _immigration_context(text)):
            continue
        if rule.fact == "reverse":
            reversal = rule.id
        else:
            found[rule.fact] = rule.id
    if not found:
        return Facts()
    if reversal:
        return Facts(reversed_by=reversal)
    return Facts(agency=found.get("agency"), purpose=found.get("purpose"))


def immigration_rule(text: str) -> str | None:
    """The id of the rule that makes ``text`` (already normalised) an immigration reason: its purpose rule, else
    its agency rule; None when neither fact is shown."""
    facts = immigration_facts(text)
    return facts.purpose or facts.agency


def _ice_in_context(text: str) -> bool:
    bare = _PUNCT.sub(" ", text).strip().lower()
    return " ".join(bare.split()) in reason_rules.ICE_ALONE or bool(reason_rules.ICE_CONTEXT.search(text))


def _immigration_context(text: str) -> bool:
    """An immigration word other than a vetoed lower-case "ice" (a hold in "meth ice hold" is not a detainer)."""
    for match in reason_rules.IMMIGRATION_CONTEXT.finditer(text):
        if match.group(0) != "ice" or not reason_rules.ICE_VETO.search(text):
            return True
    return False


_HEALTH = re.compile(
    r"\b(abortions?|abortion clinic|reproductive|planned parenthood|miscarriage|contracepti\w*|pregnan\w*|"
    r"aborto|embarazada)\b",
    _I,
)

_VAGUE_EXACT = frozenset({
    "inv", "invest", "investigate", "investigation", "investigations", "investigative", "investigatory",
    "criminal investigation", "criminal investigations", "other", "other not applicable", "not applicable",
    "n a", "na", "none", "law enforcement", "law enforcement purpose", "law enforcement purposes", "le",
    "le purpose", "le purposes", "police business", "official business", "case", "follow up", "followup",
    "research", "search", "lookup", "info", "information", "intel", "intelligence", "general", "patrol",
    "query", "check", "per request", "request", "assist", "assist other agency", "ongoing investigation",
    "open investigation", "active investigation", "investigative purposes", "investigation purposes",
})
_UI_ARTEFACT = frozenset({"daytime search for best result"})

_OFFENSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, _I)) for name, pattern in (
        ("vehicle_theft", r"\b(stolen (vehicle|car|auto|truck|plate)s?|motor vehicle theft|uuv|unauthori[sz]ed use|"
                          r"vehicle theft|auto theft|gta|mvt|carjack\w*|stolen/recovered)\b"),
        ("homicide", r"\b(homicide|murder|death investigation|manslaughter)\b"),
        ("robbery", r"\b(robbery|robberies|armed rob\w*|211)\b"),
        ("burglary", r"\b(burglary|burglaries|burg|breaking (and|&) entering|b ?& ?e|break-?ins?)\b"),
        ("kidnapping", r"\b(kidnap\w*|abduct\w*)\b"),
        ("sex_offense", r"\b(sex\w*|rape|lewd|indecent|pornograph\w*|prostitut\w*|human trafficking)\b"),
        ("assault", r"\b(assault\w*|battery|adw|domestic|dv|stabbing)\b"),
        ("weapons", r"\b(weapons?|guns?|shots fired|firearms?|shooting)\b"),
        ("missing_person", r"\b(missing|runaway|endangered|amber|silver alert|at risk)\b"),
        ("welfare_check", r"\bwelfare\b"),
        ("warrant", r"\b(warrants?|wanted|fugitive)\b"),
        ("dui", r"\b(dui|dwi|owi|ovi|under the influence)\b"),
        ("hit_and_run", r"\b(hit (and|&) run|hit-and-run|h&r|accident|collision)\b"),
        ("fraud", r"\b(fraud\w*|embezzle\w*|forgery|counterfeit\w*|identity theft|financial crime)\b"),
        ("drugs", r"\b(narcotics?|drugs?|meth\w*|fentanyl|cocaine|heroin)\b"),
        ("theft", r"\b(theft|larceny|shoplift\w*|stolen property|property crimes?|petty|grand theft|stolen)\b"),
        ("person_crime", r"\b(person crimes?|persons crimes?|crimes against persons)\b"),
        ("vandalism", r"\b(vandal\w*|graffiti|damage|arson|destruction)\b"),
        ("threats", r"\b(threats?|harass\w*|stalk\w*|terroris\w*)\b"),
        ("traffic", r"\b(traffic|reckless|road rage|speeding|eluding|fleeing|evading)\b"),
        ("suspicious", r"\b(suspicious|susp|suspects?)\b"),
        ("child_abuse", r"\b(child abuse|neglect|juvenile)\b"),
        ("public_order", r"\b(disorderly|disturb\w*|riot|trespass\w*|curfew|loitering|vagrancy|dumping|littering|"
                         r"obstruct\w*)\b"),
        ("court_order", r"\b(protective|protection order|restraining order|material witness|probation|parole)\b"),
        ("other_offense", r"\b(bribery|animal (offenses?|cruelty)|cruelty)\b"),
    )
)
_PUNCT = re.compile(r"[^\w\s]")


def classify_reason_plain(raw: str | None) -> Verdict:
    """Categorise one reason by the rules alone, no cache: the reference :func:`classify_reason` must equal.

    Order matters: immigration beats everything, then health, then vague."""
    return _marker_verdict(raw) or _text_verdict(raw or "")


def _marker_verdict(raw: str | None) -> Verdict | None:
    """Blank and redacted reasons (None for an ordinary reason)."""
    if raw is None or is_redacted(raw):
        if raw is not None and raw.strip():
            return Verdict(REDACTED, "redaction marker")
        return Verdict(VAGUE, "vague.empty")
    return None


def _text_verdict(raw: str) -> Verdict:
    text = normalise(raw)
    reversed_by = None
    if _PREFILTER.search(text):
        facts = immigration_facts(text)
        if facts.purpose:
            return Verdict(IMMIGRATION_PURPOSE, facts.purpose, facts.agency, facts.purpose)
        if facts.agency:
            return Verdict(IMMIGRATION_AGENCY, facts.agency, facts.agency)
        if _HEALTH.search(text):
            return Verdict(REPRODUCTIVE, "health.keyword")
        reversed_by = facts.reversed_by
    bare = " ".join(_PUNCT.sub(" ", text).lower().split())
    if bare in _UI_ARTEFACT:
        return Verdict(VAGUE, "vague.ui_artefact")
    if bare in _VAGUE_EXACT:
        return Verdict(VAGUE, "vague.generic")
    for name, pattern in _OFFENSES:
        if pattern.search(text):
            return Verdict(f"offense:{name}", reversed_by)
    if len(bare) <= 2 and not bare.isdigit():
        return Verdict(VAGUE, "vague.too_short")
    return Verdict(OTHER, reversed_by)


# What follows the first three digits of a run of four or more ASCII digits (replaced by one "0").
_LONG_DIGIT_RUN_TAIL = re.compile(r"(?<=[0-9]{3})[0-9]+")


def reason_key(raw: str) -> str:
    """The reason with every run of 4+ ASCII digits cut to its first three digits and a "0" ("burglary 12345"
    and "burglary 12399" -> "burglary 1230"), so case numbers do not make each reason a new classification.

    Why the cut cannot change :func:`_text_verdict` (redaction markers, whose ``\\d{4}.\\d{3} gc`` form does
    depend on run length, are decided on the raw text before the key is used):

    * it touches nothing but the inside of a digit run, which stays a run of 4+ digits with the same first three
      digits, the same neighbours and so the same word boundaries; ``normalise``, the punctuation strip and
      ``lower`` leave digits alone, so the key of the normalised text is the normalised key;
    * the rules that name digits are ``\\b287\\s*(g)`` and ``\\b211\\b`` (a whole run of exactly three
      digits, never produced or removed by the cut), ``i-?200\\b`` / ``i-?205\\b`` (a run that is exactly
      those three digits: a longer run fails before and after the cut), ``i-?247\\w*`` (a run that
      starts with 247: the first three digits are kept) and ``\\bI-?247[ADNX]?\\b`` (a run of exactly
      247, like 211), ``\\bI-?20[05]\\b`` (exactly 200 or 205, likewise) and ``\\b8\\s*u.s.c`` (a run of
      exactly one digit); the prefilter's bare ``287``, ``247`` and ``8`` only gate those rules;
    * everything else sees a digit only as a word character (``\\w``, ``\\b``), or not at all (letter
      classes, the exact vague phrases, which hold no digits); the "too short" test needs at most two
      characters, which a text holding a 4+ digit run never is, before or after.
    """
    return _LONG_DIGIT_RUN_TAIL.sub("0", raw)


@lru_cache(maxsize=1 << 16)
def _keyed_verdict(key: str) -> Verdict:
    """The verdict for a key (bounded memo of a pure function: logs hold tens of thousands of distinct
    reasons that differ only by case numbers)."""
    return _text_verdict(key)


def classify_reason(raw: str | None) -> Verdict:
    """Categorise one reason: equal to :func:`classify_reason_plain`, but reasons that differ only inside long
    digit runs (case numbers, dates) are classified once (see :func:`reason_key`)."""
    return _marker_verdict(raw) or _keyed_verdict(reason_key(raw or ""))
