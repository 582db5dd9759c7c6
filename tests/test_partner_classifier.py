"""The classifier's decisions on realistic names: confusables, vendor labels, states, and the Eugene list."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from configscan.partners import Category, Classifier

CLASSIFIER = Classifier()
# An unaltered copy of /work/shared/real/eugene-or/sharing-list.csv (public records, CC0).
EUGENE = Path(__file__).parent / "data" / "real" / "eugene-or" / "sharing-list.csv"


@pytest.mark.parametrize(("name", "category"), [
    ("Federal Way PD (WA)", Category.local),
    ("Federal Heights CO PD", Category.local),
    ("Rice County MN SO", Category.local),
    ("Bordentown Township NJ PD", Category.local),
    ("Marshall TX PD", Category.local),
    ("Marshalltown IA PD", Category.local),
    ("Justice IL PD", Category.local),
    ("San Francisco PD", Category.local),
    ("Blaine WA PD", Category.local),
    ("Richmond VA PD", Category.local),
    ("Tombstone Marshals Office (AZ)", Category.local),
    ("Arizona Department of Homeland Security", Category.state),
    ("Ohio Homeland Security", Category.state),
    ("New Jersey Office of Homeland Security and Preparedness", Category.state),
    ("WI Department of Justice", Category.state),
    ("Texas Parks and Wildlife", Category.state),
    ("US Bank", Category.private),
])
def test_confusable_names_are_not_federal(name: str, category: Category) -> None:
    verdict = CLASSIFIER.classify(name)
    assert verdict.category is category, verdict.reasons


@pytest.mark.parametrize(("name", "category"), [
    ("USBP", Category.federal_immigration),
    ("CBP OFO", Category.federal_immigration),
    ("ICE ERO", Category.federal_immigration),
    ("DHS-HSI (Newark NJ)", Category.federal_immigration),
    ("U.S. Border Patrol", Category.federal_immigration),
    ("US Border Patrol", Category.federal_immigration),
    ("San Diego Sector BP", Category.federal_immigration),
    ("Department of Homeland Security", Category.federal_immigration),
    ("FBI [turned off]", Category.federal_other),
    ("ATF Nashville TN", Category.federal_other),
    ("Natchez Trace Parkway MS", Category.federal_other),
    ("Lake Mead NRA", Category.federal_other),
])
def test_federal_components_in_vendor_spellings(name: str, category: Category) -> None:
    verdict = CLASSIFIER.classify(name)
    assert verdict.category is category, verdict.reasons
    assert verdict.out_of_state is None  # federal offices are judged by the federal checks, not by state


def test_vendor_federal_label_decides_even_without_a_known_name() -> None:
    tagged = CLASSIFIER.classify("[Federal] Southwest Regional Office")
    assert tagged.category is Category.federal_other
    assert tagged.decided_by == "vendor"
    typed = CLASSIFIER.classify("Southwest Regional Office", org_type="Federal")
    assert typed.category is Category.federal_other


def test_vendor_federal_label_outranks_a_task_force_name() -> None:
    assert CLASSIFIER.classify("FBI Portland JTTF").category is Category.multi_agency
    assert CLASSIFIER.classify("[Federal] Portland Violent Crime Task Force").category is Category.federal_other


def test_email_domain_decides_for_user_accounts() -> None:
    ice = CLASSIFIER.classify("Jane Roe", email_domains=["ice.dhs.gov"], agency_state="CA")
    assert ice.category is Category.federal_immigration and ice.decided_by == "email"
    fbi = CLASSIFIER.classify("John Doe", email_domains=["FBI.GOV"])
    assert fbi.category is Category.federal_other
    local = CLASSIFIER.classify("Pat Smith", email_domains=["eugene-or.gov"])
    assert local.category is Category.unknown


def test_ori_agency_code_marks_federal_but_interior_tribal_police_stay_tribal() -> None:
    station = CLASSIFIER.classify("Casa Grande Station", ori="AZCBP2500")
    assert station.category is Category.federal_immigration
    assert station.decided_by == "ori"
    colville = CLASSIFIER.classify("Colville Tribal Police", ori="WADI05700", agency_state="WA")
    assert colville.category is Category.tribal
    assert colville.state == "WA" and colville.out_of_state is False
    bad = CLASSIFIER.classify("Eugene PD", ori="12")
    assert any("not a valid" in r for r in bad.reasons)


def test_state_in_name_and_state_column_conflict_is_reported() -> None:
    verdict = CLASSIFIER.classify("Carson City NV SO", state="WA", org_type="Sheriff's Office", agency_state="OR")
    assert verdict.category is Category.local
    assert verdict.state == "NV" and verdict.state_conflict
    assert verdict.out_of_state is True
    assert any("state conflict" in r and "WA" in r and "NV" in r for r in verdict.reasons)
    agreeing = CLASSIFIER.classify("Bend OR PD", state="OR", agency_state="OR")
    assert not agreeing.state_conflict and agreeing.out_of_state is False
    assert agreeing.confidence > verdict.confidence


def test_unknown_partner_is_never_placed_in_a_category() -> None:
    verdict = CLASSIFIER.classify("Albany OR PR", state="OR", agency_state="OR")
    assert verdict.category is Category.unknown
    assert verdict.confidence == 0.0
    assert "confirm" in verdict.reasons[0]


def test_user_directory_overrides_everything(tmp_path: Path) -> None:
    directory = tmp_path / "directory.csv"
    directory.write_text("name,category,state,source\nAlbany OR PR,local,OR,Albany Parks and Recreation rangers\n"
                         "Federal Way PD (WA),federal_other,,test of precedence\n", encoding="utf-8")
    classifier = Classifier(directory)
    albany = classifier.classify("Albany OR PR", agency_state="OR")
    assert albany.category is Category.local and albany.confidence == 1.0 and albany.decided_by == "override"
    assert classifier.classify("federal way pd (wa)").category is Category.federal_other


def _read_eugene() -> list[dict[str, str]]:
    with EUGENE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_real_eugene_sharing_list_end_to_end() -> None:
    rows = _read_eugene()
    assert len(rows) == 59
    verdicts = {r["Name"]: CLASSIFIER.classify(r["Name"], state=r["State"], org_type=r["Type"] or None,
                                               agency_state="OR") for r in rows}
    categories = [v.category for v in verdicts.values()]
    assert not any(c.is_federal for c in categories)
    assert categories.count(Category.private) == 3
    assert categories.count(Category.tribal) == 2
    assert categories.count(Category.unknown) == 1 and verdicts["Albany OR PR"].category is Category.unknown
    out_of_state = sorted(n for n, v in verdicts.items() if v.out_of_state)
    assert "Carson City NV SO" in out_of_state and "Houston TX PD" in out_of_state
    assert "Montesano WA PD" in out_of_state and "Sunnyside WA PD" in out_of_state  # listed as OR, named WA
    assert "Bend OR PD" not in out_of_state and "OR - Josephine County SO" not in out_of_state
    conflicts = sorted(n for n, v in verdicts.items() if v.state_conflict)
    assert conflicts == ["Carson City NV SO", "Houston TX PD", "Montesano WA PD", "Sunnyside WA PD"]
    private = [v for v in verdicts.values() if v.category is Category.private]
    assert all(v.out_of_state is None for v in private)  # state "??" stays unknown, never assumed in state
