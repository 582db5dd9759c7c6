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

import re
from pathlib import Path
from typing import Any

from configscan.audit.findings import reason_rules, reasons
from configscan.audit.passes.engine import put_table, quote

# Python's ``normalise``: '+' and '_' as spaces, runs of spaces collapsed, ends stripped (ASCII text only).
# Each step runs only on text that needs it: replacing characters and trimming cost more than the tests that
# find the few texts they change (4.7 M distinct reasons: 1.8 s of ``translate`` and ``trim`` on every text
# against 0.4 s of tests).
_STRIP = "CASE WHEN starts_with({x}, ' ') OR ends_with({x}, ' ') THEN trim({x}) ELSE {x} END"
_NORM = ("CASE WHEN contains({x}, '+') OR contains({x}, '_') OR contains({x}, '  ') "
         "THEN trim(regexp_replace(translate({x}, '+_', '  '), ' +', ' ', 'g')) "
         f"ELSE {_STRIP} END")


def _re(pattern: str, ignore_case: bool = True) -> str:
    return quote(("(?i)" if ignore_case else "") + pattern)


# Python compares ``bare`` (``_PUNCT`` replaced by spaces, lower-cased, words joined by one space) with short
# phrases. On printable ASCII after ``normalise`` a word is a run of letters and digits, so each comparison is
# one pattern over the normalised text: the phrase's words with any run of other characters between them.
# (Building ``bare`` itself took two replacements per reason: half the classification's time.)
_NOT_WORD = "[^A-Za-z0-9]"


def _phrases(values: frozenset[str]) -> str:
    """A full-match pattern for normalised text whose ``bare`` form is one of ``values``."""
    alternatives = (f"{_NOT_WORD}+".join(re.escape(word) for word in v.split()) for v in sorted(values))
    return _re(f"{_NOT_WORD}*(?:{'|'.join(alternatives)}){_NOT_WORD}*")


# Triggers narrowed to where the rules behind them can fire. Every rule (the context patterns too) needs these at
# the start of a word (``\bdhs\b``, ``\bdeport\w*``, ``\baliens?\b``, ``\bim{1,2}igr``...), and "cbp" and "imm"
# also followed by no letter (``\bcbp\b``; ``\bimm\b``, or "immig"): inside or at the head of a longer word
# ("swimming", "dimmed", a case tag "XCBP7" or "cbpinoij") they fire nothing, so they need not send a reason to
# Python. On printable ASCII, RE2's ``\b`` is Python's.
_NARROWED = {"hsi": r"\bhsi", "dhs": r"\bdhs", "cbp": r"\bcbp(?:[^A-Za-z]|$)", "usbp": r"\busbp",
             "deport": r"\bdeport", "alien": r"\balien", "imm": r"\bimm(?:[^A-Za-z]|$|ig)", "imig": r"\bimig",
             "uscis": r"\buscis"}


def _narrowed(pattern: str) -> str:
    for word, narrow in _NARROWED.items():
        if pattern.count(f"|{word}|") != 1:
            raise AssertionError(f"prefilter trigger {word!r} not found once")
        pattern = pattern.replace(f"|{word}|", f"|{narrow}|")
    return pattern


# ``bare`` at most two characters and not all digits (``len(bare) <= 2``, empty included).
_SHORT = _re(f"{_NOT_WORD}*(?:[A-Za-z][A-Za-z0-9]?|[0-9][A-Za-z])?{_NOT_WORD}*", ignore_case=False)
# The prefilter with its two costliest alternatives narrowed to what the rules behind them need: "ice" as a word
# of its own (the ``agency.ice*`` rules require no letter either side; "police", "notice", "office", "service"
# and "price" hold the letters) and "ero" as a word (``\bero\b``: not "hero", "zero"); then ``_NARROWED``.
PREFILTER = _narrowed(reasons.PREFILTER.replace("(ice|", r"((?:^|[^A-Za-z])ice(?:[^A-Za-z]|$)|", 1).replace(
    "|ero|", r"|\bero\b|", 1))
# A reason the prefilter matches only for a word "ice" (any case) that ``ICE_VETO`` reads as frozen water, a rink
# or a drug ("ice rink vandalism", "meth ice") fires no rule when it holds no trigger of a rule that needs
# immigration context (a hold, a detainer, a pick-up: ``NEEDS_CONTEXT``): the ``agency.ice*`` rules yield to
# the veto and no other rule's trigger word is present. SQL decides it like any other reason instead of
# handing it to Python. (With such a trigger it goes to Python: the context rules discount only a vetoed
# lower-case "ice", so "PICKUP ICE RINK" is a hold in immigration context there.)
_ICE_ALTERNATIVE = r"(?:^|[^A-Za-z])ice(?:[^A-Za-z]|$)|"
WITHOUT_ICE = PREFILTER.replace(_ICE_ALTERNATIVE, "", 1)
ICE_VETO = _re(reason_rules.ICE_VETO.pattern)
NEEDS_CONTEXT = _re("|".join(f"(?:{r.pattern})" for r in reason_rules.RULES if r.needs == "immigration_context"))
# Categories the samples look up by reason (the rest are never sampled by category).
SAMPLED = ("immigration_purpose", "vague", "reproductive_health")


def _either(patterns: list[str]) -> str:
    return _re("|".join(f"(?:{p})" for p in patterns))


