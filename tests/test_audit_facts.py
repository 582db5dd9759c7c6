"""What an audit log proves about the settings: reach (networks, cameras), look-back, moderation, cut exports,
and the federal-only and no-name-no-plate layouts.

Eugene's real portal audit counts cameras, not networks: its widest search covered 87,008 cameras (the report
used to say "?"), and 45 searches between 2025-06-18 and 2025-07-01 covered 85,000+ cameras, a reach only
national lookup gives.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from audit_fixtures import L13, uid, write_csv

from conftest import ROOT, run_cli, write_config

EUGENE = ROOT / "tests" / "data" / "real" / "eugene-or" / "portal-search-audit.csv"
NO_NAME_PLATE = ["ID", "Org Name", "Total Networks Searched", "Time Frame", "Reason", "Case #", "Filters",
                 "Search Time", "Search Type", "Text Prompt", "Moderation"]
FEDERAL_EXPORT = ["ID", "Name", "Org Name", "Total Networks Searched", "License Plate", "Reason", "Case #",
                  "Filters", "Search Time", "Search Type"]


def _audit(tmp_path: Path, *args: str) -> tuple[int, dict, str]:
    out = tmp_path / "a.json"
    run = run_cli("audit", *args, "--json", str(out), "--html", str(tmp_path / "a.html"), "-q")
    assert out.exists(), run.stderr
    return run.code, json.loads(out.read_text(encoding="utf-8")), (tmp_path / "a.html").read_text(encoding="utf-8")


def _of(report: dict, check: str) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == check]


def _agency(tmp_path: Path, national: bool | None) -> Path:
    data: dict = {"format": "configscan/agency-config@1", "agency": {"name": "Eugene OR PD", "state": "OR"},
                  "partners": []}
    if national is not None:
        data["sharing"] = {"national_lookup": national}
    return write_config(tmp_path, data)


def test_eugene_widest_search_is_in_cameras_not_a_question_mark(tmp_path: Path) -> None:
    _, report, html = _audit(tmp_path, str(EUGENE), "--jurisdiction", "US-OR", "--agency-name", "Eugene OR PD")
    audit = report["audit"]
    assert audit["max_networks"] is None and audit["max_devices"] == 87008
    assert audit["wide_searches"] == 45
    assert "widest search 87,008 cameras" in html


@pytest.mark.parametrize(("national", "said"), [(False, "turns national lookup off"),
                                                 (None, "does not say whether national lookup is on")])
def test_searches_only_national_lookup_explains_contradict_the_settings(tmp_path: Path, national: bool | None,
                                                                        said: str) -> None:
    code, report, _ = _audit(tmp_path, str(EUGENE), "--config", str(_agency(tmp_path, national)))
    [finding] = [f for f in _of(report, "audit.contradiction") if f["subject"] == "national lookup"]
    assert said in finding["title"]
    assert "45 search(es) from 2025-06-18 to 2025-07-01" in finding["title"]
    evidence = finding["evidence"]
    assert evidence["searches"] == 45 and evidence["widest_cameras"] == 87008
    assert evidence["first"].startswith("2025-06-18") and evidence["last"].startswith("2025-07-01")
    assert code == 1


def test_national_lookup_on_in_the_settings_is_no_contradiction(tmp_path: Path) -> None:
    _, report, _ = _audit(tmp_path, str(EUGENE), "--config", str(_agency(tmp_path, True)))
    assert not [f for f in _of(report, "audit.contradiction") if f["subject"] == "national lookup"]


def _frame(start: str, end: str) -> str:
    return f"{start}\n{end}"


def _network_log(path: Path) -> Path:
    """Since 2025-12-17: no officer names, no plates. Look-backs of 7, 45 and 524 days; one moderated search;
    a national lookup over 3,100 networks."""
    rows = [
        [uid(1), "Springfield OR PD", "42", _frame("01/01/2026, 08:00:00 AM UTC", "01/08/2026, 08:00:00 AM UTC"),
         "Burglary/Breaking & Entering", "", "", "01/08/2026, 08:15:42 AM UTC", "lookup", "", ""],
        [uid(2), "Lane County OR SO", "3100", "11/24/2025, 09:00:00 AM UTC to 01/08/2026, 09:00:00 AM UTC",
         "Robbery", "", "", "01/08/2026, 09:01:00 AM UTC", "lookup", "", ""],
        [uid(3), "Lane County OR SO", "640", _frame("08/03/2024, 10:00:00 AM UTC", "01/09/2026, 10:00:00 AM UTC"),
         "Homicide/Death Investigation", "", "", "01/09/2026, 10:00:00 AM UTC", "freeform", "red pickup", "block"],
        [uid(4), "Springfield OR PD", "42", "", "Traffic Infraction", "", "", "01/10/2026, 11:00:00 AM UTC",
         "search", "", ""],
    ]
    return write_csv(path, NO_NAME_PLATE, rows)


def test_look_back_past_the_retention_limit_moderation_and_the_no_name_layout(tmp_path: Path) -> None:
    log = _network_log(tmp_path / "12_17_2025-1_31_2026-Network-Audit.csv")
    code, report, html = _audit(tmp_path, str(log), "-j", "US-OR")
    assert report["audit"]["files"][0]["layout"] == "network audit without name and plate (2025-12-17 on)"
    assert report["audit"]["searches"] == 4
    [deep] = _of(report, "audit.lookback_past_retention")
    assert deep["evidence"]["searches"] == 2 and deep["evidence"]["limit_days"] == 30.0
    assert deep["evidence"]["longest_lookback_days"] == 524.0
    assert deep["evidence"]["first"].startswith("2026-01-08") and deep["evidence"]["last"].startswith("2026-01-09")
    assert deep["rule"] == "or-1516-retention" and deep["outcome"] == "unverified"
    [moderated] = _of(report, "audit.moderation_note")
    assert moderated["evidence"] == {"searches": 1, "example_values": ["block"],
                                     "by_searcher": {"Lane County OR SO": 1}}
    assert "Longest look-back 524.0 days; 2 search(es) past the 30.0-day retention limit" in html
    assert report["audit"]["wide_searches"] == 1 and report["audit"]["max_networks"] == 3100


def test_a_policy_limit_tighter_than_the_law_is_the_one_searches_are_measured_against(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("""id: policy-springfield
name: Springfield retention policy
level: policy
version: "1"
last_reviewed: 2026-01-01
statute_found: false
rules:
- id: springfield-14-days
  kind: max_retention
  citation: Springfield PD General Order 4.12
  source: https://example.org/go-4-12
  summary: Reads are kept 14 days.
  confidence: statute-text
  effective_from: 2025-01-01
  last_reviewed: 2026-01-01
  max_retention: P14D
