"""Downloading into a snapshot folder: each file written atomically, then the manifest, atomically.

A nightly run re-downloads only what changed: each request carries the ETag / Last-Modified the previous
manifest recorded, and a 304 keeps the file already there. A failed download is recorded in the manifest
with its status and never replaces a good earlier copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

from configscan.atomic import write_atomic
from configscan.fetch.http import DEFAULT_MAX_BYTES, FetchError, get
from configscan.fetch.manifest import Entry, Manifest, load_manifest, redact_url, save_manifest
from configscan.fetch.sources import Download


@dataclass
class Outcome:
    manifest: Manifest
    downloaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def fetch_all(session: requests.Session, downloads: Sequence[Download], folder: Path, *, source: str,
              token: str | None = None, token_env: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Outcome:
    """Fetch every download into ``folder``; return what happened (failures included, never raised)."""
    folder.mkdir(parents=True, exist_ok=True)
    previous = load_manifest(folder).by_url()
    outcome = Outcome(manifest=Manifest(source=source))
    auth = f"bearer token from ${token_env}" if token and token_env else None
    for item in downloads:
        key = redact_url(item.url)
        before = previous.get(key)
        have = before is not None and before.file is not None and (folder / before.file).exists()
        try:
            response = get(session, item.url, token=token, max_bytes=max_bytes,
                           etag=before.etag if have and before else None,
                           last_modified=before.last_modified if have and before else None)
        except FetchError as exc:
            outcome.failed.append(str(exc))
            kept = before.model_copy(update={"error": str(exc), "status": exc.status}) if have and before else \
                Entry(url=key, fetched_at=_now(), status=exc.status, error=str(exc), auth=auth)
            outcome.manifest.entries.append(kept)
            continue
        if response.status == 304 and before is not None:
            outcome.unchanged.append(before.file or item.name)
            outcome.manifest.entries.append(before.model_copy(update={"not_modified": True, "status": 304,
                                                                      "fetched_at": _now(), "error": None}))
            continue
        assert response.body is not None
        write_atomic(folder / item.name, response.body)
        outcome.downloaded.append(item.name)
        outcome.manifest.entries.append(Entry(
            url=key, file=item.name, fetched_at=_now(), status=response.status, sha256=response.sha256,
            size=len(response.body), etag=response.etag, last_modified=response.last_modified,
            content_type=response.content_type, auth=auth))
    fetched = {e.url for e in outcome.manifest.entries}
    # Files fetched by earlier runs into the same folder stay listed: the manifest describes the folder.
    earlier = [old for url, old in previous.items()
               if url not in fetched and old.file and (folder / old.file).exists()]
    outcome.manifest.entries = earlier + outcome.manifest.entries
    save_manifest(folder, outcome.manifest)
    return outcome
