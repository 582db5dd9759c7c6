"""The corpus's printable pages (OUT/index.html, OUT/owners/<slug>.html) on generated multi-release trees:
the index has every owner with the figures of index.csv and the de-duplication tiers of corpus.json, owner
pages show their searchers, categories and findings, release text is escaped, and a run that left anything
unread says INCOMPLETE on every page."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from browser import Browser, chromium
from htmldoc import Doc, parse
from test_corpus import _corpus, _run, _search, _write_csv

from configscan.corpus.html import pages_of
from configscan.corpus.owners import Owner

HOSTILE = "<img src=x onerror=alert(1)>"


def _href_targets(doc: Doc) -> list[str]:
    return [str(a["href"]) for tag, a in doc.tags if tag == "a" and a.get("href")]


def _text(doc: Doc) -> str:
    return " ".join(" ".join(doc.text).split())


def test_index_lists_every_owner_worst_first_with_the_csv_figures_and_the_tiers(tmp_path: Path) -> None:
    manifest, _ = _corpus(tmp_path)
    out = tmp_path / "out"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
    assert code == 1, output
    data = json.loads((out / "corpus.json").read_text())
    doc = parse(out / "index.html")
    with (out / "index.csv").open(encoding="utf-8") as handle:
        index = list(csv.reader(handle))
    table = doc.tables["owner-table"]
    assert len(table) == 1 + 3
    # the same owners, in the same (worst-first) order, with the same figures as index.csv
    assert [[c.replace(",", "") for c in row] for row in table[1:]] == index[1:]
    assert [row[0] for row in table[1:]] == ["Oakland Police Department", "San Jose Police Department",
                                             "Portland Police Bureau"]
    oakland, _, portland = table[1:]
    assert oakland[3] == "37" and oakland[-1] == "critical" and oakland[7] == "1"  # immigration-purpose search
    assert portland[1] == "OR" and portland[6] == "22" and portland[-1] == "high"  # Californian searchers
    tiers = {row[0]: int(row[1].replace(",", "")) for row in doc.tables["tiers"]}
    dedup = data["deduplication"]
    assert tiers["Rows"] == dedup["rows"] == 102 and tiers["Distinct searches"] == dedup["searches"] == 50
    assert tiers["Rows linked by ID"] == dedup["linked_by_id"]
    assert tiers["Rows linked by loose key"] == dedup["linked_by_loose_key"] == 20
    assert tiers["Ambiguous, left unlinked"] == dedup["ambiguous_unlinked"] == 2
    assert tiers["Releases"] == 3 and tiers["Files and sheets read"] == 3
    assert "INCOMPLETE" not in _text(doc) and not [a for t, a in doc.tags if a.get("id") == "incomplete"]
    assert "Not legal advice." in _text(doc)
    # each owner row links to a page that was written; the request URLs are links
    pages = [h for h in _href_targets(doc) if h.startswith("owners/")]
    assert len(set(pages)) == 3 and all((out / h).is_file() for h in pages)
    assert "https://example.org/r/2" in _href_targets(doc)
    # complete without JavaScript; the one script is the sort script the CSP allows by hash
    assert [t for t, _ in doc.tags if t == "script"] == ["script"]
    csp = next(a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp and re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+';", csp)


def test_owner_pages_show_releases_searchers_categories_and_findings(tmp_path: Path) -> None:
    manifest, _ = _corpus(tmp_path)
    out = tmp_path / "out"
    _run(["corpus", str(manifest), "--out", str(out), "-q"])
    data = json.loads((out / "corpus.json").read_text())
    owners = {o["agency"]: o for o in data["owners"]}
    index = parse(out / "index.html")
    link = {row[0]: h for row, h in zip(index.tables["owner-table"][1:],
                                        [h for h in _href_targets(index) if h.startswith("owners/")], strict=False)}
    sj = parse(out / link["San Jose Police Department"])
    text = _text(sj)
    assert "Camera owner: San Jose Police Department" in text and "sanjose-2025" in text
    assert "https://example.org/r/2" in _href_targets(sj) and "../index.html" in _href_targets(sj)
    searchers = {row[0]: int(row[1]) for row in sj.tables["searcher-table"][1:]}
    assert searchers == {k.replace("_", " "): v for k, v in owners["San Jose Police Department"]["by_searcher"].items()}
    assert searchers["out of state"] == 1
    categories = {row[0]: int(row[1]) for row in sj.tables["category-table"][1:]}
    assert categories["immigration purpose"] == 1 and sum(categories.values()) == 42
    cards = [a for t, a in sj.tags if t == "article" and "finding" in (a.get("class") or "")]
    expected = {(f["check"], f["severity"], f["outcome"]) for f in owners["San Jose Police Department"]["findings"]}
    assert {(a["data-check"], a["data-severity"], a["data-outcome"]) for a in cards} == expected
    assert ("audit.immigration_reason", "critical", "fail") in expected
    assert "Cal. Gov. Code § 7284.6 (SB 54, California Values Act)" in text  # the citation, linked to its source
    assert len({a["id"] for a in cards}) == len(cards)  # anchors unique: findings fingerprinted
    assert "Not legal advice." in text
    portland = parse(out / link["Portland Police Bureau"])
    outcomes = {a["data-outcome"] for t, a in portland.tags if t == "article"}
    assert outcomes == {"unverified"} and "State OR" in _text(portland)


def test_release_text_is_escaped_and_slugs_are_safe_and_unique(tmp_path: Path) -> None:
    rows = [_search(i, "Sacramento CA PD", "theft") for i in range(6)]
    rows.append(_search(50, f"{HOSTILE} WA PD", "<script>alert(2)</script>"))
    _write_csv(tmp_path / "a" / "log.csv", rows)
    _write_csv(tmp_path / "b" / "log.csv", rows[:3])
    _write_csv(tmp_path / "c" / "log.csv", rows[3:])
    (tmp_path / "manifest.csv").write_text(
        "release,path,agency,state,request_url,sha256\n"
        f'a,a/log.csv,"{HOSTILE}",CA,javascript:alert(3),\n'
        "b,b/log.csv,Oakland PD,CA,,\n"
        "c,c/log.csv,Oakland P.D.,CA,,\n", encoding="utf-8")
    out = tmp_path / "out"
    code, output = _run(["corpus", str(tmp_path / "manifest.csv"), "--out", str(out), "-q"])
    assert code == 1, output  # the Washington searcher of a California owner
    pages = sorted((out / "owners").iterdir())
    assert len(pages) == 3 and all(re.fullmatch(r"[a-z0-9-]+\.html", p.name) for p in pages)
    assert {p.name for p in pages} == {"img-src-x-onerror-alert-1-ca.html", "oakland-pd-ca.html",
                                       "oakland-pd-ca-2.html"}
    for path in [out / "index.html", *pages]:
        doc = parse(path)
        assert not [t for t, _ in doc.tags if t == "img"], path
        assert [t for t, _ in doc.tags if t == "script"] == (["script"] if path.name == "index.html" else [])
        assert "javascript:alert(3)" not in _href_targets(doc)
    index = parse(out / "index.html")
    assert HOSTILE in [row[0] for row in index.tables["owner-table"][1:]]
    assert "javascript:alert(3)" in _text(index)  # shown as text, never a link
    hostile = parse(out / "owners" / "img-src-x-onerror-alert-1-ca.html")
    assert f"Camera owner: {HOSTILE}" in _text(hostile)
    assert f"{HOSTILE} WA PD" in _text(hostile)  # the out-of-state searcher named in the finding's evidence


def test_slugs_stay_unique_for_owners_whose_names_differ_only_in_punctuation() -> None:
    owners = [Owner("Oakland PD", "CA", ["a"]), Owner("Oakland P.D.", "CA", ["b"]), Owner("Oakland PD", "NV", ["c"]),
              Owner("", "CA", ["d"]), Owner("../../etc", "CA", ["e"])]
    slugs = [p.slug for p in pages_of(owners)]
    assert len(set(slugs)) == 5 and all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)
    assert "etc-ca" in slugs


@pytest.mark.parametrize(("name", "content"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old workbook"),
    ("summary.csv", b"agency,total\nFresno,30\n"),  # a CSV that is not an audit log: a release not read
])
def test_a_file_not_read_makes_every_page_incomplete_and_exits_3(tmp_path: Path, name: str, content: bytes) -> None:
    _write_csv(tmp_path / "fresno" / "2025.csv", [_search(i, f"City{i % 3} CA PD", "ICE hold" if i == 4 else "theft")
                                                  for i in range(12)])
    (tmp_path / "fresno" / name).write_bytes(content)
    _write_csv(tmp_path / "clovis" / "2025.csv", [_search(40 + i, "Clovis CA PD", "theft") for i in range(4)])
    out = tmp_path / "out"
    code, output = _run(["corpus", str(tmp_path), "--state", "CA", "--out", str(out)])
    assert code == 3, output
    assert f"incomplete: {tmp_path / 'fresno' / name}" in output
    data = json.loads((out / "corpus.json").read_text())
    assert data["errors"] and all(e.startswith(str(tmp_path / "fresno" / name)) for e in data["errors"])
    for path in [out / "index.html", *(out / "owners").iterdir()]:
        doc = parse(path)
        text = _text(doc)
        assert "INCOMPLETE: these figures leave out data that was not read" in text, path
        assert any(a.get("id") == "incomplete" for _, a in doc.tags)
        assert all(" ".join(e.split()) in text for e in data["errors"] + data["skipped"])
        assert next(d for d in doc.text if "ALPR audit corpus" in d).startswith("INCOMPLETE: ")  # the title
    clovis = parse(out / "owners" / "clovis-ca.html")  # an owner with no finding: not a clean-looking page
    assert "No finding in the searches that were read. The run is incomplete" in _text(clovis)
    index = parse(out / "index.html")
    assert [row[-1] for row in index.tables["owner-table"][1:] if row[0] == "clovis"] == ["none found (incomplete)"]



def test_a_file_holding_no_audit_data_is_listed_without_an_incomplete_banner(tmp_path: Path) -> None:
    _write_csv(tmp_path / "fresno" / "2025.csv", [_search(i, f"City{i % 3} CA PD", "theft") for i in range(6)])
    (tmp_path / "fresno" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n not an audit log")
    out = tmp_path / "out"
    code, output = _run(["corpus", str(tmp_path), "--state", "CA", "--out", str(out)])
    assert code in (0, 1), output
    data = json.loads((out / "corpus.json").read_text())
    assert not data["errors"] and any("photo.png" in s for s in data["skipped"])
    doc = parse(out / "index.html")
    assert "INCOMPLETE" not in _text(doc) and not [a for t, a in doc.tags if a.get("id") == "incomplete"]
    assert any(a.get("id") == "not-read" for _, a in doc.tags) and "photo.png" in _text(doc)


@pytest.mark.skipif(not chromium(), reason="Chromium is not installed (apt-get install chromium)")
def test_in_a_browser_the_sort_script_runs_under_the_csp_and_nothing_hostile_does(tmp_path: Path) -> None:
    manifest, _ = _corpus(tmp_path)
    text = manifest.read_text(encoding="utf-8").replace("Portland Police Bureau", f'"{HOSTILE}"')
    manifest.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    _run(["corpus", str(manifest), "--out", str(out), "-q"])
    program = chromium()
    assert program
    browser = Browser(program)
    try:
        index = out / "index.html"
        browser.open(index)
        assert browser.problems(index.resolve().as_uri()) == {"console": [], "requests": [], "dialogs": []}
        column = "Array.from(document.querySelectorAll('#owner-table tbody tr')).map(r => r.cells[3].dataset.sort)"
        assert browser.eval(column) == ["37", "42", "23"]  # worst first
        browser.eval("document.querySelectorAll('#owner-table th')[3].click()")
        assert browser.eval(column) == ["23", "37", "42"]  # the script ran: sorted by distinct searches
        for page in sorted((out / "owners").iterdir()):
            browser.open(page)
            assert browser.problems(page.resolve().as_uri()) == {"console": [], "requests": [], "dialogs": []}
    finally:
        browser.close()


def test_exclude_leaves_a_file_out_of_a_release_folder_without_making_the_run_incomplete(tmp_path: Path) -> None:
    _write_csv(tmp_path / "fresno" / "2025.csv", [_search(i, f"City{i % 3} CA PD", "theft") for i in range(6)])
    (tmp_path / "fresno" / "summary.csv").write_bytes(b"agency,total\nFresno,30\n")  # not an audit log
    out = tmp_path / "out"
    code, output = _run(["corpus", str(tmp_path), "--state", "CA", "--out", str(out), "--exclude", "summary.csv"])
    assert code in (0, 1), output
    data = json.loads((out / "corpus.json").read_text())
    assert not data["errors"] and any("summary.csv" in s and "exclude" in s for s in data["skipped"])
