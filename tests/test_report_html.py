"""The HTML report, parsed: findings present, user text escaped, self-contained, not-legal-advice note."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from htmldoc import parse

from conftest import EXAMPLES, run_cli, write_config


def test_findings_in_html_match_json(tmp_path: Path) -> None:
    html, out = tmp_path / "r.html", tmp_path / "r.json"
    run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--html", html, "--json", out)
    report = json.loads(out.read_text())
    doc = parse(html)
    cards = [a for t, a in doc.tags if t == "article" and "data-check" in a]
    shown = sorted(fp for a in cards for fp in (a["data-fingerprints"] or "").split())
    assert shown == sorted(f["fingerprint"] for f in report["findings"])
    # one card per (check, subject): Border Patrol breaks two California rules but is shown once
    border = [a for a in cards if a["data-check"] == "partners.federal_link"
              and len((a["data-fingerprints"] or "").split()) == 2]
    assert border
    text = " ".join(doc.text)
    assert "Not legal advice" in text
    assert "U.S. Border Patrol" in text and "1798.90.55(b)" in text
    sections = [a.get("id") for t, a in doc.tags if t == "section"]
    assert sections.index("verdict") < sections.index("findings") < sections.index("partners")
    assert "packs" in sections


def test_report_is_self_contained(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    run_cli("scan", EXAMPLES / "pinecrest-ca.json", "--html", html)
    doc = parse(html)
    for tag, attrs in doc.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        assert not re.match(r"^(https?:)?//", attrs.get("src") or ""), attrs
        if tag != "a":  # citations link to their sources; following a link is the reader's choice
            assert not re.match(r"^(https?:)?//", attrs.get("href") or ""), attrs
        assert not any(k.startswith("on") for k in attrs), attrs
    csp = [a["content"] for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0] or "")
    links = [a["href"] for t, a in doc.tags if t == "a" and (a.get("href") or "").startswith("http")]
    assert any("leginfo.legislature.ca.gov" in (h or "") for h in links), links
    assert "@import" not in html.read_text() and "url(" not in html.read_text()


def test_user_text_is_escaped(tmp_path: Path, minimal: dict[str, Any]) -> None:
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    minimal["partners"] = [{"name": hostile, "state": "AZ", "direction": "outbound", "link": "1:1",
                            "status": "active"}]
    minimal["agency"]["name"] = "Test <b>PD</b>"
    html = tmp_path / "r.html"
    run_cli("scan", write_config(tmp_path, minimal), "--html", html)
    doc = parse(html)
    assert not any(t in ("script", "img") for t, _ in doc.tags)
    assert hostile in "".join(doc.text)
    raw = html.read_text()
    assert "<b>PD</b>" not in raw and "Test &lt;b&gt;PD&lt;/b&gt;" in raw


def test_texas_report_says_no_statute_not_legal(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    run_cli("scan", EXAMPLES / "mesquite-county-tx.yaml", "--html", html)
    text = " ".join(parse(html).text)
    assert "No statewide ALPR statute was found" in text
    assert "does not mean sharing is legal" in text
    assert "Advisory" in text


def test_sample_rows_are_a_table_and_their_text_is_escaped(tmp_path: Path) -> None:
    """Evidence rows read like the log they came from: one row per search, a column per field."""
    from audit_fixtures import L13, l13_row, write_csv

    log = write_csv(tmp_path / "log.csv", L13, [l13_row(1, "U.S. Border Patrol", "ICE <script>x</script>"),
                                                 l13_row(2, "U.S. Border Patrol", "ICE hold")])
    html = tmp_path / "r.html"
    run_cli("audit", log, "--agency-state", "CA", "--html", html)
    doc = parse(html)
    assert ("table", {"class": "rows"}) in doc.tags
    assert "script" not in {t for t, _ in doc.tags}
    text = [t.strip() for t in doc.text]
    assert {"Sample rows", "file", "row", "ID", "reason"} <= set(text)
    assert "ICE <script>x</script>" in text and "00000000-0000-4000-8000-000000000002" in text
