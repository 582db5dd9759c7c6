"""Raw setting changes between two configurations, and which of them widen access (each then a finding)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from configscan.history.diff import compare_settings
from configscan.history.drift import drift_findings

from conftest import EXAMPLES

BASE: dict[str, Any] = json.loads((EXAMPLES / "harbor-view-ca.json").read_text(encoding="utf-8"))
Edit = Callable[[dict[str, Any]], None]


def _partner(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda c: next(p for p in c["partners"] if p["name"] == name)


CHP, SMC = _partner("California Highway Patrol"), _partner("San Mateo County CA SO")
CASES: list[tuple[str, Edit, list[tuple[str, str, bool]], list[str]]] = [
    ("statewide lookup off", lambda c: c["sharing"].update(statewide_lookup=False),
     [("sharing.statewide_lookup", "changed", False)], []),
    ("federal block switched off", lambda c: c["sharing"].update(federal_sharing_disabled=False),
     [("sharing.federal_sharing_disabled", "changed", True)], ["The block on federal sharing was switched off"]),
    ("retention raised", lambda c: c.update(retention_days=90),
     [("retention_days", "changed", True)], ["Retention was raised from 30 to 90"]),
    ("retention lowered", lambda c: c.update(retention_days=14), [("retention_days", "changed", False)], []),
    ("direction now lets them search us", lambda c: CHP(c).update(direction="both"),
     [("partners[California Highway Patrol].direction", "changed", False)], []),  # outbound -> both: already could
    ("direction narrowed", lambda c: SMC(c).update(direction="inbound"),
     [("partners[San Mateo County CA SO].direction", "changed", False)], []),
    ("partner removed", lambda c: c["partners"].remove(SMC(c)),
     [("partners[San Mateo County CA SO]", "removed", False)], []),
    ("inbound-only partner added", lambda c: c["partners"].append({"name": "Reno NV PD", "direction": "inbound"}),
     [("partners[Reno NV PD]", "added", False)], []),
    ("partner set back to pending", lambda c: CHP(c).update(status="pending"),
     [("partners[California Highway Patrol].status", "changed", False)], []),
    ("states added", lambda c: c["sharing"].update(shared_states=["CA", "NV", "OR"]),
     [("sharing.shared_states", "changed", True)], ["Sharing was extended to NV, OR"]),
    ("network appears with national lookup on",
     lambda c: c["sharing"].update(networks=[{"name": "Harbor View - LPR", "national_lookup": True}]),
     [("sharing.networks[Harbor View - LPR]", "added", True)],
     ["Network 'Harbor View - LPR' appeared with lookup sharing on"]),
    ("re-ordered partners are no change", lambda c: c["partners"].reverse(), [], []),
]


@pytest.mark.parametrize(("edit", "changes", "titles"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_setting_changes_and_widening(edit: Edit, changes: list[tuple[str, str, bool]], titles: list[str]) -> None:
    after = copy.deepcopy(BASE)
    edit(after)
    found = compare_settings(BASE, after)
    assert [(c.path, c.kind, c.widens) for c in found] == changes
    drift = drift_findings(found, dt.date(2026, 12, 1), dt.date(2026, 12, 2), 4)
    assert [f.title for f in drift] == [f"{t} between 2026-12-01 and 2026-12-02" for t in titles]
    assert all(f.advisory and f.check == "history.drift" and f.evidence["previous run"] == 4 for f in drift)


def test_pending_partner_made_active_widens() -> None:
    before = copy.deepcopy(BASE)
    CHP(before).update(status="pending")
    [change] = compare_settings(before, BASE)
    assert (change.path, change.before, change.after, change.widens) == (
        "partners[California Highway Patrol].status", "pending", "active", True)
    [finding] = drift_findings([change], dt.date(2026, 12, 1), dt.date(2026, 12, 2), None)
    assert finding.title == ("Sharing partner 'California Highway Patrol' had its status changed to active "
                             "between 2026-12-01 and 2026-12-02")
