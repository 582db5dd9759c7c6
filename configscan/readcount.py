"""How much was read, in words for the report's first screen: rows per file and sheet, partners, users, hot lists.

A report that says "clean" about 3 partners when the release held 300 is wrong in a way no finding shows; a
reader of the report must be able to compare what configscan read with what the records office sent. Counts
come from what the readers produced (each record's provenance names its sheet), not from the files again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from configscan.audit.findings.summary import AuditSummary
from configscan.readers.base import Fragment

# Interchange lists counted, with the words the report uses.
_KINDS = (("partners", "partner", "partners"), ("users", "user", "users"), ("hotlists", "hot list", "hot lists"),
          ("sharing_events", "sharing event", "sharing events"))


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def records(fragment: Fragment) -> dict[str, int]:
    """Records of each interchange list the fragment holds (networks counted under ``sharing``)."""
    data = fragment.data
    out = {kind: len(data[kind]) for kind, _, _ in _KINDS if isinstance(data.get(kind), list)}
    sharing = data.get("sharing")
    if isinstance(sharing, dict) and isinstance(sharing.get("networks"), list):
        out["networks"] = len(sharing["networks"])
    return out


def sheets(fragment: Fragment) -> dict[str, int]:
    """Records per sheet of a workbook, from each record's provenance (empty for a CSV or a document)."""
    found: Counter[str] = Counter()
    lists: list[Any] = [fragment.data.get(kind) for kind, _, _ in _KINDS]
    sharing = fragment.data.get("sharing")
    if isinstance(sharing, dict):
        lists.append(sharing.get("networks"))
    for items in lists:
        for item in items if isinstance(items, list) else []:
            prov = item.get("provenance") if isinstance(item, dict) else None
            sheet = prov.get("sheet") if isinstance(prov, dict) else None
            if sheet:
                found[str(sheet)] += 1
    return dict(found)


def read_summary(fragments: Sequence[Fragment], audit: AuditSummary | None) -> list[str]:
    """One phrase per input file (rows, sheets, records), then the totals of partners, users and hot lists."""
    phrases = []
    totals: Counter[str] = Counter()
    for fragment in fragments:
        counts = records(fragment)
        totals.update(counts)
        parts = [_plural(fragment.rows_read, "row", "rows")] if fragment.rows_read else []
        per_sheet = sheets(fragment)
        if len(per_sheet) > 1 or (per_sheet and len(counts) > 1):
            parts += [f"sheet {name!r} {n:,}" for name, n in per_sheet.items()]
        parts += [_plural(n, one, many) for kind, one, many in _KINDS if (n := counts.get(kind))]
        if counts.get("networks"):
            parts.append(_plural(counts["networks"], "network", "networks"))
        phrases.append(f"{Path(fragment.source).name}: {', '.join(parts) or 'no records'}")
    if audit is not None:
        for file in audit.files:
            phrases.append(f"{Path(file.label).name}: {_plural(file.rows, 'audit row', 'audit rows')}")
    if fragments:
        phrases.append("in all " + ", ".join(_plural(totals.get(kind, 0), one, many) for kind, one, many in _KINDS[:3]))
    return phrases
