"""NCIC Originating Agency Identifiers: the state an ORI places an agency in, and federal agency codes.

An ORI is nine characters (seven in older records): two for the NCIC location, then an agency code. Federal
offices put an agency code in positions 3-5 ("AZCBP2500" a Border Patrol station in Arizona, "DCFBIWA00"),
so the prefix gives the office's state and the code the component. Codes come from the bundled directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from configscan.partners.states import ncic_state

_ORI = re.compile(r"^[A-Z]{2}[A-Z0-9]{5}(?:[A-Z0-9]{2})?$")
_SEPARATORS = re.compile(r"[\s-]")


@dataclass(frozen=True)
class OriInfo:
    """What an ORI says: its state (USPS) and the federal agency code it carries, if any."""

    ori: str
    state: str | None
    agency_code: str | None  # e.g. "CBP", "FBI", "DI"; None for ordinary state/local ORIs


def parse_ori(value: str | None, federal_codes: frozenset[str]) -> OriInfo | None:
    """Read an ORI; None when the value is absent or is not shaped like one (reported by the caller).

    ``federal_codes`` are the agency codes known to mark federal offices; the longest matching code at
    position 3 wins ("USM" before "US"), so ordinary county digits never match.
    """
    if not value:
        return None
    ori = _SEPARATORS.sub("", value).upper()
    if not _ORI.match(ori):
        return None
    rest = ori[2:]
    code = next((c for c in sorted(federal_codes, key=len, reverse=True) if rest.startswith(c)), None)
    return OriInfo(ori=ori, state=ncic_state(ori[:2]), agency_code=code)


def looks_like_ori(value: str | None) -> bool:
    return bool(value) and bool(_ORI.match(_SEPARATORS.sub("", value or "").upper()))