""", encoding="utf-8")
    log = _network_log(tmp_path / "audit.csv")
    _, report, _ = _audit(tmp_path, str(log), "-j", "US-OR", "--policy", str(policy), "--agency-name",
                          "Springfield OR PD")
    [deep] = _of(report, "audit.lookback_past_retention")
    assert deep["rule"] == "springfield-14-days" and deep["evidence"]["searches"] == 2
    assert report["agency"]["name"] == "Springfield OR PD"


@pytest.mark.parametrize(("state", "exit_code", "worst"), [("AR", 0, "medium"), ("CA", 1, "critical")])
def test_the_federal_only_export_is_read_as_federal_searches(tmp_path: Path, state: str, exit_code: int,
                                                             worst: str) -> None:
    rows = [[uid(i), "***", org, str(networks), "***", "Other - Not Applicable", "", "", when, "lookup"]
            for i, (org, networks, when) in enumerate([
                ("[Federal] Federal Bureau of Investigation (FBI)", 1103, "04/10/2026, 05:01:33 AM UTC"),
                ("[Federal] Federal Bureau of Investigation (FBI)", 2690, "04/11/2026, 06:00:00 AM UTC"),
                ("US Postal Inspection Service", 1076, "04/12/2026, 07:00:00 AM UTC"),
                ("[Federal] National Park Service - Natchez Trace", 1500, "04/13/2026, 08:00:00 AM UTC")], 1)]
    log = write_csv(tmp_path / "Federal Searches March 2026 to April 2026.csv", FEDERAL_EXPORT, rows)
    code, report, _ = _audit(tmp_path, str(log), "--agency-state", state)
    assert report["audit"]["files"][0]["layout"] == "L10"
    assert report["audit"]["by_searcher"] == {"federal": 4}
    federal = _of(report, "audit.federal_searcher")
    assert {f["subject"] for f in federal} >= {"[Federal] Federal Bureau of Investigation (FBI)"}
    assert report["audit"]["wide_searches"] == 1  # 2,690 networks: over the 2,000 threshold
    assert federal[0]["severity"] == worst and federal[0]["advisory"] is (state == "AR")  # AR: no statute
    assert code == exit_code


def test_a_headerless_no_name_plate_export_is_not_misread_as_the_old_11_columns(tmp_path: Path) -> None:
    log = _network_log(tmp_path / "with-header.csv")
    bare = tmp_path / "bare.csv"
    bare.write_text("".join(log.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    _, report, _ = _audit(tmp_path, str(bare), "-j", "US-OR")
    assert report["audit"]["files"][0]["layout"].startswith("network audit without name and plate")
    assert report["audit"]["orgs_total"] == 2 and len(_of(report, "audit.lookback_past_retention")) == 1


def _flat_log(path: Path, rows: int) -> Path:
    """A log re-saved from an old Excel sheet: header plus ``rows`` searches."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(L13)
        for n in range(rows):
            writer.writerow([uid(n), "***", "Springfield OR PD", "42", "", "***", "Robbery", "", "",
                             "03/08/2026, 08:15:42 AM UTC", "lookup", "", ""])
    return path


