"""A source read more than once (its bytes turn out not to be UTF-8 past the sniffed head, or a cell does not fit
the sampled type) counts once: each read replaces what the previous read of that source left in the groupings."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

from audit_fixtures import L13, l13_row
from typer.testing import CliRunner

from configscan.cli import app

RUNNER = CliRunner()


def _text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(L13)
    writer.writerows(rows)
    return buffer.getvalue()


def _audit(tmp_path: Path, folder: Path) -> dict:
    out = tmp_path / "r.json"
    RUNNER.invoke(app, ["audit", str(folder), "--agency-state", "CA", "--json", str(out)])
    return json.loads(out.read_text(encoding="utf-8"))["audit"]


def _searches(audit: dict) -> dict[str, int]:
    return {o["name"]: o["searches"] for o in audit["orgs"]}


def test_a_second_file_transcoded_after_its_first_read_counts_once(tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.csv").write_text(_text([l13_row(n, "Fresno CA PD", "Robbery") for n in range(50_001, 50_004)]),
                                  encoding="utf-8")
    late = [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, 3001)]
    late += [l13_row(9001, "Cañon City CO PD", "Investigación"), l13_row(9002, "Cañon City CO PD", "Robbery")]
    text = _text(late)
    assert text.index("Cañon") > 256 * 1024  # past the head the encoding is sniffed from: found by the first read
    (folder / "b.csv.gz").write_bytes(gzip.compress(text.encode("cp1252")))
    audit = _audit(tmp_path, folder)
    assert audit["rows_read"] == 3 + 3002
    assert audit["searches"] == 3 + 3002
    assert audit["duplicates_removed"] == 0
    assert _searches(audit) == {"Fresno CA PD": 3003, "Cañon City CO PD": 2}
    assert [f["encoding"] for f in sorted(audit["files"], key=lambda f: f["label"])] == ["utf-8", "windows-1252"]


def test_a_file_read_again_as_text_after_a_cell_misfits_its_type_counts_once(tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "a.csv").write_text(_text([l13_row(n, "Fresno CA PD", "Robbery") for n in range(50_001, 50_004)]),
                                  encoding="utf-8")
    rows = [l13_row(n, "Fresno CA PD", "Robbery") for n in range(1, 3001)]
    rows[-1][L13.index("Total Networks Searched")] = "many"  # past the sampled rows: not an integer
    (folder / "b.csv").write_text(_text(rows), encoding="utf-8")
    audit = _audit(tmp_path, folder)
    assert audit["rows_read"] == 3 + 3000
    assert audit["rows_unreadable"] == 0
    assert _searches(audit) == {"Fresno CA PD": 3003}
