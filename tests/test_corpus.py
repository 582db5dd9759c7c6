"""Corpus mode on generated multi-release trees: overlapping releases, UUIDs stripped from some, a redacted
reason recovered from another release, Parquet and CSV mixed, owners judged under their own state's law."""

from __future__ import annotations

import csv
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app

HEADER = ["ID", "Name", "Org Name", "Total Networks Searched", "Time Frame", "License Plate", "Reason", "Case #",
          "Filters", "Search Time", "Search Type", "Text Prompt", "Moderation"]


def _search(i: int, org: str, reason: str, case: str = "") -> list[str]:
    sid = str(uuid.UUID(int=i + 1))
    return [sid, "***", org, str(3 + i % 5), "", "***", reason, case, "", f"03/{1 + i % 27:02d}/2025, {1 + i % 9:02d}:"
            f"{i % 60:02d}:00 PM UTC", "search", "", ""]


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _corpus(tmp: Path) -> tuple[Path, dict[str, list[list[str]]]]:
    """Three releases by three owners (two in California, one in Oregon) sharing searches."""
    shared = [_search(i, f"City{i % 4} CA PD", "stolen vehicle") for i in range(40)]
    shared.append(_search(100, "Fresno CA PD", "ICE detainer", "25-000777"))  # an immigration search
    shared.append(_search(101, "Kent WA PD", "burglary"))  # an out-of-state searcher for California owners
    redacted = [r[:6] + ["[REDACTED]", "***"] + r[8:] if r[0] == str(uuid.UUID(int=101)) else r for r in shared]
    stripped = [[""] + r[1:] for r in shared[:20]]  # UUIDs removed: linked by the loose key
    oakland = shared[:30] + shared[40:] + [_search(200 + i, "Oakland CA PD", "welfare check") for i in range(5)]
    _write_csv(tmp / "oakland" / "2025.csv", oakland)
    _write_csv(tmp / "sanjose" / "march.csv", redacted)
    portland = stripped + [_search(300, "Portland OR PD", "robbery")]
    # the same loose key twice in one release (two searches that second, no IDs): ambiguous, left unlinked
    twin = [""] + shared[25][1:]
    portland += [twin, twin[:6] + ["other twin"] + twin[7:]]
    pq = tmp / "portland" / "audit.parquet"
    pq.parent.mkdir(parents=True, exist_ok=True)
    _write_csv(tmp / "portland.csv", portland)
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{tmp / 'portland.csv'}', all_varchar=true)) TO '{pq}' (FORMAT parquet)")
    (tmp / "portland.csv").unlink()
    digest = hashlib.sha256((tmp / "sanjose" / "march.csv").read_bytes()).hexdigest()
    manifest = tmp / "manifest.csv"
    manifest.write_text(
        "release,path,agency,state,request_url,sha256\n"
        "oakland-2025,oakland/2025.csv,Oakland Police Department,CA,https://example.org/r/1,\n"
        f"sanjose-2025,sanjose/march.csv,San Jose Police Department,CA,https://example.org/r/2,{digest}\n"
        "portland-2025,portland/audit.parquet,Portland Police Bureau,OR,https://example.org/r/3,\n", encoding="utf-8")
    return manifest, {"oakland": oakland, "sanjose": redacted, "portland": portland}


