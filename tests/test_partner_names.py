"""Unit tests for the pieces the classifier is built from: names, ORIs, e-mail domains, the directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from configscan.errors import InputError
from configscan.partners.directory import Directory
from configscan.partners.emails import clean_domain, match_domain, state_government
from configscan.partners.model import Category
from configscan.partners.names import normalise, parse, state_in_name
from configscan.partners.ori import parse_ori
from configscan.partners.states import ncic_state

DIRECTORY = Directory()
FEDERAL_CODES = frozenset(DIRECTORY.ori_codes)


@pytest.mark.parametrize(("raw", "expected"), [
    ("U.S. Border Patrol", "us border patrol"),
    ("DHS-HSI (Newark NJ)", "dhs hsi newark nj"),
    ("Lowe's Corporation", "lowes corporation"),
    ("Oolitic Marshal\u2019s Office", "oolitic marshals office"),
    ("Muscogee (Creek) Nation Lighthorse Police", "muscogee creek nation lighthorse police"),
    ("Texas A&M Police", "texas a and m police"),
])
def test_normalise_joins_abbreviations_and_drops_punctuation(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(("raw", "state"), [
    ("Auburn WA PD", "WA"),
    ("Ada County ID SO", "ID"),
    ("OR - Josephine County SO", "OR"),
    ("UT - Cedar City PD", "UT"),
    ("City of West Haven (UT)", "UT"),
    ("Sparks Police Department - NV", "NV"),
    ("Tooele City PD UT", "UT"),
    ("Albany OR PR", "OR"),
    ("Colville WA Tribal Police", "WA"),
    ("Las Vegas Metro NV PD", "NV"),
    ("Oregon State Police", "OR"),
    ("New Jersey Office of Homeland Security and Preparedness", "NJ"),
    ("Washington County SO", None),
    ("Oregon City PD", None),
    ("Kansas City PD", None),
    ("LA County Sheriff", None),
    ("Home Depot Corporation", None),
])
def test_state_in_name_reads_the_vendor_positions_only(raw: str, state: str | None) -> None:
    assert state_in_name(raw)[0] == state


def test_tags_and_retired_prefixes_are_taken_out_of_the_name() -> None:
    parsed = parse("[Federal] Federal Bureau of Investigation (FBI)")
    assert parsed.tags == ("federal",)
    assert parsed.text == "Federal Bureau of Investigation (FBI)"
    assert parse("FBI [turned off]").tags == ("inactive",)
    retired = parse("DNU - Eugene OR PD [Inactive]")
    assert retired.tags == ("retired", "inactive")
    assert retired.state == "OR"
    assert parse("Tri-County Task Force (revoked MOU)").tags == ("revoked",)


@pytest.mark.parametrize(("ori", "state", "code"), [
    ("AZCBP2500", "AZ", "CBP"),
    ("AZINS0100", "AZ", "INS"),
    ("DCFBIWA00", "DC", "FBI"),
    ("VATSA1200", "VA", "TSA"),
    ("WADI05700", "WA", "DI"),
    ("NB0280200", "NE", None),
    ("CA0194200", "CA", None),
    ("ILCPD0000", "IL", None),
    ("OR02002", "OR", None),
])
def test_ori_gives_state_and_federal_agency_code(ori: str, state: str, code: str | None) -> None:
    info = parse_ori(ori, FEDERAL_CODES)
    assert info is not None
    assert (info.state, info.agency_code) == (state, code)


def test_malformed_ori_is_rejected() -> None:
    assert parse_ori("12345", FEDERAL_CODES) is None
    assert parse_ori("", FEDERAL_CODES) is None
    assert ncic_state("BD") is None  # a DEA office in the Bahamas


@pytest.mark.parametrize(("domain", "category"), [
    ("ice.dhs.gov", Category.federal_immigration),
    ("agent@cbp.dhs.gov", Category.federal_immigration),
    ("hq.dhs.gov", Category.federal_immigration),
    ("usss.dhs.gov", Category.federal_other),
    ("fbi.gov", Category.federal_other),
    ("ic.fbi.gov", Category.federal_other),
    ("us.af.mil", Category.federal_other),
    ("wsp.wa.gov", Category.state),
])
def test_domains_match_on_label_boundaries(domain: str, category: Category) -> None:
    entry = match_domain(domain, DIRECTORY.domains)
    assert entry is not None and entry.category is category


def test_lookalike_domains_do_not_match() -> None:
    assert match_domain("notdhs.gov", DIRECTORY.domains) is None
    assert match_domain("eugene-or.gov", DIRECTORY.domains) is None
    assert match_domain("gmail.com", DIRECTORY.domains) is None
    assert clean_domain(" Officer@ICE.DHS.GOV ") == "ice.dhs.gov"
    assert state_government("osp.state.or.us") == "OR"
    assert state_government("ci.eugene.or.us") is None


def test_every_bundled_entry_has_a_source() -> None:
    assert DIRECTORY.names and DIRECTORY.domains and DIRECTORY.ori_codes
    sources = [e.source for e in DIRECTORY.names] + [d.source for d in DIRECTORY.domains.values()]
    sources += [c.source for c in DIRECTORY.ori_codes.values()]
    assert all(s.startswith(("https://", "http://", "/work/shared/")) for s in sources)


def test_override_csv_is_loaded_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "dir.csv"
    good.write_text("Name,Category,State,Source\nAlbany OR PR,local,OR,call to Albany PD 2026-11-20\n",
                    encoding="utf-8")
    override = Directory(good).override_for("albany or pr")
    assert override is not None and override.category is Category.local and override.state == "OR"
    bad_category = tmp_path / "bad.csv"
    bad_category.write_text("name,category\nX Task Force,federal\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2: category 'federal'"):
        Directory(bad_category)
    no_column = tmp_path / "nocol.csv"
    no_column.write_text("name,state\nX,OR\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        Directory(no_column)
    bad_state = tmp_path / "state.csv"
    bad_state.write_text("name,category,state\nX,local,Oregonia\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2: state"):
        Directory(bad_state)
    with pytest.raises(InputError, match="cannot read"):
        Directory(tmp_path / "missing.csv")
