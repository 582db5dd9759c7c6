"""Readers on the real Eugene release and on fixtures that mirror each released layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from configscan.errors import InputError
from configscan.model import AgencyConfig
from configscan.readers import flock_events, flock_portal, vigilant
from configscan.readers.base import Fragment
from configscan.registry import load_registry
from configscan.scan import pick_reader

DATA = Path(__file__).parent / "data" / "readers"
REAL = Path(__file__).resolve().parent / "data" / "real" / "eugene-or"  # unaltered copy of shared/real
READERS = load_registry().readers


def read(path: Path) -> Fragment:
    return pick_reader(path, READERS, None).read(path)


def validated(fragment: Fragment) -> AgencyConfig:
    return AgencyConfig.model_validate({"format": "configscan/agency-config@1",
                                        "agency": {"name": "Home Town OR PD", "state": "OR"}, **fragment.data})


@pytest.mark.parametrize(("name", "reader"), [
    ("sharing-list.csv", "flock-sharing-list"), ("sharing-list-directions.csv", "flock-sharing-list"),
    ("shared-networks.csv", "flock-shared-networks"), ("shared-networks.xlsx", "flock-shared-networks"),
    ("four-lists.xlsx", "flock-four-lists"), ("settings.csv", "flock-settings"), ("users.csv", "flock-users"),
    ("event-log.csv", "flock-event-log"), ("portal.html", "flock-portal"),
    ("vigilant-report.txt", "vigilant-sharing-report"),
])
def test_each_layout_is_recognised_by_content(name: str, reader: str, tmp_path: Path) -> None:
    # Renamed with a neutral extension: the content alone decides.
    copy = tmp_path / "export.dat"
    copy.write_bytes((DATA / name).read_bytes())
    assert pick_reader(copy, READERS, None).name == reader


def test_real_eugene_sharing_list_read_as_it_is() -> None:
    fragment = read(REAL / "sharing-list.csv")
    assert fragment.reader == "flock-sharing-list"
    assert fragment.problems == []
    config = validated(fragment)
    partners = {p.name: p for p in config.partners or []}
    assert len(partners) == 59
    assert partners["Carson City NV SO"].state == "WA"  # the state column disagrees with the name: kept as exported
    assert partners["Home Depot Corporation"].state is None  # "??" is unknown...
    assert partners["Home Depot Corporation"].extras()["state_as_exported"] == "??"  # ...and still shown
    assert partners["Albany OR PR"].org_type is None
    assert partners["Twin Falls ID PD"].org_type == "Police"
    assert all(p.direction is None for p in partners.values())  # the release does not say who searches whom
    prov = partners["Auburn WA PD"].provenance
    assert prov is not None and prov.row == 5 and prov.column == "Name"
    assert sum(p.state is None for p in partners.values()) == 3


def test_real_portal_search_audit_is_not_mistaken_for_a_sharing_list() -> None:
    with pytest.raises(InputError, match="an audit log .* give it with --audit"):
        pick_reader(REAL / "portal-search-audit.csv", READERS, None)


def test_sharing_list_counts_unreadable_rows_with_file_and_row() -> None:
    fragment = read(DATA / "sharing-list.csv")
    assert fragment.problems == [f"{DATA / 'sharing-list.csv'}:9: no organisation name"]
    assert fragment.lost_matters
    assert fragment.rows_read == 9 and len(fragment.data["partners"]) == 8


def test_sharing_list_with_direction_status_and_date() -> None:
    fragment = read(DATA / "sharing-list-directions.csv")
    config = validated(fragment)
    by = {p.name: p for p in config.partners or []}
    assert by["Alder Falls OR PD"].direction == "both" and str(by["Alder Falls OR PD"].since) == "2026-01-05"
    fbi = by["[Federal] Federal Bureau of Investigation (FBI)"]
    assert (fbi.direction, fbi.status, fbi.link) == ("outbound", "pending", "1:1")
    assert by["Birch County WA SO"].can_reach_us() is False
    assert by["Cedar Bend OR PD"].direction is None
    assert any("row 5" in p or ":5:" in p for p in fragment.problems) and fragment.lost_matters


def test_shared_networks_direction_comes_from_the_column() -> None:
    config = validated(read(DATA / "shared-networks.csv"))
    by = {p.name: p for p in config.partners or []}
    assert by["Alder Falls OR PD"].direction == "both"  # trailing space stripped
    assert by["[Federal] Federal Bureau of Investigation (FBI)"].direction == "outbound"
    assert by["Example Hardware - (0000) OR"].direction == "inbound"
    assert by["Example Hardware - (0000) OR"].can_reach_us() is False
    assert "Quiet Lake WA PD" not in by  # no network either way: no access to report
    assert by["Alder Falls OR PD"].extras()["networks_im_sharing"] == ["Home Town OR PD - LPR",
                                                                       "Home Town OR PD - Condor"]
    prov = by["[Federal] Federal Bureau of Investigation (FBI)"].provenance
    assert prov is not None and prov.column == "Networks I'm Sharing" and prov.row == 3


def test_shared_networks_xlsx_has_sheet_provenance() -> None:
    config = validated(read(DATA / "shared-networks.xlsx"))
    fed = [p for p in config.partners or [] if p.name.startswith("[Federal]")][0]
    assert fed.direction == "outbound"
    assert fed.provenance is not None and fed.provenance.sheet == "SharedNetworks" and fed.provenance.row == 3


def test_four_list_workbook() -> None:
    fragment = read(DATA / "four-lists.xlsx")
    config = validated(fragment)
    by = {p.name: p for p in config.partners or []}
    assert by["ALDER FALLS OR PD"].direction == "both"
    assert by["US POSTAL INSPECTION SERVICE"].direction == "outbound"
    assert by["SAN DIEGO SECTOR BORDER PATROL (CA)"].direction == "inbound"
    assert by["US POSTAL INSPECTION SERVICE"].provenance.sheet == "A1"  # type: ignore[union-attr]
    assert [h.name for h in config.hotlists or []] == ["HSI MASTER"]
    assert [u.name for u in config.users or []] == ["jdoe", "rroe"]
    assert fragment.problems == []


def test_settings_per_network_and_summary() -> None:
    config = validated(read(DATA / "settings.csv"))
    sharing = config.sharing
    assert sharing is not None
    assert sharing.national_lookup is True  # one camera is enough
    assert [n.national_lookup for n in sharing.networks] == [False, True]
    assert sharing.networks[1].cameras == 1 and sharing.networks[1].shared_states == ["WA", "ID"]
    assert sharing.radius_miles == 50 and sharing.federal_sharing_disabled is True


def test_settings_unreadable_value_matters() -> None:
    fragment = read(DATA / "settings-bad.csv")
    assert fragment.lost_matters and "'maybe' is not on/off" in fragment.problems[0]
    assert "national_lookup" not in fragment.data["sharing"]["networks"][0]


def test_users_export() -> None:
    fragment = read(DATA / "users.csv")
    config = validated(fragment)
    users = config.users or []
    assert [u.email for u in users] == ["jdoe@hometown-or.example", "sagent@ice.dhs.gov"]
    assert users[1].name == "Sam Agent" and users[1].role == "Search Only"
    assert users[1].extras()["identity_provider"] == "External"
    assert fragment.lost_matters and len(fragment.problems) == 1 and ":5:" in fragment.problems[0]


def test_event_log_sharing_changes() -> None:
    fragment = read(DATA / "event-log.csv")
    config = validated(fragment)
    events = config.sharing_events or []
    assert [(e.action, e.organization) for e in events] == [
        ("created", "Alder Falls OR PD"), ("created", "Gull Harbor WA PD"), ("updated", None),
        ("removed", "Birch County WA SO")]
    assert events[0].permissions == ["Search", "Hot List"] and events[0].actor == "Doe, Jane"
    assert events[0].at is not None and events[0].at.isoformat() == "2026-01-05T17:02:11+00:00"
    assert events[2].details == {"Network Name": "Home Town OR PD - Condor", "National Lookup": "true"}
    assert fragment.rows_read == 6  # the hotlist row is read, not a sharing change
    assert fragment.lost_matters and "frobnicate" in fragment.problems[0]


def test_event_details_parse_by_label_with_continuations() -> None:
    details = flock_events.parse_details("Receiving Organization: A PD\nPermissions: Search,\n Hot List\r\n")
    assert details == {"Receiving Organization": "A PD", "Permissions": "Search,\nHot List"}


def test_portal_page() -> None:
    fragment = read(DATA / "portal.html")
    config = validated(fragment)
    portal = config.portal
    assert portal is not None
    assert config.retention_days == 30 and portal.camera_count == 30
    assert portal.prohibited_uses == ["Immigration enforcement", "Harassment or intimidation", "Personal use"]
    assert portal.organizations_with_access == ["Alder Falls OR PD", "Cedar Bend OR PD"]
    assert len(portal.organizations_sharing_with_us or []) == 3
    assert portal.counts["searches_in_the_last_30_days"] == 1626
    assert portal.last_updated == "Thu Apr 09 2026"
    assert portal.hotlists_alerted_on == ["NCIC", "Custom Hot Lists"]


def test_portal_without_a_listed_organisation_section_is_unknown_not_empty() -> None:
    portal, _ = flock_portal.parse_portal("<html><body><h3>Data Retention (days)</h3><p>365</p></body></html>", "x")
    assert portal["retention_days"] == 365 and "organizations_with_access" not in portal


def test_html_that_is_not_a_portal_is_an_input_error(tmp_path: Path) -> None:
    page = tmp_path / "other.html"
    page.write_text("<html><body><h1>Transparency</h1><p>Nothing here</p></body></html>")
    with pytest.raises(InputError, match="without any transparency-portal section"):
        flock_portal.reader.read(page)


def test_vigilant_report_text() -> None:
    config = validated(read(DATA / "vigilant-report.txt"))
    by = {p.name: p for p in config.partners or []}
    assert by["Example County Sheriffs Office (CA)"].direction == "both"
    assert by["Example Sector Border Patrol (CA)"].direction == "outbound"
    assert by["Example Sector Border Patrol (CA)"].state == "CA"
    assert by["ATF National Account"].direction == "inbound" and by["ATF National Account"].state is None
    assert "Antioch Example Police Department CA" in by
    assert [(h.name, h.source) for h in config.hotlists or []] == [("HSI MASTER", "DHS-HSI (Example ST)")]
    assert config.vendor == "vigilant"


def test_vigilant_ocr_text_without_spaces(tmp_path: Path) -> None:
    text = tmp_path / "ocr.txt"
    text.write_text("DetectionsShared\nTheExampleAgencyisSharingitsDetectiondatawiththefollowingAgencies:\n"
                    "SanDiegoSectorBorderPatrol(CA)\nPage2of17\n")
    assert vigilant.reader.sniff(text, text.read_bytes())
    fragment = vigilant.reader.read(text)
    assert [p["name"] for p in fragment.data["partners"]] == ["SanDiegoSectorBorderPatrol(CA)"]
    assert fragment.data["partners"][0]["state"] == "CA"
