"""Pictures of reach as inline SVG: no script, no font or image from elsewhere, so a report opens offline.

``reach_svg``: the agency at the centre, who can search it around it coloured by category, pools as rings
with their counts, and every path to a federal or 287(g) organisation drawn out to an outer ring.
``batch_svg``: the batch's own network (agencies on a circle, links between them, federal links as a count);
past ``MAX_AGENCIES`` agencies it is aggregated by state, which stays readable for a state or a nation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from html import escape

from configscan.network.model import Reach

COLOURS = {
    "federal_immigration": "#b2182b", "federal_other": "#e08214", "state": "#4393c3", "local": "#5aae61",
    "tribal": "#8073ac", "multi_agency": "#bf812d", "private": "#969696", "unknown": "#d9d9d9", "pool": "#ffffff",
}
G287_COLOUR = "#762a83"
MAX_DIRECT = 36
MAX_AGENCIES = 50
_FONT = 'font-family="sans-serif"'


def _label(text: str, width: int = 22) -> str:
    return escape(text if len(text) <= width else text[: width - 1] + "…")


def _circle(x: float, y: float, r: float, fill: str, title: str, stroke: str = "#333") -> str:
    return (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke}" stroke-width="1.5">'
            f"<title>{escape(title)}</title></circle>")


def _text(x: float, y: float, text: str, size: int = 10, anchor: str = "middle") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {_FONT} text-anchor="{anchor}">{text}</text>'


def _polar(cx: float, cy: float, radius: float, i: int, n: int) -> tuple[float, float]:
    angle = 2 * math.pi * i / max(n, 1) - math.pi / 2
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def reach_svg(reach: Reach, size: int = 560) -> str:
    cx = cy = size / 2
    parts: list[str] = []
    shown = reach.direct[:MAX_DIRECT]
    ring = [(s.name, s.category, s.g287, f"{s.name} ({s.category.replace('_', ' ')}; {s.step.via}: {s.step.setting})")
            for s in shown]
    ring += [(p.pool, "pool", False, f"{p.pool}: {p.members} known members ({p.membership})") for p in reach.pools]
    if len(reach.direct) > MAX_DIRECT:
        ring.append((f"+{len(reach.direct) - MAX_DIRECT} more", "unknown", False, "further direct searchers"))
    positions: dict[str, tuple[float, float]] = {}
    inner = size * 0.27
    for i, (name, *_) in enumerate(ring):
        x, y = _polar(cx, cy, inner, i, len(ring))
        positions[name] = (x, y)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#999"/>')
    outer = size * 0.44
    far = [p for p in reach.paths if len(p.steps) > 1][:24]
    for i, path in enumerate(far):
        x, y = _polar(cx, cy, outer, i, len(far))
        via = positions.get(path.steps[0].searcher, (cx, cy))
        colour = G287_COLOUR if "287(g)" in path.why else COLOURS.get(path.category, "#999")
        parts.append(f'<line x1="{via[0]:.1f}" y1="{via[1]:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{colour}" '
                     'stroke-width="2" stroke-dasharray="5 3"/>')
        parts.append(_circle(x, y, 7, colour, " -> ".join([path.steps[0].owner] + [s.searcher for s in path.steps])))
        parts.append(_text(x, y + 18, _label(path.endpoint, 18), 9))
    for name, category, g287, title in ring:
        x, y = positions[name]
        radius = 16 if category == "pool" else 9
        parts.append(_circle(x, y, radius, COLOURS.get(category, "#ccc"), title,
                             stroke=G287_COLOUR if g287 else "#333"))
        parts.append(_text(x, y - radius - 4, _label(name), 9))
    parts.append(_circle(cx, cy, 20, "#222", reach.agency))
    parts.append(_text(cx, cy + 36, _label(reach.agency, 30), 11))
    legend = _legend(size)
    body = "".join(parts)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 40}" width="{size}" '
            f'height="{size + 40}" role="img" aria-label="Who can search {escape(reach.agency)}\'s data">'
            f"<title>Who can search {escape(reach.agency)}'s data</title>{body}{legend}</svg>")


def _legend(y0: float) -> str:
    items = [("federal_immigration", "federal immigration"), ("federal_other", "other federal"),
             ("state", "state"), ("local", "local"), ("multi_agency", "multi-agency"), ("unknown", "unknown")]
    out = []
    for i, (key, label) in enumerate(items):
        x = 10 + i * 92
        out.append(_circle(x + 5, y0 + 20, 5, COLOURS[key], label))
        out.append(_text(x + 14, y0 + 24, escape(label), 9, anchor="start"))
    out.append(_circle(10 + 6 * 92 + 5, y0 + 20, 5, "#fff", "287(g) agreement", stroke=G287_COLOUR))
    out.append(_text(10 + 6 * 92 + 14, y0 + 24, "287(g)", 9, anchor="start"))
    return "".join(out)


def batch_svg(names: Sequence[str], states: Sequence[str], links: Sequence[tuple[int, int]],
              federal: Sequence[int], size: int = 640) -> str:
    """``links``: (owner, searcher) index pairs between batch agencies; ``federal[i]``: federal organisations
    that can search agency i directly."""
    if len(names) > MAX_AGENCIES:
        return _by_state(states, links, federal, size)
    cx = cy = size / 2
    pos = [_polar(cx, cy, size * 0.38, i, len(names)) for i in range(len(names))]
    parts = [f'<line x1="{pos[a][0]:.1f}" y1="{pos[a][1]:.1f}" x2="{pos[b][0]:.1f}" y2="{pos[b][1]:.1f}" '
             'stroke="#888" stroke-opacity="0.6"/>' for a, b in links]
    for i, name in enumerate(names):
        x, y = pos[i]
        colour = COLOURS["federal_immigration"] if federal[i] else COLOURS["local"]
        parts.append(_circle(x, y, 8 + min(federal[i], 6), colour,
                             f"{name} ({states[i]}): {federal[i]} federal organisation(s) can search it"))
        parts.append(_text(x, y - 13, _label(name, 20), 9))
    return _frame(size, f"Sharing network of {len(names)} agencies", "".join(parts))


def _by_state(states: Sequence[str], links: Sequence[tuple[int, int]], federal: Sequence[int], size: int) -> str:
    order = sorted(set(states))
    index = {s: i for i, s in enumerate(order)}
    agencies = Counter(states)
    fed: Counter[str] = Counter()
    for i, state in enumerate(states):
        fed[state] += federal[i]
    pairs = Counter((states[a], states[b]) for a, b in links if states[a] != states[b])
    cx = cy = size / 2
    pos = {s: _polar(cx, cy, size * 0.38, index[s], len(order)) for s in order}
    top = max(pairs.values(), default=1)
    parts = [f'<line x1="{pos[a][0]:.1f}" y1="{pos[a][1]:.1f}" x2="{pos[b][0]:.1f}" y2="{pos[b][1]:.1f}" '
             f'stroke="#888" stroke-width="{1 + 4 * n / top:.1f}" stroke-opacity="0.5"><title>{n} link(s) {a} -> '
             f"{b}</title></line>" for (a, b), n in pairs.items()]
    for state in order:
        x, y = pos[state]
        colour = COLOURS["federal_immigration"] if fed[state] else COLOURS["local"]
        parts.append(_circle(x, y, 6 + min(14, math.sqrt(agencies[state]) * 2), colour,
                             f"{state}: {agencies[state]} agencies, {fed[state]} federal links"))
        parts.append(_text(x, y + 4, escape(state), 9))
    return _frame(size, f"Sharing network of {len(states)} agencies, by state", "".join(parts))


def _frame(size: int, title: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>')
