"""Merging fragments from several inputs into one configuration.

Lists (partners, users, hotlists) are concatenated; scalar settings are taken from whichever input has
them. When two inputs disagree on a value, the first is kept and the disagreement is returned as a
conflict, which the scan reports -- values are never silently overwritten.
"""

from __future__ import annotations

import copy
from typing import Any

from configscan.readers.base import Fragment

_LISTS = ("partners", "users", "hotlists")


def merge(fragments: list[Fragment]) -> tuple[dict[str, Any], list[str]]:
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    origin: dict[str, str] = {}
    for fragment in fragments:
        _merge_into(merged, fragment.data, "", fragment.source, origin, conflicts)
    return merged, conflicts


def _merge_into(
    target: dict[str, Any], data: dict[str, Any], prefix: str, source: str,
    origin: dict[str, str], conflicts: list[str],
) -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if value is None:
            continue
        if key in _LISTS and not prefix and isinstance(value, list):
            target.setdefault(key, [])
            target[key].extend(copy.deepcopy(value))
            continue
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value, f"{path}.", source, origin, conflicts)
            continue
        if key not in target or target[key] is None:
            target[key] = copy.deepcopy(value)
            origin[path] = source
        elif target[key] != value:
            conflicts.append(f"{path}: {origin.get(path, '?')} says {target[key]!r}, {source} says {value!r}")
