"""A corpus owner's findings from the organisations they may name plus the engine's tallies are those its
complete facts give: every organisation read and counted in Python, as one log's are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from configscan.audit.passes import aggregate
from configscan.cli import _mount_subcommands, app
from configscan.corpus import named

STATES = ["CA", "WA", "OR", "NV", "AZ", "TX", "ID", "UT", "NY", "FL"]
FEDERAL = ["U.S. Border Patrol", "[Federal] FBI", "Homeland Security Investigations"]
REASONS = ["stolen vehicle", "burglary", "investigation", "ICE detainer", "assist HSI", "abortion clinic",
           "deportation", "inv", "robbery", "Assist HSI Seattle"]


def _national(path: Path) -> None:
    """Three owners (CA, WA, OR), each searched by hundreds of organisations from ten states, three federal
    ones and a blank one: more than any finding names, with searches counts that tie (ties go by name), sweeps
    (networks past the threshold) and every reason category the findings count."""
    duckdb.sql(f"""
        COPY (
            WITH s AS (SELECT i, (hash(i * 7919) % 997)::BIGINT AS h FROM range(24000) t(i))
            SELECT uuid()::VARCHAR AS id,
                   CASE WHEN h % 97 = 0 THEN NULL
                        WHEN h % 89 = 0 THEN {FEDERAL}[1 + h % 3]
                        ELSE 'City' || (h % 300) || ' ' || {STATES}[1 + (h // 7) % 10] || ' PD' END AS agency,
                   'Owner' || (i % 3) || ' Police Department' AS owner, ['CA', 'WA', 'OR'][1 + i % 3] AS owner_state,
                   CASE WHEN (i * 13) % 17 = 0 THEN 2500 + i % 900 ELSE 1 + i % 40 END AS networks,
                   {REASONS}[1 + (h * 31 + i) % 10] AS reason,
                   TIMESTAMP '2025-01-01' + INTERVAL (i * 1301) SECOND AS searched_at
            FROM s)
        TO '{path}' (FORMAT parquet)""")


def _run(tmp_path: Path, out: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    _mount_subcommands()
    result = CliRunner().invoke(app, ["corpus", str(tmp_path / "manifest.csv"), "--out", str(tmp_path / out), "-q"])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / out / "corpus.json").read_text(encoding="utf-8"))
    pages = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / out / "owners").iterdir()}
    return report["owners"], pages


def test_owners_findings_from_named_organisations_are_those_of_every_organisation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _national(tmp_path / "national.parquet")
    (tmp_path / "manifest.csv").write_text("release,path,agency,state,request_url,sha256\n"
                                           "national,national.parquet,National corpus,CA,,\n", encoding="utf-8")
    read: list[int] = []
    real_fact = aggregate.org_fact

    def counting(row: tuple[Any, ...]) -> aggregate.OrgFacts:
        read.append(1)
        return real_fact(row)

    monkeypatch.setattr(aggregate, "org_fact", counting)
    monkeypatch.setattr(named, "SPAN_ROWS", 500)  # spans of one owner each, as a national corpus's
    pruned, pruned_pages = _run(tmp_path, "named")
    named_read = len(read)
    real_facts = named.owner_facts
    monkeypatch.setattr(named, "owner_facts", lambda con, complete=False: real_facts(con, True))
    read.clear()
    every, every_pages = _run(tmp_path, "every")
    assert pruned == every and pruned_pages == every_pages
    # the corpus has more organisations than the findings name, so fewer were read
    pairs = duckdb.connect().execute("SELECT count(*) FROM (SELECT DISTINCT owner, agency FROM read_parquet(?))",
                                     [str(tmp_path / "national.parquet")]).fetchall()[0][0]  # a blank one too
    assert len(read) == pairs and named_read < pairs * 0.6
    findings = [f for o in every for f in o["findings"]]
    groups = [f["evidence"] for f in findings if "top_organisations" in f["evidence"]]
    assert any(g["organisations"] > len(g["top_organisations"]) for g in groups)
    checks = {f["check"] for f in findings}
    assert len(checks) >= 6, checks
    # the groups' findings count every organisation, named or not, in their titles too
    rest = [f for f in findings if f["subject"] in ("other sweeping organisations",
                                                    "other organisations with immigration reasons")]
    assert {f["subject"] for f in rest} == {"other sweeping organisations",
                                            "other organisations with immigration reasons"}
    assert all(f" {f['evidence']['organisations']} " in f["title"] for f in rest)
    assert any(f["evidence"]["organisations"] > 20 for f in rest)
