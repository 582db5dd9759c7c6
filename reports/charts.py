"""Inline SVG bar charts for the audit evidence: searches by month and by searcher category.

Written by hand rather than with a chart library: the report is one self-contained file with no script, a
Content-Security-Policy that forbids loading anything, and must print. A chart here is a few rectangles and
labels; every label is escaped, and each chart has a text title for screen readers. The tables beside the
charts carry the same numbers, so nothing depends on seeing the picture.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

BAR = "#3b5ba5"
FLAG = "#b3261e"
TEXT = "#1b1b1b"


def _nice_max(value: int) -> int:
    """The axis top: the next of 1, 2, 5 x 10^k at or above ``value`` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def columns(title: str, points: Sequence[tuple[str, int, int]], width: int = 560, height: int = 220) -> Markup:
    """Vertical bars, one per label; ``(label, total, flagged)`` draws the flagged part in red on top."""
    if not points:
        return Markup("")
    top = _nice_max(max(total for _, total, _ in points))
    left, plot_h = 44, height - 36 - 12
    slot = (width - left - 8) / len(points)
    bar_w = max(min(slot * 0.7, 48), 2)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{12 + plot_h}" x2="{width - 4}" y2="{12 + plot_h}" stroke="#888"/>',
             f'<text x="{left - 6}" y="16" text-anchor="end" font-size="13" fill="{TEXT}">{top:,}</text>',
             f'<text x="{left - 6}" y="{12 + plot_h}" text-anchor="end" font-size="13" fill="{TEXT}">0</text>']
    every = max(1, round(len(points) / 12))
    for i, (label, total, flagged) in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        h = plot_h * total / top
        fh = plot_h * min(flagged, total) / top
        y = 12 + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
                     f'<title>{escape(label)}: {total:,}</title></rect>')
        if fh:
            parts.append(f'<rect x="{x:.1f}" y="{12 + plot_h - fh:.1f}" width="{bar_w:.1f}" height="{fh:.1f}" '
                         f'fill="{FLAG}"/>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 18}" text-anchor="middle" font-size="13" '
                         f'fill="{TEXT}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(title: str, points: Sequence[tuple[str, int]], width: int = 560) -> Markup:
    """Horizontal bars, one row per label, the count written at the end of each bar."""
    if not points:
        return Markup("")
    row, label_w = 22, 180
    height = row * len(points) + 8
    top = max(value for _, value in points) or 1
    room = width - label_w - 70
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(points):
        y = 4 + i * row
        w = max(room * value / top, 1)
        short = label if len(label) <= 28 else label[:27] + "\u2026"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="13" fill="{TEXT}">'
                     f'{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{BAR}"/>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="13" fill="{TEXT}">{value:,}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
