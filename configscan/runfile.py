"""The scan file (``scans.toml``): every scan a nightly ``configscan run`` does, checked before any is done.

::

    db = "history.db"                     # optional (default: the user data directory)
    waivers = "waivers.yaml"              # optional, for every scan
    fail_on_new = "high"                  # optional gate for every scan (or fail_on)

    [alerts]                              # optional: who hears about new findings
    min_severity = "high"
    webhook = { url_env = "CONFIGSCAN_WEBHOOK_URL", slack = true }
    email = { host = "smtp.example.org", from = "configscan@example.org", to = ["it@example.org"],
              username = "configscan", password_file = "/etc/configscan/smtp.pass" }

    [portfolio]                           # optional, with several scans: an index over them all
    out = "reports/portfolio/{date}"      # index.html, portfolio.json|csv, agencies/<name>.html|json
    jobs = 0                              # worker processes for a large batch (0: CPU count)

    [[scan]]
    name = "harbor-view"
    inputs = ["exports/harbor-view-{date}.json"]   # files, globs, folders
    jurisdiction = "US-CA"                         # and local, policy, mapping, directory, audit, exclude ...
    json = "reports/{name}/{date}.json"
    html = "reports/{name}/{date}.html"

Relative paths resolve against the scan file's folder. Placeholders in paths: ``{date}`` (the run's date,
``--as-of``), ``{yyyy}``, ``{mm}``, ``{dd}`` and ``{name}``. A scan may fetch its inputs first:
``fetch = { source = "portal", target = "pinecrest-ca", out = "snap/{name}" }`` (``configscan fetch``), and
the snapshot folder is scanned. With several scans they are evaluated as one batch (``runbatch``). Every
mistake is reported with its line, all at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import string
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.alerts.dispatch import AlertConfig, MailConfig, WebhookConfig
from configscan.findings import Severity
from configscan.tomllines import Where, key_lines, line_of

PLACEHOLDERS = frozenset({"date", "yyyy", "mm", "dd", "name"})
_TOP = {"db", "waivers", "fail_on", "fail_on_new", "alerts", "portfolio", "scan", "version"}
_PORTFOLIO_KEYS = {"out", "jobs"}
_SCAN_PATHS = {"policy", "mapping", "directory", "json", "html", "evidence_csv", "waivers"}
_SCAN_LISTS = {"inputs", "audit", "exclude"}
_SCAN_TEXT = {"name", "jurisdiction", "local", "agency_name", "agency_state", "format"}
_SCAN_KEYS = _SCAN_PATHS | _SCAN_LISTS | _SCAN_TEXT | {"fail_on", "fail_on_new", "fetch", "sweep_threshold"}
_FETCH_KEYS = {"source", "target", "out", "token_env"}
_FETCH_SOURCES = {"portal", "muckrock", "url"}
_ALERT_KEYS = {"min_severity", "webhook", "email"}
_WEBHOOK_KEYS = {"url_env", "url_file", "slack", "timeout", "retries", "backoff"}
_MAIL_KEYS = {"host", "port", "from", "to", "username", "password_env", "password_file", "starttls", "cafile",
              "timeout"}
_GATES = {"critical", "high", "medium", "low", "info", "never"}


class RunFileError(Exception):
    """The scan file has mistakes: ``lines`` holds one ``file:line: message`` per mistake."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("; ".join(lines))
        self.lines = list(lines)


@dataclass(frozen=True)
class Fetch:
    source: str
    target: str
    out: str
    token_env: str | None = None


@dataclass(frozen=True)
class PortfolioIndex:
    """``[portfolio]``: where a run over several scans writes the portfolio index (``{date}`` etc. allowed)."""

    out: str | None = None
    jobs: int = 0  # worker processes for a batch large enough to pay for them; 0: the CPU count


