""""VA" in a partner's name: the Commonwealth of Virginia, or the Department of Veterans Affairs.

The vendor's short style puts a state code after the town ("Salem VA PD"), and a Veterans Affairs medical
centre's police is called "<place> VA Police" ("Loma Linda VA Police"). A name of exactly the form
``<place> VA Police[ Department]`` therefore says nothing about which it is, and either guess is a wrong
published verdict: a missed federal partner, or a city accused of federal sharing. So this form is read only
when data settles the place -- the bundled table of VA police locations (federal), or a Virginia locality in
the data the product already ships (local) -- and otherwise only evidence beside the name decides: the
vendor's label or organisation type, an ORI, an e-mail domain, the user's directory. Without any, the partner
stays unknown with a reason naming the ambiguity.

The vendor's "<Town> VA PD" short form is not covered: it is how the vendor writes town departments, and
its federal exports spell Veterans Affairs out ("... CA Veterans Affairs PD").
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from configscan.errors import InputError
from configscan.partners.g287 import BUNDLED_DATE, BUNDLED_FILE
from configscan.partners.model import Category
from configscan.partners.names import ParsedName, normalise
from configscan.partners.ori import OriInfo
from configscan.partners.signals import Signal, org_type_signals
from configscan.states import to_code

LOCATIONS_FILE = "va_police_locations.csv"
_FORM = re.compile(r"^(?P<place>[a-z0-9][a-z0-9 ]*?) va police(?: department| dept)?$")
# ICE's names for Virginia agencies that are a place's own ("Gordonsville Department of Public Safety",
# "Page County Sheriff's Office"): what precedes the agency words is a Virginia locality.
_VIRGINIA_AGENCY = re.compile(r"^(?P<place>.+?)\s+(?:sheriffs office|police department|department of public safety)$")
# Organisation types (the vendor's column) that name a local government, which no VA medical centre is.
_LOCAL_GOVERNMENT_TYPE = re.compile(r"\b(?:city|municipal\w*|town|township|village|borough|county)\b", re.I)


@dataclass(frozen=True)
class VaLocation:
    """A place with a Department of Veterans Affairs medical centre and police, from the bundled table."""

    place: str
    state: str
    facility: str
    source: str


@dataclass(frozen=True)
class VaReading:
    """What a ``<place> VA Police`` name says: the reading data settles (``signal``), or none (ambiguous)."""

    place: str
    signal: Signal | None
    state: str | None  # the partner's state under the settled reading (None while unsettled)
    note: str  # the ambiguity, for the reasons list ("" when settled)


@cache
def va_locations() -> dict[str, VaLocation]:
    """The bundled table of VA police locations by normalised place (read once per process)."""
    label = f"configscan/partners/data/{LOCATIONS_FILE}"
    text = resources.files("configscan.partners").joinpath("data", LOCATIONS_FILE).read_text(encoding="utf-8")
    table: dict[str, VaLocation] = {}
    for number, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        state = to_code((row.get("state") or "").strip())
        if not row.get("place") or state is None or not row.get("source"):
            raise InputError(label, f"row {number}: needs a place, a US state and a source")
        table[row["place"].strip().lower()] = VaLocation(row["place"].strip().lower(), state,
                                                         (row.get("facility") or "").strip(), row["source"].strip())
    return table


@cache
def virginia_places() -> frozenset[str]:
    """Virginia localities named in the bundled ICE 287(g) list (its Virginia agencies' place words)."""
    text = resources.files("configscan.partners").joinpath("data", BUNDLED_FILE).read_text(encoding="utf-8")
    return frozenset(_virginia_places(csv.DictReader(text.splitlines())))


def _virginia_places(rows: Iterable[dict[str, str]]) -> Iterable[str]:
    for row in rows:
        if to_code((row.get("state") or "").strip()) != "VA":
            continue
        match = _VIRGINIA_AGENCY.match(normalise(row.get("agency") or ""))
        if match:
            yield match.group("place")


def read_va(parsed: ParsedName, state_column: str | None = None) -> VaReading | None:
    """The reading of a ``<place> VA Police[ Department]`` name, or None for any other name."""
    match = _FORM.match(parsed.norm)
    if match is None:
        return None
    place = match.group("place")
    location = va_locations().get(place)
    virginian = place in virginia_places()
    if location is not None and location.state != "VA" and not virginian:
        return VaReading(place, Signal(
            Category.federal_other, 0.85, "name",
            f"\"VA\" here is Veterans Affairs: {place.title()} has a VA medical centre's police "
            f"({location.facility}; source: {location.source})", location.state), location.state, "")
    if virginian and location is None:
        return VaReading(place, Signal(
            Category.local, 0.8, "name",
            f"\"VA\" here is Virginia: {place.title()} is a Virginia locality (ICE 287(g) list of "
            f"{BUNDLED_DATE.isoformat()}) with no VA medical centre in the bundled table", "VA"), "VA", "")
    column = f"; the state column says {state_column.strip().upper()}" if state_column and state_column.strip() else ""
    return VaReading(place, None, None, f"\"{place.title()} VA Police\" may be a Virginia town's police or a "
                     f"Veterans Affairs medical centre's police at {place.title()}{column}")


def ambiguity_reason(reading: VaReading, settled: bool) -> str:
    """The reason line for an unsettled ``<place> VA Police``: what settled it, or what would."""
    if settled:
        return f"{reading.note}; the evidence below settles it"
    return (f"{reading.note}, and nothing else settles which: unverified, not guessed (the vendor's label, an ORI "
            "or your directory CSV would decide)")


def settling_signals(reading: VaReading, org_type: str | None, tags: tuple[str, ...],
                     info: OriInfo | None) -> list[Signal]:
    """The evidence beside the name that may decide an ambiguous ``<place> VA Police`` (e-mail domains and
    federal ORI codes are added by the caller, as for any name).

    The vendor's "[Federal]" tag decides. Its organisation type decides only if it says federal or names a
    local government: "Police Department" fits both readings. An ORI with Virginia's prefix and no federal
    agency code makes it a Virginia agency -- unless the bundled table puts a VA medical centre at that place,
    where a local-looking ORI could still be the centre's (federal offices sometimes carry local-looking ORIs).
    """
    local_type = bool(org_type and _LOCAL_GOVERNMENT_TYPE.search(org_type))
    kept = [s for s in org_type_signals(org_type, tags)
            if s.category.is_federal or (local_type and s.category is Category.local)]
    if (info is not None and info.state == "VA" and info.agency_code is None
            and reading.place not in va_locations()):
        kept.append(Signal(Category.local, 0.85, "ori", f"ORI {info.ori} is a Virginia agency's (prefix VA, no "
                           "federal agency code): \"VA\" here is Virginia", "VA"))
    return kept
