"""Changes that widen access to the agency's data -- findings in their own right, whatever the law says.

Vendors have switched sharing back on without the agency acting; a nightly comparison catches the moment it
happens. Widening, by rule:

- a lookup pool switched on: ``national_lookup``, ``statewide_lookup``, ``similar_laws_network`` (agency-wide
  or on any network, including a network that appears with it on);
- ``federal_sharing_disabled`` no longer true; ``search_reason_required`` no longer true;
- a state added to ``shared_states``; ``radius_miles`` or ``retention_days`` raised;
- a partner added who can search our data (direction outbound, both or not stated) unless revoked; a partner's
  direction changed to let them search us; a partner's status changed to active.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from configscan.findings import Finding, Outcome, SettingChange, Severity

DRIFT_CHECK = "history.drift"
_POOLS = {"national_lookup": "National lookup", "statewide_lookup": "Statewide lookup",
          "similar_laws_network": "The similar-laws network"}
_GUARDS = {"federal_sharing_disabled": "The block on federal sharing",
           "search_reason_required": "The required search reason"}
_RAISED = {"radius_miles": "The sharing radius", "retention_days": "Retention"}
_OUTWARD = {"outbound", "both", None}
_HIGH = {"national_lookup", "federal_sharing_disabled"}


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _partner(path: str) -> bool:
    return path.startswith("partners[")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def widens(change: SettingChange) -> bool:
    leaf, before, after = _leaf(change.path), change.before, change.after
    if change.kind == "added" and change.path.startswith("sharing.networks["):
        return any(isinstance(after, dict) and after.get(k) is True for k in _POOLS)
    if change.kind == "added" and _partner(change.path) and isinstance(after, dict):
        return bool(after.get("direction") in _OUTWARD and after.get("status") != "revoked")
    if leaf in _POOLS:
        return after is True and before is not True
    if leaf in _GUARDS:
        return before is True and after is not True
    if leaf in _RAISED:
        old, new = _number(before), _number(after)
        return old is not None and new is not None and new > old
    if change.path == "sharing.shared_states":
        return bool(set(after or []) - set(before or []))
    if _partner(change.path) and leaf == "direction":
        return bool(after in ("outbound", "both") and before not in ("outbound", "both"))
    if _partner(change.path) and leaf == "status":
        return bool(after == "active" and before != "active")
    return False


def _what(change: SettingChange) -> tuple[str, Severity]:
    """The sentence's subject and verb, e.g. ("National lookup was re-enabled", high)."""
    path, leaf = change.path, _leaf(change.path)
    where = ""
    network = re.match(r"sharing\.networks\[(.+)\]", path)
    if network:
        where = f" on network '{network.group(1)}'"
    partner = re.match(r"partners\[(.+?)\]", path)
    severity = Severity.high if leaf in _HIGH else Severity.medium
    if change.kind == "added" and network:
        return f"Network '{network.group(1)}' appeared with lookup sharing on", Severity.high
    if change.kind == "added" and partner:
        return f"Sharing partner '{partner.group(1)}' was added", Severity.medium
    if partner:
        return f"Sharing partner '{partner.group(1)}' had its {leaf} changed to {change.after}", Severity.medium
    if leaf in _POOLS:
        verb = "re-enabled" if change.before is False else "enabled"
        return f"{_POOLS[leaf]} was {verb}{where}", severity
    if leaf in _GUARDS:
        return f"{_GUARDS[leaf]} was switched off", severity
    if leaf in _RAISED:
        return f"{_RAISED[leaf]} was raised from {change.before} to {change.after}", severity
    added = sorted(set(change.after or []) - set(change.before or []))
    return f"Sharing was extended to {', '.join(map(str, added))}", severity


def drift_findings(changes: Sequence[SettingChange], since: dt.date, until: dt.date, previous_run: int | None,
                   ) -> list[Finding]:
    """One advisory finding per widening change, named with the two run dates."""
    found = []
    for change in changes:
        if not change.widens:
            continue
        what, severity = _what(change)
        found.append(Finding(
            check=DRIFT_CHECK, severity=severity, outcome=Outcome.fail, advisory=True, subject=change.path,
            title=f"{what} between {since.isoformat()} and {until.isoformat()}",
            evidence={"setting": change.path, "before": change.before, "after": change.after,
                      "previous run": previous_run, "previous date": since.isoformat()},
            remediation="Find out who changed this and why. If nobody at the agency did, change it back in the "
                        "vendor's admin settings, ask the vendor in writing why it changed, and export again."))
    return found
