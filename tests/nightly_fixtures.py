"""The nightly story, built from examples/harbor-view-ca.json: one export per day and a scan file.

Day 1 (2026-12-01): clean, except a regional group whose members the vendor has not listed yet -- unverified,
accepted by a waiver that expires on 2026-12-02. Day 2: national lookup re-enabled (nobody at the agency did
it). Day 3: an Arizona police department added as a partner, and the waiver has expired.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from conftest import EXAMPLES

DAYS = ("2026-12-01", "2026-12-02", "2026-12-03")
GROUP = "Tri-Valley Regional Data Exchange"
PHOENIX = "Phoenix AZ PD"

WAIVERS = f"""waivers:
  - check: partners.unclassified
    subject: {GROUP}
    reason: Member list requested from the vendor (ticket 4411)
    approved_by: Lt. R. Chen
    legal_basis: Civil Code 1798.90.55 declarations from every member on file, 2026-11-20
    expires: 2026-12-02
"""


def exports(folder: Path) -> dict[str, Path]:
    """One export per day, named ``harbor-view-{date}.json``."""
    base = json.loads((EXAMPLES / "harbor-view-ca.json").read_text(encoding="utf-8"))
    day1 = copy.deepcopy(base)
    day1["partners"].append({"name": GROUP, "direction": "outbound", "link": "group", "status": "active"})
    day2 = copy.deepcopy(day1)
    day2["sharing"]["national_lookup"] = True
    day3 = copy.deepcopy(day2)
    day3["partners"].append({"name": PHOENIX, "state": "AZ", "org_type": "Police Department",
                             "direction": "outbound", "link": "1:1", "status": "active"})
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for day, data in zip(DAYS, (day1, day2, day3), strict=True):
        paths[day] = folder / f"harbor-view-{day}.json"
        paths[day].write_text(json.dumps(data, indent=1), encoding="utf-8")
    return paths


def scan_file(root: Path, extra: str = "", top: str = "") -> Path:
    """``scans.toml`` in ``root`` with the exports, the waiver file and dated report paths."""
    exports(root / "exports")
    (root / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    path = root / "scans.toml"
    path.write_text(f"""db = "state/history.db"
waivers = "waivers.yaml"
fail_on_new = "high"
{top}
[[scan]]
name = "harbor-view"
inputs = ["exports/harbor-view-{{date}}.json"]
json = "reports/{{name}}/{{date}}.json"
html = "reports/{{name}}/{{date}}.html"
{extra}""", encoding="utf-8")
    return path


def report(root: Path, day: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((root / "reports" / "harbor-view" / f"{day}.json").read_text(encoding="utf-8"))
    return data
