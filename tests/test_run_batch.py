"""``configscan run`` with several agencies in one scan file: evaluated as one batch (the portfolio's
machinery), each agency still ending as its own nightly scan (reports, history, waivers, gates), an optional
portfolio index, and one agency whose export is unreadable while the others run and are recorded.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from conftest import EXAMPLES, run_cli

DAY1, DAY2 = "2026-12-01", "2026-12-02"
PINECREST = {"name": "Pinecrest Police Department", "state": "CA", "ori": "CA0199900", "org_type": "Police Department",
             "direction": "outbound", "link": "1:1", "status": "active"}
WAIVER = """waivers:
  - check: partners.out_of_state_link
    subject: Phoenix AZ PD
    reason: Stolen-vehicle recovery only; written declaration on file
    approved_by: Chief A. Ortiz
    expires: 2027-06-30
"""
SCANS = """db = "state/history.db"
fail_on_new = "high"

[portfolio]
out = "reports/portfolio/{date}"

[[scan]]
name = "harbor-view"
inputs = ["exports/harbor-view"]
json = "reports/{name}/{date}.json"
html = "reports/{name}/{date}.html"

[[scan]]
name = "pinecrest"
inputs = ["exports/pinecrest-ca.json"]
waivers = "pinecrest-waivers.yaml"
json = "reports/{name}/{date}.json"

[[scan]]
name = "lakeshore"
inputs = ["exports/lakeshore-il.json"]
json = "reports/{name}/{date}.json"
"""


def _three(root: Path, links: bool = True) -> Path:
    """Harbor View (which shares with Pinecrest, another agency of the file), Pinecrest (one finding waived)
    and Lakeshore, whose export was cut off mid-file."""
    exports = root / "exports"
    (exports / "harbor-view").mkdir(parents=True)
    harbor = json.loads((EXAMPLES / "harbor-view-ca.json").read_text(encoding="utf-8"))
    if links:
        harbor["partners"].append(PINECREST)
    (exports / "harbor-view" / "harbor-view-ca.json").write_text(json.dumps(harbor), encoding="utf-8")
    shutil.copy(EXAMPLES / "pinecrest-ca.json", exports)
    (exports / "lakeshore-il.json").write_text((EXAMPLES / "lakeshore-il.json").read_text()[:400], encoding="utf-8")
    (root / "pinecrest-waivers.yaml").write_text(WAIVER, encoding="utf-8")
    path = root / "scans.toml"
    path.write_text(SCANS, encoding="utf-8")
    return path


def _events(stderr: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stderr.splitlines()]


def _report(root: Path, name: str, day: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "reports" / name / f"{day}.json").read_text(encoding="utf-8"))
    return data


def test_three_agencies_one_unreadable_the_others_run_and_are_recorded(tmp_path: Path) -> None:
    path = _three(tmp_path)
    assert run_cli("run", "--check", path).code == 0
    result = run_cli("run", path, "--as-of", DAY1)
    assert result.code == 2, result.stderr  # the worst: lakeshore's input error (pinecrest's findings are 1)
    lines = result.stderr.splitlines()
    lakeshore = tmp_path / "exports" / "lakeshore-il.json"
    assert lines[0].startswith(f"configscan: lakeshore: error: {lakeshore}: line ") and "invalid JSON" in lines[0]
    assert lines[1] == "configscan: 2 agencies evaluated as one batch (1 link(s) between them)"
    # Alone, Harbor View is clean; in the batch, Pinecrest's export shows Border Patrol behind its partner.
    assert any(x.startswith("configscan: harbor-view: Harbor View Police Department: VIOLATIONS FOUND") for x in lines)
    assert ("configscan: harbor-view: NEW high fail: U.S. Border Patrol can reach this agency's data through "
            "Pinecrest Police Department (U.S. Border Patrol via Pinecrest Police Department; US-CA; "
            "ca-sb34-no-federal)") in lines
    assert any(x.startswith("configscan: pinecrest: Pinecrest Police Department: VIOLATIONS FOUND") and
               x.endswith("(1 waived)") for x in lines)
    assert not any("NEW" in x and "Phoenix" in x for x in lines)  # waived: not news
    assert lines[-1] == f"configscan: {path}: 3 scan(s), exit 2"

    with sqlite3.connect(tmp_path / "state" / "history.db") as con:
        runs = con.execute("SELECT label, state, exit_code FROM runs ORDER BY id").fetchall()
    assert runs == [("harbor-view", "complete", 1), ("pinecrest", "complete", 1)]

    harbor, pinecrest = _report(tmp_path, "harbor-view", DAY1), _report(tmp_path, "pinecrest", DAY1)
    assert (tmp_path / "reports" / "harbor-view" / f"{DAY1}.html").is_file()
    assert not (tmp_path / "reports" / "lakeshore").exists()
    # The batch's network: Harbor View's partner is another agency of the batch.
    assert harbor["reach"]["batch_size"] == 2
    assert [s["in_batch"] for s in harbor["reach"]["direct"] if s["name"] == PINECREST["name"]] == [True]
    assert harbor["run_id"] == 1 and pinecrest["run_id"] == 2
    assert [f["waiver"]["approved_by"] for f in pinecrest["findings"] if f["waiver"]] == ["Chief A. Ortiz"]

    index = tmp_path / "reports" / "portfolio" / DAY1
    portfolio = json.loads((index / "portfolio.json").read_text(encoding="utf-8"))
    rows = [(a["slug"], a["verdict"], a["exit_code"]) for a in portfolio["agencies"]]
    assert rows == [("harbor-view", "violations found", 1), ("pinecrest", "violations found", 1),
                    ("lakeshore", "incomplete", 2)]
    assert "invalid JSON" in portfolio["agencies"][2]["errors"][0]
    assert portfolio["links"] == [[0, 1]] and portfolio["exit_code"] == 2
    assert json.loads((index / "agencies" / "pinecrest.json").read_text())["summary"]["waived"] == 1
    assert 'href="agencies/harbor-view.html"' in (index / "index.html").read_text(encoding="utf-8")

    # Night 2: Lakeshore's export arrives whole; nothing new at or above high elsewhere.
    shutil.copy(EXAMPLES / "lakeshore-il.json", tmp_path / "exports")
    second = run_cli("run", path, "--as-of", DAY2, "--log-format", "json")
    events = _events(second.stderr)
    assert events[-1]["scans"] == {"harbor-view": 0, "pinecrest": 0, "lakeshore": second.code}
    since = [e["message"] for e in events if e["message"].startswith("since the last scan")]
    assert len(since) == 2 and all(": 0 new," in m for m in since)
    firsts = [e["scan"] for e in events if e["message"].startswith("first recorded scan")]
    assert firsts == ["lakeshore"]


def test_batch_findings_equal_each_agency_scanned_alone(tmp_path: Path) -> None:
    """Without links between them, the batch changes nothing an agency's own scan finds."""
    path = _three(tmp_path, links=False)
    shutil.copy(EXAMPLES / "lakeshore-il.json", tmp_path / "exports")
    together = run_cli("run", path, "--as-of", DAY1)
    assert "3 agencies evaluated as one batch (0 link(s)" in together.stderr
    batch = {n: _report(tmp_path, n, DAY1) for n in ("harbor-view", "pinecrest", "lakeshore")}
    for name, report in batch.items():
        alone = run_cli("run", path, "--as-of", DAY1, "--only", name, "--db", tmp_path / f"{name}.db")
        assert "evaluated as one batch" not in alone.stderr
        lone = _report(tmp_path, name, DAY1)
        assert [f["fingerprint"] for f in lone["findings"]] == [f["fingerprint"] for f in report["findings"]]
        assert lone["summary"] == report["summary"], name
        assert lone["reach"]["batch_size"] == 1 and report["reach"]["batch_size"] == 3


