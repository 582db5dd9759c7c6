"""The four-list workbook (sheets A1-A4) agencies send in answer to the standard four sharing questions.

A1 = organisations we share ALPR data with (they can search us: outbound), A2 = organisations we receive
data from (inbound), A3 = organisations we share hot lists with, A4 = hot lists we receive. An organisation
on A1 and A2 is a two-way link. A2/A4 sometimes mix two vendors' lists, so names are kept exactly as listed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import Table, blank, cell, headers_of, is_xlsx, norm, read_xlsx

_SHEETS = ("A1", "A2", "A3", "A4")
_NAME = ("organization name", "organisation name", "organization", "agency", "name", "user name", "username",
         "hot list", "hotlist")


def _sniff(path: Path, head: bytes) -> bool:
    if not is_xlsx(head):
        return False
    sheets = {(s or "").strip().upper() for s, _ in headers_of(path, head)}
    return {"A1", "A2"} <= sheets


def _names(table: Table, fragment: Fragment) -> list[tuple[str, int, int]]:
    """(name, row, column) for each listed entry; the header may be a name or the first entry itself."""
    col = table.column(*_NAME)
    entries: list[tuple[str, int, int]] = []
    if col is None:  # no header row: the first row is already an entry
        col = 0
        if table.header and table.header[0].strip():
            entries.append((table.header[0].strip(), table.header_row, 0))
    for number, row in table.rows:
        if blank(row):
            continue
        name = cell(row, col)
        if not name:
            fragment.problems.append(f"{table.where(number)}: no name in column {col + 1}")
            fragment.lost_matters = table.sheet in ("A1", "A2")
            continue
        entries.append((name, number, col))
    fragment.rows_read += len(entries)
    return entries


def _read(path: Path) -> Fragment:
    fragment = Fragment(source=str(path), reader="flock-four-lists")
    tables = {t.sheet.strip().upper(): t for t in read_xlsx(path) if t.sheet}
    partners: dict[str, dict[str, Any]] = {}
    for sheet, direction in (("A1", "outbound"), ("A2", "inbound")):
        table = tables.get(sheet)
        if table is None:
            continue
        for name, row, col in _names(table, fragment):
            key = norm(name)
            if key in partners:
                if partners[key]["direction"] != direction:
                    partners[key]["direction"] = "both"
                    partners[key]["also_listed_on"] = f"{table.sheet} row {row}"
                continue
            partners[key] = {"name": name, "direction": direction, "listed_on": sheet,
                             "provenance": table.provenance(row, col)}
    data: dict[str, Any] = {"vendor": "flock", "partners": list(partners.values())}
    if "A3" in tables:
        data["hotlists_shared_with"] = [name for name, _, _ in _names(tables["A3"], fragment)]
    if "A4" in tables:
        data["hotlists"] = [{"name": name, "source": f"received (sheet A4 row {row})", "subscribed": True}
                            for name, row, _ in _names(tables["A4"], fragment)]
    users = tables.get("USERS")
    if users is not None:
        data["users"] = [{"name": name, "provenance": users.provenance(row, col)}
                         for name, row, col in _names(users, fragment)]
    fragment.data = data
    return fragment


reader = Reader(
    name="flock-four-lists",
    description="Four-list sharing workbook (XLSX sheets A1 share with, A2 receive from, A3/A4 hot lists)",
    sniff=_sniff,
    read=_read,
    priority=20,
)
