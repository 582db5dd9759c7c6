"""Where the files come from: a transparency-portal page, a MuckRock request's released files, any URL.

Each source turns its argument into a list of (URL, file name) downloads; the snapshot module fetches them.
MuckRock's public API is paginated (``next`` links) and rate-limited (429 + Retry-After, handled by
:func:`configscan.fetch.http.open_response` within the run's limits). Everything a listing says is
untrusted: names are sanitised (:mod:`configscan.fetch.names`), a ``next`` link already visited ends the
listing with an error, and the token follows a ``next`` link only to the API's own origin.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin

from configscan.fetch.body import get
from configscan.fetch.defaults import MUCKROCK_API, PORTAL_BASE
from configscan.fetch.http import Fetcher, FetchError
from configscan.fetch.names import name_from_url, safe_name, unique_name

MAX_PAGES = 200  # a listing longer than this is refused rather than followed for ever
__all__ = ["Download", "Listing", "muckrock_downloads", "name_from_url", "paginate", "portal_url", "safe_name"]


@dataclass(frozen=True)
class Download:
    url: str
    name: str
    note: str | None = None


@dataclass
class Listing:
    """The downloads a source found, and the listing pages that failed (so the run is known incomplete)."""

    downloads: list[Download] = field(default_factory=list)
    failures: list[FetchError] = field(default_factory=list)


def portal_url(slug_or_url: str, base: str = PORTAL_BASE) -> str:
    """A portal URL from a slug ("eugene-or-pd") or a full URL given as is."""
    if slug_or_url.startswith(("http://", "https://")):
        return slug_or_url
    slug = slug_or_url.strip().strip("/")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", slug):
        raise FetchError(slug_or_url, "not a portal slug (letters, digits, hyphens) or an http(s) URL", kind="url")
    return base.rstrip("/") + "/" + slug.lower()


def _json(fetcher: Fetcher, url: str) -> dict[str, Any]:
    response = get(fetcher, url, accept="application/json")
    try:
        data = json.loads(response.body or b"")
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        raise FetchError(url, "answer is not JSON", response.status, kind="listing") from None
    if not isinstance(data, dict):
        raise FetchError(url, "answer is not a JSON object", response.status, kind="listing")
    return data


def paginate(fetcher: Fetcher, url: str, into: list[dict[str, Any]]) -> None:
    """Append every ``results`` item across ``next`` links (Django REST framework style) to ``into``.

    Items of the pages read so far stay in ``into`` when a later page fails, so the caller can fetch what
    was listed and still record the listing as failed.
    """
    seen: set[str] = set()
    next_url: str | None = url
    while next_url:
        if next_url in seen:
            raise FetchError(url, f"pagination repeats a page it already read after {len(seen)} pages "
                                  "(a 'next' link that loops)", kind="listing")
        if len(seen) >= MAX_PAGES:
            raise FetchError(url, f"pagination did not end after {MAX_PAGES} pages", kind="listing")
        seen.add(next_url)
        page = _json(fetcher, next_url)
        results = page.get("results")
        if not isinstance(results, list):
            raise FetchError(next_url, "page has no 'results' list", kind="listing")
        into.extend(r for r in results if isinstance(r, dict))
        nxt = page.get("next")
        next_url = urljoin(next_url, nxt) if isinstance(nxt, str) and nxt else None


def muckrock_downloads(fetcher: Fetcher, request_id: str, api: str = MUCKROCK_API) -> Listing:
    """The files released on a MuckRock request: communications of the request, then each one's files.

    A failure of the first page raises (nothing could be listed: the caller decides between a wrong request
    number and an incomplete run); a later failure is returned in the listing beside what was found.
    """
    if not request_id.isdigit():
        raise FetchError(request_id, "a MuckRock request id is a number (the last part of the request's URL)",
                         kind="url")
    base = api.rstrip("/") + "/"
    listing = Listing()
    communications: list[dict[str, Any]] = []
    try:
        paginate(fetcher, f"{base}communications/?foia={request_id}", communications)
    except FetchError as exc:
        if not communications:
            raise
        listing.failures.append(exc)
    used: set[str] = set()
    for comm in communications:
        raw_id = str(comm.get("id", ""))
        comm_id = safe_name(raw_id, "comm")
        files = comm.get("files")
        if not isinstance(files, list):
            files = []
            try:
                paginate(fetcher, f"{base}files/?communication={quote(raw_id, safe='')}", files)
            except FetchError as exc:
                listing.failures.append(exc)
        for item in files:
            download = _download(item, comm_id, used, len(listing.downloads))
            if download is not None:
                listing.downloads.append(download)
    return listing


def _download(item: object, comm_id: str, used: set[str], index: int) -> Download | None:
    if not isinstance(item, dict):
        return None
    url = item.get("ffile") or item.get("url")
    if not isinstance(url, str) or not url:
        return None
    fallback = f"file-{safe_name(str(item.get('id', index)), str(index))}"
    name = name_from_url(url, fallback)
    if name.casefold() in used:
        name = safe_name(f"{comm_id}-{name}")
    title = item.get("title")
    return Download(url=url, name=unique_name(name, used), note=str(title)[:200] if title else None)
