"""Reader for the interchange format itself (JSON or YAML), written by hand or by another tool."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from configscan.errors import InputError
from configscan.model import FORMAT_ID
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import decode, head_text


def _sniff(path: Path, head: bytes) -> bool:
    text = head_text(head)
    return "configscan/agency-config@" in text or (
        path.suffix.lower() in (".json", ".yaml", ".yml") and "format" in text and "agency" in text
    )


MAX_DEPTH = 64  # far deeper than any configuration; deeper is junk that would exhaust the stack later


def _too_deep(data: Any) -> bool:
    """True when containers nest deeper than MAX_DEPTH (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def load_document(path: Path) -> dict[str, Any]:
    """Parse JSON or YAML into a mapping, with errors that name the file and line.

    Text is UTF-8 (a byte-order mark is dropped) or, as Windows editors save it, Windows-1252.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    text = decode(raw, str(path))
    stripped = text.lstrip()
    try:
        data = json.loads(text) if stripped.startswith(("{", "[")) else yaml.safe_load(text)
    except RecursionError as exc:
        raise InputError(str(path), f"nested more than {MAX_DEPTH} levels deep; not a configuration") from exc
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(str(path), f"{where}invalid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict):
        raise InputError(str(path), f"expected a mapping with 'format' = {FORMAT_ID!r}, got {type(data).__name__}")
    if _too_deep(data):
        raise InputError(str(path), f"nested more than {MAX_DEPTH} levels deep; not a configuration")
    return data


def _read(path: Path) -> Fragment:
    data = load_document(path)
    fmt = data.get("format")
    if fmt != FORMAT_ID:
        raise InputError(str(path), f"field 'format' must be {FORMAT_ID!r}, got {fmt!r}")
    for index, partner in enumerate(data.get("partners") or []):
        if isinstance(partner, dict) and "provenance" not in partner:
            partner["provenance"] = {"file": str(path), "element": f"partners[{index}]"}
    return Fragment(source=str(path), reader="interchange", data=data, rows_read=len(data.get("partners") or []))


reader = Reader(
    name="interchange",
    description="configscan agency configuration (JSON or YAML, format configscan/agency-config@1)",
    sniff=_sniff,
    read=_read,
    priority=10,
)
