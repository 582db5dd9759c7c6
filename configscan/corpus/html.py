"""Corpus HTML: OUT/index.html (one row per camera owner, worst first) and OUT/owners/<slug>.html.

The pages a reader prints: the index has the same figures as index.csv (``write.index_row``, in the same
order) under a header with the de-duplication tiers and what was read; each owner's page has its releases,
its searches by searcher class and by reason category, and its findings, shown with the agency report's own
finding cards (``_findings.html.j2``, grouped by ``reports.view``). Fail closed: when anything was not read
(``Loaded.errors`` or ``Loaded.skipped``) every page carries an INCOMPLETE banner listing all of it, and the
"no finding" line says the figures are partial. Release text (agency, searcher and file names, reasons in
evidence) is escaped by jinja2's autoescape; a request URL is a link only when it is http(s). The index is
complete without JavaScript; its small sort script is allowed by hash in the page's Content-Security-Policy,
so no other script could run. Owner pages are written before the index, so the index never links to a page
that is not there; every file through ``write_atomic``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from configscan import __version__
from configscan.atomic import write_atomic
from configscan.corpus.dedup import Tiers
from configscan.corpus.load import Loaded, SourceInfo
from configscan.corpus.manifest import Release
from configscan.corpus.owners import Owner
from configscan.corpus.write import INDEX, index_row, ranked
from configscan.findings import Finding
from configscan.jurisdictions.library import pack_dir
from configscan.jurisdictions.packfile import parse_pack
from configscan.portfolio.run import slugify
from configscan.reports import html_report, view

OWNERS_DIR = "owners"
NO_FINDING = "No finding: no rule is broken and nothing was left unverified by the searches read."
NO_FINDING_INCOMPLETE = ("No finding in the searches that were read. The run is incomplete (see above): this is "
                         "not a clean result.")


@dataclass
class Page:
    """One owner as the pages show it: its file name and its index figures (``INDEX`` order)."""

    slug: str
    owner: Owner
    row: dict[str, object]

    @property
    def rank(self) -> int:
        """The worst finding's severity rank (-1: none), the sort key of the index's last column."""
        return max((f.severity.rank for f in self.owner.findings), default=-1)


@dataclass
class ReleaseView:
    release: Release
    url: str | None  # the request URL when it is safe to link (http or https)
    sources: list[SourceInfo]


@dataclass
class Run:
    """What every page says about the whole run: read, linked, and not read."""

    releases: list[ReleaseView]
    tiers: Tiers
    sources: int
    rows_unreadable: int
    errors: list[str]
    skipped: list[str]
    as_of: dt.date
    version: str

    @property
    def incomplete(self) -> bool:
        """Data was not read: an error (every data-like file skipped is one). Files that hold no audit data
        (images, lock files) are listed apart, not an INCOMPLETE banner over a run that exits 0 or 1."""
        return bool(self.errors)


def pages_of(owners: list[Owner]) -> list[Page]:
    """Worst first; each owner a unique, file-safe slug from its name and state (the portfolio's helper),
    given in the manifest's order so that a page keeps its name when findings change the ranking."""
    taken: set[str] = set()
    slugs = [slugify(o.agency, o.state, taken) for o in owners]
    order = {id(o): i for i, o in enumerate(owners)}
    return [Page(slugs[order[id(o)]], o, dict(zip(INDEX, index_row(o), strict=True))) for o in ranked(owners)]


def run_of(releases: list[Release], loaded: Loaded, tiers: Tiers, as_of: dt.date) -> Run:
    views = [ReleaseView(r, r.url if r.url.lower().startswith(("https://", "http://")) else None,
                         [s for s in loaded.sources if s.rel == i]) for i, r in enumerate(releases)]
    return Run(views, tiers, len(loaded.sources), sum(s.rejected for s in loaded.sources), list(loaded.errors),
               list(loaded.skipped), as_of, __version__)


def _fingerprinted(owner: Owner) -> list[Finding]:
    """Corpus findings carry no fingerprint; the cards' anchors need one (stable, from check, owner, subject
    and rule, as a scan's)."""
    return [f if f.fingerprint else f.with_fingerprint(owner.agency) for f in owner.findings]


def _rule_urls(findings: list[Finding], packs: dict[str, dict[tuple[str, str], str]]) -> dict[tuple[str, str], str]:
    """Each finding's rule linked to its source, as in the agency report (packs parsed once per run)."""
    urls: dict[tuple[str, str], str] = {}
    for layer in sorted({f.layer for f in findings if f.layer}):
        if layer not in packs:
            path = pack_dir() / f"{layer}.yaml"
            packs[layer] = {(layer, r.id): r.source for r in parse_pack(path).rules} if path.is_file() else {}
        urls.update(packs[layer])
    return urls


def _counts(values: dict[str, int], total: int) -> list[tuple[str, int, str]]:
    """(label, searches, share) rows, largest first: ``offense:vehicle_theft`` reads "offense: vehicle theft"."""
    rows = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(k.replace("_", " ").replace(":", ": "), v, f"{100 * v / total:.1f} %" if total else "") for k, v in rows]


def _script() -> tuple[Markup, str]:
    """The index's sort script and its CSP hash (the hash of exactly the text between the script tags)."""
    text = (resources.files("configscan.reports") / "templates" / "_sort.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"  # a bundled file, not release text


@cache
def _environment() -> jinja2.Environment:
    """The agency report's environment (autoescape, StrictUndefined, its filters) with ``count``: 1,234;
    made once, as the pages of a large corpus are many."""
    env: jinja2.Environment = html_report.environment()
    env.filters["count"] = lambda n: f"{int(n):,}"
    return env


def render_index(pages: list[Page], run: Run) -> str:
    script, script_hash = _script()
    slugs = {(p.owner.agency, p.owner.state): p.slug for p in pages}
    return _environment().get_template("corpus_index.html.j2").render(
        pages=pages, run=run, slugs=slugs, owners_dir=OWNERS_DIR, script=script, script_hash=script_hash)


def render_owner(page: Page, run: Run, packs: dict[str, dict[tuple[str, str], str]] | None = None) -> str:
    findings = _fingerprinted(page.owner)
    owner = page.owner
    return _environment().get_template("corpus_owner.html.j2").render(
        page=page, run=run, releases=[r for r in run.releases if r.release.name in owner.releases],
        searchers=_counts(owner.by_searcher, owner.searches), categories=_counts(owner.by_category, owner.searches),
        groups=view.groups_of(findings, _rule_urls(findings, {} if packs is None else packs)),
        no_finding_note=NO_FINDING_INCOMPLETE if run.incomplete else NO_FINDING)


def write_html(out: Path, owners: list[Owner], releases: list[Release], loaded: Loaded, tiers: Tiers,
               as_of: dt.date) -> None:
    """Every owner's page, then the index."""
    pages, run = pages_of(owners), run_of(releases, loaded, tiers, as_of)
    packs: dict[str, dict[tuple[str, str], str]] = {}
    for page in pages:
        write_atomic(out / OWNERS_DIR / f"{page.slug}.html", render_owner(page, run, packs))
    write_atomic(out / "index.html", render_index(pages, run))
