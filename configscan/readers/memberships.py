"""A pool membership list the user gives (``--members FILE``): CSV with columns pool (national | statewide),
name, and optional state and ori. It names pool members whose exports are not in the batch."""

from __future__ import annotations

import csv
from pathlib import Path

from configscan.errors import InputError
from configscan.network.graph import Membership
from configscan.states import to_code


def read_memberships(path: Path) -> list[Membership]:
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read the membership list ({exc})") from exc
    members = []
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        pool, name = row.get("pool", "").lower(), row.get("name", "")
        if pool not in ("national", "statewide") or not name:
            raise InputError(str(path), f"row {number}: needs pool (national or statewide) and name")
        state = to_code(row["state"]) if row.get("state") else None
        if pool == "statewide" and state is None:
            raise InputError(str(path), f"row {number}: a statewide pool member needs its state")
        members.append(Membership(pool=pool, name=name, state=state, ori=row.get("ori") or None))
    return members
