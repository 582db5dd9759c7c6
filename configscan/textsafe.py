"""Text from inputs made safe for the two places it can do harm: a terminal (or log) line and a spreadsheet cell.

Organisation names, reasons, agency names and file names come from exports someone else wrote. Printed raw,
an ESC sequence can rewrite the screen, a CR or newline can forge a second summary line in a cron log, and a
bidi override (U+202E) can make ``ICE`` read as something else. Opened in a spreadsheet, a CSV cell that starts
with ``=`` runs as a formula (CSV / formula injection).
"""

from __future__ import annotations

import re
import unicodedata

# Characters escaped on a line: C0 and C1 controls and DEL (Cc), invisible format characters such as the bidi
# embeddings/overrides/isolates U+202A-U+202E and U+2066-U+2069, zero-width spaces and the BOM (Cf), the
# Unicode line and paragraph separators (Zl, Zp) and lone surrogates (Cs: undecodable bytes of a file name).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_NON_ASCII_OR_CONTROL = re.compile(r"[^\x20-\x7e]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# OWASP's list of characters that make a spreadsheet read a cell as a formula when they start it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _visible_char(match: re.Match[str]) -> str:
    char = match.group()
    return _escape(char) if unicodedata.category(char) in _UNSAFE_CATEGORIES else char


def visible(text: str) -> str:
    """``text`` as one printable line: every control, format or separator character becomes a visible escape.

    ``\\n``, ``\\r`` and ``\\t`` by name, other characters below U+0100 as ``\\xNN`` (ESC is ``\\x1b``), the rest
    as ``\\uNNNN``. Printable text -- accents, CJK, an agency's own spelling -- is left as it is, and so is a
    backslash (Windows paths stay readable), so the output is for reading, not for decoding back.
    """
    return _NON_ASCII_OR_CONTROL.sub(_visible_char, text)


def json_line_safe(line: str) -> str:
    """A JSON text (``json.dumps(..., ensure_ascii=False)``) with the same characters as ``\\uXXXX`` escapes.

    ``json.dumps`` escapes C0 controls but passes DEL, C1 controls, bidi overrides and U+2028/U+2029 through;
    escaping them keeps one record on one line and its meaning unchanged (JSON allows any character escaped).
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
            return char
        encoded = char.encode("utf-16-be", "surrogatepass")
        return "".join(f"\\u{int.from_bytes(encoded[i:i + 2], 'big'):04x}" for i in range(0, len(encoded), 2))

    return _NON_ASCII_OR_CONTROL.sub(escape, line)


def neutralise_cell(value: str) -> str:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` (the OWASP defence).

    Applies to text columns only: a number such as ``-5`` in a numeric column is data and is written as is.
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def neutralise_sql(column: str) -> str:
    """The SQL (DuckDB) expression of :func:`neutralise_cell` on a text ``column``: NULL stays NULL.

    An anchored regular expression, measured as fast as writing the column untouched. Not ``left(col, 1) IN
    (...)``: DuckDB rewrites an IN list of constants into a join, and the COPY then loses file order.
    """
    return rf"CASE WHEN regexp_matches({column}, '^[=+\-@\t\r]') THEN '''' || {column} ELSE {column} END"
