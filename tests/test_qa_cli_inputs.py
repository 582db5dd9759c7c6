"""What a cron job or a consultant passes on the command line that is not a plain export file."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EXAMPLES, ROOT, run_cli


def test_a_snapshot_folder_is_scanned_file_by_file_without_its_manifest(tmp_path: Path) -> None:
    snap = tmp_path / "snap"
    snap.mkdir()
    (snap / "agency.json").write_bytes((EXAMPLES / "pinecrest-ca.json").read_bytes())
    (snap / "sharing.csv").write_text("Name,State,Type\nPhoenix AZ PD,AZ,Police Department\n", encoding="utf-8")
    (snap / "manifest.json").write_text('{"entries": []}', encoding="utf-8")
    (snap / ".sharing.csv.x1y2.tmp").write_text("half a file", encoding="utf-8")
    out = tmp_path / "r.json"
    run = run_cli("scan", snap, "--json", out, "--fail-on", "never")
    assert run.code == 0, run.stderr
    report = json.loads(out.read_text())
    assert [Path(i["path"]).name for i in report["inputs"]] == ["agency.json", "sharing.csv"]
    globbed = run_cli("scan", *sorted(p for p in snap.iterdir() if not p.name.startswith(".")))  # snap/*
    assert globbed.code == 2 and "is the snapshot manifest, not an export" in globbed.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_cli("scan", empty)
    assert run.code == 2 and run.stderr.strip() == f"configscan: error: {empty}: is a folder with no export files in it"


def test_a_symlinked_export_is_read_and_a_broken_link_says_so(tmp_path: Path) -> None:
    link, broken = tmp_path / "latest.json", tmp_path / "gone.json"
    link.symlink_to(EXAMPLES / "pinecrest-ca.json")
    broken.symlink_to(tmp_path / "deleted.json")
    assert run_cli("scan", link, "--fail-on", "never").code == 0
    run = run_cli("scan", broken)
    assert run.code == 2 and run.stderr.strip() == f"configscan: error: {broken}: no such file (broken link)"


def test_an_excel_97_workbook_is_read_like_xlsx(tmp_path: Path) -> None:
    release = ROOT / "tests" / "data" / "readers" / "sharing-release.xls"  # written by xlwt: title, blank, header
    out = tmp_path / "r.json"
    run = run_cli("scan", release, "--agency-name", "Example City Police Department", "--agency-state", "OR",
                  "--fail-on", "never", "--json", out)
    assert run.code == 0, run.stderr
    report = json.loads(out.read_text())
    assert [p["name"] for p in report["partners"]] == ["Salem OR PD", "U.S. Border Patrol"]
    assert report["inputs"][0]["reader"] == "flock-sharing-list"


def test_released_formats_no_reader_takes_say_what_to_do(tmp_path: Path) -> None:
    xls, pdf = tmp_path / "sharing.xls", tmp_path / "LEARN report.pdf"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    run = run_cli("scan", xls, "--agency-name", "Salem PD", "--agency-state", "OR")
    assert run.code == 2 and "not a readable workbook; save it as .xlsx or CSV" in run.stderr and str(xls) in run.stderr
    run = run_cli("scan", pdf, "--agency-name", "Salem PD", "--agency-state", "OR")
    # PDFs are read now (test_pdf_tables); a damaged one is still one line naming the file
    assert run.code == 2 and "not a readable PDF" in run.stderr and str(pdf) in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_forcing_a_format_that_reads_nothing_is_an_error_not_an_empty_export(tmp_path: Path) -> None:
    sharing = tmp_path / "sharing.csv"
    sharing.write_text("Name,State,Type\nSalem OR PD,OR,Police Department\n", encoding="utf-8")
    out = tmp_path / "r.json"
    run = run_cli("scan", sharing, "--format", "flock-users", "--agency-name", "Salem PD", "--agency-state", "OR",
                  "--json", out)
    assert run.code == 2 and not out.exists()
    assert run.stderr.strip() == (f"configscan: error: {sharing}: --format flock-users: "
                                  "nothing in this file fits that format")
    ok = run_cli("scan", sharing, "--format", "flock-sharing-list", "--agency-name", "Salem PD",
                 "--agency-state", "OR", "--fail-on", "never")
    assert ok.code == 0, ok.stderr
