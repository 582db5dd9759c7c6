"""Corpus HTML: OUT/index.html (one row per camera owner, worst first) and OUT/owners/<slug>.html.

The pages a reader prints: the index has the same figures as index.csv (``write.index_row``, in the same
order) under a header with the de-duplication tiers and what was read; each owner's page has its releases,
its searches by searcher class and by reason category, and its findings, shown with the agency report's own
finding cards (``_findings.html.j2``, grouped by ``reports.view``). Fail closed: when anything was not read
(``Loaded.errors`` or ``Loaded.skipped``) every page carries an INCOMPLETE banner listing all of it, and the
"no finding" line says the figures are partial. Release text (agency, searcher and file names, reasons in
evidence) is escaped by jinja2's autoescape; a request URL is a link only when it is http(s). The index is
complete without JavaScript; its small sort script is allowed by hash in the page's Content-Security-Policy,
so no other script could run. Owner pages are staged and replace ``owners/`` whole before the index is
written (``PageWriter``), so the index never links to a page that is not there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from configscan import __version__, leftovers
from configscan.atomic import mode_for, write_atomic
from configscan.corpus import pagework
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
# Pages rendered in this process before workers take over (``pagework``): starting one costs about a second,
# more than a small corpus's pages.
INLINE_PAGES = 200
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
        return self.owner.rank


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


class Pages:
    """The pages as owners come: each a unique, file-safe slug from its name and state (the portfolio's
    helper), given in the manifest's order so that a page keeps its name when findings change the ranking."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.pages: list[Page] = []

    def add(self, owner: Owner) -> Page:
        page = Page(slugify(owner.agency, owner.state, self.taken), owner,
                    dict(zip(INDEX, index_row(owner), strict=True)))
        self.pages.append(page)
        return page

    def ranked(self) -> list[Page]:
        """Worst first, as the index lists them (``write.ranked``)."""
        by_owner = {id(p.owner): p for p in self.pages}
        return [by_owner[id(o)] for o in ranked([p.owner for p in self.pages])]


def pages_of(owners: list[Owner]) -> list[Page]:
    """Every owner's page, worst first."""
    pages = Pages()
    for owner in owners:
        pages.add(owner)
    return pages.ranked()


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


class PageWriter:
    """Each owner's page as the owner comes (its findings are let go after), into a staging folder beside
    ``owners/`` that replaces it only when every page is written; then the index, which therefore never links
    to a page that is not there. A run that fails or is killed leaves the previous pages whole, never a mix of
    two runs' pages (a killed run's staging folder is named and locked as ``leftovers`` expects, and swept by
    the next run). Past the first ``INLINE_PAGES`` pages, ``workers`` processes (default: one per spare core, at
    most three) render them while the run goes on (``pagework``); every page is written before any is
    published."""

    def __init__(self, out: Path, run: Run, workers: int | None = None) -> None:
        self.out, self.run = out, run
        self.workers = pagework.spare_cores() if workers is None else workers
        self._pool: pagework.PagePool | None = None
        self.pages = Pages()
        self.packs: dict[str, dict[tuple[str, str], str]] = {}
        out.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=leftovers.file_prefix(out / OWNERS_DIR), suffix=".tmp",
                                             dir=out))
        self._lock = os.open(self.staging, os.O_RDONLY)
        leftovers.lock(self._lock)

    def __enter__(self) -> PageWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                self.finish()
                self._publish()
        finally:
            if self._pool is not None:
                self._pool.close()  # no worker writes into the staging folder once it is removed
            os.close(self._lock)
            shutil.rmtree(self.staging, ignore_errors=True)  # gone already once published

    def owner(self, owner: Owner) -> None:
        page = self.pages.add(owner)
        if self._pool is None and len(self.pages.pages) > INLINE_PAGES and self.workers:
            self._pool = pagework.PagePool(self.staging, self.run, self.workers, render_owner)
        if self._pool is not None:
            self._pool.submit(page.slug, page)
        else:
            pagework.write_page(self.staging / f"{page.slug}.html", render_owner(page, self.run, self.packs))

    def finish(self) -> None:
        """Every page written (the workers' failures raised here): before anything of the run is published."""
        if self._pool is not None:
            self._pool.finish()

    def _publish(self) -> None:
        """The staged pages become ``owners/`` (the previous folder moved aside, then removed), then the index."""
        self.staging.chmod(mode_for(self.out / OWNERS_DIR, directory=True))
        target = self.out / OWNERS_DIR
        aside = self.out / f"{leftovers.file_prefix(target)}{secrets.token_hex(6)}.tmp"
        moved = target.exists() or target.is_symlink()
        if moved:
            os.rename(target, aside)
        os.rename(self.staging, target)
        if moved and aside.is_dir() and not aside.is_symlink():
            shutil.rmtree(aside)
        elif moved:
            aside.unlink()
        write_atomic(self.out / "index.html", render_index(self.pages.ranked(), self.run))
