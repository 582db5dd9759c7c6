"""Reasons classified where the data is: the rule table's common rules as one SQL ``CASE`` over distinct reasons.

A log with case numbers and names typed into the reason holds hundreds of thousands of distinct reasons;
classifying each in Python cost more than reading the file (5 s for 342,000 at a million rows). Most of them
need none of the context rules: the immigration and health rules only run on a reason the prefilter
(:data:`configscan.audit.findings.reasons.PREFILTER`, a superset of their trigger words) matches, and everything else
is decided by the redaction markers, the exact vague phrases and the offense patterns, in table order. Those
are translated here, from the same tables :mod:`configscan.audit.findings.reasons` applies, to RE2 expressions the
engine evaluates in parallel, vectorised, once per distinct reason.

Only a reason the translation is exact for is decided in SQL: text of printable ASCII (``' '`` to ``'~'``).
There Python's Unicode ``\\b``, ``\\w``, ``\\s``, case folding and ``str.split`` agree with RE2's and DuckDB's
ASCII ones; a reason with any other character (accents, tabs, line breaks, non-breaking spaces) goes to
Python, as does every reason the prefilter matches. ``tests/test_reason_sql.py`` checks the two give the same
verdict on the reason corpus and on generated reasons; Python keeps the last word on anything it might decide
differently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from configscan.audit.findings import reasons
from configscan.audit.passes.engine import put_table, quote

# Python's ``normalise``: '+' and '_' as spaces, runs of spaces collapsed, ends stripped (ASCII text only).
_NORM = "trim(regexp_replace(translate({x}, '+_', '  '), ' +', ' ', 'g'))"
# ``_PUNCT`` (``[^\\w\\s]``) replaced by spaces, lower-cased, spaces collapsed.
_BARE = "trim(regexp_replace(lower(regexp_replace({x}, '[^A-Za-z0-9_ ]', ' ', 'g')), ' +', ' ', 'g'))"
# The prefilter with its two costliest alternatives narrowed to what the rules behind them need: "ice" as a word
# of its own (the ``agency.ice*`` rules require no letter either side; "police", "notice", "office", "service"
# and "price" hold the letters) and "ero" as a word (``\bero\b``: not "hero", "zero"). Every other trigger stays.
PREFILTER = reasons.PREFILTER.replace("(ice|", r"((?:^|[^A-Za-z])ice(?:[^A-Za-z]|$)|", 1).replace(
    "|ero|", r"|\bero\b|", 1)
# Categories the samples look up by reason (the rest are never sampled by category).
SAMPLED = ("immigration_purpose", "vague", "reproductive_health")


def _re(pattern: str, ignore_case: bool = True) -> str:
    return quote(("(?i)" if ignore_case else "") + pattern)


def _in(values: frozenset[str]) -> str:
    return "(" + ", ".join(quote(v) for v in sorted(values)) + ")"


def verdict_sql(column: str = "reason") -> str:
    """A SELECT list over ``column``: ``category``, ``rule`` and ``agency`` where SQL decides exactly, and
    ``category`` NULL where Python must (non-ASCII text, or a prefilter hit)."""
    ascii_only = f"regexp_full_match({column}, '[ -~]*')"
    norm, t = _NORM.format(x=column), f"trim({column})"
    bare = _BARE.format(x="norm")
    offenses = " ".join(f"WHEN regexp_matches(norm, {_re(p.pattern)}) THEN 'offense:{name}'"
                        for name, p in reasons._OFFENSES)
    category = f"""CASE
        WHEN {column} IS NULL OR (ascii AND t = '') THEN 'vague'
        WHEN NOT ascii THEN NULL
        WHEN regexp_full_match(t, {_re(reasons._REDACTION.pattern)}) THEN 'redacted'
        WHEN regexp_matches(norm, {quote(PREFILTER)}) THEN NULL
        WHEN bare IN {_in(reasons._UI_ARTEFACT)} OR bare IN {_in(reasons._VAGUE_EXACT)} THEN 'vague'
        {offenses}
        WHEN length(bare) <= 2 AND NOT regexp_full_match(bare, '[0-9]+') THEN 'vague'
        ELSE 'other' END"""
    rule = f"""CASE
        WHEN {column} IS NULL OR t = '' THEN 'vague.empty'
        WHEN regexp_full_match(t, {_re(reasons._REDACTION.pattern)}) THEN 'redaction marker'
        WHEN bare IN {_in(reasons._UI_ARTEFACT)} THEN 'vague.ui_artefact'
        WHEN bare IN {_in(reasons._VAGUE_EXACT)} THEN 'vague.generic'
        WHEN category = 'vague' THEN 'vague.too_short' END"""
    return f"""
        SELECT {column}, category, CASE WHEN category IS NOT NULL THEN {rule} END AS rule, NULL::VARCHAR AS agency
        FROM (SELECT *, {category} AS category
              FROM (SELECT *, {bare} AS bare
                    FROM (SELECT {column}, ascii, {t} AS t, {norm} AS norm
                          FROM (SELECT {column}, coalesce({ascii_only}, true) AS ascii FROM __RELATION__))))"""


def classify(con: Any, work: Path, relation: str = "(SELECT DISTINCT reason FROM g)") -> dict[str | None, str]:
    """Build ``reason_class`` (reason, category, rule, agency) for the distinct reasons of ``relation``: SQL
    decides where it is exact, Python (:func:`~configscan.audit.findings.reasons.classify_reason`) the rest.

    Returns the category of each reason in a :data:`SAMPLED` category (what the samples look reasons up by);
    every other reason stays in the engine."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE reason_sql AS {verdict_sql().replace('__RELATION__', relation)}")
    rest = [r[0] for r in con.execute("SELECT reason FROM reason_sql WHERE category IS NULL").fetchall()]
    verdicts = {reason: reasons.classify_reason(reason) for reason in rest}
    put_table(con, "reason_py", ("reason", "category", "rule", "agency"),
              ((r, v.category, v.rule or "", v.agency or "") for r, v in verdicts.items()), work)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE reason_class AS
        SELECT reason, category, rule, agency FROM reason_sql WHERE category IS NOT NULL
        UNION ALL SELECT reason, category, nullif(rule, ''), nullif(agency, '') FROM reason_py""")
    con.execute("DROP TABLE reason_sql")
    con.execute("DROP TABLE reason_py")
    listed = ", ".join(quote(c) for c in SAMPLED)
    return dict(con.execute(f"SELECT reason, category FROM reason_class WHERE category IN ({listed})").fetchall())
