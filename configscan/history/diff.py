"""What changed between two runs: findings new, resolved and changed, and every raw setting that differs.

Settings are compared on the normalised configuration, flattened to paths. Lists of named things are keyed
by name (``partners[Phoenix AZ PD].direction``), so a re-ordered export is no change; a partner or network
that appears or disappears is one ``added``/``removed`` change holding its whole record. Provenance (file and
row) and the export timestamp are not settings and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from configscan.findings import Finding, FindingRef, SettingChange
from configscan.history.drift import DRIFT_CHECK, widens

_KEYED_LISTS: dict[str, str | tuple[str, ...]] = {
    "networks": "name", "partners": "name", "hotlists": "name", "users": ("email", "name")}
_NOT_SETTINGS = frozenset({"provenance", "exported_at", "format"})


def flatten(config: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"sharing": {"national_lookup": true}}`` -> ``{"sharing.national_lookup": true}``; keyed lists by name."""
    flat: dict[str, Any] = {}
    for key, value in config.items():
        if key in _NOT_SETTINGS:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        elif isinstance(value, list) and key in _KEYED_LISTS and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                flat[f"{path}[{_item_key(item, _KEYED_LISTS[key], index)}]"] = _strip(item)
        elif isinstance(value, list):
            flat[path] = sorted(value, key=str) if all(not isinstance(v, dict | list) for v in value) else value
        else:
            flat[path] = value
    return flat


def _item_key(item: dict[str, Any], names: str | tuple[str, ...], index: int) -> str:
    for name in (names,) if isinstance(names, str) else names:
        if item.get(name):
            return str(item[name])
    return f"#{index + 1}"


def _strip(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _NOT_SETTINGS}


def compare_settings(before: dict[str, Any], after: dict[str, Any]) -> list[SettingChange]:
    """Every raw setting that differs, in path order; records of named things compared field by field."""
    old, new = flatten(before), flatten(after)
    changes: list[SettingChange] = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):  # the same partner/network: field by field
            for field in sorted(set(a) | set(b)):
                if a.get(field) != b.get(field):
                    changes.append(_change(f"{path}.{field}", a.get(field), b.get(field), "changed"))
            continue
        kind = "added" if path not in old else "removed" if path not in new else "changed"
        changes.append(_change(path, a, b, kind))
    return changes


def _change(path: str, before: Any, after: Any, kind: str) -> SettingChange:
    change = SettingChange(path=path, before=before, after=after, kind=kind)
    change.widens = widens(change)
    return change


def _ref(finding: Finding, before: str | None = None) -> FindingRef:
    return FindingRef(fingerprint=finding.fingerprint, check=finding.check, severity=finding.severity,
                      outcome=finding.outcome, title=finding.title, subject=finding.subject, before=before)


def compare_findings(before: Iterable[Finding], after: Iterable[Finding]
                     ) -> tuple[list[FindingRef], list[FindingRef], list[FindingRef]]:
    """(new, resolved, changed) by fingerprint. A finding whose waiver lapsed counts as new: it is news again."""
    old = {f.fingerprint: f for f in before}
    cur = {f.fingerprint: f for f in after}
    new, changed = [], []
    for fp, finding in cur.items():
        was = old.get(fp)
        if was is None or (was.waiver is not None and finding.waiver is None):
            new.append(_ref(finding, None if was is None else "was waived"))
            continue
        what = _what_changed(was, finding)
        if what:
            changed.append(_ref(finding, what))
    # A drift finding is an event (a setting changed between two runs), not a state: it does not "resolve".
    resolved = [_ref(f) for fp, f in old.items() if fp not in cur and f.check != DRIFT_CHECK]
    return new, resolved, changed


def _what_changed(was: Finding, now: Finding) -> str:
    parts = []
    if was.severity is not now.severity:
        parts.append(f"severity {was.severity.value} -> {now.severity.value}")
    if was.outcome is not now.outcome:
        parts.append(f"outcome {was.outcome.value} -> {now.outcome.value}")
    if was.waiver is None and now.waiver is not None:
        parts.append("now waived")
    return "; ".join(parts)


def new_fingerprints(previous: Sequence[Finding]) -> set[str]:
    """Fingerprints a run already reported (waived ones excluded: when their waiver lapses they are news)."""
    return {f.fingerprint for f in previous if f.waiver is None}
