"""Writing a portfolio: DIR/index.html, portfolio.json, portfolio.csv and agencies/<slug>.html|json.

Every file is written atomically (``atomic.write_atomic``, through the registered writers for the agency
reports), so an interrupted run leaves each file either as it was or complete. The index is complete without
JavaScript (every table is rendered server-side); a small inline script only adds sorting by column.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from configscan.atomic import write_atomic
from configscan.findings import ScanResult
from configscan.network.svg import batch_svg
from configscan.portfolio.model import Portfolio
from configscan.registry import Registry
from configscan.textsafe import neutralise_cell

_CSV_COLUMNS = ("slug", "name", "state", "ori", "verdict", "exit_code", "critical", "high", "medium", "low", "info",
                "unverified", "national_lookup", "federal_links", "out_of_state_links", "g287_partners",
                "reach_total", "reach_federal", "side_doors", "errors")


def render_csv(portfolio: Portfolio) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for row in portfolio.agencies:
        values = row.model_dump()
        values.update(row.counts)
        values["errors"] = " | ".join(row.errors)
        nl = values["national_lookup"]
        values["national_lookup"] = "" if nl is None else ("on" if nl else "off")
        writer.writerow([_cell(values.get(c, "")) for c in _CSV_COLUMNS])
    return out.getvalue()


def _cell(value: object) -> object:
    """Cells from exports must not become spreadsheet formulas when the CSV is opened (text cells only)."""
    return neutralise_cell(value) if isinstance(value, str) else value


def render_index(portfolio: Portfolio) -> str:
    loader = jinja2.FileSystemLoader(str(resources.files("configscan.reports") / "templates"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    rows = portfolio.agencies
    picture = batch_svg([r.name for r in rows], [r.state or "??" for r in rows], portfolio.links,
                        [r.federal_links for r in rows])
    return env.get_template("portfolio.html.j2").render(p=portfolio, picture=Markup(picture))


def write_agency(out: Path, slug: str, result: ScanResult, registry: Registry) -> None:
    """One agency's HTML and JSON reports (written by the process that evaluated it)."""
    for name in ("html", "json"):
        registry.writers[name].write(result, out / "agencies" / f"{slug}.{name}")


def write_portfolio(out: Path, portfolio: Portfolio) -> None:
    """The index files, written after every agency's reports: an index never links to a report that is not
    there."""
    write_atomic(out / "portfolio.json", portfolio.model_dump_json(indent=2) + "\n")
    write_atomic(out / "portfolio.csv", render_csv(portfolio))
    write_atomic(out / "index.html", render_index(portfolio))