def _run(args: list[str]) -> tuple[int, str]:
    _mount_subcommands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def test_corpus_links_releases_recovers_reasons_and_judges_each_owner(tmp_path: Path) -> None:
    manifest, releases = _corpus(tmp_path)
    out, evidence = tmp_path / "out", tmp_path / "evidence.csv"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "--evidence-csv", str(evidence), "-q"])
    assert code == 1, output  # findings (the immigration search, out-of-state searchers)
    data = json.loads((out / "corpus.json").read_text())
    tiers = data["deduplication"]
    rows = sum(len(r) for r in releases.values())
    assert tiers["rows"] == rows
    # distinct: 42 shared + 5 Oakland-only + 1 Portland-only + the two ambiguous twins (each its own search)
    assert tiers["searches"] == 42 + 5 + 1 + 2
    assert tiers["linked_by_loose_key"] == 20 and tiers["ambiguous_unlinked"] == 2
    assert tiers["linked_by_id"] == rows - 20 - 2 - tiers["searches"] + 2
    assert tiers["reasons_recovered"] == 1 and tiers["cases_recovered"] == 1
    owners = {o["agency"]: o for o in data["owners"]}
    assert owners["Oakland Police Department"]["searches"] == 37
    assert owners["San Jose Police Department"]["searches"] == 42
    assert owners["Portland Police Bureau"]["state"] == "OR"
    # the Washington searcher is out of state for the California owners
    assert owners["San Jose Police Department"]["by_searcher"].get("out_of_state", 0) >= 1
    # San Jose's copy of the ICE search had its reason redacted: recovered from Oakland's release
    assert owners["San Jose Police Department"]["by_category"].get("immigration_purpose") == 1
    with evidence.open(encoding="utf-8") as handle:
        ev = list(csv.DictReader(handle))
    ice = [r for r in ev if r["search"] == str(uuid.UUID(int=101))]
    sj = [r for r in ice if r["release"] == "sanjose-2025"]
    assert sj and sj[0]["reason"] == "ICE detainer" and sj[0]["reason_from_release"] == "oakland-2025"
    assert sj[0]["case_from_release"] == "oakland-2025" and sj[0]["case"] == "25-000777"
    assert sj[0]["sha256"] == hashlib.sha256((tmp_path / "sanjose" / "march.csv").read_bytes()).hexdigest()
    assert sj[0]["row"] == str(1 + [r[0] for r in releases["sanjose"]].index(str(uuid.UUID(int=101))) + 1)
    assert sj[0]["request_url"] == "https://example.org/r/2"
    index = (out / "index.csv").read_text().splitlines()
    assert index[0].startswith("owner,state,releases,searches") and len(index) == 4


def test_a_changed_file_is_an_input_error(tmp_path: Path) -> None:
    manifest, _ = _corpus(tmp_path)
    with (tmp_path / "sanjose" / "march.csv").open("a", encoding="utf-8") as handle:
        handle.write(",".join(_search(999, "X CA PD", "theft")) + "\n")
    code, output = _run(["corpus", str(manifest), "--out", str(tmp_path / "out")])
    assert code == 2 and "SHA-256" in output


