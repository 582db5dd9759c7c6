"""``--redact``: a report that can go into a public packet -- officer names, e-mail addresses, plate numbers and
case numbers removed from every output, counts kept.

Applied to the ScanResult once, before any writer runs, so every format (JSON, HTML, PDF, Markdown, CSV,
SARIF) gets the same redacted text. Sensitive values are collected by the field they sit in (a user's name,
a ``plate`` or ``case`` column of sample rows) and then replaced wherever they appear, so a name repeated in
a subject or a remediation line goes too. Each distinct value gets its own numbered label (``[officer 2]``):
two accounts stay two findings and every count stays what it was. E-mail addresses and case-number shapes
(``2025-001234``, ``CR25-1234``) are also removed from free text such as search reasons. Partner organisations
are public bodies and stay named. Fingerprints are kept: they are hashes, and tracking across runs needs them.
"""

from __future__ import annotations

import re
from typing import Any

from configscan.findings import ScanResult

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
CASE_NUMBER = re.compile(r"\b[A-Z]{0,3}\d{2,4}-\d{3,10}\b")
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"plate|lpn|license|licence|vrm", re.I), "plate"),
    (re.compile(r"case", re.I), "case"),
    (re.compile(r"e-?mail", re.I), "e-mail"),
    (re.compile(r"user|officer|actor|employee|badge|searcher_name|person|requester|^by$", re.I), "officer"),
)
_KEEP_KEYS = re.compile(r"^(user agency|user_agency|agency|organi[sz]ation|org|network|searcher|by_searcher)$", re.I)


class Redactor:
    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.counters: dict[str, int] = {}
        self._pattern: re.Pattern[str] | None = None  # built once collecting is over

    def label(self, value: str, kind: str) -> str:
        if value not in self.labels:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            self.labels[value] = f"[{kind} {self.counters[kind]}]"
        return self.labels[value]

    def collect(self, node: Any, key: str = "", users_check: bool = False) -> None:
        """Record sensitive values by the key they sit under (without changing anything yet)."""
        if isinstance(node, dict):
            is_users = users_check or str(node.get("check", "")).startswith("users.")
            for k, v in node.items():
                self.collect(v, str(k), is_users)
            return
        if isinstance(node, list):
            for item in node:
                self.collect(item, key, users_check)
            return
        if not isinstance(node, str) or len(node.strip()) < 2 or _KEEP_KEYS.match(key):
            return
        kind = next((name for pattern, name in _KINDS if pattern.search(key)), None)
        if kind is None and users_check and key in ("name", "subject"):
            kind = "officer"
        if kind is not None:
            self.label(node.strip(), "e-mail" if EMAIL.fullmatch(node.strip()) else kind)

    def scrub(self, text: str) -> str:
        if self.labels:
            if self._pattern is None:
                words = "|".join(re.escape(v) for v in sorted(self.labels, key=len, reverse=True))
                self._pattern = re.compile(rf"(?<!\w)(?:{words})(?!\w)")
            text = self._pattern.sub(lambda m: self.labels[m.group()], text)
        text = EMAIL.sub(lambda m: self.label(m.group(), "e-mail"), text)
        return CASE_NUMBER.sub(lambda m: self.label(m.group(), "case"), text)

    def apply(self, node: Any, key: str = "") -> Any:
        if isinstance(node, dict):
            return {k: (v if k == "fingerprint" else self.apply(v, str(k))) for k, v in node.items()}
        if isinstance(node, list):
            return [self.apply(item, key) for item in node]
        if isinstance(node, str) and not (key in ("sha256", "fingerprints") or key.startswith("sha")):
            return self.scrub(node)
        return node


def redacted(result: ScanResult) -> ScanResult:
    """A copy of ``result`` with people, plates and case numbers replaced by numbered labels."""
    data = result.model_dump(mode="json")
    config = getattr(result, "config", None)
    redactor = Redactor()
    for user in (config or {}).get("users") or []:
        for field in ("name", "email"):
            if isinstance(user, dict) and user.get(field):
                redactor.label(str(user[field]).strip(), "e-mail" if field == "email" else "officer")
    redactor.collect(data)
    clean = ScanResult.model_validate(redactor.apply(data))
    if config is not None and "config" in ScanResult.model_fields:  # kept for the history, not the report
        setattr(clean, "config", redactor.apply(config))  # noqa: B010 - a field other versions may lack
    return clean
