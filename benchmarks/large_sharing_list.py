"""Print how long a 50,000-row sharing list takes at each stage of a scan, against a raw-CSV baseline.

Run: python benchmarks/large_sharing_list.py [ROWS] [DISTINCT]
The list repeats DISTINCT organisations (one row per network shared, as large exports do). The baseline
is parsing the same file with the csv module alone, measured in the same run; each stage is a ratio to it.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from configscan.partners import Classifier
from configscan.readers.merge import merge
from configscan.registry import load_registry
from configscan.scan import classify, normalise, read_inputs

STATES = ("OR", "WA", "ID", "CA", "TX", "NV")


def write_list(path: Path, rows: int, distinct: int) -> None:
    lines = ["Organization Name,State,Type,Direction,Status,Date Shared"]
    for i in range(rows):
        org = i % distinct
        lines.append(f"Example {org} {STATES[org % 6]} PD,{STATES[org % 6]},Police Department,Outbound,Active,"
                     f"2025-{1 + i % 12:02d}-01")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_workbook(path: Path, rows: int, distinct: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sharing")
    with Path(str(path).replace(".xlsx", ".csv")).open(encoding="utf-8") as handle:
        for record in csv.reader(handle):
            sheet.append(record)
    book.save(path)


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = step()
    return value, time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    distinct = int(sys.argv[2]) if len(sys.argv) > 2 else 6_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sharing.csv"
        write_list(path, rows, distinct)
        _, baseline = timed(lambda: sum(1 for _ in csv.reader(io.StringIO(path.read_text(encoding="utf-8")))))
        readers = load_registry().readers
        fragments, read = timed(lambda: read_inputs([path], readers, None))
        (data, _), merged = timed(lambda: merge(fragments, {"agency": {"name": "Example PD", "state": "OR"}}))
        config, validated = timed(lambda: normalise(data, str(path)))
        _, classified = timed(lambda: classify(config, Classifier()))
        workbook = Path(tmp) / "sharing.xlsx"
        write_workbook(workbook, rows, distinct)
        _, read_xlsx = timed(lambda: read_inputs([workbook], readers, None))
    print(f"{rows} rows, {len(config.partners or [])} partners; baseline csv parse {baseline * 1000:.0f} ms")
    stages = (("read csv", read), ("read xlsx", read_xlsx), ("merge", merged), ("validate", validated),
              ("classify", classified))
    for stage, seconds in stages:
        print(f"  {stage:<10} {seconds * 1000:8.0f} ms  {seconds / baseline:7.1f}x baseline")


if __name__ == "__main__":
    main()