def test_folder_tree_without_manifest_needs_state_and_reads_each_folder_as_a_release(tmp_path: Path) -> None:
    _corpus(tmp_path)
    (tmp_path / "manifest.csv").unlink()
    code, output = _run(["corpus", str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == 2 and "--state" in output
    code, output = _run(["corpus", str(tmp_path), "--out", str(tmp_path / "out"), "--state", "CA", "-q"])
    data = json.loads((tmp_path / "out" / "corpus.json").read_text())
    assert [r["name"] for r in data["releases"]] == ["oakland", "portland", "sanjose"]
    assert data["deduplication"]["searches"] == 50


def test_a_release_read_short_makes_the_corpus_incomplete_and_evidence_is_staged(tmp_path: Path) -> None:
    """The same independent count as ``audit``: a quote left open swallows the rest of a release, which the
    engine does not say; the run is incomplete, and the evidence file appears whole or not at all."""
    rows = [_search(i, f"City{i % 4} CA PD", "ICE hold" if i % 7 == 0 else "burglary") for i in range(30)]
    _write_csv(tmp_path / "fresno" / "2025.csv", rows)
    log = tmp_path / "fresno" / "2025.csv"
    tail = "\n".join(",".join(_search(100 + i, "Kent WA PD", "theft"))[:-2] for i in range(10))
    log.write_text(log.read_text() + f'{uuid.UUID(int=99)},***,Reno NV PD,3,,***,"stolen car\n{tail}\n')
    (tmp_path / "manifest.csv").write_text("release,path,agency,state,request_url,sha256\n"
                                           "fresno-2025,fresno/2025.csv,Fresno Police Department,CA,,\n")
    _mount_subcommands()
    out, rows_csv = tmp_path / "out", tmp_path / "out" / "rows.csv"
    result = CliRunner().invoke(app, ["corpus", str(tmp_path / "manifest.csv"), "--out", str(out),
                                      "--evidence-csv", str(rows_csv)])
    assert result.exit_code == 3, result.stderr
    assert "never closes" in result.stderr
    assert rows_csv.exists() and rows_csv.read_text().count("\n") > 1
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging file left beside it


def _national(tmp_path: Path, agency: str, name: str = "national.parquet") -> dict[str, Any]:
    """Run the corpus on tmp_path/``name`` as one California release by ``agency``; its corpus.json."""
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("release,path,agency,state,request_url,sha256\n"
                        f"national,{name},{agency},CA,,\n", encoding="utf-8")
    code, output = _run(["corpus", str(manifest), "--out", str(tmp_path / "out")])
    assert code in (0, 1), output
    report: dict[str, Any] = json.loads((tmp_path / "out" / "corpus.json").read_text(encoding="utf-8"))
    return report

@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_a_file_gathering_many_releases_names_each_rows_owner(tmp_path: Path, kind: str) -> None:
    """A national-corpus file (Parquet or CSV): one row per search with the camera owner and its state in
    columns. Each row is judged under its owner's state; the manifest's agency owns only rows that name none."""
    rows = [(str(uuid.UUID(int=i + 1)), "Kent WA PD", "Oakland Police Department", "CA", 5, "burglary")
            for i in range(6)]
    rows += [(str(uuid.UUID(int=i + 100)), "Kent WA PD", "Seattle Police Department", "wa", 5, "burglary")
             for i in range(4)]
    rows += [(str(uuid.UUID(int=500)), "Fresno CA PD", None, None, 5, "ICE detainer")]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (id VARCHAR, agency VARCHAR, owner VARCHAR, owner_state VARCHAR, networks INTEGER, "
                "reason VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", rows)
    path = tmp_path / f"national.{kind}"
    con.execute(f"COPY (SELECT *, TIMESTAMP '2025-03-01 12:00:00' + INTERVAL (rowid) MINUTE AS searched_at FROM t) "
                f"TO '{path}' (FORMAT {kind})")
    report = _national(tmp_path, "Fresno Police Department", path.name)
    owners = {(o["agency"], o["state"]): o for o in report["owners"]}
    assert set(owners) == {("Oakland Police Department", "CA"), ("Seattle Police Department", "WA"),
                           ("Fresno Police Department", "CA")}
    assert owners[("Oakland Police Department", "CA")]["searches"] == 6
    assert owners[("Seattle Police Department", "WA")]["searches"] == 4
    assert owners[("Fresno Police Department", "CA")]["searches"] == 1
    # Kent WA PD is out of state for the California owner, in state for the Washington one
    assert owners[("Oakland Police Department", "CA")]["by_searcher"].get("out_of_state") == 6
    assert owners[("Seattle Police Department", "WA")]["by_searcher"].get("in_state") == 4
    assert all(o["releases"] == ["national"] for o in owners.values())


def test_a_national_file_whose_rows_all_name_their_owner_leaves_the_manifest_agency_out(tmp_path: Path) -> None:
    con = duckdb.connect()
    pq = tmp_path / "national.parquet"
    con.execute(f"""COPY (SELECT uuid()::VARCHAR AS id, 'Kent WA PD' AS agency, 'Owner' || (i % 3) || ' PD' AS owner,
                                 'OR' AS owner_state, 5 AS networks, 'theft' AS reason,
                                 TIMESTAMP '2025-03-01' + INTERVAL (i) MINUTE AS searched_at
                          FROM range(30) t(i)) TO '{pq}' (FORMAT parquet)""")
    report = _national(tmp_path, "National corpus")
    assert sorted(o["agency"] for o in report["owners"]) == ["Owner0 PD", "Owner1 PD", "Owner2 PD"]
    assert all(o["searches"] == 10 and o["state"] == "OR" for o in report["owners"])
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "National corpus (each row names its owner)" in index


def test_corpus_evidence_neutralises_formula_cells_and_keeps_numbers(tmp_path: Path) -> None:
    rows = [_search(1, "=HYPERLINK(\"http://x\")", "=ICE detainer"), _search(2, "Kent WA PD", "@SUM(1) burglary")]
    _write_csv(tmp_path / "fresno" / "2025.csv", rows)
    evidence = tmp_path / "evidence.csv"
    code, output = _run(["corpus", str(tmp_path), "--state", "CA", "--out", str(tmp_path / "out"),
                         "--evidence-csv", str(evidence), "-q"])
    assert code in (0, 1), output
    with evidence.open(encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    by_reason = {r["reason"]: r for r in written}
    assert "'=ICE detainer" in by_reason and "=ICE detainer" not in by_reason
    assert by_reason["'=ICE detainer"]["searcher"] == "'=HYPERLINK(\"http://x\")"
    assert "'@SUM(1) burglary" in by_reason  # an out-of-state searcher's row
    assert all(r["row"].isdigit() and r["networks"].isdigit() for r in written)


def _keyed_by_number_and_by_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str,
                                 module: str = "owners") -> list[tuple[Any, Any, dict[str, str], str]]:
    """The corpus run twice, with ``<module>.<keys>`` (a key maker taking ``numbered``) keying by hash, then by
    number: each run's owners, de-duplication figures, pages and evidence CSV."""
    import importlib

    keyed = importlib.import_module(f"configscan.corpus.{module}")
    manifest, _ = _corpus(tmp_path)
    results = []
    real = getattr(keyed, keys)
    for numbered in (False, True):
        monkeypatch.setattr(keyed, keys, lambda con, n=numbered: real(con, numbered=n))
        out, evidence = tmp_path / f"out{numbered}", tmp_path / f"evidence{numbered}.csv"
        code, output = _run(["corpus", str(manifest), "--out", str(out), "--evidence-csv", str(evidence), "-q"])
        assert code == 1, output
        data = json.loads((out / "corpus.json").read_text())
        pages = {p.name: p.read_text() for p in (out / "owners").iterdir()}
        results.append((data["owners"], data["deduplication"], pages, evidence.read_text()))
    return results


def test_reasons_keyed_by_number_after_a_hash_collision_give_the_same_corpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should two reason texts share a hash, the corpus numbers the texts and joins rows on them: the same
    figures, findings and evidence as keyed by hash."""
    results = [(o, d, e) for o, d, _, e in _keyed_by_number_and_by_hash(tmp_path, monkeypatch, "_reason_keys")]
    assert results[0] == results[1]
    assert any(o["by_category"].get("immigration_purpose") for o in results[0][0])


def test_evidence_names_file_and_sheet_when_file_names_hold_a_hash(tmp_path: Path) -> None:
    """A workbook ``log#1.xlsx`` with the sheet ``Log#A`` and a CSV ``march#2.csv``: the evidence splits file
    and sheet where the reader knows them, not at the first or last ``#`` of the label."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Log#A"
    sheet.append(HEADER)
    sheet.append(_search(1, "Fresno CA PD", "ICE detainer"))
    (tmp_path / "fresno").mkdir()
    book.save(tmp_path / "fresno" / "log#1.xlsx")
    _write_csv(tmp_path / "fresno" / "march#2.csv", [_search(2, "Kent WA PD", "ICE detainer")])
    evidence = tmp_path / "evidence.csv"
    code, output = _run(["corpus", str(tmp_path), "--state", "CA", "--out", str(tmp_path / "out"),
                         "--evidence-csv", str(evidence), "-q"])
    assert code == 1, output
    with evidence.open(encoding="utf-8") as handle:
        places = {(Path(r["file"]).name, r["sheet"], r["row"]) for r in csv.DictReader(handle)}
    assert places == {("log#1.xlsx", "Log#A", "2"), ("march#2.csv", "", "2")}


def test_a_run_that_fails_midway_leaves_the_previous_outputs_whole(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Owners are written as they come (a national corpus's findings are never all held), yet a run that fails
    after some owners leaves the previous run's report and pages as they were, with nothing staged left over."""
    from configscan.corpus import html

    manifest, _ = _corpus(tmp_path)
    out = tmp_path / "out"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
    assert code == 1, output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert len([p for p in before if p.parts[0] == "owners"]) == 3
    (out / "owners" / "stale-page.html").write_text("from an older run")  # replaced with the folder
    written: list[str] = []
    real = html.render_owner

    def failing(page: html.Page, *args: Any) -> str:
        written.append(page.slug)
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        return real(page, *args)

    monkeypatch.setattr(html, "render_owner", failing)
    # another date: every page it would write differs from the previous run's
    code, output = _run(["corpus", str(manifest), "--out", str(out), "--as-of", "2026-01-02", "-q"])
    assert code != 0 and len(written) == 2
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {k: v for k, v in after.items() if k.name != "stale-page.html"} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    monkeypatch.setattr(html, "render_owner", real)
    code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
    assert code == 1 and not (out / "owners" / "stale-page.html").exists()  # the pages of this run only
    pages = sorted(p.name for p in before if p.parts[0] == "owners")
    assert sorted(p.name for p in (out / "owners").iterdir()) == pages


def test_owners_facts_read_a_span_of_owners_at_a_time_give_the_same_corpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A national corpus's owners' facts are read a span of owners at a time (bounded memory); spans of one
    owner each give the same owners, figures and findings as one span."""
    from configscan.corpus import named

    manifest, _ = _corpus(tmp_path)
    reports = []
    for rows in (1_000_000, 1):
        monkeypatch.setattr(named, "SPAN_ROWS", rows)
        out = tmp_path / f"out{rows}"
        code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
        assert code == 1, output
        reports.append(json.loads((out / "corpus.json").read_text())["owners"])
    assert len(reports[0]) == 3 and all(o["findings"] for o in reports[0])
    assert reports[0] == reports[1]


def test_a_corpus_larger_than_the_engines_memory_is_one_line_and_leaves_the_outputs_whole(tmp_path: Path) -> None:
    """A step the engine cannot spill to disk fails the run on the memory it was given (a real out-of-memory,
    at a limit far below the corpus): exit 3 with one line naming the limit and the way out, and the previous
    run's outputs byte for byte as they were; a limit that is no amount of memory is a usage error."""
    manifest, _ = _corpus(tmp_path)
    out = tmp_path / "out"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "--memory-limit", "256MB", "-q"])
    assert code == 1, output
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    code, output = _run(["corpus", str(manifest), "--out", str(out), "--as-of", "2026-01-02", "--memory-limit",
                         "4MB"])
    assert code == 3
    assert output.splitlines() == [output.strip()] and output.startswith(
        "configscan: incomplete: the engine ran out of its 4MB (Out of Memory Error:")
    assert output.strip().endswith("run again with a larger --memory-limit")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    code, output = _run(["corpus", str(manifest), "--out", str(out), "--memory-limit", "lots"])
    assert code == 2 and "--memory-limit 'lots' is not an amount of memory" in output


def test_rows_dropped_after_the_owners_searches_give_the_same_corpus(tmp_path: Path) -> None:
    """Without an evidence CSV the released rows and searches are let go once each owner's searches are taken
    (a national corpus's memory); the owners, figures, findings and pages are those of a run that keeps them."""
    manifest, _ = _corpus(tmp_path)
    results = []
    for evidence in (["--evidence-csv", str(tmp_path / "evidence.csv")], []):
        out = tmp_path / f"out{len(evidence)}"
        code, output = _run(["corpus", str(manifest), "--out", str(out), "-q", *evidence])
        assert code == 1, output
        data = json.loads((out / "corpus.json").read_text())
        pages = {p.name: p.read_text() for p in (out / "owners").iterdir()}
        results.append((data["owners"], data["deduplication"], pages))
    assert results[0] == results[1]
    assert any(o["by_category"].get("immigration_purpose") for o in results[0][0])
    assert len(results[0][2]) == 3


def test_a_reason_left_without_a_class_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Owners' searches are grouped by reason class: a reason the classification left without one would be
    counted as "other" unseen, so the run fails instead, leaving no report."""
    from configscan.audit.passes import reason_sql

    manifest, _ = _corpus(tmp_path)
    real = reason_sql.classify

    def losing(con: Any, work: Path, relation: str = "reason_text") -> dict[str | None, str]:
        found = real(con, work, relation)
        gone = con.execute("DELETE FROM reason_class WHERE hr IN "
                           "(SELECT hr FROM reason_text WHERE reason = 'ICE detainer')").fetchone()
        assert gone == (1,)
        return found

    monkeypatch.setattr(reason_sql, "classify", losing)
    out = tmp_path / "out"
    _mount_subcommands()
    result = CliRunner().invoke(app, ["corpus", str(manifest), "--out", str(out), "-q"])
    assert isinstance(result.exception, RuntimeError) and "has no class" in str(result.exception)
    assert not (out / "corpus.json").exists()


@pytest.mark.parametrize("mask", [True, False])
def test_an_owners_searcher_is_active_in_the_months_it_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                mask: bool) -> None:
    """A searcher's months active (in its finding's evidence) count the months it searched in, counted per
    (owner, searcher) from a mask of months or, where the searches span more months than the mask holds, from
    its months grouped first: the same figures either way."""
    from configscan.corpus import groups

    if not mask:
        monkeypatch.setattr(groups, "_MAX_MONTH_BITS", -1)
    rows = []
    for i, (month, day) in enumerate([(1, 3), (1, 20), (4, 2), (6, 30), (6, 1)]):
        row = _search(i, "U.S. Border Patrol", "stolen vehicle")
        row[9] = f"{month:02d}/{day:02d}/2025, 10:00:00 AM UTC"
        rows.append(row)
    rows.append(_search(9, "Oakland CA PD", "burglary"))
    blank = _search(10, "U.S. Border Patrol", "robbery")
    blank[9] = ""  # no time: counted, in no month
    rows.append(blank)
    _write_csv(tmp_path / "oakland" / "2025.csv", rows)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("release,path,agency,state,request_url,sha256\n"
                        "oakland-2025,oakland/2025.csv,Oakland Police Department,CA,,\n", encoding="utf-8")
    out = tmp_path / "out"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
    assert code == 1, output
    [owner] = json.loads((out / "corpus.json").read_text())["owners"]
    federal = [f["evidence"] for f in owner["findings"] if f["check"] == "audit.federal_searcher"]
    assert federal and all(e["months_active"] == 3 and e["searches"] == 6 for e in federal)


def test_searchers_keyed_by_number_after_a_hash_collision_give_the_same_corpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should two searcher names share a hash, the owners' tables number the names and join rows on them: the
    same figures, findings, pages and evidence as keyed by hash."""
    results = _keyed_by_number_and_by_hash(tmp_path, monkeypatch, "_org_keys", "groups")
    assert results[0] == results[1]
    assert any(o["by_searcher"].get("out_of_state") for o in results[0][0])


def test_a_copys_place_beyond_the_order_key_fails_instead_of_misreading_the_first_copy() -> None:
    """A copy's place (file, row) is packed in one 64-bit number for the grouping; a corpus beyond it (4 M files
    or a file of 10^12 rows) fails the run rather than letting two places compare wrongly."""
    from configscan.corpus import dedup, load

    con = duckdb.connect()
    con.execute(load._TABLE)
    fits = ("(0, 0, 2, NULL, 'id-1', 'Kent WA PD', 'burglary', NULL, TIMESTAMP '2025-03-01 12:00:00', 3, "
            "NULL, NULL, NULL)")
    con.execute(f"INSERT INTO crow VALUES {fits}, {fits.replace('(0, 0, 2,', '(1, 1, 2,')}")
    assert dedup.link(con, 2, 2, provenance=False).linked_by_id == 1
    for files, last_row in ((2, 1 << 40), ((1 << 22) + 1, 2)):
        with pytest.raises(RuntimeError, match="more than a copy's order holds"):
            dedup.link(con, files, last_row)


def test_the_load_knows_the_largest_row_number_the_order_key_must_hold(tmp_path: Path) -> None:
    """The guard above is given the load's own figure: the largest row number of any file, CSV or Parquet."""
    from configscan.audit.passes import engine
    from configscan.corpus import load, manifest

    path, _ = _corpus(tmp_path)
    (tmp_path / "work").mkdir()
    con = engine.connect(tmp_path / "work")
    loaded = load.load(con, manifest.load(path, None), tmp_path / "work")
    assert len(loaded.sources) == 3 and not loaded.errors
    assert loaded.last_row == con.execute("SELECT max(row) FROM crow").fetchone()[0]


@pytest.mark.parametrize("id_type", ["UUID", "VARCHAR"])
def test_a_parquet_release_with_typed_ids_links_to_a_csv_release_by_id(tmp_path: Path, id_type: str) -> None:
    """A Parquet file may type its ID column as UUID (read as it is) or text (parsed): either way its searches
    link by ID to the same searches released as CSV, and a row without an ID falls to the loose key."""
    shared = [_search(i, f"City{i % 3} CA PD", "stolen vehicle") for i in range(12)]
    _write_csv(tmp_path / "a" / "log.csv", shared)
    rows = [_search(i, f"City{i % 3} CA PD", "stolen vehicle") for i in range(12)]
    rows[0][0] = ""  # no ID: linked by organisation, time and networks
    _write_csv(tmp_path / "b.csv", rows)
    pq = tmp_path / "b" / "log.parquet"
    pq.parent.mkdir()
    duckdb.sql(f"""COPY (SELECT * REPLACE (TRY_CAST(nullif("ID", '') AS {id_type}) AS "ID")
                          FROM read_csv('{tmp_path / "b.csv"}', all_varchar=true)) TO '{pq}' (FORMAT parquet)""")
    assert duckdb.sql(f"DESCRIBE SELECT \"ID\" FROM '{pq}'").fetchall()[0][1] == id_type
    (tmp_path / "manifest.csv").write_text(
        "release,path,agency,state,request_url,sha256\n"
        "a,a/log.csv,Oakland Police Department,CA,,\nb,b/log.parquet,Oakland Police Department,CA,,\n",
        encoding="utf-8")
    code, output = _run(["corpus", str(tmp_path / "manifest.csv"), "--out", str(tmp_path / "out"), "-q"])
    assert code in (0, 1), output
    tiers = json.loads((tmp_path / "out" / "corpus.json").read_text())["deduplication"]
    assert (tiers["rows"], tiers["searches"], tiers["linked_by_id"], tiers["linked_by_loose_key"]) == (24, 12, 11, 1)