def test_check_validates_the_portfolio_table(tmp_path: Path) -> None:
    path = _three(tmp_path)
    text = path.read_text().replace('out = "reports/portfolio/{date}"',
                                    'out = "reports/{name}/{day}"\njobs = -1\nworkers = 2')
    path.write_text(text)
    result = run_cli("run", "--check", path)
    assert result.code == 2
    assert result.stderr.splitlines() == [
        f"configscan: error: {path}:7: portfolio: unknown key 'workers'",
        f"configscan: error: {path}:5: portfolio: out is one folder for every scan: {{name}} cannot be used",
        f"configscan: error: {path}:6: portfolio: jobs must be a whole number (0: the CPU count)"]
    one = tmp_path / "one.toml"
    one.write_text('[portfolio]\nout = "index"\n\n[[scan]]\nname = "a"\ninputs = ["x.json"]\n')
    assert run_cli("run", "--check", one).stderr.strip() == (
        f"configscan: error: {one}:2: portfolio: an index needs at least two [[scan]] tables")


def test_a_large_batch_in_worker_processes_matches_one_process(tmp_path: Path) -> None:
    """Eight agencies (the size from which workers pay): worker processes give the same reports as one."""
    (tmp_path / "exports").mkdir()
    names = sorted(p.stem for p in EXAMPLES.glob("*-*.*") if not p.stem.startswith("policy"))[:8]
    tables = []
    for name in names:
        source = next(EXAMPLES.glob(f"{name}.*"))
        shutil.copy(source, tmp_path / "exports")
        tables.append(f'[[scan]]\nname = "{name}"\ninputs = ["exports/{source.name}"]\n'
                      f'json = "reports/{{name}}/{{date}}.json"\n')
    assert len(tables) == 8
    path = tmp_path / "scans.toml"
    findings = []
    for workers in (2, 1):
        path.write_text(f'db = "state-{workers}.db"\n[portfolio]\njobs = {workers}\n\n' + "\n".join(tables))
        result = run_cli("run", path, "--as-of", DAY1, "--log-format", "json")
        assert set(_events(result.stderr)[-1]["scans"]) == set(names), result.stderr
        findings.append({n: [f["fingerprint"] for f in _report(tmp_path, n, DAY1)["findings"]] for n in names})
    assert findings[0] == findings[1] and sum(map(len, findings[0].values())) > 20
