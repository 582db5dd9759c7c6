"""Flock sharing lists: the organisations with access, as an admin exports them or a records office releases them.

Two layouts, both found by header names rather than positions:

* a plain list (``Name, State, Type`` as in Eugene's release, optionally ``Direction``, ``Sharing Type``,
  ``Status``, ``Date``) -- one partner per row, direction when a column states it or, for the rows without
  one, when the sheet name, a title line or the file name does (``listdirection``);
* the ``SharedNetworks`` export (``Organization Name, Networks Shared With Me, Networks I'm Sharing``),
  where the direction is in the column: networks *I'm sharing* are a way into our data (outbound), networks
  *shared with me* are not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from configscan.model import USPS_STATES
from configscan.readers import values
from configscan.readers.base import Fragment, Reader
from configscan.readers.listdirection import table_direction
from configscan.readers.tabular import Table, cell, has_columns, headers_of, read_tables

NAME = ("name", "organization name", "organization", "organisation", "organisation name", "agency",
        "agency name", "org name", "partner", "partner name")
STATE = ("state", "st", "organization state", "agency state")
TYPE = ("type", "organization type", "org type", "agency type", "category")
DIRECTION = ("direction", "sharing direction", "access", "access direction")
LINK = ("sharing type", "share type", "link type", "sharing method")
STATUS = ("status", "sharing status", "share status")
DATE = ("date", "since", "shared since", "date shared", "share date", "created", "created at",
        "request date", "accepted", "date accepted")
PERMISSIONS = ("permissions", "permission")
INBOUND_NETS = ("networks shared with me",)
OUTBOUND_NETS = ("networks im sharing", "networks i am sharing")
# Search-audit layouts also have a "Name" column; they are another reader's job.
_AUDIT_MARKERS = ("total networks searched", "search time", "license plate", "reason", "searchdate")


def _is_audit(header: list[str]) -> bool:
    return has_columns(header, _AUDIT_MARKERS)


def _list_header(h: list[str]) -> bool:
    """A plain partner list's header: a name and a state, type or direction; not SharedNetworks, not an audit,
    not a users sheet (which has a Name column too)."""
    return (has_columns(h, NAME) and (has_columns(h, STATE) or has_columns(h, TYPE) or has_columns(h, DIRECTION))
            and not has_columns(h, INBOUND_NETS + OUTBOUND_NETS) and not _is_audit(h)
            and not has_columns(h, ("email", "e mail")))


def _sniff_list(path: Path, head: bytes) -> bool:
    return any(_list_header(h) for _, h in headers_of(path, head))


def _sniff_shared(path: Path, head: bytes) -> bool:
    return any(has_columns(h, NAME) and has_columns(h, INBOUND_NETS + OUTBOUND_NETS)
               for _, h in headers_of(path, head))


def _parse(fragment: Fragment, table: Table, number: int, what: str, parse: Callable[[str], Any],
           text: str) -> Any:
    """Parse one cell; an unreadable value is a problem that matters (it could change a verdict)."""
    try:
        return parse(text)
    except ValueError as exc:
        fragment.problems.append(f"{table.where(number)}: {what}: {exc}")
        fragment.lost_matters = True
        return None


def _list_partners(table: Table, fragment: Fragment) -> list[dict[str, Any]]:
    col = {
        "name": table.column(*NAME), "state": table.column(*STATE), "type": table.column(*TYPE),
        "direction": table.column(*DIRECTION), "link": table.column(*LINK), "status": table.column(*STATUS),
        "since": table.column(*DATE), "permissions": table.column(*PERMISSIONS),
    }
    partners = []
    stated = table_direction(table)  # "Shared with me", "Networks I'm sharing with": the list's one direction
    for number, row, name in table.named_rows(fragment, col["name"], "no organisation name"):
        partner: dict[str, Any] = {"name": name, "provenance": table.provenance(number, col["name"])}
        if stated and not cell(row, col["direction"]):
            partner["direction"], partner["direction_basis"] = stated.direction, stated.basis
        state = cell(row, col["state"])
        if state:
            partner["state"] = state
            if state.upper() not in USPS_STATES:
                partner["state_as_exported"] = state  # "??" and the like: unknown, but shown as exported
        if cell(row, col["type"]):
            partner["org_type"] = cell(row, col["type"])
        for key, parse in (("direction", values.direction), ("link", values.link),
                           ("status", values.status), ("since", values.date)):
            text = cell(row, col[key])
            if text:
                partner[key] = _parse(fragment, table, number, key, parse, text)
        if cell(row, col["permissions"]):
            partner["permissions"] = [p.strip() for p in cell(row, col["permissions"]).split(",") if p.strip()]
        partners.append({k: v for k, v in partner.items() if v is not None})
    return partners


def _split_networks(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _shared_partners(table: Table, fragment: Fragment) -> list[dict[str, Any]]:
    name_col = table.column(*NAME)
    in_col, out_col = table.column(*INBOUND_NETS), table.column(*OUTBOUND_NETS)
    partners = []
    for number, row, name in table.named_rows(fragment, name_col, "no organisation name"):
        inbound, outbound = _split_networks(cell(row, in_col)), _split_networks(cell(row, out_col))
        if not inbound and not outbound:
            continue  # listed with no network either way: no 1:1 access to report
        direction = "both" if inbound and outbound else ("outbound" if outbound else "inbound")
        column = out_col if outbound else in_col
        partners.append({
            "name": name, "direction": direction, "link": "1:1",
            "networks_shared_with_me": inbound, "networks_im_sharing": outbound,
            "provenance": table.provenance(number, column),
        })
    return partners


def _read_with(extract: Callable[[Table, Fragment], list[dict[str, Any]]], name: str,
               sniff_header: Callable[[list[str]], bool]) -> Callable[[Path], Fragment]:
    def read(path: Path) -> Fragment:
        fragment = Fragment(source=str(path), reader=name)
        partners: list[dict[str, Any]] = []
        for table in read_tables(path):
            if sniff_header(table.header):
                partners.extend(extract(table, fragment))
        fragment.data = {"vendor": "flock", "partners": partners}
        return fragment

    return read


list_reader = Reader(
    name="flock-sharing-list",
    description="Flock list of organisations with access (Name, State, Type[, Direction, Status, Date]) CSV/XLSX",
    sniff=_sniff_list,
    read=_read_with(_list_partners, "flock-sharing-list", _list_header),
    priority=40,
)

shared_networks_reader = Reader(
    name="flock-shared-networks",
    description="Flock SharedNetworks export (Organization Name, Networks Shared With Me, Networks I'm Sharing)",
    sniff=_sniff_shared,
    read=_read_with(_shared_partners, "flock-shared-networks",
                    lambda h: has_columns(h, NAME) and has_columns(h, INBOUND_NETS + OUTBOUND_NETS)),
    priority=30,
)
