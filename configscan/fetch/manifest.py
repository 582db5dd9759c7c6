"""The snapshot manifest: what was downloaded, from where, when, and what it hashed to.

The manifest is how a nightly run knows what it already has (ETag / Last-Modified for conditional requests)
and how a report traces an input back to its URL. It never holds a credential: URLs are stored without
query-string values that look like secrets, and authentication is recorded only as the variable's name.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, Field, ValidationError

from configscan.atomic import write_atomic
from configscan.errors import InputError

MANIFEST_NAME = "manifest.json"
_SECRET_PARAMS = ("token", "key", "secret", "password", "signature", "sig", "auth", "access_token", "apikey")


class Entry(BaseModel):
    url: str
    file: str | None = None
    fetched_at: str
    status: int | None = None
    sha256: str | None = None
    size: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    not_modified: bool = False
    error: str | None = None
    auth: str | None = None  # e.g. "bearer token from $EXPORT_TOKEN" -- never the token


class Manifest(BaseModel):
    format: str = "configscan/snapshot@1"
    source: str = ""
    entries: list[Entry] = Field(default_factory=list)

    def by_url(self) -> dict[str, Entry]:
        return {e.url: e for e in self.entries}


def redact_url(url: str) -> str:
    """The URL with secret-looking query values replaced, so it can be logged and stored."""
    parts = urlsplit(url)
    query = [(k, "REDACTED" if any(s in k.lower() for s in _SECRET_PARAMS) else v)
             for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


def load_manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST_NAME
    if not path.exists():
        return Manifest()
    try:
        return Manifest.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise InputError(str(path), f"not a configscan snapshot manifest ({exc})") from exc


def save_manifest(folder: Path, manifest: Manifest) -> None:
    write_atomic(folder / MANIFEST_NAME, manifest.model_dump_json(indent=2) + "\n")
