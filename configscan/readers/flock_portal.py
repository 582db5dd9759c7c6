"""The Flock transparency portal page (saved or fetched HTML) -> what the agency publicly claims.

The page is plain HTML: headings ("Data retention (in days)", "Prohibited Uses", "Organizations granted
access to <Org> data"...) each followed by a value, a paragraph or a list. Headings vary between agencies,
so they are matched by their words, and every value records the heading it sat under. The portal is the
agency's own public statement; checks compare it with the exports because portals under-report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from configscan.errors import InputError
from configscan.readers.base import Fragment, Reader
from configscan.readers.tabular import decode, norm

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th", "strong", "b", "label", "summary"}
_BLOCKS = {"p", "div", "li", "dd", "td", "tr", "section", "article", "br", "ul", "ol", "table", "span", "header",
           "footer", "main", "body", "html", "a", *_HEADINGS}
_HEADING_CLASS = re.compile(r"(title|heading|header|label)", re.I)


class _Blocks(HTMLParser):
    """Flattens the page into (kind, text) blocks: kind is "heading", "item" (a list entry) or "text"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.links: list[dict[str, str]] = []
        self._text: list[str] = []
        self._kinds: list[str] = []
        self._skip = 0

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            kind = self._kinds[-1] if self._kinds else "text"
            self.blocks.append((kind, text))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "noscript", "svg"):
            self._skip += 1
            return
        if tag == "a":
            self.links.append({k: v or "" for k, v in attrs})
        if tag in _BLOCKS and tag != "a" and tag != "span":
            self._flush()
        classes = dict(attrs).get("class") or ""
        if tag in _HEADINGS or (tag in ("div", "span", "p") and _HEADING_CLASS.search(classes)):
            self._flush()
            self._kinds.append("heading")
        elif tag == "li":
            self._kinds.append("item")
        elif tag in ("div", "span", "p"):
            self._kinds.append(self._kinds[-1] if self._kinds and self._kinds[-1] == "item" else "text")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "svg"):
            self._skip = max(0, self._skip - 1)
            return
        if tag in _BLOCKS and tag != "a" and tag != "span":
            self._flush()
        if (tag in _HEADINGS or tag == "li" or tag in ("div", "span", "p")) and self._kinds:
            if tag in ("span",) and self._kinds[-1] == "heading":
                self._flush()
            self._kinds.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)


def _list(texts: list[str], items: list[str]) -> list[str]:
    if items:
        return items
    out: list[str] = []
    for text in texts:
        out.extend(p.strip() for p in re.split(r"[,\n;]", text) if p.strip())
    return out


def _count(texts: list[str]) -> int | None:
    for text in texts:
        match = re.search(r"[0-9][0-9,]*", text)
        if match:
            return int(match.group(0).replace(",", ""))
    return None


def _first_text(texts: list[str]) -> str | None:
    return " ".join(texts) or None


_Field = tuple[Callable[[str], bool], str, str]
_FIELDS: list[_Field] = [
    (lambda h: h.startswith("last updated"), "last_updated", "text"),
    (lambda h: "prohibited use" in h, "prohibited_uses", "list"),
    (lambda h: h.startswith("access policy"), "access_policy", "text"),
    (lambda h: h.startswith("hotlist policy") or h.startswith("hot list policy"), "hotlist_policy", "text"),
    (lambda h: "alerted on" in h, "hotlists_alerted_on", "list"),
    (lambda h: "retention" in h, "retention_days", "count"),
    (lambda h: h.startswith("number of") and "camera" in h, "camera_count", "count"),
    (lambda h: "sharing their data with" in h or "sharing data with us" in h or "receives data from" in h,
     "organizations_sharing_with_us", "list"),
    (lambda h: ("granted access" in h or "have access" in h or "external access" in h or "shares with" in h
                or "share with" in h) and "restriction" not in h, "organizations_with_access", "list"),
    (lambda h: "last 30 days" in h or h.startswith("vehicles detected") or h.startswith("hotlist hits")
     or h.startswith("searches"), "counts", "count"),
]


def _field_for(heading: str) -> tuple[str, str] | None:
    h = norm(heading)
    for test, name, kind in _FIELDS:
        if test(h):
            return name, kind
    return None


def parse_portal(html: str, source: str) -> tuple[dict[str, Any], list[str]]:
    """The portal's sections as Portal fields, plus what could not be read."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    sections: list[tuple[str, list[str], list[str]]] = []
    for kind, text in parser.blocks:
        if kind == "heading":
            label, sep, rest = text.partition(":")
            sections.append((label if sep and rest.strip() else text, [rest.strip()] if sep and rest.strip() else [],
                             []))
        elif norm(text).startswith("last updated") and ":" in text:
            sections.append(("Last Updated", [text.partition(":")[2].strip()], []))
        elif sections:
            (sections[-1][2] if kind == "item" else sections[-1][1]).append(text)
    portal: dict[str, Any] = {"counts": {}}
    problems: list[str] = []
    for heading, texts, items in sections:
        found = _field_for(heading)
        if found is None:
            continue
        name, kind = found
        element = f"section {heading.strip()!r}"
        if kind == "list":
            portal[name] = (portal.get(name) or []) + _list(texts, items)
        elif kind == "count":
            value = _count(texts + items)
            if value is None:
                problems.append(f"{source}: {element}: no number")
            elif name == "counts":
                portal["counts"][norm(heading).replace(" ", "_")] = value
            else:
                portal[name] = value
        else:
            portal[name] = _first_text(texts + items)
        portal.setdefault("sections", []).append(heading.strip())
    audit = [a.get("href", "") for a in parser.links if "search_audit" in a.get("download", "")
             or a.get("href", "").startswith("data:text/csv")]
    if audit:
        portal["search_audit_link"] = "embedded data: URI" if audit[0].startswith("data:") else audit[0]
    return portal, problems


def _sniff(path: Path, head: bytes) -> bool:
    text = head[:65536].decode("utf-8", errors="replace").lower()
    if "<html" not in text and "<!doctype html" not in text and "<body" not in text:
        return False
    return any(k in text for k in ("transparency", "data retention", "prohibited uses", "granted access"))


def _read(path: Path) -> Fragment:
    try:
        html = decode(path.read_bytes(), str(path))
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    portal, problems = parse_portal(html, str(path))
    if not portal.get("sections"):
        raise InputError(str(path), "HTML page without any transparency-portal section")
    portal["provenance"] = {"file": str(path), "element": "transparency portal page"}
    fragment = Fragment(source=str(path), reader="flock-portal", problems=problems,
                        rows_read=len(portal["sections"]))
    portal.pop("sections")
    fragment.data = {"vendor": "flock", "portal": portal}
    if portal.get("retention_days") is not None:
        fragment.data["retention_days"] = portal["retention_days"]
    return fragment


reader = Reader(
    name="flock-portal",
    description="Flock transparency portal page (saved or fetched HTML): retention, uses, organisations, counts",
    sniff=_sniff,
    read=_read,
    priority=35,
)
