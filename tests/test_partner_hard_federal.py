"""Issue 17's hard federal names: each rule on its own names and on the look-alikes it must leave alone.

Installation police, Federal Reserve and other federal bodies whose names hold a business word, the federal
acronyms added to the directory, and "<place> VA Police" -- a Virginia town's police or a Veterans Affairs
medical centre's -- which is read only as data or evidence beside the name settles, never guessed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from configscan.partners import Category, Classifier, va_names
from configscan.partners.va_names import VaLocation


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


@pytest.mark.parametrize(("name", "expected"), [
    # installation words decide federal, also in the vendor's "<Town> Police Department" position
    ("Presidio of San Francisco Police Department", Category.federal_other),
    ("Naval Support Activity Bethesda Police", Category.federal_other),
    ("Army Garrison Hawaii DES", Category.federal_other),
    ("Marine Corps Logistics Base Albany Police", Category.federal_other),
    ("Joint Reserve Base Fort Worth Security Forces", Category.federal_other),
    # ... but not the towns and counties that share a word with them
    ("Presidio County TX SO", Category.local),
    ("Presidio TX PD", Category.local),
    ("Fort Worth Police Department", Category.local),
    ("Fort Lauderdale PD", Category.local),
    ("Camp Verde Marshal's Office", Category.local),
    ("Marine City MI PD", Category.local),
    ("Camp Hill PD", Category.local),
])
def test_installation_words(classifier: Classifier, name: str, expected: Category) -> None:
    assert classifier.classify(name).category is expected


@pytest.mark.parametrize(("name", "expected"), [
    # an installation the directory names is the installation, not a town in the "<Town> PD" position
    ("Presidio of Monterey Police Department", Category.federal_other),
    ("Fort Irwin Police Department", Category.federal_other),
    ("Camp Pendleton Police Department", Category.federal_other),
    # the town guard still holds for phrases that are towns, and for forts the directory does not list
    ("National Park NJ PD", Category.local),
    ("Fort Bragg CA PD", Category.local),
    ("Fort Lee NJ PD", Category.local),
])
def test_named_installations_are_not_towns(classifier: Classifier, name: str, expected: Category) -> None:
    assert classifier.classify(name).category is expected


@pytest.mark.parametrize(("name", "expected"), [
    # a federal body's business word does not make it a business
    ("Federal Reserve Bank of San Francisco Police", Category.federal_other),
    ("Federal Reserve Bank of Kansas City", Category.federal_other),
    ("Federal Deposit Insurance Corporation Office of Inspector General", Category.federal_other),
    ("Export-Import Bank OIG", Category.federal_other),
    # businesses keep their own legal form, whoever they are named after
    ("Federal Reserve Employees Credit Union", Category.private),
    ("Federal Home Loan Bank of Des Moines", Category.private),
    ("Navy Federal Credit Union", Category.private),
    ("First Federal Bank", Category.private),
])
def test_federal_bodies_with_business_words(classifier: Classifier, name: str, expected: Category) -> None:
    assert classifier.classify(name).category is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Denver Mint Police", Category.federal_other),
    ("Mint Hill NC PD", Category.local),
    ("Mint Hill Police Department", Category.local),
    ("BEP Police", Category.federal_other),
    ("PFPA", Category.federal_other),
    ("FRB Chicago Police", Category.federal_other),
    ("FRB Federal Credit Union", Category.private),
])
def test_federal_acronyms_added_to_the_directory(classifier: Classifier, name: str, expected: Category) -> None:
    assert classifier.classify(name).category is expected


def test_a_va_medical_centre_place_in_the_table_is_federal(classifier: Classifier) -> None:
    verdict = classifier.classify("Loma Linda VA Police", state="CA", agency_state="CA")
    assert verdict.category is Category.federal_other
    assert verdict.state == "CA" and not verdict.state_conflict  # "VA" is not read as Virginia
    assert any("Veterans Affairs" in r and "vendor-formats.md" in r for r in verdict.reasons)
    assert classifier.classify("LOMA LINDA VA POLICE DEPARTMENT").category is Category.federal_other


@pytest.mark.parametrize("name", ["Palo Alto VA Police Department", "Richmond VA Police Department",
                                  "Richmond, VA Police", "[Inactive] Palo Alto VA Police Dept."])
def test_an_unsettled_va_police_name_stays_unverified(classifier: Classifier, name: str) -> None:
    verdict = classifier.classify(name, agency_state="CA")
    assert verdict.category is Category.unknown
    assert verdict.state is None and verdict.out_of_state is None  # neither Virginia nor anywhere else
    assert any("Virginia town's police or a Veterans Affairs medical centre's" in r and "not guessed" in r
               for r in verdict.reasons), verdict.reasons


def test_the_state_column_is_shown_but_does_not_settle_it(classifier: Classifier) -> None:
    verdict = classifier.classify("Palo Alto VA Police Department", state="CA", agency_state="CA")
    assert verdict.category is Category.unknown and verdict.state == "CA" and not verdict.state_conflict
    assert any("state column says CA" in r for r in verdict.reasons)


def test_the_vendors_short_town_style_is_a_virginia_town(classifier: Classifier) -> None:
    for name in ("Richmond VA PD", "Salem VA PD", "Falls Church VA PD"):
        verdict = classifier.classify(name)
        assert verdict.category is Category.local and verdict.state == "VA", name


def test_a_virginia_locality_in_the_shipped_287g_list_is_virginia(classifier: Classifier) -> None:
    assert "gordonsville" in va_names.virginia_places()
    assert "richmond" not in va_names.virginia_places()  # ICE lists Richmond County, a different locality
    verdict = classifier.classify("Gordonsville VA Police", agency_state="CA")
    assert verdict.category is Category.local and verdict.state == "VA" and verdict.out_of_state is True
    assert classifier.classify("Page County VA Police Department").category is Category.local


def test_a_place_in_both_tables_stays_unverified(monkeypatch: pytest.MonkeyPatch) -> None:
    table = {"gordonsville": VaLocation("gordonsville", "VA", "a test facility", "test")}
    monkeypatch.setattr(va_names, "va_locations", lambda: table)
    assert Classifier().classify("Gordonsville VA Police").category is Category.unknown
    # and a Virginia ORI does not settle it there: a medical centre may carry a local-looking ORI
    assert Classifier().classify("Gordonsville VA Police", ori="VA0070500").category is Category.unknown


@pytest.mark.parametrize(("kwargs", "expected", "decided_by"), [
    ({"name": "[Federal] Palo Alto VA Police Department"}, Category.federal_other, "vendor"),
    ({"ori": "CAVA00100"}, Category.federal_other, "ori"),  # the Veterans Affairs agency code
    ({"email_domains": ["police.va.gov"]}, Category.federal_other, "email"),
    ({"org_type": "Federal Agency"}, Category.federal_other, "org_type"),
    ({"ori": "VA1220000"}, Category.local, "ori"),  # a Virginia prefix with no federal code
    ({"org_type": "City"}, Category.local, "org_type"),
    ({"org_type": "Police Department"}, Category.unknown, None),  # fits both readings
    ({"ori": "CA0194200"}, Category.unknown, None),  # another state's local ORI: not Virginia, not federal
])
def test_evidence_beside_the_name_settles_it(classifier: Classifier, kwargs: dict[str, str | list[str]],
                                             expected: Category, decided_by: str | None) -> None:
    given = dict(kwargs)
    name = str(given.pop("name", "Palo Alto VA Police Department"))
    domains = given.pop("email_domains", [])
    ori, org_type = given.pop("ori", None), given.pop("org_type", None)
    assert not given and isinstance(domains, list)
    verdict = classifier.classify(name, ori=str(ori) if ori else None, org_type=str(org_type) if org_type else None,
                                  email_domains=domains)
    assert (verdict.category, verdict.decided_by) == (expected, decided_by), verdict.reasons
    if expected is not Category.unknown:
        assert any("the evidence below settles it" in r for r in verdict.reasons)


def test_the_users_directory_settles_it(tmp_path: Path) -> None:
    directory = tmp_path / "directory.csv"
    directory.write_text("name,category,state\nRichmond VA Police Department,local,VA\n", encoding="utf-8")
    verdict = Classifier(directory).classify("Richmond VA Police Department")
    assert (verdict.category, verdict.decided_by, verdict.state) == (Category.local, "override", "VA")


def test_the_va_table_rows_carry_a_source_and_a_state_other_than_virginia_is_read() -> None:
    table = va_names.va_locations()
    assert table and all(row.source and row.state for row in table.values())
    assert table["loma linda"].state == "CA"
