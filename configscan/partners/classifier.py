"""A first, simple partner classifier (vendor label, name keywords, state column).

Replaced by the full partner-intelligence classifier; the interface stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from configscan.partners.model import Category, Classification

_IMMIGRATION = re.compile(
    r"\b(border patrol|usbp|cbp|customs and border|ice|immigration|ero|hsi|homeland security investigations|"
    r"uscis|department of homeland security|dhs)\b",
    re.I,
)
_FEDERAL = re.compile(
    r"\[federal\]|\(federal\)|\b(fbi|dea|atf|usms|u\.?s\.? marshals?|secret service|ncis|federal bureau|"
    r"postal inspection|uspis|national park service|veterans affairs)\b",
    re.I,
)
_PRIVATE = re.compile(r"\b(corporation|corp|inc|llc|hoa|home depot|lowe'?s|credit union)\b", re.I)
_TRIBAL = re.compile(r"\btribal\b", re.I)
_MULTI = re.compile(r"\b(hidta|jttf|task force|fusion center)\b", re.I)
_LOCAL = re.compile(r"\b(pd|so|police|sheriff|marshal|constable|city of|county)\b", re.I)
_STATE = re.compile(r"\b(state police|highway patrol|state patrol|department of public safety)\b", re.I)


# The stub knows only a short list of federal domains; the full classifier uses a directory with sources.
_FEDERAL_DOMAINS = frozenset({"fbi.gov", "atf.gov", "dea.gov", "usdoj.gov", "usmarshals.gov", "uspis.gov",
                              "nps.gov", "usss.gov", "irs.gov", "va.gov", "doi.gov", "tsa.gov", "cbp.gov"})


class Classifier:
    """Classifies organisation names. Construct once per run (no import-time state)."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

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
        reasons: list[str] = []
        text = f"{name} {org_type or ''}"
        domains = [d.lower().strip() for d in email_domains]
        if any(d == "dhs.gov" or d.endswith(".dhs.gov") for d in domains):
            return Classification(name=name, category=Category.federal_immigration, confidence=0.9,
                                  reasons=[f"e-mail domain {domains[0]} belongs to DHS"])
        if any(d in _FEDERAL_DOMAINS or d.endswith(".mil") for d in domains):
            return Classification(name=name, category=Category.federal_other, confidence=0.7,
                                  reasons=[f"e-mail domain {domains[0]} is a federal domain"])
        if _IMMIGRATION.search(text):
            category, conf = Category.federal_immigration, 0.8
            reasons.append("name names a federal immigration component")
        elif _FEDERAL.search(text):
            category, conf = Category.federal_other, 0.8
            reasons.append("name or vendor label marks a federal organisation")
        elif _MULTI.search(text):
            category, conf = Category.multi_agency, 0.7
            reasons.append("name marks a multi-agency body")
        elif _TRIBAL.search(text):
            category, conf = Category.tribal, 0.7
            reasons.append("name or type marks tribal police")
        elif _PRIVATE.search(text):
            category, conf = Category.private, 0.6
            reasons.append("name or type marks a private organisation")
        elif _STATE.search(text):
            category, conf = Category.state, 0.6
            reasons.append("name marks a state agency")
        elif _LOCAL.search(text):
            category, conf = Category.local, 0.6
            reasons.append("name marks a city or county agency")
        else:
            category, conf = Category.unknown, 0.0
            reasons.append("no signal identifies this organisation")
        out: bool | None = None
        if category.is_federal:
            out = None
        elif state and agency_state:
            out = state.upper() != agency_state.upper()
            reasons.append(f"state column {state.upper()} vs agency state {agency_state.upper()}")
        return Classification(name=name, category=category, out_of_state=out, state=state,
                              reasons=reasons, confidence=conf)
