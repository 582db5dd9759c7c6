"""The engine's reason classification (reason_sql) gives the Python classifier's verdict on every reason.

Checked on the reason corpus (tests/data/reason_corpus.csv, with the rule table's examples and counters) and on
100,000 reasons generated from its words, the offense and vague vocabularies, redaction markers, case numbers,
names, punctuation, '+'/'_' spellings, odd spacing and a few non-ASCII characters: the SQL verdict where SQL
decides, Python's for the rest, and never a different verdict from :func:`classify_reason`.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import duckdb

from configscan.audit.findings import reason_rules
from configscan.audit.findings.reasons import classify_reason
from configscan.audit.passes import reason_sql

DATA = Path(__file__).parent / "data"
WORDS = [
    "stolen", "vehicle", "burglary", "burg", "b&e", "b & e", "break-in", "hit and run", "h&r", "211", "robbery",
    "UUV", "gta", "inv", "investigation", "Other - Not Applicable", "n/a", "N A", "welfare", "check", "assist",
    "other agency", "missing", "runaway", "amber", "dv", "domestic", "ADW", "shots fired", "gun", "warrant",
    "wanted", "fugitive", "narcotics", "meth", "fraud", "ID theft", "identity theft", "petty", "theft",
    "vandalism", "graffiti", "traffic", "reckless", "suspicious", "susp", "juvenile", "trespass", "parole",
    "animal cruelty", "homicide", "murder", "kidnap", "sex", "lewd", "police", "notice", "justice", "Rice St",
    "Price", "office", "service", "device", "daytime search for best result", "law enforcement", "LE purpose",
    "ice", "ICE", "ice rink", "HSI", "hero", "Hsieh", "border", "customs", "deport", "immigration", "alien",
    "287(g)", "I-247", "8 USC 1326", "abortion", "pregnant", "redacted", "[REDACTED]", "(b)(6)", "b6, b7c",
    "***", "###", "XXXX", "Withheld", "exempt", "6254(f)", "Gov Code 6254", "GC 7923.600", "pra exempt", "x",
    "ab", "12", "7", "?", "-", "garcia", "smith", "nguyen", "case", "follow up", "research", "intel", "le",
    # prefilter triggers inside words (no rule fires on them) and at the start of one
    "swimming", "dimmed", "XCBP7", "acbpz", "sdhs", "dhsc", "ausbp", "nonuscis", "redeport", "xalien", "shimmig",
    "bpimmach", "2imm", "imm", "imm status", "CBP", "cbp1", "dhs", "usbp", "uscis", "deported", "aliens", "imig",
    "cbpinoij", "immeomnl", "imm2", "immig", "imigation", "hold", "detainer", "pickup",
]
JOINERS = [" ", " ", " ", "  ", "+", "_", " - ", "/", ", ", "#", ": ", " (", ") "]
ODD = ["é", "\u00a0", "\t", "ñ", "\n", "İ", "ſ", "K"]


def _corpus() -> list[str]:
    with (DATA / "reason_corpus.csv").open(encoding="utf-8", newline="") as handle:
        found = [row["reason"] for row in csv.DictReader(handle)]
    for rule in reason_rules.RULES:
        found += [rule.example, rule.counter]
    return found


def _generated(count: int, seed: int = 19) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        parts = [rnd.choice(WORDS) for _ in range(rnd.randint(1, 4))]
        text = parts[0]
        for part in parts[1:]:
            text += rnd.choice(JOINERS) + part
        roll = rnd.random()
        if roll < 0.2:
            text += f" {rnd.randint(0, 10 ** rnd.randint(1, 9))}"
        elif roll < 0.25:
            text = rnd.choice(ODD).join((text, ""))
        elif roll < 0.3:
            text = text.upper()
        elif roll < 0.35:
            text = " " * rnd.randint(1, 3) + text + " " * rnd.randint(0, 2)
        out.append(text)
    return out


def _classified(reasons: list[str], tmp_path: Path) -> dict[str | None, tuple[str, str | None, str | None]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE texts (reason VARCHAR)")
    con.executemany("INSERT INTO texts VALUES (?)", [(r,) for r in set(reasons)] + [(None,)])
    con.execute("CREATE TABLE reason_text AS SELECT reason, hash(reason) AS hr FROM texts")
    reason_sql.classify(con, tmp_path)
    return {r: (c, rule, agency) for r, c, rule, agency in con.execute(
        "SELECT t.reason, c.category, c.rule, c.agency FROM reason_class c JOIN reason_text t ON c.hr = t.hr"
    ).fetchall()}


def _python(reason: str | None) -> tuple[str, str | None, str | None]:
    verdict = classify_reason(reason)
    return verdict.category, verdict.rule, verdict.agency


def test_engine_verdicts_equal_python_on_the_corpus_and_generated_reasons(tmp_path: Path) -> None:
    reasons = _corpus() + _generated(100_000)
    engine = _classified(reasons, tmp_path)
    assert len(engine) == len(set(reasons)) + 1  # one row per distinct reason, NULL included
    wrong = {r: (engine[r], _python(r)) for r in engine if engine[r] != _python(r)}
    assert not wrong, list(wrong.items())[:10]


def test_sql_decides_the_common_reasons_and_python_only_the_rest(tmp_path: Path) -> None:
    """Ordinary reasons never reach Python; prefilter hits and non-ASCII text always do."""
    con = duckdb.connect()
    reasons = ["stolen vehicle garcia abcdefg", "Burglary+Rice+St", "inv", "***", "police assist", "ICE hold",
               "ice rink vandalism", "robo de vehículo", "pregnant woman missing", "x", "PICKUP ICE RINK",
               "theft swimming pool", "theft cbpinoij", "dimmed lights hit and run"]
    con.execute("CREATE TABLE g (reason VARCHAR)")
    con.executemany("INSERT INTO g VALUES (?)", [(r,) for r in reasons])
    query = reason_sql.verdict_sql().replace("__RELATION__", "(SELECT reason, hash(reason) AS hr FROM g)")
    decided = {r: c for r, _, c, _, _ in con.execute(query).fetchall()}
    in_python = {r for r, c in decided.items() if c is None}
    # a hold beside an upper-case "ICE" is immigration context even at a rink (see reason_sql.NEEDS_CONTEXT)
    assert in_python == {"ICE hold", "robo de vehículo", "pregnant woman missing", "PICKUP ICE RINK"}
    # prefilter triggers inside or at the head of a longer word fire no rule: SQL decides them
    assert decided["theft swimming pool"] == decided["theft cbpinoij"] == "offense:theft"
    assert decided["dimmed lights hit and run"] == "offense:hit_and_run"
    # a vetoed "ice" that is the only trigger word fires no rule: SQL decides it (Python agrees, tests below)
    assert decided["ice rink vandalism"] == "offense:vandalism"
    assert decided["police assist"] == "other"  # "ice" inside a word does not send a reason to Python
    assert decided["stolen vehicle garcia abcdefg"] == "offense:vehicle_theft"
    assert decided["Burglary+Rice+St"] == "offense:burglary"
    assert decided["***"] == "redacted"
    assert decided["x"] == decided["inv"] == "vague"
