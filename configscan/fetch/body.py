"""Reading a response body within the limits: size cap, per-read timeout, deadline, truncation check.

Bodies are read with ``read1`` (at most one socket read per call), so the deadline is checked between reads
even when a server trickles a byte at a time -- a plain ``read(64 KiB)`` would block until 64 KiB arrived.
Files stream to a hidden temporary file beside their target and are renamed into place only when complete,
so a 2 GiB export never sits in memory and a failed download never replaces a good earlier copy.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests
import urllib3

from configscan.fetch.defaults import DEFAULT_MAX_JSON_BYTES
from configscan.fetch.http import Fetcher, FetchError, open_response
from configscan.fetch.limits import describe_seconds

CHUNK = 64 * 1024


@dataclass
class Response:
    """What a GET produced: the body (in memory for listings, None for files and for 304), and validators."""

    status: int
    body: bytes | None
    sha256: str | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    size: int | None = None


def conditional(etag: str | None, last_modified: str | None, accept: str | None = None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if accept:
        headers["Accept"] = accept
    return headers


def get(fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None,
        accept: str | None = None, max_bytes: int | None = None) -> Response:
    """GET ``url`` into memory (listing pages): capped at ``max_bytes`` (default: the smaller of the run's
    cap and 64 MiB)."""
    cap = max_bytes if max_bytes is not None else min(fetcher.limits.max_bytes, DEFAULT_MAX_JSON_BYTES)
    with open_response(fetcher, url, conditional(etag, last_modified, accept)) as response:
        if response.status_code == 304:
            return _validators(response, None, None, 0)
        hasher = hashlib.sha256()
        chunks: list[bytes] = []
        for chunk in _chunks(fetcher, response, url, cap):
            hasher.update(chunk)
            chunks.append(chunk)
        body = b"".join(chunks)
    return _validators(response, body, hasher.hexdigest(), len(body))


def download(fetcher: Fetcher, url: str, target: Path, *, etag: str | None = None,
             last_modified: str | None = None) -> Response:
    """GET ``url`` into ``target`` atomically (temporary file beside it, renamed when complete).

    A 304 leaves ``target`` as it is. Any failure (limits, truncation, a full disk) removes the temporary
    file and leaves the earlier ``target`` untouched.
    """
    with open_response(fetcher, url, conditional(etag, last_modified)) as response:
        if response.status_code == 304:
            return _validators(response, None, None, None)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise _write_error(url, exc) from None
        try:
            hasher = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as handle:
                # Reading errors arrive as FetchError; an OSError here is the disk's (full, read-only...).
                for chunk in _chunks(fetcher, response, url, fetcher.limits.max_bytes):
                    hasher.update(chunk)
                    size += len(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, _plain_mode())
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise _write_error(url, exc) from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return _validators(response, None, hasher.hexdigest(), size)


def _write_error(url: str, exc: OSError) -> FetchError:
    return FetchError(url, f"could not write the file ({exc.strerror or type(exc).__name__})", kind="write")


def _plain_mode() -> int:
    """The permissions a plain ``open()`` gives (0o666 less the umask): mkstemp's 0o600 would hide the
    snapshot from a web folder or a second account that scans it."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _validators(response: requests.Response, body: bytes | None, sha256: str | None,
                size: int | None) -> Response:
    headers = response.headers
    return Response(response.status_code, body, sha256, headers.get("ETag"), headers.get("Last-Modified"),
                    headers.get("Content-Type"), size)


def _chunks(fetcher: Fetcher, response: requests.Response, url: str, cap: int) -> Iterator[bytes]:
    """The decoded body in pieces; raises :class:`FetchError` on a cap, a silence, the deadline or a cut."""
    limits, clock = fetcher.limits, fetcher.deadline
    declared = response.headers.get("Content-Length", "").strip()
    length = int(declared) if declared.isdigit() else None
    if length is not None and length > cap:
        raise FetchError(url, f"{length} bytes is over the {cap}-byte limit (--max-bytes)", response.status_code,
                         kind="too-large")
    raw = response.raw
    size = 0
    while True:
        if clock.expired():
            raise fetcher.out_of_time(url, f"after {size} bytes of the body")
        try:
            chunk = raw.read1(CHUNK, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError:
            if clock.expired():  # the read timeout was shortened to what was left of the deadline
                raise fetcher.out_of_time(url, f"after {size} bytes of the body") from None
            raise FetchError(url, f"no data for {describe_seconds(limits.read_timeout)} after {size} bytes "
                                  "(--read-timeout)", response.status_code, kind="timeout") from None
        except (urllib3.exceptions.HTTPError, requests.exceptions.RequestException, OSError) as exc:
            raise FetchError(url, f"body cut off after {size} bytes ({type(exc).__name__})", response.status_code,
                             kind="truncated") from None
        if not chunk:
            break
        size += len(chunk)
        if size > cap:
            raise FetchError(url, f"body over the {cap}-byte limit (--max-bytes)", response.status_code,
                             kind="too-large")
        yield chunk
    identity = response.headers.get("Content-Encoding", "identity").strip().lower() in ("", "identity")
    if length is not None and identity and size != length:
        raise FetchError(url, f"body cut off: {size} of {length} bytes", response.status_code, kind="truncated")
