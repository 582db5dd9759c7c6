"""Who each distinct searching organisation is: classified once per name, compared with the configuration.

Audit logs carry no state column; the vendor's short names do ("Auburn WA PD", "Ada County ID SO",
"Addison Police Department (TX)"), so a state hint read from the name is passed to the partner classifier,
which has the final word (it may know better from its directory).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from configscan.audit.findings.reasons import is_redacted
from configscan.model import AgencyConfig, Partner
from configscan.partners import Category, Classifier

OWN_AGENCY = "(own agency)"  # the searcher in layouts that log only the publishing agency's own searches

_USPS = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
    "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR", "GU", "VI",
    "AS", "MP",
))
_STATE_IN_NAME = re.compile(
    r"\b([A-Z]{2})\s+(?:PD|SO|DA|DPS|SP|HP|DOC|DOJ|DPD|PSD|CO|Police|Sheriff|Marshal|Constable|Fire|Parks|"
    r"University|College|Schools?|Public|Department|Dept|Task|Airport|Transit|Port)\b"
    r"|\(([A-Z]{2})\)\s*$|[\s,]([A-Z]{2})\s*$"
)
_NAME_KEY = re.compile(r"\[[^\]]*\]|[^a-z0-9]+")


def state_hint(name: str) -> str | None:
    """A USPS code the vendor's naming style puts in an organisation name, or None."""
    for match in _STATE_IN_NAME.finditer(name):
        code = next(g for g in match.groups() if g)
        if code in _USPS:
            return code
    return None


def name_key(name: str) -> str:
    """Compare names loosely: case, punctuation and vendor tags like "[Federal]" do not matter."""
    return _NAME_KEY.sub(" ", name.lower()).strip()


@dataclass(frozen=True)
class Searcher:
    name: str
    klass: str  # federal | out_of_state | in_state | state_unknown | own | unclassified | redacted
    category: str
    state: str | None = None
    out_of_state: bool | None = None
    listed: bool | None = None  # configured partner? None when no configuration was given
    partner: Partner | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _partner_index(config: AgencyConfig | None) -> dict[str, Partner]:
    if config is None:
        return {}
    return {name_key(p.name): p for p in (config.partners or [])}


def classify_searchers(names: Iterable[str | None], classifier: Classifier, agency_state: str,
                       config: AgencyConfig | None) -> dict[str | None, Searcher]:
    """One verdict per distinct name (the log repeats each name thousands of times)."""
    partners = _partner_index(config)
    own_keys = {name_key(OWN_AGENCY)}
    if config is not None:
        own_keys.add(name_key(config.agency.name))
    verdicts: dict[str | None, Searcher] = {}
    for name in names:
        if name in verdicts:
            continue
        verdicts[name] = _one(name, classifier, agency_state, config, partners, own_keys)
    return verdicts


def _one(name: str | None, classifier: Classifier, agency_state: str, config: AgencyConfig | None,
         partners: dict[str, Partner], own_keys: set[str]) -> Searcher:
    if name is None or is_redacted(name):
        return Searcher(name or "(blank)", "redacted", "unknown", reasons=("organisation name blank or redacted",))
    key = name_key(name)
    if key in own_keys:
        return Searcher(name, "own", "own agency", state=agency_state, out_of_state=False,
                        listed=None if config is None else True, reasons=("the agency's own searches",))
    partner = partners.get(key)
    hint = (partner.state if partner and partner.state else None) or state_hint(name)
    verdict = classifier.classify(name, state=hint, ori=partner.ori if partner else None,
                                  org_type=partner.org_type if partner else None, agency_state=agency_state)
    if verdict.category.is_federal:
        klass = "federal"
    elif verdict.category is Category.unknown:
        klass = "unclassified"
    elif verdict.out_of_state is None:
        klass = "state_unknown"
    else:
        klass = "out_of_state" if verdict.out_of_state else "in_state"
    return Searcher(name=name, klass=klass, category=verdict.category.value, state=verdict.state or hint,
                    out_of_state=verdict.out_of_state, listed=None if config is None else partner is not None,
                    partner=partner, reasons=tuple(verdict.reasons))


def can_search_us(partner: Partner | None) -> bool | None:
    """Whether the configuration lets this partner search the agency's data (None: it does not say)."""
    if partner is None:
        return False
    return partner.can_reach_us()
