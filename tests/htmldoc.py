"""A parsed HTML report for tests: every start tag with its attributes, every text node, and the cells of
every table that has an id."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class Doc(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}  # table id -> rows (header row too) -> cell text
        self._open: list[tuple[str | None, list[list[str]]]] = []  # tables being read, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._open.append((dict(attrs).get("id"), []))
        elif tag == "tr" and self._open:
            self._open[-1][1].append([])
        elif tag in ("td", "th") and self._open and self._open[-1][1]:
            self._open[-1][1][-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._open:
            name, rows = self._open.pop()
            if name:
                self.tables[name] = [[" ".join(cell.split()) for cell in row] for row in rows]

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._open and self._open[-1][1] and self._open[-1][1][-1]:
            self._open[-1][1][-1][-1] += data


def parse(path: Path) -> Doc:
    doc = Doc()
    doc.feed(path.read_text(encoding="utf-8"))
    return doc
