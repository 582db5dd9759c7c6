"""The Flock users export: who holds an account, with which role and permissions.

E-mail domains matter most: an account on a federal domain is a federal user inside the agency's own
organisation, whatever the sharing settings say. Permission columns (``User Mgmt``, ``Search``,
``Hotlist Tool``...) are kept as exported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import blank, cell, has_columns, headers_of, norm, read_tables

EMAIL = ("email", "e mail", "email address", "user email")
FIRST, LAST = ("first name", "firstname", "given name"), ("last name", "lastname", "surname", "family name")
FULL = ("name", "full name", "user name", "username", "display name")
ROLE = ("role", "roles", "user role")
_KNOWN = {norm(h) for h in (*EMAIL, *FIRST, *LAST, *FULL, *ROLE)}


def _sniff(path: Path, head: bytes) -> bool:
    return any(has_columns(h, EMAIL) and (has_columns(h, ROLE) or has_columns(h, FIRST, LAST))
               and not has_columns(h, ("entity details",)) for _, h in headers_of(path, head))


def _read(path: Path) -> Fragment:
    fragment = Fragment(source=str(path), reader="flock-users")
    users: list[dict[str, Any]] = []
    for table in read_tables(path):
        email_col = table.column(*EMAIL)
        if email_col is None:
            continue
        first, last, full, role = (table.column(*FIRST), table.column(*LAST), table.column(*FULL),
                                   table.column(*ROLE))
        others = [(i, h) for i, h in enumerate(table.header) if h and norm(h) not in _KNOWN]
        for number, row in table.rows:
            if blank(row):
                continue
            fragment.rows_read += 1
            name = " ".join(p for p in (cell(row, first), cell(row, last)) if p) or cell(row, full)
            email = cell(row, email_col)
            if not email and not name:
                fragment.problems.append(f"{table.where(number)}: user row with neither name nor e-mail")
                fragment.lost_matters = True
                continue
            user: dict[str, Any] = {"provenance": table.provenance(number, email_col if email else first)}
            if email:
                user["email"] = email
            if name:
                user["name"] = name
            if cell(row, role):
                user["role"] = cell(row, role)
            for index, header in others:
                if cell(row, index):
                    user[norm(header).replace(" ", "_")] = cell(row, index)
            users.append(user)
    fragment.data = {"vendor": "flock", "users": users}
    return fragment


reader = Reader(
    name="flock-users",
    description="Flock users export (First Name, Last Name, Email, ..., Role, Identity Provider, Last Login)",
    sniff=_sniff,
    read=_read,
    priority=40,
)
