"""A table printed across the pages of a text PDF, read back into rows of cells, each with its page and line.

Records offices release sharing lists and search audits as PDFs printed from the vendor's screen or a
spreadsheet. Such a table is text placed by position, so it is read by position:

* **Header.** On the first page, the first line with several cells (gaps wider than a word space, or a
  ruling line, separate cells); up to five one-cell lines above it are the title (kept as the preamble, as
  in CSV). Lines right under it, tight, with fewer cells and every word under a header cell, are the rest
  of a wrapped header ("Total Networks" / "Searched").
* **Columns.** A header cell's left edge starts its column (text is left-aligned, as spreadsheets and
  vendor reports print it), unless a vertical ruling line between two header cells marks the border.
  Each page's repeated header gives that page's columns (page widths and column widths may differ); a page
  without one keeps the previous page's. A word that runs past the next column's start (text too wide for
  its column, printed over its neighbour) cannot be given to one column: its row is counted as unreadable,
  with its page and line.
* **Rows.** A horizontal ruling line between two lines starts a new row; without rules, a wider gap than
  the gap inside a wrapped cell does. Lines of one row are joined cell by cell (a wrapped organisation
  name becomes one name). Where nothing separates rows (every line equally spaced), each line is a row,
  except a line that fills only columns holding several words somewhere in the table and leaves empty a
  column most rows fill: the tail of a wrapped cell.
* **Pages.** The header repeated at the top of each page is dropped, with any title above it; lines near the
  top or bottom edge that repeat on several pages (digits aside), and "Page 3 of 12" lines, are page
  furniture and dropped. The first row of a page that is the tail of a wrapped cell (by the rule above) is
  joined to the last row of the page before: a row split across a page break is one row.
* **Scans.** A PDF whose pages are images with no text is refused (no OCR); an image page among text pages
  is counted as unreadable, since its rows are lost.

Rows are numbered like a CSV of the table (header = row 1, first data row = row 2); each row also carries its
(page, line): the line, counted from 1 down the page, where the row's first text stands.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from configscan.errors import InputError
from configscan.readers.tabular import TITLE_ROWS, Table, norm

if TYPE_CHECKING:
    from configscan.readers.pdfpages import Line, Page, Word

_BAND = 0.12  # share of the page height at the top and bottom where running heads and footers stand
_PAGE_NUMBER = re.compile(r"^(page\s*\d+(\s*(of|/)\s*\d+)?|\d+\s*(of|/)\s*\d+|-\s*\d+\s*-)$|\bpage\s+\d+\s+of\s+\d+\b",
                          re.IGNORECASE)
_HEADER_SEARCH = 25  # the header is looked for among this many lines of the first page with text
_REPEAT_SEARCH = 10  # a repeated header is looked for among this many lines at the top of a page


@dataclass(frozen=True)
class Unreadable:
    page: int
    line: int  # 0: the whole page
    text: str
    why: str

    def where(self, source: str) -> str:
        return f"{source}: page {self.page}" + (f" line {self.line}" if self.line else "")


@dataclass
class PdfTable(Table):
    """A :class:`Table` whose rows also know their page and line (``locations``: row number -> (page, line))."""

    locations: dict[int, tuple[int, int]] = field(default_factory=dict)
    unreadable: list[Unreadable] = field(default_factory=list)
    pages: int = 0

    def place(self, row: int) -> str:
        page, line = self.locations.get(row, (0, 0))
        return f"page {page} line {line}"

    def where(self, row: int) -> str:
        return f"{self.source}: {self.place(row)}"

    def provenance(self, row: int, column: int | None) -> dict[str, Any]:
        prov = super().provenance(row, column)
        prov["element"] = self.place(row)  # the interchange format's free-text place inside the file
        return prov


@dataclass
class _Row:
    page: int
    line: int
    cells: list[list[str]]
    lines: int = 1
    why: str | None = None  # unreadable
    loose: bool = False  # nothing on the page marked where it starts: may be a wrapped cell's tail
    filled: set[int] = field(default_factory=set)

    def add(self, line: Line, bounds: Sequence[float], names: Sequence[str]) -> None:
        for word in line.words:
            col = _column(word, bounds)
            nxt = col + 1
            if nxt < len(bounds) and word.x1 > bounds[nxt] + 2.5 and self.why is None:
                self.why = f"{word.text!r} runs across the {names[col]!r} and {names[nxt]!r} columns"
            self.cells[col].append(word.text)
            self.filled.add(col)

    def join(self, other: _Row) -> None:
        for index, words in enumerate(other.cells):
            self.cells[index].extend(words)
        self.filled |= other.filled
        self.lines += other.lines
        self.why = self.why or other.why

    def texts(self) -> list[str]:
        return [" ".join(words) for words in self.cells]


@dataclass
class _Header:
    names: list[str]
    first: str  # the first header line's text, normalised: how a repeated header is recognised
    height: int  # lines


def _column(word: Word, bounds: Sequence[float]) -> int:
    """The last column whose left border is at or left of the word's start."""
    col = 0
    for index, border in enumerate(bounds):
        if word.x0 + 0.5 >= border:
            col = index
    return col


