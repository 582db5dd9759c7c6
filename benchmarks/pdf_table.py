"""Rows per second reading a sharing list from a 100-page PDF, against the same rows as CSV, in the same run.

Run: python benchmarks/pdf_table.py [PAGES]
The PDF is made like the test fixtures (tests/pdf_fixtures.py, needs fpdf2 from the ``test`` extra): a title,
the header repeated on every page, wrapped organisation names, "Page N of M" footers, rows split across pages.
Both files go through the same reader (flock-sharing-list, through ``readers.pick``) in fresh processes' worth
of state (the PDF parse cache is cleared), and the CSV's time is the baseline ratio.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pdf_fixtures import Layout, table_pdf  # noqa: E402

from configscan.readers import pdftable  # noqa: E402
from configscan.readers.pick import read_all  # noqa: E402
from configscan.registry import load_registry  # noqa: E402

HEADER = ["Organization Name", "State", "Sharing Direction"]
LONG = ("Example County Sheriff's Office Regional Auto Theft Task Force", "Washington State Patrol Criminal "
        "Investigation Division Auto Theft Unit", "Riverside County District Attorney Bureau of Investigation")
STATES = ("CA", "OR", "WA", "NV", "TX", "AZ")


def rows(count: int) -> list[list[str]]:
    return [[f"{LONG[i % 3]} {i}" if i % 4 == 0 else f"City of Springfield {i} Police Department",
             STATES[i % len(STATES)], ("Outbound", "Inbound", "Both")[i % 3]] for i in range(count)]


def make(folder: Path, pages: int) -> tuple[Path, Path, int]:
    """A PDF of at least ``pages`` pages and the same rows as CSV."""
    count = pages * 42
    while True:
        table = rows(count)
        made = table_pdf(folder / "list.pdf", HEADER, table, Layout(widths=[150, 50, 90],
                                                                      split=frozenset(range(count))))
        if made.pages >= pages:
            break
        count += 40
    with (folder / "list.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(table)
    return made.path, folder / "list.csv", count


def timed(path: Path) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds (CPU is what to compare on a busy machine) and partners read."""
    readers = load_registry().readers
    pdftable._parsed.cache_clear()
    start, cpu = time.perf_counter(), time.process_time()
    fragments, _ = read_all([path], readers, None)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    partners = sum(len(f.data.get("partners", [])) for f in fragments)
    assert not any(f.problems for f in fragments), [f.problems[:3] for f in fragments]
    return elapsed, cpu, partners


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with tempfile.TemporaryDirectory() as tmp:
        pdf, csv_path, count = make(Path(tmp), pages)
        pdf_s, pdf_cpu, pdf_rows = timed(pdf)
        csv_s, csv_cpu, csv_rows = timed(csv_path)
        assert pdf_rows == csv_rows == count, (pdf_rows, csv_rows, count)
        print(f"{pages}-page PDF, {count:,} rows ({pdf.stat().st_size / 1e6:.1f} MB), every row read")
        for name, wall, cpu in (("PDF", pdf_s, pdf_cpu), ("CSV", csv_s, csv_cpu)):
            print(f"  {name}  wall {wall:7.2f} s  {count / wall:9,.0f} rows/s   cpu {cpu:7.2f} s  "
                  f"{count / cpu:9,.0f} rows/s")
        print(f"  PDF / CSV (cpu): {pdf_cpu / csv_cpu:.0f}x; PDF pages/s (cpu): {pages / pdf_cpu:.0f}")


if __name__ == "__main__":
    main()
