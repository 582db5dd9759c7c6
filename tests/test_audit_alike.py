"""Monthly files of one export read together (``audit/passes/alike.py``): the same report as each file read on
its own, no second read of IDs when none repeats, and a file that needs its own settings read on its own."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from audit_fixtures import L13, l13_row, uid, write_csv
from typer.testing import CliRunner

from configscan.audit.passes import alike, dedup
from configscan.cli import _mount_subcommands, app

_mount_subcommands()
RUNNER = CliRunner()
MONTHS = ("01/14/2026, 09:00:00 AM UTC", "02/14/2026, 09:00:00 AM UTC", "03/14/2026, 09:00:00 AM UTC")
ORGS = ("Fresno CA PD", "Auburn WA PD", "U.S. Border Patrol", "Ada County ID SO", "***")
REASONS = ("Robbery", "ICE hold", "investigation", "Motor Vehicle Theft/Stolen", "", "abortion clinic vandalism")


def _month(folder: Path, index: int, first: int, count: int, extra: list[list[str]] = ()) -> Path:  # type: ignore[assignment]
    """One month of a CA agency's network audit: mixed searchers, reasons and reach, IDs from ``first``."""
    rows = [l13_row(n, ORGS[n % len(ORGS)], REASONS[n % len(REASONS)], networks=300 + (n * 397) % 3200,
                    when=MONTHS[index % len(MONTHS)]) for n in range(first, first + count)]
    return write_csv(folder / f"2026-{index + 1:02d}.csv", L13, rows + list(extra))


def _audit(out: Path, folder: Path) -> tuple[int, dict[str, Any], list[dict[str, str]]]:
    """Audit ``folder`` into ``out`` (emptied first: two runs compared write to the same paths)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    result = RUNNER.invoke(app, ["audit", str(folder), "--agency-state", "CA", "--json", str(out / "r.json"),
                                 "--evidence-csv", str(out / "rows.csv")])
    with (out / "rows.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    report = json.loads((out / "r.json").read_text())
    for volatile in ("scanned_at", "seconds"):
        report.pop(volatile, None)
        report["audit"].pop(volatile, None)
    return result.exit_code, report, rows


class _Spy:
    """Records what the read together returned and whether IDs were read a second time."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.together: list[int] = []  # how many sources each read together read
        self.id_reads = 0
        load, read_ids = alike.load, dedup.read_ids

        def spied_load(*args: Any) -> Any:
            got = load(*args)
            self.together.append(len(got))
            return got

        def spied_ids(*args: Any) -> None:
            self.id_reads += 1
            read_ids(*args)

        monkeypatch.setattr(alike, "load", spied_load)
        monkeypatch.setattr(dedup, "read_ids", spied_ids)


