"""Motorola Solutions Vigilant (LEARN) "Agency Data Sharing Report", as released in public records.

Releases come as text extracted from the PDF, or as a spreadsheet holding the same lines. The report has
four sections -- ``Detections Shared`` (they can query our detections: outbound), ``Detections Received``
(inbound), ``Hot List Sharing`` and ``Hot-List Received`` -- each a heading, a sentence, then one agency per
line (hot-list sections: agency and hot-list name). OCR often drops spaces, so headings are compared with
spaces removed. Long-form names carry the state as "(TX)" or a trailing code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from configscan.errors import InputError
from configscan.limits import LimitError
from configscan.readers import values
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import decode, head_text, is_xlsx, read_xlsx

_SECTIONS = {"detectionsshared": "outbound", "detectionsreceived": "inbound",
             "hotlistsharing": "hotlists_shared", "hotlistreceived": "hotlists_received"}
_NOISE = re.compile(r"followingagencies|learnagencydatasharingreport|^datecreated|^page\d+of\d+$|"
                    r"^agency:?(hotlist\(?s\)?:?)?$")


def _squash(line: str) -> str:
    return re.sub(r"[^a-z0-9():]", "", line.lower())


def _sniff(path: Path, head: bytes) -> bool:
    if is_xlsx(head):
        try:
            return any("detectionsshared" in _squash(line) for line, _ in _lines(path, limit=200))
        except LimitError:
            raise  # over a limit: say which, not "no reader recognises this file"
        except (InputError, OSError, ValueError):
            return False  # a workbook this reader cannot open is not its format; read() will say why
    squashed = _squash(head_text(head))
    return "detectionsshared" in squashed or "detectiondatawiththefollowingagencies" in squashed


def _lines(path: Path, limit: int | None = None) -> list[tuple[str, dict[str, Any]]]:
    """(line, provenance) pairs: text lines, or a spreadsheet's non-empty cells joined per row."""
    with path.open("rb") as handle:
        head = handle.read(8)
    out: list[tuple[str, dict[str, Any]]] = []
    if is_xlsx(head):
        for table in read_xlsx(path):
            for number, row in [*table.preamble, (table.header_row, table.header), *table.rows]:
                cells = [c.strip() for c in row if c.strip()]
                if cells:
                    out.append(("\t".join(cells), {"file": str(path), "sheet": table.sheet, "row": number}))
                if limit is not None and len(out) >= limit:
                    return out
        return out
    text = decode(path.read_bytes(), str(path))
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            out.append((line.rstrip(), {"file": str(path), "row": number}))
    return out


def _split_pair(line: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in re.split(r"\t|\s{2,}", line.strip()) if p.strip()]
    if len(parts) >= 2:
        return parts[0], parts[-1]
    return line.strip(), None


def _read(path: Path) -> Fragment:
    fragment = Fragment(source=str(path), reader="vigilant-sharing-report")
    section: str | None = None
    partners: dict[str, dict[str, Any]] = {}
    hot_shared: list[dict[str, Any]] = []
    hotlists: list[dict[str, Any]] = []
    for line, prov in _lines(path):
        squashed = _squash(line)
        heading = _SECTIONS.get(squashed.replace("(", "").replace(")", "").rstrip(":"))
        if heading is not None:
            section = heading
            continue
        if section is None or _NOISE.search(squashed):
            continue
        fragment.rows_read += 1
        if section in ("outbound", "inbound"):
            name = line.strip()
            key = re.sub(r"[^a-z0-9]", "", name.lower())
            if key in partners:
                if partners[key]["direction"] != section:
                    partners[key]["direction"] = "both"
                continue
            partner: dict[str, Any] = {"name": name, "direction": section, "provenance": prov}
            state = values.state_in_name(name)
            if state:
                partner["state"] = state
            partners[key] = partner
        else:
            agency, hotlist = _split_pair(line)
            if hotlist is None:
                fragment.problems.append(f"{path}:{prov['row']}: hot-list line without agency and list: {line!r}")
                continue
            entry = {"agency": agency, "hotlist": hotlist}
            if section == "hotlists_shared":
                hot_shared.append(entry)
            else:
                hotlists.append({"name": hotlist, "source": agency, "subscribed": True})
    if not partners and not hotlists and not hot_shared:
        fragment.problems.append(f"{path}: no agency listed under any section of the sharing report")
        fragment.lost_matters = True
    data: dict[str, Any] = {"vendor": "vigilant", "partners": list(partners.values())}
    if hotlists:
        data["hotlists"] = hotlists
    if hot_shared:
        data["hotlists_shared_with"] = hot_shared
    fragment.data = data
    return fragment


reader = Reader(
    name="vigilant-sharing-report",
    description="Vigilant LEARN Agency Data Sharing Report (text from the PDF, or CSV/XLSX holding its lines)",
    sniff=_sniff,
    read=_read,
    priority=25,
)
