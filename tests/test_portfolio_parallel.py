"""The portfolio's parallel path: worker processes (``--jobs 2``) read and evaluate a batch of nine agency
exports, one of them unreadable and one with its audit log, and every file written is the one a single process
writes."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import network_audit

from configscan.portfolio import run as portfolio_run

from conftest import ROOT, run_cli

VOLATILE = {"scanned_at", "generated_at", "seconds"}


def _batch(folder: Path) -> Path:
    """Nine agencies from the bundled examples, renamed and linked in a ring, plus an unreadable export."""
    examples = sorted((ROOT / "examples").glob("*.json"))
    states = ["CA", "OR", "WA", "IL", "TX", "CA", "FL", "OR", "AZ"]
    names = [f"Town{i} Police Department" for i in range(len(states))]
    for i, state in enumerate(states):
        home = folder / f"agency{i}"
        home.mkdir(parents=True)
        doc: dict[str, Any] = json.loads(examples[i % len(examples)].read_text(encoding="utf-8"))
        doc["agency"].update(name=names[i], state=state, locality=f"Town{i}")
        doc["agency"].pop("ori", None)
        nxt = (i + 1) % len(states)
        doc["partners"] = [*doc.get("partners", []), {"name": names[nxt], "state": states[nxt], "link": "1:1",
                                                      "direction": ("outbound", "inbound", "both")[i % 3],
                                                      "status": "active"}]
        (home / "export.json").write_text(json.dumps(doc), encoding="utf-8")
    network_audit(folder / "agency0" / "audit.csv")
    (folder / "agency3" / "users.json").write_text('{"format": "configscan/agency-config@1", "users": [', "utf-8")
    return folder


def _stable(doc: Any) -> Any:
    if isinstance(doc, dict):
        return {k: _stable(v) for k, v in doc.items() if k not in VOLATILE}
    if isinstance(doc, list):
        return [_stable(v) for v in doc]
    return doc


def _portfolio(tmp_path: Path, batch: Path, jobs: int) -> tuple[int, dict[str, Any], Path]:
    out = tmp_path / f"out{jobs}"
    run = run_cli("portfolio", batch, "--out", out, "--jobs", str(jobs), "--audit", batch / "agency0" / "audit.csv",
                  "-q")
    return run.code, json.loads((out / "portfolio.json").read_text(encoding="utf-8")), out


def test_worker_processes_write_what_one_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = _batch(tmp_path / "batch")
    pools: list[int | None] = []

    class CountingPool(ProcessPoolExecutor):
        def __init__(self, max_workers: int | None = None) -> None:
            pools.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(portfolio_run, "ProcessPoolExecutor", CountingPool)
    code1, one, out1 = _portfolio(tmp_path, batch, 1)
    assert pools == []  # one job: evaluated in this process
    code2, two, out2 = _portfolio(tmp_path, batch, 2)
    assert pools == [2, 2]  # ten files read and nine agencies evaluated by worker processes

    assert code1 == code2 == 3  # the unreadable export makes its agency incomplete, in both
    assert _stable(one) == _stable(two)
    rows = {a["name"]: a for a in two["agencies"]}
    assert len(rows) == 9 and rows["Town3 Police Department"]["verdict"] == "incomplete"
    assert "users.json" in rows["Town3 Police Department"]["errors"][0]
    assert sum(a["verdict"] == "incomplete" for a in two["agencies"]) == 1
    written = sorted(p.name for p in (out2 / "agencies").iterdir())
    assert written == sorted(p.name for p in (out1 / "agencies").iterdir()) and len(written) == 18
    for name in written:
        if name.endswith(".json"):
            first = json.loads((out1 / "agencies" / name).read_text(encoding="utf-8"))
            second = json.loads((out2 / "agencies" / name).read_text(encoding="utf-8"))
            assert _stable(first) == _stable(second), name
            assert second["reach"]["batch_size"] == 9
    town0 = json.loads((out2 / "agencies" / f"{rows['Town0 Police Department']['slug']}.json").read_text("utf-8"))
    assert town0["audit"] is not None and town0["audit"]["searches"] > 0  # the audit log was read in a worker
