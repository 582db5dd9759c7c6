"""Line numbers for TOML keys, so configuration errors can say ``scans.toml:12`` (tomllib gives none).

A line scan good enough for hand-written files: ``[table]`` and ``[[array]]`` headers and ``key = value``
lines. A key it cannot place (a dotted key, a key inside an inline table) falls back to its table's header.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=")

Where = tuple[str | int, ...]  # ("scan", 0) for the first [[scan]]; () for the top level


def key_lines(text: str) -> dict[tuple[Where, str], int]:
    """{(table, key): line}, plus {(table, ""): header line} for each table."""
    lines: dict[tuple[Where, str], int] = {}
    counts: dict[str, int] = {}
    table: Where = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = header.group(2).replace('"', "").strip()
            parts: list[str | int] = list(name.split("."))
            if header.group(1) == "[[":
                counts[name] = counts.get(name, -1) + 1
                parts.append(counts[name])
            elif parts and parts[0] in counts:  # [scan.fetch] inside the latest [[scan]]
                parts.insert(1, counts[str(parts[0])])
            table = tuple(parts)
            lines[(table, "")] = number
            continue
        key = _KEY.match(line)
        if key:
            lines.setdefault((table, key.group(1).strip('"')), number)
    return lines


def line_of(lines: dict[tuple[Where, str], int], table: Where, key: str = "") -> int | None:
    """The key's line, else its table's header line, else None."""
    return lines.get((table, key)) or lines.get((table, ""))