@dataclass
class ScanEntry:
    name: str
    inputs: list[str]
    jurisdiction: str | None = None
    local: str | None = None
    policy: str | None = None
    mapping: str | None = None
    directory: str | None = None
    agency_name: str | None = None
    agency_state: str | None = None
    format: str | None = None
    audit: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    json: str | None = None
    html: str | None = None
    evidence_csv: str | None = None
    waivers: str | None = None
    fail_on: str | None = None
    fail_on_new: str | None = None
    sweep_threshold: int | None = None
    fetch: Fetch | None = None

    def path(self, template: str | None, base: Path, day: dt.date) -> Path | None:
        """A path from the file with placeholders filled in and resolved against the file's folder."""
        if template is None:
            return None
        filled = template.format(date=day.isoformat(), yyyy=f"{day.year:04d}", mm=f"{day.month:02d}",
                                 dd=f"{day.day:02d}", name=self.name)
        path = Path(filled).expanduser()
        return path if path.is_absolute() else base / path

    def paths(self, templates: Sequence[str], base: Path, day: dt.date) -> list[str]:
        return [str(p) for t in templates if (p := self.path(t, base, day)) is not None]


@dataclass
class RunFile:
    path: Path
    scans: list[ScanEntry]
    db: str | None = None
    waivers: str | None = None
    fail_on: str | None = None
    fail_on_new: str | None = None
    alerts: AlertConfig | None = None
    portfolio: PortfolioIndex | None = None

    @property
    def base(self) -> Path:
        return self.path.resolve().parent

    def resolve(self, value: str | None) -> Path | None:
        if value is None:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.base / path

    def index_out(self, day: dt.date) -> Path | None:
        """The ``[portfolio] out`` folder for the run's date, if the file asks for an index."""
        if self.portfolio is None or self.portfolio.out is None:
            return None
        return self.resolve(self.portfolio.out.format(date=day.isoformat(), yyyy=f"{day.year:04d}",
                                                      mm=f"{day.month:02d}", dd=f"{day.day:02d}"))


