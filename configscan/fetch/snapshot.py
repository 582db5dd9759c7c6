"""Downloading into a snapshot folder: each file written atomically, then the manifest, atomically.

A nightly run re-downloads only what changed: each request carries the ETag / Last-Modified the previous
manifest recorded, and a 304 keeps the file already there. A failed download is recorded in the manifest
(``status`` failed, or stale when an earlier good copy is kept) and never replaces that copy. Listing pages
that failed are recorded the same way, so a snapshot that misses files is never mistaken for a whole one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from configscan.fetch.body import download
from configscan.fetch.credentials import one_line
from configscan.fetch.http import Fetcher, FetchError
from configscan.fetch.manifest import FAILED, OK, STALE, Entry, Manifest, load_manifest, redact_url, save_manifest
from configscan.fetch.names import UnsafePath, contained
from configscan.fetch.sources import Download


@dataclass
class Outcome:
    manifest: Manifest
    downloaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line each, scrubbed of every credential
    kept: int = 0  # failures for which an earlier copy stays in the folder (status stale)


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def fetch_all(fetcher: Fetcher, downloads: Sequence[Download], folder: Path, *, source: str,
              auth: str | None = None, listing_failures: Sequence[FetchError] = ()) -> Outcome:
    """Fetch every download into ``folder``; return what happened (failures included, never raised).

    ``auth`` names how the credentials were supplied (recorded per entry; the fetcher decides per origin
    whether they are sent). Once the run's deadline has passed, the remaining files fail without a request.
    """
    folder.mkdir(parents=True, exist_ok=True)
    previous = load_manifest(folder).by_url()
    outcome = Outcome(manifest=Manifest(source=fetcher.credentials.scrub(source)))
    for failure in listing_failures:
        _record_failure(outcome, fetcher, None, failure, redact_url(failure.url), auth)
    for item in downloads:
        key = redact_url(item.url)
        before = previous.get(key)
        have = before is not None and before.file is not None and _held(folder, before.file)
        try:
            target = contained(folder, item.name)
        except UnsafePath as exc:
            _record_failure(outcome, fetcher, before if have else None,
                            FetchError(item.url, str(exc), kind="unsafe-name"), key, auth)
            continue
        try:
            response = download(fetcher, item.url, target,
                                etag=before.etag if have and before else None,
                                last_modified=before.last_modified if have and before else None)
        except FetchError as exc:
            _record_failure(outcome, fetcher, before if have else None, exc, key, auth)
            continue
        except Exception as exc:  # noqa: BLE001 -- a bug met on one file is recorded as that file's failure
            detail = f"unexpected {type(exc).__name__} ({one_line(str(exc), 200)})"
            _record_failure(outcome, fetcher, before if have else None,
                            FetchError(item.url, detail, kind="internal"), key, auth)
            continue
        if response.status == 304 and have and before is not None:
            outcome.unchanged.append(before.file or item.name)
            outcome.manifest.entries.append(before.model_copy(update={
                "not_modified": True, "status": OK, "http_status": 304, "fetched_at": _now(), "error": None,
                "failure": None, "attempted_at": None}))
            continue
        if response.status == 304:  # a 304 to a request that carried no validators: nothing was received
            _record_failure(outcome, fetcher, None, FetchError(item.url, "HTTP 304 to an unconditional "
                                                               "request (no body)", 304), key, auth)
            continue
        outcome.downloaded.append(item.name)
        outcome.manifest.entries.append(Entry(
            url=key, file=item.name, fetched_at=_now(), status=OK, http_status=response.status,
            sha256=response.sha256, size=response.size, etag=response.etag,
            last_modified=response.last_modified, content_type=response.content_type, auth=auth))
    fetched = {e.url for e in outcome.manifest.entries}
    # Files fetched by earlier runs into the same folder stay listed: the manifest describes the folder.
    earlier = [old for url, old in previous.items()
               if url not in fetched and old.file and (folder / old.file).exists()]
    outcome.manifest.entries = earlier + outcome.manifest.entries
    save_manifest(folder, outcome.manifest)
    return outcome


def _held(folder: Path, name: str) -> bool:
    """True when an earlier run's file is still in the folder (and its recorded name is a plain one)."""
    try:
        return contained(folder, name).is_file()
    except UnsafePath:
        return False


def _record_failure(outcome: Outcome, fetcher: Fetcher, before: Entry | None, exc: FetchError, key: str,
                    auth: str | None) -> None:
    """One failed entry: stale (the earlier copy is kept and still listed) or failed (no file)."""
    message = fetcher.credentials.scrub(str(exc))
    outcome.failed.append(message)
    now = _now()
    if before is not None:
        outcome.kept += 1
        outcome.manifest.entries.append(before.model_copy(update={
            "status": STALE, "error": message, "failure": exc.kind, "http_status": exc.status,
            "attempted_at": now, "not_modified": False}))
    else:
        outcome.manifest.entries.append(Entry(url=key, fetched_at=now, status=FAILED, error=message,
                                              failure=exc.kind, http_status=exc.status, attempted_at=now,
                                              auth=auth))