def _alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every source in a group of its own: each file read on its own, as before reads together."""
    monkeypatch.setattr(alike, "groups", lambda scans: [[s] for s in scans])


@pytest.mark.parametrize(("overlap", "header", "inside"), [
    (False, False, False), (True, False, False), (False, True, False), (False, False, True)],
    ids=["distinct-ids", "overlapping-months", "a-repeated-header", "a-copy-inside-the-first-file"])
def test_files_read_together_give_the_report_each_file_read_alone_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, overlap: bool, header: bool, inside: bool) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    immigration = l13_row(900, "Fresno CA PD", "ICE+ERO", networks=2900, when=MONTHS[0])
    # A header row pasted in again does not fit the typed columns: January is then read on its own. A search
    # January holds twice is subtracted from the rows all three files' read keeps under January's source.
    extra = [L13, immigration] if header else [immigration, immigration] if inside else [immigration]
    _month(folder, 0, 1, 40, extra=extra)
    _month(folder, 1, 35 if overlap else 41, 40)  # overlapping: IDs 35-40 were released in January too
    _month(folder, 2, 81, 40, extra=[[""] * len(L13)])  # a formatted-but-empty row: the exact blank test
    spy = _Spy(monkeypatch)
    code, together, rows = _audit(tmp_path / "out", folder)
    assert spy.together == [2 if header else 3]
    assert spy.id_reads == (1 if overlap or header or inside else 0)  # one read of all, no ID twice: none
    audit = together["audit"]
    assert [f["header_repeats"] for f in audit["files"]] == [int(header), 0, 0]
    assert [f["blank_rows"] for f in audit["files"]] == [0, 0, 1]
    assert audit["duplicates_removed"] == (6 if overlap else 1 if inside else 0)
    assert audit["rows_read"] == 121 + inside
    assert audit["searches"] == 121 - (6 if overlap else 0)
    assert next(r for r in audit["reasons"] if r["reason"] == "ICE+ERO")["searches"] == 1
    with monkeypatch.context() as patch:
        _alone(patch)
        code_alone, alone, rows_alone = _audit(tmp_path / "out", folder)
    assert (code, together) == (code_alone, alone)
    assert rows == rows_alone  # the evidence CSV too, row for row and in file order
    assert uid(900) in {r["ID"] for r in rows if r["category"] == "immigration_purpose"}


def test_a_rejected_row_sends_the_files_back_to_reading_one_by_one(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    _month(folder, 0, 1, 30)
    broken = _month(folder, 1, 31, 30)
    with broken.open("a", encoding="utf-8", newline="") as handle:
        handle.write("broken,row,with,too,many,columns,a,b,c,d,e,f,g,h,i,j\r\n")
    _month(folder, 2, 61, 30)
    spy = _Spy(monkeypatch)
    code, report, _ = _audit(tmp_path / "out", folder)
    assert spy.together == [2]  # January and March; February on its own
    assert code == 3 and report["summary"]["verdict"] == "incomplete"
    assert [f["rows_unreadable"] for f in report["audit"]["files"]] == [0, 1, 0]
    assert [e for e in report["errors"] if "could not be read" in e] == [
        f"{broken}: 1 row(s) could not be read (first at line 32)"]
    assert report["audit"]["searches"] == 90


def test_files_whose_cells_do_not_fit_the_others_types_are_read_apart_and_repeats_found_across(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Months whose sampled IDs are not UUIDs are not read like the others (their reads differ): two reads
    together, each looking for repeats only among its own files, so the IDs of all are read to find a search
    released in both kinds."""
    folder = tmp_path / "logs"
    folder.mkdir()
    _month(folder, 0, 1, 30)
    _month(folder, 1, 31, 30)
    for index, first in ((2, 61), (3, 91)):
        odd = [[f"A-{n}", *l13_row(n, "Fresno CA PD", "Robbery", when=MONTHS[2])[1:]] for n in range(first, first + 30)]
        repeat = [l13_row(31, "Fresno CA PD", "Robbery", when=MONTHS[2])] if index == 3 else []
        write_csv(folder / f"2026-{index + 1:02d}.csv", L13, [*odd, *repeat])
    spy = _Spy(monkeypatch)
    _, report, _ = _audit(tmp_path / "out", folder)
    assert spy.together == [2, 2]  # January and February; March and April
    assert spy.id_reads == 1
    assert report["audit"]["duplicates_removed"] == 1  # ID 31, released in February and again in April
    assert report["audit"]["searches"] == 120


def test_evidence_written_in_pieces_at_once_is_the_file_written_whole(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A large source's evidence is written as consecutive pieces, several at once, then joined: the same bytes
    as one piece per source, header once, rows in file order across the files."""
    from configscan.audit.passes import engine, evidence

    folder = tmp_path / "logs"
    folder.mkdir()
    for index in range(3):
        _month(folder, index, 1 + 40 * index, 40)
    _alone(monkeypatch)  # each file its own source, so pieces are numbered on across sources
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 3)  # three engine threads, on any machine
    written: list[int] = []
    real = evidence._write_pieces

    def counted(con: Any, scan: Any, bounds: list[tuple[int, int]], paths: list[Path], header: bool) -> int:
        written.append(len(paths))
        return real(con, scan, bounds, paths, header)

    monkeypatch.setattr(evidence, "_write_pieces", counted)
    whole = tmp_path / "whole"
    _audit(whole, folder)
    monkeypatch.setattr(evidence, "PIECE_ROWS", 7)
    pieces = tmp_path / "pieces"
    code, _, rows = _audit(pieces, folder)
    assert written == [1, 1, 1, 3, 3, 3]
    assert (pieces / "rows.csv").read_bytes() == (whole / "rows.csv").read_bytes()
    assert (pieces / "rows.csv").read_text().count("file,row,ID") == 1
    places = [(r["file"], int(r["row"])) for r in rows]
    assert places == sorted(places) and len({f for f, _ in places}) == 3
    assert not [p.name for p in pieces.iterdir() if p.name not in ("r.json", "rows.csv")]  # no piece left over
