"""Waivers: findings the agency has accepted, for a reason, by someone, until a date.

A waiver matches findings by fingerprint, or by check id and subject (compared as the fingerprint compares
them: case and spacing ignored). Waived findings stay in the report, marked with their waiver; they only stop
counting towards the verdict and the exit code. Fail closed: an expiry that is missing or not a date counts as
expired, and an expired waiver puts its finding back (with a line on stderr). A waiver that matches nothing is
reported as stale, so the file does not quietly accumulate acceptances for problems long gone.

Files are YAML (``waivers:`` list) or TOML (``[[waiver]]`` tables); the format follows the extension.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from configscan.errors import InputError
from configscan.findings import Finding, WaiverNote, WaiverStatus
from configscan.readers import safeyaml

_ALIASES = {"approver": "approved_by", "check_id": "check", "document": "legal_basis", "expiry": "expires"}
_KNOWN = {"check", "subject", "fingerprint", "reason", "approved_by", "legal_basis", "expires"}


@dataclass(frozen=True)
class Waiver:
    entry: str  # "waivers.yaml, entry 2 (line 7)": how messages name it
    reason: str
    approved_by: str
    expires_text: str
    expires: dt.date | None  # None: missing or malformed, which counts as expired
    check: str | None = None
    subject: str | None = None
    fingerprint: str | None = None
    legal_basis: str | None = None

    def expired(self, today: dt.date) -> bool:
        return self.expires is None or today > self.expires

    def matches(self, finding: Finding) -> bool:
        if self.fingerprint:
            return finding.fingerprint == self.fingerprint
        return finding.check == self.check and _norm(finding.subject) == _norm(self.subject or "")

    def label(self) -> str:
        what = f"fingerprint {self.fingerprint}" if self.fingerprint else f"{self.check} / {self.subject}"
        return f"{self.entry}: {what}"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class Outcome:
    findings: list[Finding]
    statuses: list[WaiverStatus]
    messages: list[str] = field(default_factory=list)  # for stderr: expired and stale waivers


def load(path: Path) -> list[Waiver]:
    """Read a waiver file. Structural mistakes are input errors naming the entry; dates are judged later."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read the waiver file ({exc.strerror or exc})") from exc
    if path.suffix.lower() == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(str(path), f"not valid TOML ({exc})") from exc
        items = data.get("waiver", data.get("waivers", []))
        lines: list[int | None] = [None] * len(items) if isinstance(items, list) else []
    else:
        items, lines = _yaml_items(path, text)
    if not isinstance(items, list):
        raise InputError(str(path), "expected a list of waivers ('waivers:' in YAML, [[waiver]] in TOML)")
    return [_waiver(path, i, item, line) for i, (item, line) in enumerate(zip(items, lines, strict=True))]


def _yaml_items(path: Path, text: str) -> tuple[Any, list[int | None]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # nodes only: aliases are not expanded here
        data = safeyaml.load(text, str(path))  # aliases counted and bounded (an alias bomb is refused)
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"not valid YAML ({' '.join(str(exc).split())})") from exc
    if isinstance(data, dict):
        key = "waivers" if "waivers" in data else "waiver"
        items = data.get(key, [])
        seq = next((v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == key), None)
    else:
        items, seq = data, node
    children = getattr(seq, "value", []) if isinstance(items, list) else []
    lines: list[int | None] = [c.start_mark.line + 1 for c in children]
    return items, lines if len(lines) == len(items or []) else [None] * len(items or [])


def _waiver(path: Path, index: int, item: object, line: int | None) -> Waiver:
    entry = f"{path.name}, entry {index + 1}" + (f" (line {line})" if line else "")
    if not isinstance(item, dict):
        raise InputError(str(path), f"entry {index + 1}{f' (line {line})' if line else ''}: expected a mapping")
    data = {_ALIASES.get(str(k), str(k)): v for k, v in item.items()}
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise InputError(str(path), f"{entry.split(', ', 1)[1]}: unknown key {unknown[0]!r} "
                                    f"(known: {', '.join(sorted(_KNOWN))})")
    for key in ("reason", "approved_by"):
        if not str(data.get(key) or "").strip():
            raise InputError(str(path), f"{entry.split(', ', 1)[1]}: missing {key!r} (every waiver says why and who)")
    if not data.get("fingerprint") and not (data.get("check") and data.get("subject")):
        raise InputError(str(path), f"{entry.split(', ', 1)[1]}: give 'fingerprint', or 'check' and 'subject'")
    raw = data.get("expires")
    return Waiver(entry=entry, reason=str(data["reason"]).strip(), approved_by=str(data["approved_by"]).strip(),
                  expires_text="" if raw is None else str(raw), expires=_date(raw),
                  check=_text(data.get("check")), subject=_text(data.get("subject")),
                  fingerprint=_text(data.get("fingerprint")), legal_basis=_text(data.get("legal_basis")))


def _text(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _date(value: object) -> dt.date | None:
    """YAML and TOML give dates as dates; text must be YYYY-MM-DD. Anything else is None (expired)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def apply(waivers: Sequence[Waiver], findings: Sequence[Finding], today: dt.date) -> Outcome:
    """Mark matched findings as waived (unexpired waivers only) and judge every waiver."""
    marked = list(findings)
    statuses: list[WaiverStatus] = []
    messages: list[str] = []
    for waiver in waivers:
        hits = [i for i, f in enumerate(marked) if waiver.matches(f)]
        expired = waiver.expired(today)
        if not expired:
            note = WaiverNote(reason=waiver.reason, approved_by=waiver.approved_by, legal_basis=waiver.legal_basis,
                              expires=waiver.expires or today, source=waiver.entry)
            for i in hits:
                if marked[i].waiver is None:
                    marked[i] = marked[i].model_copy(update={"waiver": note})
        status = "expired" if expired else "active" if hits else "stale"
        statuses.append(WaiverStatus(entry=waiver.entry, check=waiver.check, subject=waiver.subject,
                                     fingerprint=waiver.fingerprint, status=status, expires=waiver.expires_text,
                                     matched=[marked[i].fingerprint for i in hits]))
        when = (f"expired on {waiver.expires.isoformat()}" if waiver.expires is not None
                else f"has no valid expiry date ({waiver.expires_text or 'missing'!r}), so counts as expired")
        if expired and hits:
            messages.append(f"waiver {when}: {waiver.label()} (approved by {waiver.approved_by}); "
                            f"its finding is reported again")
        elif expired:
            messages.append(f"waiver {when} and matches no finding: {waiver.label()}; remove it")
        elif not hits:
            messages.append(f"stale waiver: {waiver.label()} matches no finding; remove it")
    return Outcome(findings=marked, statuses=statuses, messages=messages)
