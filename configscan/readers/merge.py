"""Merging fragments from several inputs into one configuration.

Lists of records (partners, users, hotlists, sharing events) are concatenated: each record keeps its own
provenance. Networks are merged by name, so a settings export and an interchange file describing the same
camera group meet field by field. Scalar values are taken from whichever input has them; when two inputs
disagree the first value is kept and the disagreement is returned as a :class:`Conflict` naming both
sources and both values -- the scan reports it, nothing is silently overwritten. Agency name and state
given on the command line fill in only what no input says (and disagree like any other source).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from configscan.readers.base import Fragment

_LISTS = ("partners", "users", "hotlists", "sharing_events")
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


def _merge_networks(target: list[Any], incoming: list[Any], prefix: str, source: str,
                    origin: dict[str, str], conflicts: list[Conflict]) -> None:
    by_name = {n.get("name"): n for n in target if isinstance(n, dict)}
    for network in incoming:
        if not isinstance(network, dict):
            target.append(copy.deepcopy(network))
            continue
        name = network.get("name")
        if name in by_name:
            _merge_into(by_name[name], network, f"{prefix}[{name}].", source, origin, conflicts)
        else:
            fresh: dict[str, Any] = {}
            _merge_into(fresh, network, f"{prefix}[{name}].", source, origin, conflicts)
            target.append(fresh)
            by_name[name] = fresh


def _merge_into(target: dict[str, Any], data: dict[str, Any], prefix: str, source: str,
                origin: dict[str, str], conflicts: list[Conflict]) -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if value is None:
            continue
        if key in _LISTS and not prefix and isinstance(value, list):
            target.setdefault(key, [])
            target[key].extend(copy.deepcopy(value))
            continue
        if key == "networks" and isinstance(value, list):
            target.setdefault(key, [])
            _merge_networks(target[key], value, path, source, origin, conflicts)
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
