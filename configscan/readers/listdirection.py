"""Which way a one-direction partner list points, from the words the vendor or records office put around it.

A records response often answers one question -- "who shares with us" or "who can search our data" -- and
says which only in a sheet name, a title line above the table or the file name: the vendor's own screens are
titled "Networks I'm sharing with", "Shared with me", "Organizations that can search". Without the direction
every out-of-state partner is "direction unknown"; with it, a list of those we search (inbound) no longer
reads as a way into our data, and a list of those who search ours (outbound) does.

Only unambiguous phrases count: text that matches both directions, or neither, says nothing, and a row's
own direction column always wins over the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from configscan.readers.tabular import Table, norm

# Phrases after ``tabular.norm`` (lower case, apostrophes dropped, punctuation as spaces).
_INBOUND = (
    r"\bshared with (me|us)\b",
    r"\bshar(e|es|ing) (their |its )?(alpr |lpr |flock )?(data |cameras |networks |detections )?with (us|me)\b",
    r"\bsharing (their|its) (alpr |lpr )?(data|cameras|networks) with\b",
    r"\breceiv(e|es|ed|ing) (alpr |lpr )?(data|detections|access)? ?from\b",
    r"\bdetections received\b",
    r"\b(we|i) can search\b",
)
_OUTBOUND = (
    r"\bi( a)?m sharing\b",
    r"\bi am sharing\b",
    r"\b(we|i) (are )?shar(e|ing) (our |my )?(alpr |lpr )?(data |cameras |networks )?with\b",
    r"\b(that|who|which) can search\b",
    r"\bcan search (our|my)\b",
    r"\bgranted access\b",
    r"\b(with|have|has) access to (our|my)\b",
    r"\bdetections shared\b",
    r"\bshar(e|es|ing) (its|our) (alpr |lpr )?(detection )?data with\b",
)


@dataclass(frozen=True)
class Found:
    direction: str  # "inbound" | "outbound"
    basis: str  # where it was read, for the report: "sheet name 'Shared with me'"


def phrase_direction(text: str) -> str | None:
    """"inbound" or "outbound" when the text says one of them and not the other, else None."""
    words = norm(text)
    inbound = any(re.search(p, words) for p in _INBOUND)
    outbound = any(re.search(p, words) for p in _OUTBOUND)
    if inbound == outbound:
        return None
    return "inbound" if inbound else "outbound"


def table_direction(table: Table) -> Found | None:
    """The direction the sheet name, a title line above the header, or the file name states (in that order)."""
    candidates: list[tuple[str, str]] = []
    if table.sheet:
        candidates.append((f"sheet name {table.sheet!r}", table.sheet))
    for number, row in table.preamble:
        line = " ".join(c.strip() for c in row if c.strip())
        candidates.append((f"title {line!r} (row {number})", line))
    candidates.append((f"file name {Path(table.source).name!r}", Path(table.source).stem))
    for basis, text in candidates:
        direction = phrase_direction(text)
        if direction:
            return Found(direction, basis)
    return None