def test_an_export_cut_at_the_xls_row_limit_is_incomplete(tmp_path: Path) -> None:
    code, report, _ = _audit(tmp_path, str(_flat_log(tmp_path / "audit.csv", 65_535)), "-j", "US-OR")
    assert code == 3 and report["summary"]["verdict"] == "incomplete"
    assert any("last row (65,536)" in e for e in report["errors"])


def test_one_row_short_of_the_limit_is_read_as_whole(tmp_path: Path) -> None:
    code, report, _ = _audit(tmp_path, str(_flat_log(tmp_path / "audit.csv", 65_534)), "-j", "US-OR")
    assert not report["errors"] and code != 3


def test_the_xlsx_limit_counts_data_rows_title_and_header() -> None:
    from configscan.audit.passes.load import LoadStats
    from configscan.audit.run import truncated_at

    assert truncated_at(1, LoadStats(rows=1_048_570, rejected=2, header_repeats=0, blank=3)) == 1_048_576
    assert truncated_at(3, LoadStats(rows=1_048_573, rejected=0, header_repeats=0, blank=0)) == 1_048_576
    assert truncated_at(1, LoadStats(rows=1_048_574, rejected=0, header_repeats=0, blank=0)) is None


def test_duplicates_across_overlapping_files_count_wide_deep_and_moderated_once(tmp_path: Path) -> None:
    first = _network_log(tmp_path / "dec.csv")
    second = tmp_path / "jan.csv"
    second.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    _, report, _ = _audit(tmp_path, str(first), str(second), "-j", "US-OR")
    assert report["audit"]["duplicates_removed"] == 4
    assert report["audit"]["wide_searches"] == 1 and report["audit"]["lookback_past_limit"] == 2
    assert report["audit"]["moderated"] == 1
