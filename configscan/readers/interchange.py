"""Reader for the interchange format itself (JSON or YAML), written by hand or by another tool."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import yaml

from configscan.errors import InputError
from configscan.model import FORMAT_ID
from configscan.readers import safeyaml
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
        data = json.loads(text) if stripped.startswith(("{", "[")) else safeyaml.load(text, str(path))
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
    plain: dict[str, Any] = _plain(data, str(path), "")
    return plain


def _plain(value: Any, source: str, where: str) -> Any:
    """The document as JSON would give it, or an input error naming the key path of the first value it
    cannot hold: NaN and Infinity (JSON exports from JavaScript and Python write them; no setting is NaN),
    YAML binary data and sets. YAML timestamps become ISO text (the model parses dates from text, and a
    date where a name belongs is then an ordinary type error naming the field); keys become text."""
    if isinstance(value, dict):
        return {_key(k): _plain(v, source, f"{where}.{_key(k)}" if where else _key(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, source, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        shown = "NaN" if math.isnan(value) else ("-Infinity" if value < 0 else "Infinity")
        raise InputError(source, f"{where or '(document)'}: {shown} is not a value")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes | set | tuple):
        what = "binary data" if isinstance(value, bytes) else "a YAML set"
        raise InputError(source, f"{where or '(document)'}: {what} is not a value")
    return value


def _key(key: Any) -> str:
    return key.isoformat() if isinstance(key, dt.date | dt.datetime) else str(key)


# Lists of records: each must be a list of mappings, or the reader would walk letters or keys as records.
_RECORD_LISTS = (("partners",), ("users",), ("hotlists",), ("sharing_events",), ("sharing", "networks"))


def _check_records(data: dict[str, Any], source: str) -> None:
    for keys in _RECORD_LISTS:
        parent: Any = data
        for key in keys[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or parent.get(keys[-1]) is None:
            continue
        records, name = parent[keys[-1]], ".".join(keys)
        if not isinstance(records, list):
            raise InputError(source, f"{name}: expected a list of records, got {_kind(records)}")
        for index, record in enumerate(records):
            if not isinstance(record, dict):
                raise InputError(source, f"{name}[{index}]: expected a mapping (name: ...), got {_kind(record)}")


def _kind(value: Any) -> str:
    kinds = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return kinds.get(type(value), type(value).__name__)


def _read(path: Path) -> Fragment:
    data = load_document(path)
    fmt = data.get("format")
    if fmt != FORMAT_ID:
        raise InputError(str(path), f"field 'format' must be {FORMAT_ID!r}, got {fmt!r}")
    _check_records(data, str(path))
    for index, partner in enumerate(data.get("partners") or []):
        if "provenance" not in partner:
            partner["provenance"] = {"file": str(path), "element": f"partners[{index}]"}
    return Fragment(source=str(path), reader="interchange", data=data, rows_read=len(data.get("partners") or []))


reader = Reader(
    name="interchange",
    description="configscan agency configuration (JSON or YAML, format configscan/agency-config@1)",
    sniff=_sniff,
    read=_read,
    priority=10,
)
