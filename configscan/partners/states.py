"""US state names, USPS codes and NCIC location codes: the vocabulary for "which state is this partner in".

Vendors write the state as a USPS code inside the name ("Auburn WA PD") or spell it out ("Oregon State
Police"); NCIC ORIs use their own two-letter codes, which differ from USPS for Nebraska (NB).
"""

from __future__ import annotations

from configscan.states import STATE_NAMES as ALL_STATE_NAMES
from configscan.states import USPS_STATES

# Spelled-out names as they appear inside organisation names (lower case). The territories whose names are
# ordinary words in agency names (Virgin Islands, American Samoa, Northern Mariana Islands) are left out.
STATE_NAMES: dict[str, str] = {
    name.lower(): code for code, name in ALL_STATE_NAMES.items() if code not in {"VI", "AS", "MP"}
}

# Longest first, so "west virginia" wins over "virginia" and "new mexico" over "mexico".
STATE_NAME_ALTERNATION = "|".join(sorted(STATE_NAMES, key=len, reverse=True))

# Codes that read as ordinary words or abbreviations too often to trust inside a name.
_AMBIGUOUS_IN_NAME = frozenset({"AS", "MP", "VI", "GU"})
NAME_CODES = frozenset(USPS_STATES - _AMBIGUOUS_IN_NAME)

# NCIC location codes that differ from USPS (NCIC 2000 ORI file: Nebraska is NB).
_NCIC_TO_USPS = {"NB": "NE", "GM": "GU"}
# Location codes that are not states at all (a DEA office in the Bahamas, Canada, ...).
_NCIC_NOT_STATES = frozenset({"BD", "CN", "NL", "FN"})


def ncic_state(code: str) -> str | None:
    """The USPS code for an ORI's first two characters, or None when they name no US state."""
    code = code.upper()
    if code in _NCIC_NOT_STATES:
        return None
    if code in _NCIC_TO_USPS:
        return _NCIC_TO_USPS[code]
    if code == "NE":  # NCIC does not use NE for Nebraska; treat it as unknown rather than guess
        return None
    return code if code in USPS_STATES else None


def usps(value: str | None) -> str | None:
    """A clean USPS code from a state column ("or", " WA ", "??" -> None)."""
    if value is None:
        return None
    code = value.strip().upper()
    if code in USPS_STATES:
        return code
    return STATE_NAMES.get(value.strip().lower())
