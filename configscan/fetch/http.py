"""One requests Session for every fetch: retries that honour Retry-After, timeouts, a size cap.

TLS verification stays on and proxies come from the environment (requests' defaults, never turned off).
A token is attached as a bearer header only to requests for the host it was given for, and never
appears in an error message, log line or manifest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from configscan import __version__
from configscan.fetch.defaults import DEFAULT_MAX_BYTES
from configscan.fetch.manifest import redact_url

DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds)
__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "FetchError", "bearer_from_env", "get", "make_session"]
RETRY_STATUSES = (429, 500, 502, 503, 504)


class FetchError(Exception):
    """A download that failed: the message names the (redacted) URL and the status or reason."""

    def __init__(self, url: str, detail: str, status: int | None = None) -> None:
        super().__init__(f"{redact_url(url)}: {detail}")
        self.url = url
        self.status = status


def make_session(retries: int = 4, backoff: float = 1.0) -> requests.Session:
    """A Session that retries idempotent requests on connection errors and 429/5xx, honouring Retry-After."""
    retry = Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=backoff,
                  status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET", "HEAD"}),
                  respect_retry_after_header=True, raise_on_status=False)
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = f"configscan/{__version__} (+records fetch)"
    session.verify = True
    session.trust_env = True  # proxies and CA bundle from the environment
    return session


@dataclass
class Response:
    status: int
    body: bytes | None  # None when the server answered 304 Not Modified
    sha256: str | None
    etag: str | None
    last_modified: str | None
    content_type: str | None


def get(session: requests.Session, url: str, *, token: str | None = None, etag: str | None = None,
        last_modified: str | None = None, timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES, accept: str | None = None) -> Response:
    """GET ``url`` (conditionally when validators are given), streamed, capped and checked for truncation."""
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if accept:
        headers["Accept"] = accept
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = session.get(url, headers=headers, timeout=timeout, stream=True, allow_redirects=True)
    except requests.exceptions.RetryError as exc:
        raise FetchError(url, f"gave up after retries ({_reason(exc)})") from None
    except requests.exceptions.SSLError:
        raise FetchError(url, "TLS certificate verification failed") from None
    except requests.exceptions.Timeout:
        raise FetchError(url, "timed out") from None
    except requests.exceptions.ConnectionError as exc:
        raise FetchError(url, f"connection failed ({_reason(exc)})") from None
    with response:
        if token and urlsplit(response.url).hostname != urlsplit(url).hostname:
            raise FetchError(url, "redirected to another host; refusing to send the token on")
        if response.status_code == 304:
            return Response(304, None, None, etag, last_modified, None)
        if response.status_code >= 400:
            raise FetchError(url, f"HTTP {response.status_code} {response.reason or ''}".strip(),
                             response.status_code)
        body = _read_capped(response, url, max_bytes)
    return Response(response.status_code, body, hashlib.sha256(body).hexdigest(),
                    response.headers.get("ETag"), response.headers.get("Last-Modified"),
                    response.headers.get("Content-Type"))


def _read_capped(response: requests.Response, url: str, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, f"{declared} bytes is over the {max_bytes}-byte cap", response.status_code)
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.raw.stream(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(url, f"body over the {max_bytes}-byte cap", response.status_code)
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, requests.exceptions.RequestException, OSError) as exc:
        raise FetchError(url, f"body cut off after {size} bytes ({type(exc).__name__})",
                         response.status_code) from None
    body = b"".join(chunks)
    encoding = response.headers.get("Content-Encoding", "identity")
    if declared and declared.isdigit() and encoding == "identity" and len(body) != int(declared):
        raise FetchError(url, f"body cut off: {len(body)} of {declared} bytes", response.status_code)
    return body


def _reason(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    inner = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(inner).__name__ if inner is not None else text.split("(", 1)[0].strip()[:80]


def bearer_from_env(env: Mapping[str, str], name: str | None) -> str | None:
    """The token in environment variable ``name``; a named but empty variable is an error, not anonymous."""
    if not name:
        return None
    token = env.get(name, "").strip()
    if not token:
        raise FetchError("(token)", f"environment variable {name} is not set or empty")
    return token
