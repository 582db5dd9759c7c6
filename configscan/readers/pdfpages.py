"""The text of a PDF as positioned words and lines, page by page, with the page's ruling lines.

pdfplumber (on pdfminer.six) gives every character with its box; this module groups them into words and the
words into lines top to bottom, numbered from 1 on each page -- the "line" of a ``page 3 line 12`` location.
It also says which pages are images with no text (a scanned page), so the table layer can refuse a scanned
file or count a scanned page as lost. Imported only for PDF inputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from configscan.errors import InputError

_SAME_LINE = 0.5  # words whose tops differ by less than this share of their height are on one line
_RULE_MIN = 0.3  # a horizontal rule spans at least this share of the page width


@dataclass(frozen=True)
class Word:
    x0: float
    x1: float
    text: str
    font: str = ""  # a header is told from the rows under it by its font (usually bold) where spacing cannot


@dataclass(frozen=True)
class Line:
    number: int  # 1-based on its page, top to bottom
    top: float
    bottom: float
    words: tuple[Word, ...]  # left to right

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[Line, ...]
    image_only: bool  # no text, but an image: a scanned page
    rules_y: tuple[float, ...]  # horizontal ruling lines (table row borders)
    rules_x: tuple[tuple[float, float, float], ...]  # vertical rules: (x, top, bottom)


def pages(path: Path) -> Iterator[Page]:
    """Every page of the PDF; an unreadable or encrypted file is an input error naming it."""
    import pdfplumber  # imported here: only PDF inputs pay for it
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, OSError, ValueError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        raise InputError(str(path), f"not a readable PDF ({type(cause).__name__}: {cause})") from exc
    with pdf:
        try:
            for index, page in enumerate(pdf.pages, start=1):
                yield _page(index, page)
                page.close()  # drop the page's parsed objects: memory stays flat over long reports
        except (PdfminerException, PDFSyntaxError, KeyError, ValueError, TypeError) as exc:
            raise InputError(str(path), f"not a readable PDF after page {index - 1} ({exc})") from exc


def _page(number: int, page: object) -> Page:
    from pdfplumber.page import Page as PlumberPage

    assert isinstance(page, PlumberPage)
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False,
                               extra_attrs=["fontname"])
    width, height = float(page.width), float(page.height)
    if not words:
        return Page(number, width, height, (), bool(page.images), (), ())
    rules_y, rules_x = [], []
    for edge in page.edges:
        if edge["orientation"] == "h" and edge["x1"] - edge["x0"] >= _RULE_MIN * width:
            rules_y.append(float(edge["top"]))
        elif edge["orientation"] == "v":
            rules_x.append((float(edge["x0"]), float(edge["top"]), float(edge["bottom"])))
    return Page(number, width, height, tuple(_lines(words)), False, tuple(sorted(set(rules_y))),
                tuple(sorted(set(rules_x))))


def _num(word: dict[str, object], key: str) -> float:
    value = word[key]
    assert isinstance(value, (int, float))
    return float(value)


def _lines(words: list[dict[str, object]]) -> list[Line]:
    """Words grouped into lines by their tops (within half a word's height), each line left to right."""
    ordered = sorted(words, key=lambda w: (_num(w, "top"), _num(w, "x0")))
    groups: list[list[dict[str, object]]] = []
    for word in ordered:
        top, height = _num(word, "top"), _num(word, "bottom") - _num(word, "top")
        if groups and abs(top - _num(groups[-1][0], "top")) <= _SAME_LINE * max(height, 1.0):
            groups[-1].append(word)
        else:
            groups.append([word])
    lines = []
    for number, group in enumerate(groups, start=1):
        group.sort(key=lambda w: _num(w, "x0"))
        words_ = tuple(Word(_num(w, "x0"), _num(w, "x1"), str(w["text"]), str(w.get("fontname", ""))) for w in group)
        lines.append(Line(number, min(_num(w, "top") for w in group), max(_num(w, "bottom") for w in group), words_))
    return lines
