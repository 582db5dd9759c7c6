"""``configscan rules`` (list, show, validate, docs), pack-file errors with line numbers, and the report's
layer and no-statute wording, driven through the real command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from configscan.cli import app
from configscan.commands import mount
from configscan.jurisdictions.docs import jurisdictions_markdown
from configscan.jurisdictions.library import PackLibrary
from configscan.jurisdictions.packfile import check_pack_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
if not any(group.name == "rules" for group in app.registered_groups):
    mount(app)
RUNNER = CliRunner()

GOOD_POLICY = """\
id: policy-test-pd
name: Test PD policy
level: policy
version: "1"
last_reviewed: 2026-11-01
rules:
  - id: policy-retention
    kind: max_retention
    max_retention: P14D
    citation: Test PD General Order 9
    source: https://www.example.org/go9
    summary: Reads are deleted after fourteen days.
    confidence: statute-text
    effective_from: 2026-01-01
    last_reviewed: 2026-11-01
"""


def invoke(*args: str) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_docs_file_is_current() -> None:
    committed = (ROOT / "docs" / "jurisdictions.md").read_text(encoding="utf-8")
    assert committed == jurisdictions_markdown(PackLibrary().all()), \
        "docs/jurisdictions.md is stale: run 'configscan rules docs -o docs/jurisdictions.md'"


def test_docs_table_has_a_row_per_jurisdiction_with_citations() -> None:
    library = PackLibrary()
    text = jurisdictions_markdown(library.all())
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`US" in line]
    assert len(rows) == len(library.ids()) - 1  # every pack but the baseline
    wa = next(r for r in rows if "(`US-WA`)" in r)
    cells = [c.strip() for c in wa.strip("|").split(" | ")]
    assert cells[3].startswith("barred") and "ESSB 6002" in cells[3]
    assert "`P21D`" in cells[6] and "from 2026-03-30" in cells[6]
    ga = next(r for r in rows if "(`US-GA`)" in r)
    assert "`P30M`" in ga
    tx = next(r for r in rows if "(`US-TX`)" in r)
    assert "no statute restricting sharing or retention found as of 2026-11-25" in tx
    dc = next(r for r in rows if "(`US-DC`)" in r)
    assert "found as of 2026-12-02" in dc
    ct = next(r for r in rows if "(`US-CT`)" in r)
    assert "MA, NY, RI" in ct


def test_docs_show_review_date_and_confidence_mix() -> None:
    library = PackLibrary()
    text = jurisdictions_markdown(library.all())
    header = next(line for line in text.splitlines() if line.startswith("| Jurisdiction"))
    columns = [c.strip() for c in header.strip("|").split(" | ")]
    assert columns[-2:] == ["Confidence", "Reviewed"]
    for pack in library.all():
        if pack.id == "baseline":
            continue
        row = next(r for r in text.splitlines() if f"(`{pack.id}`)" in r)
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[-1].startswith(pack.last_reviewed.isoformat())
        counts = {level: sum(r.confidence.value == level for r in pack.rules)
                  for level in ("statute-text", "secondary", "unverified")}
        expected = ", ".join(f"{n} {level}" for level, n in counts.items() if n) or "-"
        assert cells[-2] == expected, pack.id
    nh = next(r for r in text.splitlines() if "(`US-NH`)" in r)
    assert "(review due 2026-12-31)" in nh
    co = next(r for r in text.splitlines() if "(`US-CO`)" in r)
    assert "possibly barred" in co and "unverified; unsettled" in co


def test_rules_list_json() -> None:
    code, out, _ = invoke("rules", "list", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["US-WA"]["level"] == "state" and rows["US-WA"]["rules"] >= 8
    assert rows["US-WA"]["last_reviewed"] == "2026-12-02"
    assert rows["US-WA"]["sources"] >= 2 and "statute-text" in rows["US-WA"]["confidence"]
    assert rows["US-NH"]["review_due"] == "2026-12-31"
    assert rows["US-CA-OAKLAND"]["level"] == "city"
    assert rows["US"]["level"] == "federal"
    assert rows["US-TX"]["statute_found"] is False


def test_rules_list_text() -> None:
    code, out, _ = invoke("rules", "list")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("US-GA "))
    assert "state" in line and "Georgia" in line and "2026-11-25" in line


def test_rules_show_json_and_alias() -> None:
    code, out, _ = invoke("rules", "show", "US-WA", "--json")
    assert code == 0
    pack = json.loads(out)
    retention = next(r for r in pack["rules"] if r["kind"] == "max_retention")
    assert retention["max_retention"] == "P21D" and retention["effective_from"] == "2026-03-30"
    for rule in pack["rules"]:
        assert rule["citation"] and rule["source"] and rule["last_reviewed"] and rule["confidence"]
    code, out, _ = invoke("rules", "show", "washington")
    assert code == 0 and "wa-6002-retention" in out and "P21D" in out


def test_rules_show_lists_the_sources_read() -> None:
    code, out, _ = invoke("rules", "show", "US-IA")
    assert code == 0
    assert "source read (mirror): https://self-law.org/code/ia/321p-4" in out and "P30D" in out


def test_stale_lists_packs_due_for_review_for_cron() -> None:
    library = PackLibrary()
    # The day of the 2026-12-02 review: nothing is 180 days old yet, so cron gets no output and exit 0.
    code, out, err = invoke("rules", "stale", "--older-than", "180d", "--as-of", "2026-12-02")
    assert (code, out, err) == (0, "", "")
    # 2027-05-25: packs last read 2026-11-25 are 181 days old; those read 2026-12-02 are 174 days old.
    code, out, err = invoke("rules", "stale", "--older-than", "180d", "--as-of", "2027-05-25")
    assert code == 1
    listed = {line.split()[0] for line in out.splitlines()}
    old = {p.id for p in library.all() if p.last_reviewed == dt.date(2026, 11, 25)}
    assert listed == old | {"US-NH"}  # New Hampshire's own review_due (2026-12-31) has passed
    assert "US-WA" not in listed and "US-TX" in listed
    tx = next(line for line in out.splitlines() if line.startswith("US-TX "))
    assert "2026-11-25" in tx and "181 days ago" in tx
    assert err.strip() == (f"configscan: {len(listed)} of {len(library.ids())} rule packs due for review as of "
                           "2027-05-25")


def test_stale_json_ages_and_review_due() -> None:
    code, out, _ = invoke("rules", "stale", "--older-than", "26w", "--as-of", "2027-01-01", "--json")
    assert code == 1
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["US-NH"]  # no pack is 26 weeks old; New Hampshire's review_due has come
    assert rows[0]["reasons"] == ["review due by 2026-12-31"] and rows[0]["age_days"] == 30
    code, out, _ = invoke("rules", "stale", "--as-of", "2026-12-02", "--json")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize("age", ["3x", "0d", "soon", ""])
def test_stale_bad_age_is_exit_2(age: str) -> None:
    code, out, err = invoke("rules", "stale", "--older-than", age)
    assert code == 2 and out == "" and "--older-than" in err


def test_rules_show_unknown_is_exit_2() -> None:
    code, _, err = invoke("rules", "show", "US-ZZ")
    assert code == 2 and "unknown jurisdiction 'US-ZZ'" in err


def test_validate_example_policy_ok() -> None:
    code, out, _ = invoke("rules", "validate", str(EXAMPLES / "policy-no-national-lookup.yaml"))
    assert code == 0 and "ok (policy-example-pd, level policy, 4 rules)" in out


def test_validate_reports_every_error_with_its_line(tmp_path: Path) -> None:
    bad = GOOD_POLICY.replace("max_retention: P14D", "max_retention: 14 days") \
                     .replace("confidence: statute-text", "confidence: sure") + "    colour: red\n"
    path = tmp_path / "bad-policy.yaml"
    path.write_text(bad, encoding="utf-8")
    code, _, err = invoke("rules", "validate", str(path))
    assert code == 2
    lines = err.strip().splitlines()
    assert f"{path}:9: rules.0.max_retention:" in err and "ISO 8601" in err
    assert f"{path}:13: rules.0.confidence:" in err
    assert f"{path}:16: rules.0.colour:" in err
    assert len(lines) == 3


def test_validate_missing_field_points_at_the_rule(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(GOOD_POLICY.replace("    citation: Test PD General Order 9\n", ""), encoding="utf-8")
    code, _, err = invoke("rules", "validate", str(path))
    assert code == 2 and f"{path}:7: rules.0.citation: Field required" in err


def test_validate_yaml_syntax_error_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(GOOD_POLICY.replace("summary: Reads", "summary: [Reads"), encoding="utf-8")
    code, _, err = invoke("rules", "validate", str(path))
    assert code == 2 and "not valid YAML" in err and f"{path}:" in err


def test_validate_semantic_problems() -> None:
    city = GOOD_POLICY.replace("id: policy-test-pd", "id: US-CA-TESTVILLE").replace("level: policy", "level: city")
    problems = check_pack_text(city, Path("city.yaml"), set(PackLibrary().ids())).problems
    assert [p.field for p in problems] == ["parent", "sources"] and problems[0].line == 1
    orphan = city.replace("version:", "parent: US-ZZ\nversion:")
    problems = check_pack_text(orphan, Path("city.yaml"), set(PackLibrary().ids())).problems
    assert problems[0].line == 4 and "US-ZZ" in problems[0].message
    applies = GOOD_POLICY.replace("    confidence:", "    params: {applies_to: [feds]}\n    confidence:")
    problems = check_pack_text(applies, Path("p.yaml"), None).problems
    assert problems[0].field == "rules.0.params.applies_to" and problems[0].line == 13
    retention_on_wrong_kind = GOOD_POLICY.replace("kind: max_retention", "kind: require_search_purpose")
    problems = check_pack_text(retention_on_wrong_kind, Path("p.yaml"), None).problems
    assert problems[0].field == "rules.0.max_retention" and problems[0].line == 9


def test_validate_law_pack_needs_its_sources_graded() -> None:
    known = set(PackLibrary().ids())
    city = GOOD_POLICY.replace("id: policy-test-pd", "id: US-CA-TESTVILLE").replace("level: policy", "level: city") \
        .replace("version:", "parent: US-CA\nversion:")
    problems = check_pack_text(city, Path("city.yaml"), known).problems
    assert [(p.field, p.line) for p in problems] == [("sources", 1)]
    news = city.replace("rules:\n", "sources:\n- url: https://www.example.org/go9\n  grade: secondary\n"
                                    "  title: news story\nrules:\n")
    problems = check_pack_text(news, Path("city.yaml"), known).problems
    assert [p.field for p in problems] == ["rules.0.confidence"] and "statute-text" in problems[0].message
    assert problems[0].line == 18
    unlisted = news.replace("source: https://www.example.org/go9", "source: https://www.example.org/other")
    problems = check_pack_text(unlisted, Path("city.yaml"), known).problems
    assert [p.field for p in problems] == ["rules.0.source"]
    late = news.replace("    last_reviewed: 2026-11-01", "    last_reviewed: 2026-11-30") \
        .replace("grade: secondary", "grade: official")
    problems = check_pack_text(late, Path("city.yaml"), known).problems
    assert [p.field for p in problems] == ["rules.0.last_reviewed"]


def test_every_bundled_pack_validates_through_the_command() -> None:
    packs = sorted((ROOT / "configscan" / "jurisdictions" / "packs").glob("*.yaml"))
    code, out, err = invoke("rules", "validate", *map(str, packs))
    assert code == 0, err
    assert out.count(": ok (") == len(packs)


@pytest.fixture
def wa_reports(tmp_path: Path) -> tuple[int, dict[str, object], str]:
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    code, _, _ = invoke("scan", str(EXAMPLES / "cedar-hollow-wa.yaml"), "--as-of", "2026-03-01",
                        "--policy", str(EXAMPLES / "policy-no-national-lookup.yaml"),
                        "--html", str(html), "--json", str(js))
    return code, json.loads(js.read_text(encoding="utf-8")), html.read_text(encoding="utf-8")


def test_scan_reports_show_layers(wa_reports: tuple[int, dict[str, object], str]) -> None:
    code, data, html = wa_reports
    assert code == 1
    findings = data["findings"]
    assert isinstance(findings, list)
    roles = {(f["layer"], f["layer_role"]) for f in findings if f["layer"]}
    assert {("US-WA", "state"), ("policy-example-pd", "policy")} <= roles
    assert "Agency policy: <code>policy-example-pd</code>" in html
    assert "State law: <code>US-WA</code>" in html
    assert 'id="upcoming"' in html and "Upcoming (in force 2026-03-30)" in html


def test_scan_with_policy_of_wrong_level_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    city = ROOT / "configscan" / "jurisdictions" / "packs" / "US-CA-OAKLAND.yaml"
    code, _, err = invoke("scan", str(EXAMPLES / "pinecrest-ca.json"), "--policy", str(city), "--json", str(out))
    assert code == 2 and "a --policy file must say 'level: policy'" in err
    assert not out.exists()


def test_scan_with_broken_policy_names_file_and_line(tmp_path: Path) -> None:
    policy = tmp_path / "ours.yaml"
    policy.write_text(GOOD_POLICY.replace("effective_from: 2026-01-01", "effective_from: soon"), encoding="utf-8")
    code, _, err = invoke("scan", str(EXAMPLES / "pinecrest-ca.json"), "--policy", str(policy))
    assert code == 2
    assert err.strip().count("\n") == 0 and f"{policy}: line 14: rules.0.effective_from" in err


def test_tx_html_says_no_statute_found(tmp_path: Path) -> None:
    html = tmp_path / "tx.html"
    code, _, _ = invoke("scan", str(EXAMPLES / "mesquite-county-tx.yaml"), "--html", str(html), "--fail-on", "never")
    text = html.read_text(encoding="utf-8")
    assert code == 0
    assert "No statewide ALPR statute was found for Texas (US-TX) that restricts sharing or retention, as of " \
        "2026-11-25" in text
    assert "Advisory baseline (no law)" in text and "no (as of 2026-11-25)" in text


def test_rules_docs_command_prints_the_committed_file(tmp_path: Path) -> None:
    code, out, _ = invoke("rules", "docs")
    assert code == 0 and out == (ROOT / "docs" / "jurisdictions.md").read_text(encoding="utf-8")
    target = tmp_path / "j.md"
    code, _, _ = invoke("rules", "docs", "--output", str(target))
    assert code == 0 and target.read_text(encoding="utf-8") == out
