"""Portfolio runs on realistic batches: a chimera folder, two agencies whose lists disagree, a 287(g) partner
spelled the vendor's way, a side door, and an unreadable export among good ones."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from conftest import ROOT, run_cli


def agency(name: str, state: str, partners: list[dict[str, Any]], **sharing: Any) -> dict[str, Any]:
    return {"format": "configscan/agency-config@1", "agency": {"name": name, "state": state},
            "sharing": {"national_lookup": False, "statewide_lookup": False, **sharing},
            "partners": partners, "retention_days": 30, "search_reason_required": True}


def partner(name: str, state: str, direction: str, link: str = "1:1") -> dict[str, Any]:
    return {"name": name, "state": state, "direction": direction, "link": link, "status": "active"}


def batch(folder: Path, docs: dict[str, dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, doc in docs.items():
        (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    return folder


def portfolio(tmp_path: Path, *inputs: Path) -> tuple[int, dict[str, Any], Path]:
    out = tmp_path / "out"
    run = run_cli("portfolio", *inputs, "--out", out, "--jobs", "1", "-q")
    return run.code, json.loads((out / "portfolio.json").read_text()), out


def report(out: Path, slug: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((out / "agencies" / f"{slug}.json").read_text())
    return result


def test_chimera_folder_is_refused_by_scan_and_split_by_portfolio(tmp_path: Path) -> None:
    folder = batch(tmp_path / "release", {
        "a.json": agency("Salem Police Department", "OR", [partner("Keizer OR PD", "OR", "both")]),
        "b.json": agency("Keizer Police Department", "OR", [partner("Salem OR PD", "OR", "both")]),
        "c.json": agency("Marion County Sheriff's Office", "OR", []),
    })
    scan = run_cli("scan", folder)
    assert scan.code == 2
    assert "3 agencies" in scan.stderr and "configscan portfolio" in scan.stderr
    assert "Salem Police Department" in scan.stderr and "Keizer Police Department" in scan.stderr
    code, data, out = portfolio(tmp_path, folder)
    names = sorted(a["name"] for a in data["agencies"])
    assert names == ["Keizer Police Department", "Marion County Sheriff's Office", "Salem Police Department"]
    for row in data["agencies"]:
        doc = report(out, row["slug"])
        assert doc["agency"]["name"] == row["name"]  # one agency per report: nothing merged across
        assert not [f for f in doc["findings"] if f["check"] == "inputs.conflict"]
        assert (out / "agencies" / f"{row['slug']}.html").read_text().count("<svg") >= 1
    # Salem's list names "Keizer OR PD", Keizer's export says "Keizer Police Department": one node, two ways.
    salem = report(out, next(a["slug"] for a in data["agencies"] if a["name"].startswith("Salem")))
    assert [s["name"] for s in salem["reach"]["direct"]] == ["Keizer Police Department"]
    assert salem["reach"]["direct"][0]["in_batch"] is True
    index = (out / "index.html").read_text()
    assert "Marion County Sheriff" in index and "<svg" in index and "http://" not in index.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    with (out / "portfolio.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 3
    assert code == max(a["exit_code"] for a in data["agencies"])


def test_a_nameless_partner_list_joins_the_only_agency_in_its_folder(tmp_path: Path) -> None:
    one = batch(tmp_path / "salem", {"agency.json": agency("Salem Police Department", "OR", [])})
    (one / "sharing.csv").write_text("Name,State,Type\nAda County ID SO,ID,Sheriff's Office\n", encoding="utf-8")
    batch(tmp_path / "keizer", {"agency.json": agency("Keizer Police Department", "OR", [])})
    code, data, out = portfolio(tmp_path, tmp_path / "salem", tmp_path / "keizer")
    salem = next(a for a in data["agencies"] if a["name"].startswith("Salem"))
    assert any(p.endswith("sharing.csv") for p in salem["inputs"])
    stray = tmp_path / "mixed"
    batch(stray, {"a.json": agency("Salem Police Department", "OR", []),
                  "b.json": agency("Keizer Police Department", "OR", [])})
    (stray / "sharing.csv").write_text("Name,State,Type\nAda County ID SO,ID,Sheriff's Office\n", encoding="utf-8")
    run = run_cli("portfolio", stray, "--out", tmp_path / "o2", "--jobs", "1")
    assert run.code == 2 and "sharing.csv" in run.stderr and "names no agency" in run.stderr


def test_two_agencies_whose_lists_disagree(tmp_path: Path) -> None:
    folder = batch(tmp_path / "b", {
        # Salem says Keizer can search Salem's data; Keizer's export does not list Salem at all.
        "salem.json": agency("Salem Police Department", "OR", [partner("Keizer OR PD", "OR", "outbound")]),
        "keizer.json": agency("Keizer Police Department", "OR", [partner("Eugene OR PD", "OR", "both")]),
    })
    _, data, out = portfolio(tmp_path, folder)
    for row in data["agencies"]:
        found = [f for f in report(out, row["slug"])["findings"] if f["check"] == "network.contradiction"]
        assert len(found) == 1 and found[0]["outcome"] == "unverified"
        assert "does not list Salem Police Department" in found[0]["title"]


def test_287g_partner_spelled_the_vendor_way_is_a_cited_finding_in_california(tmp_path: Path) -> None:
    doc = agency("Pinecrest Police Department", "CA", [partner("Collier County FL SO", "FL", "outbound")])
    path = tmp_path / "pinecrest.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "r.json"
    run = run_cli("scan", path, "--json", out, "-q")
    assert run.code == 1
    result = json.loads(out.read_text())
    g287 = [f for f in result["findings"] if f["check"] == "partners.g287"]
    assert g287 and not g287[0]["advisory"] and g287[0]["layer"] == "US-CA"
    assert "2026-05-18" in g287[0]["evidence"]["287(g) list"]
    assert g287[0]["evidence"]["setting to change"] == "partners[Collier County FL SO].direction = outbound"
    assert result["g287_list"]["date"] == "2026-05-18"
    # The same partner in a state without an immigration-use law is an advisory risk, not a violation.
    doc["agency"] = {"name": "Ocala Police Department", "state": "FL"}
    path.write_text(json.dumps(doc), encoding="utf-8")
    run_cli("scan", path, "--json", out, "-q")
    advisory = [f for f in json.loads(out.read_text())["findings"] if f["check"] == "partners.g287"]
    assert advisory and all(f["advisory"] for f in advisory)


def test_side_door_and_federal_path_through_an_in_state_partner(tmp_path: Path) -> None:
    folder = batch(tmp_path / "b", {
        "salem.json": agency("Salem Police Department", "OR", [partner("Keizer OR PD", "OR", "outbound")]),
        "keizer.json": agency("Keizer Police Department", "OR", [partner("Salem OR PD", "OR", "inbound"),
                                                                  partner("U.S. Border Patrol", "", "outbound")]),
    })
    _, data, out = portfolio(tmp_path, folder)
    salem = report(out, next(a["slug"] for a in data["agencies"] if a["name"].startswith("Salem")))
    assert [d["partner"] for d in salem["reach"]["side_doors"]] == ["Keizer Police Department"]
    reach = [f for f in salem["findings"] if f["check"] == "network.federal_reach"]
    assert reach and reach[0]["evidence"]["setting to change"] == "partners[Keizer OR PD].direction = outbound"
    assert [len(p["steps"]) for p in salem["reach"]["paths"]] == [2]


def test_an_unreadable_export_among_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    for name in ("pinecrest-ca.json", "harbor-view-ca.json"):
        (folder / name).write_bytes((ROOT / "examples" / name).read_bytes())
    (folder / "broken").mkdir()
    (folder / "broken" / "export.json").write_text('{"format": "configscan/agency-config@1", "agency": ', "utf-8")
    code, data, out = portfolio(tmp_path, folder)
    assert code == 3
    verdicts = {a["name"]: a["verdict"] for a in data["agencies"]}
    assert verdicts["Pinecrest Police Department"] == "violations found"
    assert verdicts["Harbor View Police Department"] != "incomplete"
    broken = [a for a in data["agencies"] if a["verdict"] == "incomplete"]
    assert len(broken) == 1 and "export.json" in broken[0]["errors"][0]
    assert "export.json" in (out / "index.html").read_text()
