"""Merging fragments from several inputs into one configuration.

Records are merged by identity: networks by name, partners by name (ignoring case and spacing), users by
e-mail, hot lists by name and source, logged events by time, action and subject. So a sharing list and a
SharedNetworks export naming the same organisation -- or the same file given twice -- describe one partner
field by field instead of producing every finding twice. A partner one input shows as outbound and
another as inbound is shared both ways; the first record's provenance is kept.

Scalar values are taken from whichever input has them; when two inputs disagree the first value is kept
and the disagreement is returned as a :class:`Conflict` naming both sources and both values -- the scan
reports it, nothing is silently overwritten. Agency name and state given on the command line fill in
only what no input says (and disagree like any other source).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from configscan.readers.base import Fragment

_DIRECTIONS = {"inbound", "outbound", "both"}


def _text_key(value: Any) -> str | None:
    return " ".join(value.split()).casefold() if isinstance(value, str) and value.strip() else None


def _partner_key(record: dict[str, Any]) -> str | None:
    return _text_key(record.get("name"))


def _user_key(record: dict[str, Any]) -> str | None:
    email = _text_key(record.get("email"))
    return f"email:{email}" if email else None


def _hotlist_key(record: dict[str, Any]) -> str | None:
    name = _text_key(record.get("name"))
    return f"{name}|{_text_key(record.get('source')) or ''}" if name else None


def _event_key(record: dict[str, Any]) -> str | None:
    """The same logged event read twice (one log in two inputs) has the same time, action and subject."""
    fields = [record.get(k) for k in ("at", "action", "actor", "network", "organization")]
    return "|".join(str(f) for f in fields) if record.get("at") else None


def _network_key(record: dict[str, Any]) -> str | None:
    name = record.get("name")
    return name if isinstance(name, str) else None


# Record lists merged by identity: key -> the record's identity (None: keep the record on its own).
_KEYED: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "partners": _partner_key, "users": _user_key, "networks": _network_key, "hotlists": _hotlist_key,
    "sharing_events": _event_key,
}
# Values describing one input rather than the agency: differing is normal, not a conflict.
_PER_INPUT = {"format", "exported_at", "provenance"}


@dataclass(frozen=True)
class Conflict:
    path: str
    first_source: str
    first_value: Any
    second_source: str
    second_value: Any

    def __str__(self) -> str:
        return (f"{self.path}: {self.first_source} says {self.first_value!r}, "
                f"{self.second_source} says {self.second_value!r}")


def merge(fragments: list[Fragment], defaults: dict[str, Any] | None = None,
          defaults_source: str = "command line") -> tuple[dict[str, Any], list[Conflict]]:
    """One interchange document from all fragments (then the defaults), with every disagreement."""
    merged: dict[str, Any] = {}
    conflicts: list[Conflict] = []
    origin: dict[str, str] = {}
    for fragment in fragments:
        _merge_into(merged, fragment.data, "", fragment.source, origin, conflicts)
    if defaults:
        _merge_into(merged, defaults, "", defaults_source, origin, conflicts)
    if any(f.data.get("format") for f in fragments) or merged:
        merged.setdefault("format", "configscan/agency-config@1")
    return merged, conflicts


def _merge_records(target: list[Any], incoming: list[Any], prefix: str, key_of: Callable[[dict[str, Any]], str | None],
                   source: str, origin: dict[str, str], conflicts: list[Conflict]) -> None:
    """Merge each incoming record into the one with the same identity, or append it."""
    by_key = {key: r for r in target if isinstance(r, dict) and (key := key_of(r)) is not None}
    for record in incoming:
        key = key_of(record) if isinstance(record, dict) else None
        if key is None:  # nameless or not a record at all: kept as is for validation to name it
            target.append(copy.deepcopy(record))
            continue
        if key in by_key:
            first = by_key[key]
            label = f"{prefix}[{first.get('name') or first.get('email')}]."
            _merge_into(first, record, label, source, origin, conflicts)
        else:
            fresh: dict[str, Any] = {}
            label = f"{prefix}[{record.get('name') or record.get('email')}]."
            _merge_into(fresh, record, label, source, origin, conflicts)
            target.append(fresh)
            by_key[key] = fresh


_OPENNESS = {"active": 2, "pending": 1, "revoked": 0}  # a status that lets more in wins within one input


def _combined(key: str, old: Any, new: Any, same_source: bool) -> Any:
    """The value two records together imply, or None when they disagree.

    Outbound in one record and inbound in another is both, in one input or two. Within one input the same
    organisation on several rows (one per network, say) is not a disagreement about its status or date:
    the widest status counts (an active share is a way in even if another row is revoked) and the earliest
    date. Anything else that differs is a conflict, even within one input.
    """
    if same_source and key == "since" and type(old) is type(new):
        return min(old, new)  # the share has existed since its earliest row
    if not (isinstance(old, str) and isinstance(new, str)):
        return None
    a, b = old.strip().lower(), new.strip().lower()
    if key == "direction" and {a, b} <= _DIRECTIONS:
        return "both"
    if same_source and key == "status" and a in _OPENNESS and b in _OPENNESS:
        return new if _OPENNESS[b] > _OPENNESS[a] else old
    return None


def _merge_into(target: dict[str, Any], data: dict[str, Any], prefix: str, source: str,
                origin: dict[str, str], conflicts: list[Conflict]) -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if value is None:
            continue
        if key in _KEYED and isinstance(value, list) and (key == "networks" or not prefix):
            target.setdefault(key, [])
            _merge_records(target[key], value, path, _KEYED[key], source, origin, conflicts)
            continue
        if isinstance(value, dict) and key not in _PER_INPUT:
            if not isinstance(target.get(key), dict):
                if key in target and target[key] is not None:
                    conflicts.append(Conflict(path, origin.get(path, "?"), target[key], source, value))
                    continue
                target[key] = {}
                origin[path] = source
            _merge_into(target[key], value, f"{path}.", source, origin, conflicts)
            continue
        if key not in target or target[key] is None:
            target[key] = copy.deepcopy(value)
            origin[path] = source
        elif target[key] != value and key not in _PER_INPUT and not _same(target[key], value):
            combined = _combined(key, target[key], value, origin.get(path) == source)
            if combined is not None:
                target[key] = combined
            else:
                conflicts.append(Conflict(path, origin.get(path, "?"), target[key], source, value))


def _same(a: Any, b: Any) -> bool:
    """Equal once trivial export differences are ignored (case and spacing of text, 30 vs 30.0)."""
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return False
