"""Flock event logs (administrative actions) -> the sharing changes they record.

Columns ``Timestamp, User, Event Type, Entity Type, Entity Details`` (``Event Id`` optional). Details are
multi-line ``Label: value`` text whose label set differs between agencies, so values are found by label,
never by position. Only sharing entities (``networkShare``, ``networkShareSettings``) become
:class:`~configscan.model.SharingEvent` records; other rows are counted as read and left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from configscan.readers import values
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import Table, blank, cell, has_columns, headers_of, norm, read_tables

TIMESTAMP = ("timestamp", "time", "date", "event time", "created at")
USER = ("user", "actor", "performed by")
EVENT = ("event type", "event", "action")
ENTITY = ("entity type", "entity")
DETAILS = ("entity details", "details")
SHARING_ENTITIES = {"networkshare", "networksharesettings", "network share", "network share settings"}
_ACTIONS = {"create": "created", "created": "created", "add": "created", "added": "created",
            "insert": "created", "update": "updated", "updated": "updated", "edit": "updated",
            "modify": "updated", "delete": "removed", "deleted": "removed", "remove": "removed",
            "removed": "removed", "revoke": "removed", "revoked": "removed"}
_ORG_LABELS = ("receiving organization", "receiving organisation", "shared with", "organization",
               "organization name", "recipient")
_NETWORK_LABELS = ("network name", "network", "networks")


def _sniff(path: Path, head: bytes) -> bool:
    return any(has_columns(h, ENTITY, DETAILS, EVENT) for _, h in headers_of(path, head))


def parse_details(text: str) -> dict[str, str]:
    """``Label: value`` lines; a line without a label continues the previous value."""
    details: dict[str, str] = {}
    last: str | None = None
    for line in text.replace("\r\n", "\n").split("\n"):
        label, sep, value = line.partition(":")
        if sep and label.strip() and len(label) <= 60 and not label.strip().startswith("http"):
            last = label.strip()
            details[last] = value.strip()
        elif last is not None and line.strip():
            details[last] = f"{details[last]}\n{line.strip()}"
    return details


def _label(details: dict[str, str], variants: tuple[str, ...]) -> str | None:
    by_norm = {norm(k): v for k, v in details.items()}
    for variant in variants:
        if by_norm.get(variant):
            return by_norm[variant]
    return None


def _events(table: Table, fragment: Fragment) -> list[dict[str, Any]]:
    cols = {k: table.column(*v) for k, v in
            (("at", TIMESTAMP), ("actor", USER), ("event", EVENT), ("entity", ENTITY), ("details", DETAILS))}
    events = []
    for number, row in table.rows:
        if blank(row):
            continue
        fragment.rows_read += 1
        entity = cell(row, cols["entity"])
        if norm(entity) not in SHARING_ENTITIES:
            continue
        action = _ACTIONS.get(norm(cell(row, cols["event"])))
        if action is None:
            fragment.problems.append(f"{table.where(number)}: unknown event type {cell(row, cols['event'])!r}")
            fragment.lost_matters = True
            continue
        details = parse_details(cell(row, cols["details"]))
        event: dict[str, Any] = {"action": action, "entity": entity, "details": details,
                                 "provenance": table.provenance(number, cols["details"])}
        try:
            event["at"] = values.timestamp(cell(row, cols["at"]))
        except ValueError as exc:
            fragment.problems.append(f"{table.where(number)}: timestamp: {exc}")
        if cell(row, cols["actor"]):
            event["actor"] = cell(row, cols["actor"])
        event["network"] = _label(details, _NETWORK_LABELS)
        event["organization"] = _label(details, _ORG_LABELS)
        permissions = _label(details, ("permissions", "permission"))
        if permissions:
            event["permissions"] = [p.strip() for p in permissions.split(",") if p.strip()]
        if norm(entity) in ("networkshare", "network share") and not event["organization"]:
            fragment.problems.append(f"{table.where(number)}: {entity} {action} without a receiving organisation")
            fragment.lost_matters = True
        events.append({k: v for k, v in event.items() if v is not None})
    return events


def _read(path: Path) -> Fragment:
    fragment = Fragment(source=str(path), reader="flock-event-log")
    events: list[dict[str, Any]] = []
    for table in read_tables(path):
        if table.column(*ENTITY) is not None and table.column(*DETAILS) is not None:
            events.extend(_events(table, fragment))
    fragment.data = {"vendor": "flock", "sharing_events": events}
    return fragment


reader = Reader(
    name="flock-event-log",
    description="Flock event log (Timestamp, User, Event Type, Entity Type, Entity Details) -> sharing changes",
    sniff=_sniff,
    read=_read,
    priority=30,
)
