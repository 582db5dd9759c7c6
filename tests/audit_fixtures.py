"""Small, realistic audit-log fixtures written on the fly (layouts from the vendor reference notes)."""

from __future__ import annotations

import csv
from pathlib import Path

L13 = ["ID", "Name", "Org Name", "Total Networks Searched", "Time Frame", "License Plate", "Reason", "Case #",
       "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def l13_row(n: int, org: str, reason: str, networks: int = 640, when: str = "03/08/2026, 08:15:42 AM UTC") -> list[str]:
    frame = "03/01/2026, 08:00:00 AM UTC\n03/08/2026, 08:00:00 AM UTC"
    return [uid(n), "***", org, str(networks), frame, "***", reason, "", "", when, "lookup", "", ""]


def write_csv(path: Path, header: list[str] | None, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if header:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def network_audit(path: Path) -> Path:
    """A CA agency's network audit: own, in-state, out-of-state and federal searchers, mixed reasons."""
    rows = [
        l13_row(1, "Pinecrest CA PD", "Burglary/Breaking & Entering"),
        l13_row(2, "Fresno CA PD", "Motor Vehicle Theft/Stolen"),
        l13_row(3, "Auburn WA PD", "ICE+ERO", networks=2900),
        l13_row(4, "Auburn WA PD", "ice hold", when="04/02/2026, 01:00:00 PM UTC"),
        l13_row(5, "Ada County ID SO", "investigation"),
        l13_row(6, "[Federal] Federal Bureau of Investigation (FBI)", "Other - Not Applicable", networks=1103),
        l13_row(7, "U.S. Border Patrol", "", networks=3400),
        l13_row(8, "Fresno CA PD", "police assist - Rice St"),
        l13_row(9, "***", "Robbery"),
        l13_row(10, "Fresno CA PD", "abortion clinic vandalism"),
    ]
    return write_csv(path, L13, rows)
