"""Where the files come from: a transparency-portal page, a MuckRock request's released files, any URL.

Each source turns its argument into a list of (URL, file name) downloads; the snapshot module fetches them.
MuckRock's public API is paginated (``next`` links) and rate-limited (429 + Retry-After, handled by the
session's retries).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import requests

from configscan.fetch.defaults import MUCKROCK_API, PORTAL_BASE
from configscan.fetch.http import FetchError, get

MAX_PAGES = 200  # a runaway "next" loop ends here instead of running forever


@dataclass(frozen=True)
class Download:
    url: str
    name: str
    note: str | None = None


def portal_url(slug_or_url: str, base: str = PORTAL_BASE) -> str:
    """A portal URL from a slug ("eugene-or-pd") or a full URL given as is."""
    if slug_or_url.startswith(("http://", "https://")):
        return slug_or_url
    slug = slug_or_url.strip().strip("/")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", slug):
        raise FetchError(slug_or_url, "not a portal slug (letters, digits, hyphens) or an http(s) URL")
    return base.rstrip("/") + "/" + slug.lower()


def safe_name(text: str, fallback: str) -> str:
    """A file name safe on every OS from a URL path segment or a title."""
    base = unquote(text).rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._")
    return cleaned[:120] or fallback


def name_from_url(url: str, fallback: str) -> str:
    return safe_name(urlsplit(url).path, fallback)


def _json(session: requests.Session, url: str, token: str | None) -> dict[str, Any]:
    import json

    response = get(session, url, token=token, accept="application/json")
    try:
        data = json.loads(response.body or b"")
    except ValueError:
        raise FetchError(url, "answer is not JSON") from None
    if not isinstance(data, dict):
        raise FetchError(url, "answer is not a JSON object")
    return data


def paginate(session: requests.Session, url: str, token: str | None = None) -> list[dict[str, Any]]:
    """Every ``results`` item across ``next`` links (Django REST framework style)."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url:
        if next_url in seen or len(seen) >= MAX_PAGES:
            raise FetchError(url, f"pagination did not end after {len(seen)} pages")
        seen.add(next_url)
        page = _json(session, next_url, token)
        results = page.get("results")
        if not isinstance(results, list):
            raise FetchError(next_url, "page has no 'results' list")
        items.extend(r for r in results if isinstance(r, dict))
        nxt = page.get("next")
        next_url = nxt if isinstance(nxt, str) and nxt else None
    return items


def muckrock_downloads(session: requests.Session, request_id: str, api: str = MUCKROCK_API,
                       token: str | None = None) -> list[Download]:
    """The files released on a MuckRock request: communications of the request, then each one's files."""
    if not request_id.isdigit():
        raise FetchError(request_id, "a MuckRock request id is a number (the last part of the request's URL)")
    base = api.rstrip("/") + "/"
    communications = paginate(session, f"{base}communications/?foia={request_id}", token)
    downloads: list[Download] = []
    used: set[str] = set()
    for comm in communications:
        comm_id = comm.get("id")
        files = comm.get("files")
        if not isinstance(files, list):
            files = paginate(session, f"{base}files/?communication={comm_id}", token)
        for item in files:
            if not isinstance(item, dict):
                continue
            url = item.get("ffile") or item.get("url")
            if not isinstance(url, str) or not url:
                continue
            name = name_from_url(url, f"file-{item.get('id', len(downloads))}")
            if name in used:
                name = f"{comm_id}-{name}"
            used.add(name)
            title = item.get("title")
            downloads.append(Download(url=url, name=name, note=str(title) if title else None))
    return downloads
