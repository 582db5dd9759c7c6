"""The property suite's tools: run the CLI in-process, mutate realistic inputs, judge the outcome.

The invariant every run must keep (fail closed, never a traceback):

* exit 0/1 -- a complete report was written, no error in it, one summary line on stderr;
* exit 3 -- an incomplete report (its errors say what could not be read) -- but never an internal error;
* exit 2 -- exactly one stderr line, ``configscan: error: ...``, naming the input file;
* anything else (a traceback, an internal error, exit 1 without a report, extra stderr lines) is a crash.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import math
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from configscan import cli

HANDLED, CLEAR, CRASH = "handled", "clear error", "crash"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None


def run(argv: Sequence[str], report: Path | None = None) -> Run:
    """``configscan ARGV`` in this process, exactly as the console script (``_main``) runs it; warnings
    count as stderr output, as they would be in a terminal."""
    out, err = io.StringIO(), io.StringIO()
    code: Any = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cli._main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
    stderr = err.getvalue() + "".join(f"warning: {w.category.__name__}: {w.message}\n" for w in caught)
    loaded = None
    if report is not None and report.exists():
        loaded = json.loads(report.read_text(encoding="utf-8"))
        report.unlink()
    return Run(code if isinstance(code, int) else 1, out.getvalue(), stderr, loaded)


def judge(result: Run, inputs: Sequence[Path]) -> tuple[str, str]:
    """(outcome, why) for one run under the invariant above."""
    lines = result.stderr.strip().splitlines()
    if "Traceback" in result.stderr:
        return CRASH, "traceback on stderr"
    if result.code == 2:
        names = [p.name for p in inputs]
        if len(lines) == 1 and lines[0].startswith("configscan: error: ") and any(n in lines[0] for n in names):
            return CLEAR, ""
        return CRASH, f"exit 2 without one line naming the file: {lines}"
    if result.code in (0, 1, 3):
        if any("internal error" in line for line in lines):
            return CRASH, lines[-1]
        if result.report is None:
            return CRASH, f"exit {result.code} without a report: {lines}"
        errors = result.report.get("errors") or []
        if (result.code == 3) != bool(errors):
            return CRASH, f"exit {result.code} but report errors {errors}"
        if len(lines) != 1 + len(errors):
            return CRASH, f"unexpected stderr lines: {lines}"
        return HANDLED, ""
    return CRASH, f"exit {result.code}: {lines}"


class Tally:
    """Outcomes per reader, for the report of the run (``PROPERTY_TALLY=path`` appends them as JSON lines)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {}

    def add(self, reader: str, outcome: str) -> None:
        self.counts.setdefault(reader, Counter())[outcome] += 1

    def lines(self) -> Iterator[str]:
        for reader, counts in sorted(self.counts.items()):
            yield json.dumps({"reader": reader, **{k: counts.get(k, 0) for k in (HANDLED, CLEAR, CRASH)}})


# --- mutations -----------------------------------------------------------------------------------------

# Bytes that break parsers: NUL, invalid UTF-8 leads, a BOM mid-file, quotes and separators, escape codes,
# right-to-left override, DEL.
NASTY_BYTES = (b"\x00", b"\xff", b"\xc3", b"\x80\x81", b"\x9d", b"\x1b[2J", b"\r", b"\n", b'"', b",", b";",
               b"\t", b"\xef\xbb\xbf", b"\xe2\x80\xae", b"\x7f", b"\xfe\xff")


@st.composite
def byte_mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    """One to three byte-level edits: flip, truncate, insert nasty bytes, delete or duplicate a span."""
    data = bytearray(raw)
    for op in draw(st.lists(st.sampled_from(("flip", "truncate", "insert", "delete", "repeat")), min_size=1,
                            max_size=3)):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(NASTY_BYTES) | st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "repeat":
            span = bytes(data[at:at + draw(st.integers(1, 200))])
            data[at:at] = span * draw(st.integers(1, 5))
    return bytes(data)


# Cell values exports really contain (or that break naive parsers).
NASTY_CELLS = ("", " ", "NaN", "nan", "Infinity", "-inf", "1e309", "9" * 40, "-0", "0x1F", "\x00", "a\x07b",
               "\u202eevil", "\U0001f642", '=HYPERLINK("x")', "N/A", "null", "None", "true", "[]", "{}",
               "2026-02-30", "13/45/2026", "x" * 600, "line\nbreak", '"', "\ufeffBOM", "\uff11\uff12\uff13",
               "99999999999999999999", "-1", "1.5", "03/08/2026, 08:15:42 AM UTC", "\u00a0")

cell_text = st.sampled_from(NASTY_CELLS) | st.text(max_size=12)


@st.composite
def table_mutation(draw: st.DrawFn, rows: list[list[str]]) -> tuple[list[list[str]], bool]:
    """Edits to a table (header first): returns the rows and whether the header row is untouched."""
    table = [list(r) for r in rows]
    header_kept = True
    for op in draw(st.lists(st.sampled_from(("cell", "cell", "cell", "drop_col", "dup_col", "dup_row", "drop_row",
                                              "short_row", "long_row", "blank_row", "swap_cols")),
                            min_size=1, max_size=4)):
        width = max(len(r) for r in table) if table else 0
        if not table or not width:
            break
        r = draw(st.integers(0, len(table) - 1))
        c = draw(st.integers(0, width - 1))
        if op == "cell":
            if c < len(table[r]):
                table[r][c] = draw(cell_text)
                header_kept &= r != 0
        elif op == "drop_col":
            table = [[v for i, v in enumerate(row) if i != c] for row in table]
            header_kept = False
        elif op == "dup_col":
            table = [row[:c + 1] + row[c:c + 1] + row[c + 1:] for row in table]
            header_kept = False
        elif op == "swap_cols":
            d = draw(st.integers(0, width - 1))
            for row in table:
                if c < len(row) and d < len(row):
                    row[c], row[d] = row[d], row[c]
            header_kept &= c == d
        elif op == "dup_row" and r:
            table.insert(r, list(table[r]))
        elif op == "drop_row" and r:
            del table[r]
        elif op == "short_row" and r:
            table[r] = table[r][:c]
        elif op == "long_row" and r:
            table[r] = table[r] + [draw(cell_text) for _ in range(draw(st.integers(1, 3)))]
        elif op == "blank_row":
            table.insert(r + 1, [""] * width)
    return table, header_kept


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


JSON_VALUES: tuple[Any, ...] = (math.nan, math.inf, -math.inf, 10**400, -1, 0, 1.5, None, True, "", "\x00",
                                "x" * 600, [], {}, [[[]]], {"name": None}, "2026-13-45", "NaN")


def json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON document (keys and list indexes)."""
    paths = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            paths.extend(json_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths.extend(json_paths(child, (*prefix, index)))
    return paths


@st.composite
def document_mutation(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """Replace, delete or duplicate values at random paths of a parsed document."""
    data = copy.deepcopy(doc)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(json_paths(data)[1:]))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(("replace", "replace", "delete", "duplicate")))
        if op == "replace":
            parent[path[-1]] = draw(st.sampled_from(JSON_VALUES) | st.text(max_size=8) | st.integers() | st.floats())
        elif op == "delete":
            del parent[path[-1]]
        elif isinstance(parent, list):
            parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
    return data


def name_key(text: str) -> str:
    return " ".join(text.split()).casefold()
