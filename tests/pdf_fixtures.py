"""PDF releases made on the fly with fpdf2: tables laid out by position as report generators print them.

Each page has a running title, the header repeated, rows whose long cells wrap inside their column, and a
footer ("Generated ..." and "Page N of M"). A row that does not fit the page is split across the break
(its first lines at the bottom of one page, the rest under the next page's header) when asked, else moved
whole to the next page. Cells are left-aligned, as spreadsheets and vendor reports print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

TOP = 72.0  # margin (points) above the header


@dataclass
class Layout:
    widths: Sequence[float]  # column widths in points
    title: str = "Pinecrest Police Department - Flock sharing report"
    landscape: bool = False
    ruled: bool = False
    split: frozenset[int] = frozenset()  # row indexes that may break across a page
    font_size: float = 8.0
    leading: float = 0.0  # distance between wrapped lines of a cell; 0: 1.35 x the font size
    bottom: float = 60.0  # margin below the last row
    pad: float = 4.0  # space above and below the text of a row; 0: rows as tightly spaced as wrapped lines
    footer: bool = True
    wrap_long_words: bool = True  # False: a word wider than its column overflows it (a generator that cannot break)


def _wrap(pdf: FPDF, text: str, width: float, break_words: bool) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if pdf.get_string_width(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if break_words:
        out = []
        for line in lines:
            while pdf.get_string_width(line) > width and len(line) > 1:
                cut = len(line)
                while cut > 1 and pdf.get_string_width(line[:cut]) > width:
                    cut -= 1
                out.append(line[:cut])
                line = line[cut:]
            out.append(line)
        lines = out
    return lines or [""]


@dataclass
class Made:
    path: Path
    pages: int
    split: list[int]  # rows printed across a page break


def table_pdf(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], layout: Layout) -> Made:
    """Write the table as a PDF (laid out twice: the footer says how many pages there are)."""
    pages = _table_pdf(path, header, rows, layout, 0).pages
    return _table_pdf(path, header, rows, layout, pages)


def _table_pdf(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], layout: Layout, total: int) -> Made:
    pdf = FPDF(orientation="L" if layout.landscape else "P", unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    height = pdf.h
    x0 = 36.0
    if not layout.leading:
        layout.leading = round(layout.font_size * 1.35, 2)
    cols = [x0 + sum(layout.widths[:i]) for i in range(len(layout.widths) + 1)]
    inner = [w - 2 * layout.pad for w in layout.widths]
    state = {"y": 0.0, "page": 0}

    def new_page() -> None:
        pdf.add_page()
        state["page"] += 1
        pdf.set_font("Helvetica", "B", layout.font_size + 3)
        pdf.text(x0, 40, layout.title)
        if state["page"] == 1:
            pdf.set_font("Helvetica", "", layout.font_size)
            pdf.text(x0, 56, "Organizations with access to our network, as of 11/30/2026")
        if layout.footer:
            pdf.set_font("Helvetica", "", layout.font_size - 1)
            pdf.text(x0, height - 28, "Generated 11/30/2026 10:42 AM by Flock Safety")
            pdf.text(pdf.w - 110, height - 28, f"Page {state['page']} of {total}")
        pdf.set_font("Helvetica", "B", layout.font_size)
        wrapped = [_wrap(pdf, h, inner[i], True) for i, h in enumerate(header)]
        state["y"] = TOP
        draw(wrapped, len(max(wrapped, key=len)))
        pdf.set_font("Helvetica", "", layout.font_size)

    def draw(cells: list[list[str]], count: int, first: int = 0) -> None:
        y = state["y"]
        for i, lines in enumerate(cells):
            for k, text in enumerate(lines[first:first + count]):
                pdf.text(cols[i] + layout.pad, y + layout.pad + layout.font_size + k * layout.leading, text)
        bottom = y + 2 * layout.pad + count * layout.leading
        if layout.ruled:
            pdf.line(cols[0], bottom, cols[-1], bottom)
            if y == TOP:
                pdf.line(cols[0], y, cols[-1], y)
            for x in cols:
                pdf.line(x, y, x, bottom)
        state["y"] = bottom

    new_page()
    split: list[int] = []
    for index, row in enumerate(rows):
        cells = [_wrap(pdf, str(text), inner[i], layout.wrap_long_words) for i, text in enumerate(row)]
        need = max(len(c) for c in cells)
        room = int((height - layout.bottom - state["y"] - 2 * layout.pad) // layout.leading)
        done = 0
        if need > room and index in layout.split and room >= 1:
            draw(cells, room)
            done = room
            split.append(index)
            new_page()
        elif need > room:
            new_page()
        draw(cells, need - done, done)
    pdf.output(str(path))
    return Made(path, state["page"], split)


def scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages are pictures of a table (a scanned release): images, no text."""
    from PIL import Image, ImageDraw

    picture = path.with_suffix(".png")
    image = Image.new("L", (850, 1100), 255)
    drawing = ImageDraw.Draw(image)
    for k in range(30):
        drawing.line((50, 100 + 30 * k, 800, 100 + 30 * k), fill=0)
    image.save(picture)
    pdf = FPDF(unit="pt", format="letter")
    for _ in range(pages):
        pdf.add_page()
        pdf.image(str(picture), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))
    picture.unlink()
    return path
