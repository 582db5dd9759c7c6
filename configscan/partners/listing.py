"""Reading a partner list CSV (columns ``name`` and optional ``state``, ``ori``, ``org_type``).

Headers are matched without regard to case, and ``type`` is read as ``org_type``, so a sharing-list release
such as Eugene's (``Name,State,Type``) works as it is. Errors name the file and row and end the run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from configscan.errors import InputError

_ALIASES = {"type": "org_type", "organization type": "org_type", "organisation type": "org_type"}


@dataclass(frozen=True)
class ListedPartner:
    row: int
    fields: dict[str, str]  # every input column, keys lower-cased (aliases resolved)

    @property
    def name(self) -> str:
        return self.fields["name"]

    def get(self, key: str) -> str | None:
        return self.fields.get(key) or None


def read_partner_list(path: Path) -> list[ListedPartner]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read ({exc})") from exc
    try:
        # The csv module splits records itself: str.splitlines would also break at a CR or U+2028 inside a
        # name (two partners from one) and drop a line break inside a quoted cell.
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise InputError(str(path), "empty file; expected a header row with a 'name' column")
        keys = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
        if "name" not in keys:
            raise InputError(str(path), f"row 1: no 'name' column (found: {', '.join(h for h in header) or 'none'})")
        partners = []
        for number, values in enumerate(reader, start=2):  # the row a spreadsheet shows (header = 1)
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(keys):
                raise InputError(str(path), f"row {number}: {len(values)} values but {len(keys)} columns")
            fields = {k: v.strip() for k, v in zip(keys, values, strict=False)}
            if not fields.get("name"):
                raise InputError(str(path), f"row {number}: empty name")
            partners.append(ListedPartner(row=number, fields=fields))
    except csv.Error as exc:
        raise InputError(str(path), f"not a readable CSV ({exc})") from exc
    return partners