def _segments(line: Line, page: Page) -> list[list[Word]]:
    """A line cut into cells: where the gap between two words is wider than a word space, or a rule stands."""
    height = max(line.bottom - line.top, 1.0)
    cells: list[list[Word]] = []
    for word in line.words:
        if cells:
            prev = cells[-1][-1]
            ruled = any(prev.x1 - 0.5 <= x <= word.x0 + 0.5 and top <= line.bottom and bottom >= line.top
                        for x, top, bottom in page.rules_x)
            if word.x0 - prev.x1 <= 0.6 * height and not ruled:
                cells[-1].append(word)
                continue
        cells.append([word])
    return cells


def _bounds(cells: list[list[Word]], page: Page, line: Line) -> list[float]:
    """Left border of each column: a vertical rule between two header cells, else the cell's left edge."""
    bounds = [float("-inf")]
    for left, right in zip(cells, cells[1:], strict=False):
        rules = [x for x, top, bottom in page.rules_x
                 if left[-1].x1 - 0.5 <= x <= right[0].x0 + 0.5 and top <= line.bottom and bottom >= line.top]
        bounds.append(rules[0] if rules else right[0].x0 - 1.5)
    return bounds


def _header_block(lines: Sequence[Line], at: int, page: Page) -> tuple[_Header, list[float]]:
    """The header line at ``at`` and its wrapped continuation lines: names and column borders."""
    cells = _segments(lines[at], page)
    bounds = _bounds(cells, page, lines[at])
    names = [[" ".join(w.text for w in c)] for c in cells]
    height = 1
    prev = lines[at]
    fonts = {w.font for w in prev.words}
    for line in lines[at + 1: at + 4]:
        size = max(prev.bottom - prev.top, 1.0)
        inside = all(any(c[0].x0 - 1.0 <= w.x0 and w.x1 <= (c[-1].x1 if i + 1 == len(cells) else bounds[i + 1]) + 1.0
                         for i, c in enumerate(cells)) for w in line.words)
        if line.top - prev.bottom > 0.6 * size or len(_segments(line, page)) >= len(cells) or not inside \
                or any(prev.bottom - 1 <= y <= line.top + 1 for y in page.rules_y) \
                or not {w.font for w in line.words} <= fonts:
            break
        for word in line.words:
            names[_column(word, bounds)].append(word.text)
        height += 1
        prev = line
    return _Header([" ".join(n) for n in names], norm(lines[at].text), height), bounds


