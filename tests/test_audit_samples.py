"""Sample rows are the same whether they are read from the files or, in a run that writes the evidence CSV, from
the rows it has loaded: the first rows of each subject in file order, one per search, with their row numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from audit_fixtures import L13, l13_row, uid, write_csv
from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app

_mount_subcommands()
RUNNER = CliRunner()


def _months(folder: Path) -> list[Path]:
    """Three monthly files, 34,010 records in all (more than the unfiltered head of 20,000 rows the samples
    start with). February repeats January's last 1,000 searches and, inside itself, a block of ten (a stacked
    export) holding a federal searcher's first two searches. March holds the rare subjects late: a federal
    searcher's sweeps, an out-of-state immigration reason and a reproductive-health reason."""
    common = [("Fresno CA PD", "Robbery"), ("Auburn WA PD", "investigation"), ("Reno NV PD", "Burglary"),
              ("Fresno CA PD", "stolen vehicle")]

    def row(n: int) -> list[str]:
        if n in (16_001, 16_002):  # in the block February repeats
            return l13_row(n, "[Federal] USPIS", "Robbery")
        org, reason = common[n % len(common)]
        return l13_row(n, org, reason)

    january = [row(n) for n in range(1, 12_001)]
    february = [row(n) for n in range(11_001, 23_001)]
    february[5_010:5_010] = [row(n) for n in range(16_001, 16_011)]  # the block of ten again, right after itself
    march = [row(n) for n in range(23_001, 33_001)]
    for k, at in enumerate((9_000, 9_050, 9_100, 9_150)):
        march[at] = l13_row(40_000 + k, "U.S. Border Patrol", "Robbery", networks=3_400)
    for k, at in enumerate((9_500, 9_600, 9_700, 9_800)):
        march[at] = l13_row(41_000 + k, "Boise ID PD", "ICE hold")
    march[100] = l13_row(43_000, "[Federal] USPIS", "Robbery")
    march[9_900] = l13_row(42_000, "Fresno CA PD", "abortion clinic vandalism")
    march[9_950] = L13  # a repeated header row: no sample, still a row number
    folder.mkdir()
    return [write_csv(folder / f"{name}.csv", L13, rows)
            for name, rows in (("2026-01", january), ("2026-02", february), ("2026-03", march))]


def _samples(tmp_path: Path, files: list[Path], evidence: bool) -> dict[tuple[str, str], list[dict[str, Any]]]:
    out = tmp_path / f"r-{evidence}.json"
    extra = ["--evidence-csv", str(tmp_path / "rows.csv")] if evidence else []
    result = RUNNER.invoke(app, ["audit", *map(str, files), "--agency-state", "CA", "--json", str(out), *extra])
    assert out.exists(), result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    return {(f["check"], f["subject"]): f["evidence"].get("sample_rows", []) for f in report["findings"]}


def test_samples_read_from_the_loaded_rows_are_those_read_from_the_files(tmp_path: Path) -> None:
    files = _months(tmp_path / "logs")
    from_files = _samples(tmp_path, files, evidence=False)
    from_loaded = _samples(tmp_path, files, evidence=True)
    assert from_loaded == from_files
    border = from_files[("audit.federal_searcher", "U.S. Border Patrol")]
    # Row numbers as a spreadsheet shows them: the header is row 1, so March's record at index i is row i + 2.
    assert [(s["file"].rsplit("/", 1)[-1], s["row"], s["ID"]) for s in border] == [
        ("2026-03.csv", 9_002, uid(40_000)), ("2026-03.csv", 9_052, uid(40_001)),
        ("2026-03.csv", 9_102, uid(40_002))]
    immigration = [s for (check, _), rows in from_files.items() if "immigration" in check for s in rows
                   if s["org"] == "Boise ID PD"]
    assert [s["row"] for s in immigration][:3] == [9_502, 9_602, 9_702]
    reproductive = [s for rows in from_files.values() for s in rows if s["reason"] == "abortion clinic vandalism"]
    assert {s["row"] for s in reproductive} == {9_902}
    # The stacked block's second copy (February rows 5,012 and 5,013) is no second sample of the same search.
    uspis = from_files[("audit.federal_searcher", "[Federal] USPIS")]
    assert [(s["file"].rsplit("/", 1)[-1], s["row"], s["ID"]) for s in uspis] == [
        ("2026-02.csv", 5_002, uid(16_001)), ("2026-02.csv", 5_003, uid(16_002)), ("2026-03.csv", 102, uid(43_000))]