class _Checker:
    """Collects every mistake with its line, so one ``--check`` shows them all."""

    def __init__(self, path: Path, text: str) -> None:
        self.path, self.lines, self.errors = path, key_lines(text), list[str]()

    def error(self, table: Where, key: str, message: str) -> None:
        line = line_of(self.lines, table, key)
        self.errors.append(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def keys(self, table: Where, data: dict[str, Any], known: set[str], what: str) -> None:
        for key in data:
            if key not in known:
                near = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                self.error(table, key, f"{what}: unknown key {key!r}{hint}")

    def text(self, table: Where, data: dict[str, Any], key: str, what: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(table, key, f"{what}: {key} must be a non-empty string")
            return None
        return value

    def texts(self, table: Where, data: dict[str, Any], key: str, what: str) -> list[str]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(table, key, f"{what}: {key} must be a list of strings")
            return []
        return value

    def gate(self, table: Where, data: dict[str, Any], key: str, what: str) -> str | None:
        value = self.text(table, data, key, what)
        if value is not None and value not in _GATES:
            self.error(table, key, f"{what}: {key} {value!r}: choose {', '.join(sorted(_GATES))}")
            return None
        return value

    def template(self, table: Where, key: str, value: str | None, what: str) -> None:
        if value is None:
            return
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        except ValueError as exc:
            self.error(table, key, f"{what}: {key} {value!r}: {exc}")
            return
        bad = sorted(names - PLACEHOLDERS)
        if bad:
            self.error(table, key, f"{what}: {key}: unknown placeholder {{{bad[0]}}} "
                                   f"(known: {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS))})")


def load(path: Path, files: bool = False) -> RunFile:
    """Read and check the scan file; raises RunFileError listing every mistake. With ``files`` (``--check``)
    the files it names without a placeholder must exist too, and the waiver files must read."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RunFileError([f"{path}: cannot read the scan file ({exc.strerror or exc})"]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RunFileError([f"{path}: not valid TOML: {exc}"]) from exc
    check = _Checker(path, text)
    check.keys((), data, _TOP, "top level")
    if data.get("version", 1) != 1:
        check.error((), "version", f"version {data.get('version')!r}: this configscan reads version 1")
    run = RunFile(path=path, scans=[], db=check.text((), data, "db", "top level"),
                  waivers=check.text((), data, "waivers", "top level"),
                  fail_on=check.gate((), data, "fail_on", "top level"),
                  fail_on_new=check.gate((), data, "fail_on_new", "top level"))
    if "alerts" in data:
        run.alerts = _alerts(check, data["alerts"])
    if "portfolio" in data:
        run.portfolio = _portfolio(check, data["portfolio"])
    tables = data.get("scan", [])
    if not isinstance(tables, list) or not tables:
        check.error((), "scan", "no scans: add at least one [[scan]] table with inputs")
        tables = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        entry = _scan(check, ("scan", index), table, index)
        if entry is None:
            continue
        if entry.name in seen:
            check.error(("scan", index), "name", f"scan {entry.name!r}: two scans have this name")
        seen.add(entry.name)
        run.scans.append(entry)
    if run.portfolio is not None and run.portfolio.out is not None and len(tables) < 2:
        check.error(("portfolio",), "out", "portfolio: an index needs at least two [[scan]] tables")
    if files:
        _files(check, run)
    if check.errors:
        raise RunFileError(check.errors)
    return run


def _scan(check: _Checker, where: Where, table: Any, index: int) -> ScanEntry | None:
    if not isinstance(table, dict):
        check.error(where, "", f"scan {index + 1}: expected a table")
        return None
    name = check.text(where, table, "name", f"scan {index + 1}") or f"scan-{index + 1}"
    what = f"scan {name!r}"
    check.keys(where, table, _SCAN_KEYS, what)
    entry = ScanEntry(name=name, inputs=check.texts(where, table, "inputs", what),
                      audit=check.texts(where, table, "audit", what),
                      exclude=check.texts(where, table, "exclude", what),
                      fail_on=check.gate(where, table, "fail_on", what),
                      fail_on_new=check.gate(where, table, "fail_on_new", what))
    for key in sorted(_SCAN_PATHS | (_SCAN_TEXT - {"name"})):
        setattr(entry, key, check.text(where, table, key, what))
    threshold = table.get("sweep_threshold")
    if threshold is not None and (not isinstance(threshold, int) or threshold < 1):
        check.error(where, "sweep_threshold", f"{what}: sweep_threshold must be a whole number of at least 1")
    entry.sweep_threshold = threshold if isinstance(threshold, int) else None
    if "fetch" in table:
        entry.fetch = _fetch(check, where, table["fetch"], what)
    if not entry.inputs and entry.fetch is None:
        check.error(where, "inputs", f"{what}: no inputs (give inputs = [...] or fetch = {{...}})")
    for key in sorted(_SCAN_PATHS):
        check.template(where, key, getattr(entry, key), what)
    for key in ("inputs", "audit"):
        for value in getattr(entry, key):
            check.template(where, key, value, what)
    return entry


def _fetch(check: _Checker, where: Where, value: Any, what: str) -> Fetch | None:
    if not isinstance(value, dict):
        check.error(where, "fetch", f"{what}: fetch must be a table {{source, target, out}}")
        return None
    check.keys(where, value, _FETCH_KEYS, f"{what} fetch")
    source = check.text(where, value, "source", f"{what} fetch")
    target = check.text(where, value, "target", f"{what} fetch")
    out = check.text(where, value, "out", f"{what} fetch")
    if source is not None and source not in _FETCH_SOURCES:
        check.error(where, "fetch", f"{what}: fetch source {source!r}: choose {', '.join(sorted(_FETCH_SOURCES))}")
    if source is None or target is None or out is None:
        check.error(where, "fetch", f"{what}: fetch needs source, target and out")
        return None
    check.template(where, "fetch", out, what)
    return Fetch(source=source, target=target, out=out, token_env=check.text(where, value, "token_env", what))


def _portfolio(check: _Checker, data: Any) -> PortfolioIndex | None:
    where: Where = ("portfolio",)
    if not isinstance(data, dict):
        check.error((), "portfolio", "portfolio must be a table (out = \"folder\", jobs = N)")
        return None
    check.keys(where, data, _PORTFOLIO_KEYS, "portfolio")
    out = check.text(where, data, "out", "portfolio")
    if out is not None and "{name}" in out:
        check.error(where, "out", "portfolio: out is one folder for every scan: {name} cannot be used")
    else:
        check.template(where, "out", out, "portfolio")
    jobs = data.get("jobs", 0)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 0:
        check.error(where, "jobs", "portfolio: jobs must be a whole number (0: the CPU count)")
        jobs = 0
    return PortfolioIndex(out=out, jobs=jobs)


def _alerts(check: _Checker, data: Any) -> AlertConfig | None:
    where: Where = ("alerts",)
    if not isinstance(data, dict):
        check.error((), "alerts", "alerts must be a table")
        return None
    check.keys(where, data, _ALERT_KEYS, "alerts")
    level = check.text(where, data, "min_severity", "alerts") or "high"
    if level not in {s.value for s in Severity}:
        check.error(where, "min_severity", f"alerts: min_severity {level!r}: choose a severity")
        level = "high"
    webhook = mail = None
    hook = data.get("webhook")
    if isinstance(hook, dict):
        check.keys(where, hook, _WEBHOOK_KEYS, "alerts.webhook")
        if not hook.get("url_env") and not hook.get("url_file"):
            check.error(where, "webhook", "alerts.webhook: give url_env (an environment variable) or url_file "
                                          "(a file only you can read); the URL is a secret")
        webhook = WebhookConfig(url_env=hook.get("url_env"), url_file=_path(hook.get("url_file")),
                                slack=bool(hook.get("slack", False)), timeout=float(hook.get("timeout", 10)),
                                retries=int(hook.get("retries", 3)), backoff=float(hook.get("backoff", 1.0)))
    email = data.get("email")
    if isinstance(email, dict):
        check.keys(where, email, _MAIL_KEYS, "alerts.email")
        to = email.get("to", [])
        to = [to] if isinstance(to, str) else to
        if not email.get("host") or not email.get("from") or not to:
            check.error(where, "email", "alerts.email: needs host, from and to")
        elif email.get("username") and not (email.get("password_env") or email.get("password_file")):
            check.error(where, "email", "alerts.email: a username needs password_env or password_file")
        else:
            mail = MailConfig(host=str(email["host"]), sender=str(email["from"]), to=tuple(map(str, to)),
                              port=int(email.get("port", 587)), username=email.get("username"),
                              password_env=email.get("password_env"), password_file=_path(email.get("password_file")),
                              starttls=bool(email.get("starttls", True)), cafile=_path(email.get("cafile")),
                              timeout=float(email.get("timeout", 30)))
    return AlertConfig(min_severity=Severity(level), webhook=webhook, mail=mail)


def _path(value: object) -> Path | None:
    return Path(str(value)).expanduser() if value else None


def _files(check: _Checker, run: RunFile) -> None:
    """Named files that do not exist, and waiver files that do not read, each reported with its line."""
    from configscan.errors import InputError
    from configscan.waivers import load as load_waivers

    def exists(where: Where, key: str, value: str | None, what: str, waivers: bool = False) -> None:
        if value is None or "{" in value:
            return
        path = run.resolve(value)
        if path is None or not path.exists():
            check.error(where, key, f"{what}: {key} {value!r}: no such file")
        elif waivers:
            try:
                load_waivers(path)
            except InputError as exc:
                check.error(where, key, f"{what}: {key}: {exc}")

    exists((), "waivers", run.waivers, "top level", waivers=True)
    for index, entry in enumerate(run.scans):
        where: Where = ("scan", index)
        what = f"scan {entry.name!r}"
        for key in ("policy", "mapping", "directory"):
            exists(where, key, getattr(entry, key), what)
        exists(where, "waivers", entry.waivers, what, waivers=True)
