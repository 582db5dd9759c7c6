"""Property-based robustness: every reader, fed mutated versions of realistic samples, fails closed.

Each test starts from a real sample (tests/data/readers, examples/, the audit fixtures), mutates it (byte
flips, truncation, nasty bytes, NaN/Infinity, wrong types, deleted/duplicated columns and rows, huge
numbers, empty cells) and runs the whole CLI in-process. The invariant is in ``propkit.judge``: a report
that accounts for every row, or one clear error line (exit 2), or an incomplete report (exit 3) -- never a
traceback or an internal error. Where the rows are known (table-level mutations), each is checked to be
read or counted unreadable.

Profiles: ``ci`` (default; few examples per reader, derandomised so CI is stable) and ``long`` by hand::

    HYPOTHESIS_PROFILE=long PROPERTY_TALLY=/tmp/tally.jsonl python3 -m pytest tests/test_properties.py
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer
import typer.main
import yaml
from audit_fixtures import L13, l13_row
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from propkit import (
    CRASH,
    Run,
    Tally,
    byte_mutation,
    csv_bytes,
    csv_rows,
    document_mutation,
    judge,
    name_key,
    run,
    table_mutation,
)

from configscan import cli
from configscan.commands import audit as audit_command
from configscan.jurisdictions.library import PackLibrary
from configscan.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "readers"
AUDIT_DATA = ROOT / "tests" / "data" / "audit"
_COMMON = {"deadline": None, "database": None, "derandomize": True,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]}
settings.register_profile("ci", max_examples=20, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("long", max_examples=300, **_COMMON)  # type: ignore[arg-type]
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
AGENCY = ("--agency-name", "Home Town OR PD", "--agency-state", "OR")
TALLY = Tally()
_names = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def _fast_runs() -> Iterator[None]:
    """Rule packs and plugins loaded once for the module instead of per run (they are not under test and
    take 80% of a small scan); everything from the reader on runs as it does from the console script."""
    library, registry = PackLibrary(), load_registry()
    cli._mount_subcommands()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "app", _Built(cli.app))
        patch.setattr("configscan.scan.PackLibrary", lambda *a: library)
        patch.setattr(cli, "load_registry", lambda: registry)
        patch.setattr(audit_command, "load_registry", lambda: registry)
        yield
    if os.environ.get("PROPERTY_TALLY"):
        with open(os.environ["PROPERTY_TALLY"], "a", encoding="utf-8") as handle:
            handle.writelines(line + "\n" for line in TALLY.lines())


class _Built:
    """The typer app with its click command built once (typer rebuilds it on every call: 40% of a run)."""

    def __init__(self, app: typer.Typer) -> None:
        self.registered_commands = app.registered_commands
        self.command = typer.main.get_command(app)

    def __call__(self, **kwargs: Any) -> Any:
        return self.command(**kwargs)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props")


def _file(work: Path, name: str, raw: bytes) -> Path:
    """A fresh file per example: a rewritten file of equal size could meet a cache keyed by size and mtime."""
    path = work / f"{next(_names)}-{name}"
    path.write_bytes(raw)
    return path


def _check(reader: str, result: Run, inputs: list[Path]) -> None:
    outcome, why = judge(result, inputs)
    TALLY.add(reader, outcome)
    assert outcome != CRASH, f"{reader}: {why}\nstderr: {result.stderr}"


def _scan(work: Path, reader: str, path: Path, *args: str) -> Run:
    report = work / f"{path.name}.report.json"
    result = run(["scan", path, *args, "--json", report], report)
    _check(reader, result, [path])
    return result


def _partner_names(result: Run) -> set[str]:
    return {name_key(p["name"]) for p in (result.report or {}).get("partners", [])}


def _unreadable(result: Run) -> int:
    return sum(i.get("rows_unreadable", 0) for i in (result.report or {}).get("inputs", []))


def _account_named_rows(result: Run, table: list[list[str]], name_col: int, reader: str) -> None:
    """Every data row with a name is a partner in the report; every nameless one is counted unreadable."""
    if result.report is None:
        return
    names = _partner_names(result)
    nameless = 0
    for row in table[1:]:
        if not any(c.strip() for c in row):
            continue
        name = " ".join(row[name_col].split()) if name_col < len(row) else ""
        if 0 < len(name) <= 500:
            assert name.casefold() in names, f"{reader}: row {row} silently lost"
        else:
            nameless += 1
    assert _unreadable(result) >= nameless, f"{reader}: {nameless} nameless rows, {_unreadable(result)} counted"


# --- the interchange format ----------------------------------------------------------------------------

JSON_SAMPLES = sorted((ROOT / "examples").glob("*.json"))
YAML_SAMPLES = sorted(p for p in (ROOT / "examples").glob("*.yaml") if "policy" not in p.name)


@PROFILE
@given(sample=st.sampled_from(JSON_SAMPLES), data=st.data())
def test_interchange_json(work: Path, sample: Path, data: st.DataObject) -> None:
    doc = json.loads(sample.read_text(encoding="utf-8"))
    if data.draw(st.booleans(), label="document-level"):
        doc = data.draw(document_mutation(doc))
        result = _scan(work, "interchange JSON", _file(work, "agency.json", json.dumps(doc).encode()))
        partners = doc.get("partners") if isinstance(doc, dict) else None
        if result.report is not None and isinstance(partners, list):
            names = _partner_names(result)
            for partner in partners:
                if isinstance(partner, dict) and isinstance(partner.get("name"), str) and partner["name"].strip():
                    assert name_key(partner["name"]) in names, f"partner {partner['name']!r} silently lost"
    else:
        raw = data.draw(byte_mutation(sample.read_bytes()))
        _scan(work, "interchange JSON", _file(work, "agency.json", raw))


YAML_TRICKS = ("!!timestamp 2020-01-01", "!!binary aGVsbG8=", "!!set {a, b}", "!!python/object:os.system ls",
               ".nan", "-.inf", "&anchor [1, 2]", "*undefined", "{a: 1, a: 2}", "[[[[[[]]]]]]", "0o777",
               "'\\x00'", "!!float 1e400", "~", "|\n  multi\n  line")
_BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))


@PROFILE
@given(sample=st.sampled_from(YAML_SAMPLES), data=st.data())
def test_interchange_yaml(work: Path, sample: Path, data: st.DataObject) -> None:
    text = sample.read_text(encoding="utf-8")
    how = data.draw(st.sampled_from(("bytes", "document", "tag", "bomb")), label="how")
    if how == "bytes":
        raw = data.draw(byte_mutation(text.encode()))
    elif how == "document":
        raw = yaml.safe_dump(data.draw(document_mutation(yaml.safe_load(text)))).encode()
    elif how == "tag":
        lines = text.splitlines()
        at = data.draw(st.sampled_from([i for i, line in enumerate(lines) if ": " in line]), label="line")
        key = lines[at].split(": ", 1)[0]
        lines[at] = f"{key}: {data.draw(st.sampled_from(YAML_TRICKS), label='trick')}"
        raw = "\n".join(lines).encode()
    else:
        raw = (text + "l0: &l0 [lol, lol]\n" + _BOMB).encode()
    result = _scan(work, "interchange YAML", _file(work, "agency.yaml", raw))
    if how == "bomb":
        assert result.code == 2 and "CONFIGSCAN_MAX_YAML_NODES" in result.stderr


# --- CSV readers ---------------------------------------------------------------------------------------

# (reader, sample, name column for row accounting or None, extra arguments)
CSV_CASES = {
    "sharing list CSV": (DATA / "sharing-list-directions.csv", 0, AGENCY),
    "shared networks CSV": (DATA / "shared-networks.csv", None, AGENCY),
    "users CSV": (DATA / "users.csv", None, AGENCY),
    "event log CSV": (DATA / "event-log.csv", None, AGENCY),
    "settings CSV": (DATA / "settings.csv", None, AGENCY),
    "mapped CSV": (DATA / "generic-partners.csv", 0, (*AGENCY, "--mapping", str(DATA / "generic-partners.toml"))),
}


def _csv_case(work: Path, reader: str, data: st.DataObject) -> None:
    sample, name_col, args = CSV_CASES[reader]
    rows = csv_rows(sample)
    if data.draw(st.booleans(), label="table-level"):
        table, header_kept = data.draw(table_mutation(rows))
        result = _scan(work, reader, _file(work, sample.name, csv_bytes(table)), *args)
        if name_col is not None and header_kept:
            _account_named_rows(result, table, name_col, reader)
    else:
        _scan(work, reader, _file(work, sample.name, data.draw(byte_mutation(sample.read_bytes()))), *args)


@PROFILE
@given(data=st.data())
@pytest.mark.parametrize("reader", list(CSV_CASES))
def test_csv_readers(work: Path, reader: str, data: st.DataObject) -> None:
    _csv_case(work, reader, data)


# --- workbooks -----------------------------------------------------------------------------------------

XLSX_SAMPLES = (DATA / "shared-networks.xlsx", DATA / "four-lists.xlsx")


def _workbook_bytes(tables: dict[str, list[list[str]]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    for title, rows in tables.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: str) -> str:
    """openpyxl refuses control characters in cells (Excel cannot store them); keep the rest as text."""
    return "".join(ch if ch in "\t\n\r" or ord(ch) >= 32 else "?" for ch in value)


def _sheets(path: Path) -> dict[str, list[list[str]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {s.title: [["" if v is None else str(v) for v in row] for row in s.iter_rows(values_only=True)]
            for s in book.worksheets}


@PROFILE
@given(sample=st.sampled_from(XLSX_SAMPLES), data=st.data())
def test_sharing_workbooks(work: Path, sample: Path, data: st.DataObject) -> None:
    if data.draw(st.booleans(), label="table-level"):
        sheets = _sheets(sample)
        title = data.draw(st.sampled_from(sorted(sheets)), label="sheet")
        sheets[title], _ = data.draw(table_mutation(sheets[title] or [[""]]))
        raw = _workbook_bytes(sheets)
    else:
        raw = data.draw(byte_mutation(sample.read_bytes()))
    _scan(work, "sharing XLSX", _file(work, sample.name, raw), *AGENCY)


# --- text readers --------------------------------------------------------------------------------------

TEXT_CASES = {"portal HTML": DATA / "portal.html", "Vigilant report": DATA / "vigilant-report.txt"}


@PROFILE
@given(data=st.data())
@pytest.mark.parametrize("reader", list(TEXT_CASES))
def test_text_readers(work: Path, reader: str, data: st.DataObject) -> None:
    sample = TEXT_CASES[reader]
    lines = [[line] for line in sample.read_text(encoding="utf-8").splitlines()]
    if data.draw(st.booleans(), label="line-level"):
        table, _ = data.draw(table_mutation(lines))
        raw = "\n".join(row[0] if row else "" for row in table).encode("utf-8", errors="surrogatepass")
    else:
        raw = data.draw(byte_mutation(sample.read_bytes()))
    _scan(work, reader, _file(work, sample.name, raw), *AGENCY)


# --- audit logs ----------------------------------------------------------------------------------------

def _audit_table() -> list[list[str]]:
    orgs = ("Pinecrest CA PD", "Fresno CA PD", "Auburn WA PD", "U.S. Border Patrol", "***")
    reasons = ("Burglary", "ICE+ERO", "investigation", "", "Robbery")
    return [L13] + [l13_row(n, orgs[n % 5], reasons[n % 5], networks=100 * n) for n in range(1, 13)]


AUDIT_SAMPLES: dict[str, tuple[list[list[str]], tuple[str, ...]]] = {
    "network audit": (_audit_table(), ()),
    "vigilant queries": (csv_rows(AUDIT_DATA / "vigilant-queries.csv"), ()),
    "mapped query log": (csv_rows(AUDIT_DATA / "learn-query-log.csv"),
                         ("--mapping", str(AUDIT_DATA / "learn-query-log.toml"))),
}


def _wrap(raw: bytes, how: str) -> tuple[str, bytes]:
    if how == "gz":
        return "log.csv.gz", gzip.compress(raw, mtime=0)
    if how == "zip":
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("release/log.csv", raw)
        return "release.zip", out.getvalue()
    return "log.csv", raw


@settings(PROFILE, max_examples=max(PROFILE.max_examples * 3 // 5, 1))  # each run starts DuckDB
@given(sample=st.sampled_from(sorted(AUDIT_SAMPLES)), data=st.data())
def test_audit_logs(work: Path, sample: str, data: st.DataObject) -> None:
    rows, args = AUDIT_SAMPLES[sample]
    how = data.draw(st.sampled_from(("table", "bytes", "wrapped-bytes")), label="how")
    wrapper = data.draw(st.sampled_from(("plain", "gz", "zip")), label="wrapper")
    table, header_kept = rows, True
    if how == "table":
        table, header_kept = data.draw(table_mutation(rows))
    raw = csv_bytes(table)
    if how == "bytes":
        raw = data.draw(byte_mutation(raw))
    name, raw = _wrap(raw, wrapper)
    if how == "wrapped-bytes":
        raw = data.draw(byte_mutation(raw))
    path = _file(work, name, raw)
    report = work / f"{path.name}.report.json"
    result = run(["audit", path, "--agency-state", "CA", *args, "--json", report], report)
    _check("audit logs", result, [path])
    files = ((result.report or {}).get("audit") or {}).get("files") or []
    if how == "table" and header_kept and len(files) == 1:
        searches = sum(1 for row in table[1:] if any(cell.strip() for cell in row))
        seen = sum(files[0][key] for key in ("rows", "rows_unreadable", "header_repeats", "blank_rows"))
        assert seen >= searches, f"{searches} records written, {seen} read or counted: {files[0]}"