def _furniture(pages: Sequence[Page]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(page, line) of running heads (top band) and footers (bottom band): page numbers, and lines repeated word
    for word at the same height on at least half of the pages (and two). Exact text only: rows differing in a
    number ("Springfield 12 PD") must never look alike."""
    seen: dict[tuple[str, int, bool], set[int]] = {}
    band: dict[tuple[int, int], tuple[str, int, bool]] = {}
    top_found: set[tuple[int, int]] = set()
    bottom_found: set[tuple[int, int]] = set()
    for page in pages:
        for line in page.lines:
            top = line.bottom < _BAND * page.height
            if not top and line.top < (1 - _BAND) * page.height:
                continue
            if _PAGE_NUMBER.search(line.text.strip()):
                (top_found if top else bottom_found).add((page.number, line.number))
            key = (line.text, round(line.top / 3), top)
            seen.setdefault(key, set()).add(page.number)
            band[(page.number, line.number)] = key
    need = max(2, (len(pages) + 1) // 2)
    for where, key in band.items():
        if len(seen[key]) >= need:
            (top_found if key[2] else bottom_found).add(where)
    return top_found, bottom_found


def _page_number(line: Line, page: Page) -> bool:
    """A "Page 3 of 12" line (or "3 / 12", "- 3 -") near the top or bottom edge."""
    edge = line.bottom < _BAND * page.height or line.top > (1 - _BAND) * page.height
    return edge and bool(_PAGE_NUMBER.search(line.text.strip()))


def _start_header(lines: Sequence[Line], page: Page) -> int | None:
    """Index of the header: the first line with several cells, after at most ``TITLE_ROWS`` one-cell lines."""
    for index, line in enumerate(lines[:_HEADER_SEARCH]):
        if len(_segments(line, page)) >= 2:
            return index
        if index >= TITLE_ROWS:
            return None
    return None


def read(source: str, pages: Sequence[Page]) -> PdfTable:
    """The table across ``pages`` (see the module docstring)."""
    heads, footers = _furniture(pages)
    table = PdfTable(source, None, [], 1, pages=len(pages))
    header: _Header | None = None
    bounds: list[float] = []
    rows: list[_Row] = []
    gaps: list[tuple[_Row, Line, Line, bool]] = []  # candidate joins: row so far, previous line, line, ruled
    for page in pages:
        if page.image_only:
            table.unreadable.append(Unreadable(page.number, 0, "", "an image with no text (a scanned page?)"))
            continue
        # The header is looked for before page furniture is dropped: a header repeated near the top of every
        # page is furniture by position, but it is the table's header.
        lines = [line for line in page.lines if not _page_number(line, page)]
        start = 0
        if header is None:
            at = _start_header(lines, page)
            if at is None:
                table.preamble.extend((0, [line.text]) for line in lines
                                      if (page.number, line.number) not in heads | footers)
                continue
            header, bounds = _header_block(lines, at, page)
            table.header = header.names
            table.preamble.extend((0, [line.text]) for line in lines[:at])  # the title, even if repeated
            table.locations[1] = (page.number, lines[at].number)
            start = at + header.height
        else:
            first = header.first
            repeat = next((i for i, line in enumerate(lines[:_REPEAT_SEARCH]) if norm(line.text) == first), None)
            if repeat is not None:  # what stands above a repeated header is the page's running title
                repeated, page_bounds = _header_block(lines, repeat, page)
                if len(page_bounds) == len(bounds):  # this page's own column borders
                    bounds = page_bounds
                start = repeat + repeated.height
        # Running heads are dropped only where no repeated header marks where the table starts (those above it
        # are gone already; below it, a row at the top of the page is a row, whatever it repeats).
        dropped = footers | (heads if start == 0 else set())
        body = [line for line in lines[start:] if (page.number, line.number) not in dropped]
        previous: Line | None = None
        for line in body:
            if previous is None or rows[-1].page != page.number:
                row = _Row(page.number, line.number, [[] for _ in header.names], loose=True)
                row.add(line, bounds, header.names)
                rows.append(row)
            else:
                ruled = any(previous.bottom - 1 <= y <= line.top + 1 for y in page.rules_y)
                gaps.append((rows[-1], previous, line, ruled))
                row = _Row(page.number, line.number, [[] for _ in header.names])
                row.add(line, bounds, header.names)
                rows.append(row)
            previous = line
    if header is None:
        return table
    _join_wrapped(rows, gaps)
    number = 1
    for row in rows:
        if row.why is not None:
            table.unreadable.append(Unreadable(row.page, row.line, " ".join(" ".join(c) for c in row.cells), row.why))
            continue
        number += 1
        table.rows.append((number, row.texts()))
        table.locations[number] = (row.page, row.line)
    return table


def _join_wrapped(rows: list[_Row], gaps: list[tuple[_Row, Line, Line, bool]]) -> None:
    """Join the lines of each row (see the module docstring), in place. ``gaps`` holds, in order, the line
    facts of every row that is not the first on its page."""
    ruled = any(is_ruled for *_, is_ruled in gaps)
    spacing = [line.top - prev.bottom for _, prev, line, _ in gaps]
    heights = sorted(line.bottom - line.top for _, _, line, _ in gaps) or [10.0]
    size = heights[len(heights) // 2]
    tight = min(spacing, default=0.0)
    wide = sorted(s for s in spacing if s > tight + 0.15 * size)
    # With rules, a rule starts a row; with row spacing, a gap nearer the row gap than the wrapped-line gap does.
    cut = (tight + wide[len(wide) // 2]) / 2 if wide and not ruled else None
    merged: list[_Row] = []
    facts = iter(gaps)
    for row in rows:
        if row.loose:  # the first row of a page: decided by its content below
            merged.append(row)
            continue
        _, prev, line, is_ruled = next(facts)
        if ruled:
            new = is_ruled
        elif cut is not None:
            new = line.top - prev.bottom > cut
        else:  # nothing marks where rows start: each line is one, unless its content says it is a tail
            new, row.loose = True, True
        if new:
            merged.append(row)
        else:
            merged[-1].join(row)
    usual, wordy = _column_facts(merged)
    out: list[_Row] = []
    for row in merged:
        if row.loose and out and row.why is None and row.filled and row.filled <= wordy and usual - row.filled:
            out[-1].join(row)
        else:
            out.append(row)
    rows[:] = out


def _column_facts(rows: Sequence[_Row]) -> tuple[set[int], set[int]]:
    """Columns most rows fill, and columns that hold several words in some row."""
    firm = [r for r in rows if not r.loose] or list(rows)
    counts: dict[int, int] = {}
    wordy: set[int] = set()
    for row in firm:
        for col in row.filled:
            counts[col] = counts.get(col, 0) + 1
    for row in rows:
        wordy.update(i for i, words in enumerate(row.cells) if len(words) >= 2)
    usual = {col for col, n in counts.items() if n * 2 > len(firm)}
    return usual, wordy


@functools.lru_cache(maxsize=2)
def _parsed(path: str, size: int, mtime_ns: int) -> PdfTable | str:
    """The table of a PDF, parsed once per file version (every reader's sniff asks), or why it is refused."""
    from configscan.readers import pdfpages  # pdfplumber comes with it: only PDF inputs pay for it

    pages = list(pdfpages.pages(Path(path)))
    if not any(page.lines for page in pages):
        if any(page.image_only for page in pages):
            return ("a scanned PDF (its pages are images, with no text): configscan reads text PDFs only, no OCR; "
                    "ask for the export as CSV or XLSX, or OCR it yourself")
        return "a PDF with no text in it"
    return read(path, pages)


def read_pdf(path: Path) -> PdfTable:
    """The table a text PDF holds; a scanned or empty PDF is an input error naming the file."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror})") from exc
    table = _parsed(str(path), info.st_size, info.st_mtime_ns)
    if isinstance(table, str):
        raise InputError(str(path), table)
    return table


def problems(table: PdfTable) -> list[str]:
    """One line per row or page the table lost, naming its page and line."""
    return [f"{u.where(table.source)}: unreadable, {u.why}" + (f" ({u.text[:80]})" if u.text else "")
            for u in table.unreadable]
