"""The snapshot manifest: what was downloaded, from where, when, what it hashed to -- and what failed.

The manifest is how a nightly run knows what it already has (ETag / Last-Modified for conditional requests),
how a report traces an input back to its URL, and how ``scan`` learns that a snapshot is incomplete: every
entry has a ``status`` that is ``ok`` only when the file was fetched completely in its run (or the server
confirmed with 304 that the copy held is current). It never holds a credential: URLs are stored without user
info and with secret-looking query values replaced, and authentication is recorded only as the variable's name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, Field, ValidationError, model_validator

from configscan.atomic import write_atomic
from configscan.errors import InputError

MANIFEST_NAME = "manifest.json"
_SECRET_PARAMS = ("token", "key", "secret", "password", "passwd", "signature", "sig", "auth", "credential",
                  "session")

FileStatus = Literal["ok", "failed", "stale"]
OK: FileStatus = "ok"  # fetched completely in its run, or confirmed current by a 304
FAILED: FileStatus = "failed"  # the last attempt failed and no earlier copy is held (``file`` is null)
STALE: FileStatus = "stale"  # the last attempt failed; ``file`` is an earlier run's copy, possibly out of date


class Entry(BaseModel):
    url: str
    file: str | None = None
    fetched_at: str
    status: FileStatus
    http_status: int | None = None  # the last HTTP status seen (200, 304, 404...); None when none arrived
    sha256: str | None = None
    size: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    not_modified: bool = False
    error: str | None = None  # one line: the (redacted) URL and why it failed; None when status is ok
    failure: str | None = None  # the cause as a word: http, timeout, deadline, too-large, truncated, ...
    attempted_at: str | None = None  # when the failing attempt was made (fetched_at stays the copy's time)
    auth: str | None = None  # e.g. "bearer token from $EXPORT_TOKEN" -- never the token

    @model_validator(mode="before")
    @classmethod
    def _from_older_manifest(cls, data: Any) -> Any:
        """Manifests written before ``status`` named the outcome kept the HTTP status there: move it to
        ``http_status`` and derive the outcome from ``error`` and ``file`` (fail closed: an error is never ok)."""
        if not isinstance(data, dict) or data.get("status") in ("ok", "failed", "stale"):
            return data
        old = dict(data)
        code = old.pop("status", None)
        if isinstance(code, int) and not isinstance(code, bool) and "http_status" not in old:
            old["http_status"] = code
        if old.get("error") or (isinstance(code, int) and code >= 400):
            old["status"] = STALE if old.get("file") else FAILED
        else:
            old["status"] = OK if old.get("file") else FAILED
        return old


class Manifest(BaseModel):
    format: str = "configscan/snapshot@1"
    source: str = ""
    entries: list[Entry] = Field(default_factory=list)

    def by_url(self) -> dict[str, Entry]:
        return {e.url: e for e in self.entries}


def redact_url(url: str) -> str:
    """The URL without user info or fragment and with secret-looking query values replaced, so it can be
    printed and stored. Never raises: an unparseable URL becomes a placeholder."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "(unparseable URL)"
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if port:
        netloc = f"{netloc}:{port}"
    query = [(k, "REDACTED" if any(s in k.lower() for s in _SECRET_PARAMS) else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def load_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return Manifest()
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise InputError(str(path), f"not a configscan snapshot manifest ({_first_line(exc)})") from None


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc']) or 'top level'}: {first['msg']}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def save_manifest(folder: Path, manifest: Manifest) -> None:
    write_atomic(folder / MANIFEST_NAME, manifest.model_dump_json(indent=2) + "\n")
