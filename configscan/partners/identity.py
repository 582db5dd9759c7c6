"""Which agency a name means, whoever wrote it: one key for "Collier County Sheriff's Office" (ICE, the agency's
own export) and "Collier County FL SO" (the vendor's sharing list).

The key is (state, place, kind): the state from the caller or from the name, the place words ("collier
county", "cape coral") and the kind of agency ("sheriff", "police", "constable"...). Names that share a key are
taken to be one agency. Matching is exact on the key -- no edit distance -- because a wrong match here puts a
287(g) flag on an innocent agency or joins two agencies' exports into one report; a missed match is shown
as "not on the list" with the list's date, which a reader can check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from configscan.partners.names import parse
from configscan.partners.states import STATE_NAMES, usps

# Multi-word phrases first (longest wins); each maps to the kind of agency. Order within a kind is irrelevant.
_KINDS: dict[str, str] = {
    "sheriffs office": "sheriff", "sheriff office": "sheriff", "sheriffs department": "sheriff",
    "sheriff department": "sheriff", "sheriffs dept": "sheriff", "sheriff dept": "sheriff",
    "sheriffs ofc": "sheriff", "sheriffs": "sheriff", "sheriff": "sheriff", "so": "sheriff", "cso": "sheriff",
    "police department": "police", "police dept": "police", "department of police": "police",
    "police division": "police", "police services": "police", "police bureau": "police", "police": "police",
    "pd": "police", "dept of police": "police",
    "marshals office": "marshal", "marshal office": "marshal", "marshals": "marshal", "marshal": "marshal",
    "constables office": "constable", "constable office": "constable", "constables": "constable",
    "constable": "constable",
    "district attorneys office": "da", "district attorney office": "da", "district attorney": "da", "da": "da",
    "department of public safety": "public safety", "dept of public safety": "public safety",
    "public safety department": "public safety", "public safety": "public safety", "dps": "public safety",
    "highway patrol": "highway patrol", "state highway patrol": "highway patrol", "hp": "highway patrol",
    "state patrol": "state patrol", "state police": "state police", "sp": "state police",
    "department of corrections": "corrections", "dept of corrections": "corrections", "doc": "corrections",
    "correctional facility": "corrections", "detention center": "jail", "jail": "jail",
    "department of law enforcement": "law enforcement", "dle": "law enforcement",
}
_KIND_PATTERN = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _KINDS), key=len, reverse=True)) + r")\b")
_ABBREVIATIONS = {"co": "county", "cnty": "county", "cty": "county", "twp": "township", "ft": "fort",
                  "mt": "mount", "st": "saint", "ste": "sainte", "pct": "precinct", "no": "precinct"}
_FILLER = frozenset({"the", "of", "city of", "town of", "village of", "borough of", "office", "department",
                     "dept", "agency", "and"})
_LEADING = re.compile(r"^(?:city|town|village|borough|township)\s+of\s+")


@dataclass(frozen=True, order=True)
class AgencyKey:
    state: str
    place: str
    kind: str

    def __str__(self) -> str:
        return f"{self.state}:{self.place}:{self.kind}"


def agency_key(name: str, state: str | None = None) -> AgencyKey | None:
    """The key of an agency name, or None when no state is known (a key without a state would join
    Washington County, Oregon and Washington County, Texas)."""
    return _key(name, usps(state) if state else None)


@cache
def _key(name: str, state: str | None) -> AgencyKey | None:
    parsed = parse(name)
    where = state or parsed.state
    if where is None:
        return None
    text = parsed.norm
    text = _LEADING.sub("", text)
    # The state inside the name (a code as in "Collier County FL SO", or spelled out as in "Florida Highway
    # Patrol") is the state, not the place.
    words = [w for w in text.split() if w != where.lower()]
    text = _drop_state_name(" ".join(words), where)
    words = [_ABBREVIATIONS.get(w, w) for w in text.split()]
    text = " ".join(words)
    kinds = [_KINDS[m.group(1)] for m in _KIND_PATTERN.finditer(text)]
    place = _KIND_PATTERN.sub(" ", text)
    place = " ".join(w for w in _LEADING.sub("", " ".join(place.split())).split() if w not in _FILLER)
    kind = kinds[-1] if kinds else ""
    if kind == "sheriff" and place.endswith(" county"):
        place = place[: -len(" county")]  # sheriffs are county offices: "Collier SO" is Collier County's
    if not place and not kind:
        return None
    return AgencyKey(where, place, kind)


_SPELLED = {code: spelled for spelled, code in STATE_NAMES.items()}


@cache
def _state_patterns(state: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    spelled = _SPELLED.get(state)
    if spelled is None:
        return None
    return re.compile(rf"\b(?:state of\s+)?{spelled}\b"), re.compile(rf"\b{spelled}\s+(?:county|city)\b")


def _drop_state_name(text: str, state: str) -> str:
    patterns = _state_patterns(state)
    # "Ohio County" and "Iowa City" are places named after the state: keep them.
    if patterns is None or not patterns[0].search(text) or patterns[1].search(text):
        return text
    return " ".join(patterns[0].sub(" ", text).split())