def _offenses(group: int = 5) -> tuple[str, str]:
    """The offense patterns as CASE branches in table order, and one pattern matching wherever any does.

    Each pattern costs about 50 ns per reason, and a CASE tries them one by one on every reason still
    undecided. One expression of every pattern finds the reasons that name no offense (most, where names and
    case numbers are typed into the reason) at the cost of one; a hit then tries groups of ``group`` patterns
    (each as one expression) in table order and only the first matching group's patterns one by one, so the
    first pattern in table order still decides."""
    table = list(reasons._OFFENSES)
    branches = []
    for start in range(0, len(table), group):
        chunk = table[start:start + group]
        inner = " ".join(f"WHEN regexp_matches(norm, {_re(p.pattern)}) THEN 'offense:{name}'" for name, p in chunk)
        branches.append(f"WHEN regexp_matches(norm, {_either([p.pattern for _, p in chunk])}) THEN CASE {inner} END")
    return " ".join(branches), _either([p.pattern for _, p in table])


def verdict_sql(column: str = "reason") -> str:
    """A SELECT over ``column`` and its key ``hr``: ``category``, ``rule`` and ``agency`` where SQL decides
    exactly, and ``category`` NULL where Python must (non-ASCII text, or a prefilter hit)."""
    ascii_only = f"regexp_full_match({column}, '[ -~]*')"
    norm, t = _NORM.format(x=column), _STRIP.format(x=column)
    offenses, any_offense = _offenses()
    short = f"regexp_full_match(norm, {_SHORT})"
    category = f"""CASE
        WHEN {column} IS NULL OR (ascii AND t = '') THEN 'vague'
        WHEN NOT ascii THEN NULL
        WHEN regexp_full_match(t, {_re(reasons._REDACTION.pattern)}) THEN 'redacted'
        WHEN regexp_matches(norm, {quote(PREFILTER)}) AND (regexp_matches(norm, {quote(WITHOUT_ICE)})
             OR NOT regexp_matches(norm, {ICE_VETO}) OR regexp_matches(norm, {NEEDS_CONTEXT})) THEN NULL
        WHEN ui OR generic THEN 'vague'
        WHEN regexp_matches(norm, {any_offense}) THEN CASE {offenses} WHEN {short} THEN 'vague' ELSE 'other' END
        WHEN {short} THEN 'vague'
        ELSE 'other' END"""
    rule = f"""CASE
        WHEN {column} IS NULL OR t = '' THEN 'vague.empty'
        WHEN regexp_full_match(t, {_re(reasons._REDACTION.pattern)}) THEN 'redaction marker'
        WHEN ui THEN 'vague.ui_artefact'
        WHEN generic THEN 'vague.generic'
        WHEN category = 'vague' THEN 'vague.too_short' END"""
    phrases = (f"coalesce(regexp_full_match(norm, {_phrases(reasons._UI_ARTEFACT)}), false) AS ui, "
               f"coalesce(regexp_full_match(norm, {_phrases(reasons._VAGUE_EXACT)}), false) AS generic")
    return f"""
        SELECT {column}, hr, category, CASE WHEN category IS NOT NULL THEN {rule} END AS rule,
               NULL::VARCHAR AS agency
        FROM (SELECT *, {category} AS category
              FROM (SELECT *, {phrases}
                    FROM (SELECT {column}, hr, ascii, {t} AS t, {norm} AS norm
                          FROM (SELECT {column}, hr, coalesce({ascii_only}, true) AS ascii FROM __RELATION__))))"""


def classify(con: Any, work: Path, relation: str = "reason_text") -> dict[str | None, str]:
    """Build ``reason_class`` (hr, category, rule, agency) for the distinct reasons of ``relation`` (reason,
    hr: one row per reason): SQL decides where it is exact, Python
    (:func:`~configscan.audit.findings.reasons.classify_reason`) the rest, its verdicts written back by key.
    The class table holds no text (millions of texts copied cost half a second); texts are fetched by key
    for the reasons Python decides and the sampled ones.

    Returns the category of each reason in a :data:`SAMPLED` category (what the samples look reasons up by);
    every other reason stays in the engine."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE reason_class AS SELECT * EXCLUDE (reason) FROM "
                f"({verdict_sql().replace('__RELATION__', relation)})")
    rest = con.execute(f"SELECT reason, hr FROM {relation} WHERE hr IN "
                       "(SELECT hr FROM reason_class WHERE category IS NULL)").fetchall()
    verdicts = {reason: reasons.classify_reason(reason) for reason, _ in rest}
    put_table(con, "reason_py", ("hr", "category", "rule", "agency"),
              ((hr, verdicts[r].category, verdicts[r].rule or "", verdicts[r].agency or "") for r, hr in rest), work)
    con.execute("""
        UPDATE reason_class c SET category = p.category, rule = nullif(p.rule, ''), agency = nullif(p.agency, '')
        FROM reason_py p WHERE c.hr = p.hr::UBIGINT""")
    con.execute("DROP TABLE reason_py")
    listed = ", ".join(quote(c) for c in SAMPLED)
    return dict(con.execute(f"SELECT t.reason, c.category FROM {relation} t JOIN reason_class c ON t.hr = c.hr "
                            f"WHERE c.category IN ({listed})").fetchall())
