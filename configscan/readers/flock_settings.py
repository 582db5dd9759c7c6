"""Flock network-sharing settings, one row per network (camera group).

Flock has no documented settings export, so configscan defines a simple one (docs/formats.md) holding
exactly what an admin can set per network: national lookup, statewide lookup, in-state radius, specific
states, "states with similar laws", plus the organisation-wide "disable all federal sharing" toggle. An
admin fills it from the sharing screen (or a script writes it). Settings are per network because one
camera with national lookup on is enough to expose the data; the agency summary is "any network on".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from configscan.readers import values
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import Table, cell, has_columns, headers_of, read_tables

NETWORK = ("network", "network name", "camera group", "networks")
CAMERAS = ("cameras", "camera count", "devices", "number of cameras")
FIELDS: dict[str, tuple[tuple[str, ...], Callable[[str], Any]]] = {
    "national_lookup": (("national lookup", "national network", "national"), values.boolean),
    "statewide_lookup": (("statewide lookup", "statewide", "state lookup", "share within state"), values.boolean),
    "radius_miles": (("in state radius miles", "in state radius", "radius miles", "radius", "share within radius",
                      "distance miles"), values.number),
    "shared_states": (("specific states", "shared states", "share with states", "states"), values.states),
    "similar_laws_network": (("states with similar laws", "similar laws", "similar laws states"), values.boolean),
}
FEDERAL = ("disable federal sharing", "disable all federal sharing", "federal sharing disabled",
           "block federal sharing")


def _sniff(path: Path, head: bytes) -> bool:
    return any(has_columns(h, NETWORK) and has_columns(h, FIELDS["national_lookup"][0] + FIELDS["statewide_lookup"][0])
               for _, h in headers_of(path, head))


def _networks(table: Table, fragment: Fragment, federal: list[tuple[bool, str]]) -> list[dict[str, Any]]:
    name_col, cam_col, fed_col = table.column(*NETWORK), table.column(*CAMERAS), table.column(*FEDERAL)
    cols = {key: table.column(*variants) for key, (variants, _) in FIELDS.items()}
    networks = []
    for number, row, name in table.named_rows(fragment, name_col, "settings row without a network name"):
        network: dict[str, Any] = {"name": name, "provenance": table.provenance(number, name_col)}
        for key, (_, parse) in FIELDS.items():
            try:
                network[key] = parse(cell(row, cols[key]))
            except ValueError as exc:
                fragment.problems.append(f"{table.where(number)}: column {table.header[cols[key] or 0]!r}: {exc}")
                fragment.lost_matters = True
        if cam_col is not None and cell(row, cam_col):
            try:
                count = values.number(cell(row, cam_col))
                network["cameras"] = int(count) if count is not None else None
            except ValueError as exc:
                fragment.problems.append(f"{table.where(number)}: cameras: {exc}")
        if fed_col is not None:
            try:
                toggle = values.boolean(cell(row, fed_col))
            except ValueError as exc:
                fragment.problems.append(f"{table.where(number)}: {table.header[fed_col]!r}: {exc}")
                fragment.lost_matters = True
                toggle = None
            if toggle is not None:
                federal.append((toggle, table.where(number)))
        networks.append({k: v for k, v in network.items() if v is not None})
    return networks


def _any(networks: list[dict[str, Any]], key: str) -> bool | None:
    seen = [n.get(key) for n in networks]
    if any(v is True for v in seen):
        return True
    if seen and all(v is False for v in seen):
        return False
    return None


def summarise(networks: list[dict[str, Any]]) -> dict[str, Any]:
    """Agency-level values: any network on means on; states are the union; the widest radius counts."""
    states = sorted({s for n in networks for s in (n.get("shared_states") or [])})
    radii = [n["radius_miles"] for n in networks if n.get("radius_miles") is not None]
    summary: dict[str, Any] = {
        "national_lookup": _any(networks, "national_lookup"),
        "statewide_lookup": _any(networks, "statewide_lookup"),
        "similar_laws_network": _any(networks, "similar_laws_network"),
        "radius_miles": max(radii) if radii else None,
        "shared_states": states or None,
    }
    return {k: v for k, v in summary.items() if v is not None}


def _read(path: Path) -> Fragment:
    fragment = Fragment(source=str(path), reader="flock-settings")
    networks: list[dict[str, Any]] = []
    federal: list[tuple[bool, str]] = []
    for table in read_tables(path):
        if table.column(*NETWORK) is not None:
            networks.extend(_networks(table, fragment, federal))
    sharing: dict[str, Any] = {**summarise(networks), "networks": networks}
    toggles = {value for value, _ in federal}
    if len(toggles) > 1:
        fragment.problems.append(f"{path}: rows disagree on the federal-sharing toggle "
                                 f"({'; '.join(f'{w} says {v}' for v, w in federal)})")
        fragment.lost_matters = True
    elif toggles:
        sharing["federal_sharing_disabled"] = toggles.pop()
    fragment.data = {"vendor": "flock", "sharing": sharing}
    return fragment


reader = Reader(
    name="flock-settings",
    description="Flock network-sharing settings, one row per network (configscan layout; see docs/formats.md)",
    sniff=_sniff,
    read=_read,
    priority=30,
)
