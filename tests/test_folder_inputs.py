"""A folder is read whole or the run says what it left out: every file is read or listed as skipped, a
skipped file that looks like data makes the run incomplete unless excluded, and a snapshot whose manifest
records a failed fetch is incomplete."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from audit_fixtures import network_audit

from configscan.inputs import looks_like_data

from conftest import EXAMPLES, run_cli

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(40)


def _release(tmp_path: Path) -> Path:
    """A records release as it arrives: the audit as CSV, the same audit as a PDF, a cover letter, a logo."""
    folder = tmp_path / "release"
    (folder / "attachments").mkdir(parents=True)
    network_audit(folder / "network-audit.csv")
    (folder / "attachments" / "network-audit-2025.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    (folder / "logo.png").write_bytes(PNG)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (folder / "~$network-audit.xlsx").write_bytes(b"lock")
    return folder


def _report(path: Path) -> dict:
    return json.loads(path.read_text())


def test_audit_folder_with_an_unread_pdf_is_incomplete(tmp_path: Path) -> None:
    folder = _release(tmp_path)
    out = tmp_path / "r.json"
    run = run_cli("audit", folder, "--agency-state", "CA", "--json", out)
    assert run.code == 3
    report = _report(out)
    assert report["summary"]["verdict"] == "incomplete"
    skipped = {Path(s["path"]).name: s for s in report["skipped"]}
    assert set(skipped) == {"network-audit-2025.pdf", "logo.png"}  # hidden and lock files stay quiet
    assert skipped["network-audit-2025.pdf"]["blocking"] and not skipped["logo.png"]["blocking"]
    assert "network-audit-2025.pdf" in run.stderr and "--exclude" in run.stderr
    assert report["audit"]["rows_read"] == 10  # what could be read was read


def test_excluding_the_pdf_gives_the_verdict_of_what_was_read(tmp_path: Path) -> None:
    folder = _release(tmp_path)
    out = tmp_path / "r.json"
    run = run_cli("audit", folder, "--agency-state", "CA", "--json", out, "--exclude", "*.pdf")
    assert run.code == 1, run.stderr
    report = _report(out)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert reasons["network-audit-2025.pdf"] == "excluded by --exclude *.pdf"
    assert not report["errors"]


def test_audit_folder_holding_only_a_pdf_is_never_clean(tmp_path: Path) -> None:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "audit.pdf").write_bytes(b"%PDF-1.4\n")
    run = run_cli("audit", folder, "--agency-state", "CA", "--json", tmp_path / "r.json")
    assert run.code in (2, 3)
    assert "audit.pdf" in run.stderr


def test_scan_folder_lists_what_no_reader_takes(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    shutil.copy(EXAMPLES / "pinecrest-ca.json", folder)
    (folder / "sharing-list.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "notes.dat").write_text("Shared with: Fresno CA PD, Reno NV PD\n", encoding="utf-8")
    out = tmp_path / "r.json"
    run = run_cli("scan", folder, "--json", out)
    assert run.code == 3
    names = {Path(s["path"]).name for s in _report(out)["skipped"] if s["blocking"]}
    assert names == {"sharing-list.pdf", "notes.dat"}  # an unknown extension with text in it is data
    run = run_cli("scan", folder, "--json", out, "--exclude", "sharing-list.pdf", "--exclude", "*.dat")
    assert run.code == 1


def test_a_file_named_outright_that_no_reader_takes_stays_an_input_error(tmp_path: Path) -> None:
    pdf = tmp_path / "sharing-list.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    run = run_cli("scan", pdf, "--json", tmp_path / "r.json")
    assert run.code == 2 and "a PDF" in run.stderr
    assert not (tmp_path / "r.json").exists()


def _snapshot(tmp_path: Path, entries: list[dict]) -> Path:
    folder = tmp_path / "snap"
    folder.mkdir()
    shutil.copy(EXAMPLES / "pinecrest-ca.json", folder / "settings.json")
    manifest = {"format": "configscan/snapshot@1", "source": "portal:pinecrest", "entries": entries}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


_OK = {"url": "https://portal.example/settings.json", "file": "settings.json", "fetched_at": "2026-12-01T02:00:00Z",
       "status": "ok"}


@pytest.mark.parametrize("entry", [
    {"url": "https://portal.example/users.csv", "file": None, "fetched_at": "2026-12-01T02:00:00Z",
     "status": "failed", "error": "https://portal.example/users.csv: HTTP 503 after 4 attempts", "failure": "http"},
    {**_OK, "url": "https://portal.example/settings.json?page=2", "status": "stale",
     "error": "timed out after 30 s", "failure": "timeout"},
])
def test_snapshot_failures_recorded_by_fetch_make_the_scan_incomplete(tmp_path: Path, entry: dict) -> None:
    folder = _snapshot(tmp_path, [_OK, entry])
    run = run_cli("scan", folder, "--json", tmp_path / "r.json")
    assert run.code == 3
    assert entry["error"] in run.stderr
    assert _report(tmp_path / "r.json")["summary"]["verdict"] == "incomplete"


def test_complete_snapshot_scans_as_usual(tmp_path: Path) -> None:
    folder = _snapshot(tmp_path, [_OK])
    run = run_cli("scan", folder, "--json", tmp_path / "r.json")
    assert run.code == 1 and "incomplete" not in run.stderr


def test_what_looks_like_data(tmp_path: Path) -> None:
    cases = {"a.pdf": b"%PDF", "b.xls": b"\xd0\xcf\x11\xe0", "c.ods": b"PK\x03\x04", "d.docx": b"PK\x03\x04",
             "e.json": b"{}", "f.unknown": b"Agency,Shared\nReno NV PD,yes\n", "g.bin": bytes(range(256)),
             "h.png": PNG, "i": "Organización\n".encode("utf-16")}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    verdicts = {name: looks_like_data(tmp_path / name) for name in cases}
    assert [n for n, v in verdicts.items() if not v] == ["g.bin", "h.png"]


def test_a_file_whose_name_holds_a_hash_is_not_taken_for_a_workbook_sheet(tmp_path: Path) -> None:
    """``#`` labels a workbook's sheet (``book.xlsx#March``); a CSV named ``notes#2.csv`` that is not a log is
    a whole file left unread, so the run is incomplete (it was once passed over as if it were a sheet)."""
    folder = tmp_path / "release"
    folder.mkdir()
    network_audit(folder / "network-audit.csv")
    (folder / "notes#2.csv").write_text("Item,Count\nlicences,2\n", encoding="utf-8")
    out = tmp_path / "r.json"
    run = run_cli("audit", folder, "--agency-state", "CA", "--json", out)
    assert run.code == 3, run.stderr
    report = _report(out)
    assert report["summary"]["verdict"] == "incomplete"
    assert any("notes#2.csv: skipped" in e for e in report["errors"])
