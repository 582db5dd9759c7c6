"""287(g) matching on real spellings: every organisation name in the partner corpora and the Eugene sharing
list (vendor style, as released) is matched against the bundled list, and the hits must be exactly the
hand-checked set -- a new false match or a lost true one fails."""

from __future__ import annotations

import csv
from pathlib import Path

from configscan.partners.g287 import BUNDLED_DATE, load_roster, parse_roster

DATA = Path(__file__).parent / "data"

# Hand-checked: each is the same agency as ICE's entry (state agencies and vendor-style "<place> <ST> SO/PD").
EXPECTED = {
    "Idaho State Police", "Indiana State Police", "Missouri State Highway Patrol", "Kansas Bureau of Investigation",
    "Florida Department of Law Enforcement", "South Carolina Law Enforcement Division", "Louisiana State Police",
    "Wyoming Highway Patrol", "Mineral County NV SO", "Johnson County TX SO", "Rice County KS SO",
    "Yuma County AZ SO", "Marshall County KY SO", "Alice TX PD", "Venice FL PD", "Weber County UT SO",
    "Tulsa County OK SO", "South Dakota Highway Patrol", "Nebraska State Patrol", "Arkansas State Police",
    "New Hampshire State Police", "West Virginia State Police", "Florida Highway Patrol",
    "Texas Department of Public Safety", "Texas DPS",
    "Texas Department of Public Safety - Criminal Investigations Division",
}
# Near misses reviewed by hand: a different agency from ICE's entry of the same place.
NOT_LISTED = {("Seminole Police Department (FL)", "FL"), ("Richmond VA PD", "VA"),
              ("Mississippi Highway Patrol", "MS")}


def _names() -> list[tuple[str, str | None]]:
    names = []
    for file in ("partner_corpus.csv", "partner_heldout.csv"):
        with (DATA / file).open(encoding="utf-8") as handle:
            names += [(r["name"], r.get("state") or None) for r in csv.DictReader(handle)]
    eugene = Path("/work/shared/real/eugene-or/sharing-list.csv")
    if eugene.is_file():
        with eugene.open(encoding="utf-8") as handle:
            names += [(r["Name"], r["State"] or None) for r in csv.DictReader(handle)]
    return names


def test_hits_on_real_spellings_are_exactly_the_hand_checked_set() -> None:
    roster = load_roster()
    assert roster.info.date == BUNDLED_DATE and roster.info.agencies == 1557
    names = _names()
    hits = {name for name, state in names if roster.match(name, state)}
    assert hits == EXPECTED & {n for n, _ in names}
    for name, state in NOT_LISTED:
        assert roster.match(name, state) is None


def test_vendor_forms_of_ice_names() -> None:
    roster = load_roster()
    pairs = [("Collier County FL SO", None, "Collier County Sheriff's Office"),
             ("Collier Co SO", "FL", "Collier County Sheriff's Office"),
             ("Cape Coral FL PD", None, "Cape Coral Police Department"),
             ("Guadalupe County TX Constable Pct 4", None, "Guadalupe County Constable Precinct 4")]
    for name, state, listed in pairs:
        hit = roster.match(name, state)
        assert hit is not None and hit.listed_as == listed, name
    assert roster.match("Collier County SO", None) is None  # no state: never guessed


def test_a_newer_list_in_ices_own_columns() -> None:
    text = "STATE,LAW ENFORCEMENT AGENCY,TYPE,SUPPORT TYPE,SIGNED\nOREGON,Keizer Police Department,Municipality," \
           "Task Force Model,2026-09-01\n"
    roster = parse_roster(text, "new.csv", None)
    assert roster.info.agencies == 1 and roster.info.date is None
    assert roster.match("Keizer OR PD", None) is not None
