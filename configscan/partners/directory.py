"""The partner directory: bundled data files (each row with its source) plus the user's override CSV.

Bundled files in ``configscan/partners/data/`` hold facts, not verdicts on particular partners: federal
components and their abbreviations, Border Patrol sectors, known multi-agency bodies, state agency
acronyms, federal e-mail domains and ORI agency codes. A user's ``--directory`` CSV (columns ``name``,
``category``, optional ``state`` and ``source``) overrides everything for the names it lists.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from configscan.errors import InputError
from configscan.partners.model import Category
from configscan.partners.names import normalise
from configscan.partners.states import usps

_NAME_FILES = ("names_federal.csv", "names_multi_agency.csv", "names_state.csv", "names_private.csv",
               "names_tribal.csv")
# A tribal nation's name is often also a place name ("Red Lake Falls", "Mille Lacs County"): an alias
# followed by a local-government word names the place, not the nation.
_PLACE_AFTER = r"(?!\s+(?:county|city|falls|junction|township|twp|parish|borough|village|town|island|beach|lake)\b)"


@dataclass(frozen=True)
class NameEntry:
    """An alias that identifies an organisation type wherever it appears in a name."""

    alias: str
    category: Category
    component: str
    state: str | None
    source: str
    regex: str  # compiled on first use: a run tests only the few aliases its names' words index to
    case_sensitive: bool  # matched against the original text (acronyms such as ICE, ERO)

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.regex)

    def found_in(self, text: str, norm: str) -> bool:
        return bool(self.pattern.search(text if self.case_sensitive else norm))


@functools.cache
def _compiled(regex: str) -> re.Pattern[str]:
    """Compile once per process (``re``'s own cache holds 512 patterns and the aliases alone are hundreds)."""
    return re.compile(regex)


@dataclass(frozen=True)
class DomainEntry:
    domain: str
    category: Category
    component: str
    state: str | None
    source: str


@dataclass(frozen=True)
class OriCode:
    code: str
    category: Category
    component: str
    source: str


@dataclass(frozen=True)
class Override:
    """A user's own answer for one organisation name: it wins over every other signal."""

    name: str
    category: Category
    state: str | None
    source: str


def _rows(text: str, label: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    missing = [c for c in required if c not in fields]
    if missing:
        raise InputError(label, f"missing column(s) {', '.join(missing)} (found: {', '.join(fields) or 'none'})")
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise InputError(label, f"row {number}: more values than columns (quote values that hold commas)")
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if any(clean.values()):
            yield number, clean


def _category(value: str, label: str, row: int) -> Category:
    try:
        return Category(value.strip().lower())
    except ValueError:
        choices = ", ".join(c.value for c in Category)
        raise InputError(label, f"row {row}: category {value!r} is not one of {choices}") from None


def _bundled(name: str) -> str:
    return resources.files("configscan.partners").joinpath("data", name).read_text(encoding="utf-8")


def _name_entry(row: dict[str, str], label: str, number: int) -> NameEntry:
    alias = row["alias"]
    if not alias:
        raise InputError(label, f"row {number}: empty alias")
    case_sensitive = row.get("match", "word") == "upper"
    if case_sensitive:
        regex = rf"(?<![A-Za-z0-9]){re.escape(alias)}(?![A-Za-z0-9])"
    else:
        guard = _PLACE_AFTER if row["category"] == Category.tribal.value else ""
        regex = rf"\b{re.escape(normalise(alias))}\b{guard}"
    return NameEntry(alias=alias, category=_category(row["category"], label, number),
                     component=row.get("component") or alias, state=usps(row.get("state")),
                     source=row["source"], regex=regex, case_sensitive=case_sensitive)


# Word runs as each kind of alias pattern bounds them: ``\b`` (Unicode word characters) for aliases matched
# on the normalised name, ASCII letters and digits for case-sensitive acronyms. Every such run inside an
# alias is a whole run of the name wherever the alias matches, so it can key an index of the aliases.
_WORD_RUN = re.compile(r"\w+")
_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")


def _index_key(entry: NameEntry) -> tuple[bool, str] | None:
    """The alias's longest word run (the most selective key), or None if it has none."""
    text = entry.alias if entry.case_sensitive else normalise(entry.alias)
    runs = (_ASCII_RUN if entry.case_sensitive else _WORD_RUN).findall(text)
    return (entry.case_sensitive, max(runs, key=len)) if runs else None


class Directory:
    """Everything the classifier looks names, domains and ORIs up in. Loaded once per run."""

    def __init__(self, override: Path | None = None) -> None:
        self.names: list[NameEntry] = []
        for file in _NAME_FILES:
            label = f"configscan/partners/data/{file}"
            for number, row in _rows(_bundled(file), label, ("alias", "category", "source")):
                self.names.append(_name_entry(row, label, number))
        # Aliases by a word run they contain: a name is only tested against the aliases sharing a run with it
        # (a few, not hundreds); aliases without a run are always tested. Values keep the bundled order.
        self._by_run: dict[tuple[bool, str], list[int]] = {}
        self._unkeyed: list[int] = []
        for position, entry in enumerate(self.names):
            key = _index_key(entry)
            if key is None:
                self._unkeyed.append(position)
            else:
                self._by_run.setdefault(key, []).append(position)
        self.domains: dict[str, DomainEntry] = {}
        label = "configscan/partners/data/email_domains.csv"
        for number, row in _rows(_bundled("email_domains.csv"), label, ("domain", "category", "source")):
            self.domains[row["domain"].lower()] = DomainEntry(
                domain=row["domain"].lower(), category=_category(row["category"], label, number),
                component=row.get("component") or row["domain"], state=usps(row.get("state")), source=row["source"])
        self.ori_codes: dict[str, OriCode] = {}
        label = "configscan/partners/data/ori_agency_codes.csv"
        for number, row in _rows(_bundled("ori_agency_codes.csv"), label, ("code", "category", "source")):
            self.ori_codes[row["code"].upper()] = OriCode(
                code=row["code"].upper(), category=_category(row["category"], label, number),
                component=row.get("component") or row["code"], source=row["source"])
        self.overrides: dict[str, Override] = self._load_override(override) if override else {}

    @staticmethod
    def _load_override(path: Path) -> dict[str, Override]:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(str(path), f"cannot read directory CSV ({exc})") from exc
        found: dict[str, Override] = {}
        for number, row in _rows(text, str(path), ("name", "category")):
            if not row["name"]:
                raise InputError(str(path), f"row {number}: empty name")
            state_value = row.get("state") or None
            state = usps(state_value)
            if state_value and state is None:
                raise InputError(str(path), f"row {number}: state {state_value!r} is not a USPS state code")
            found[normalise(row["name"])] = Override(name=row["name"], category=_category(row["category"],
                                                     str(path), number), state=state,
                                                     source=row.get("source") or str(path))
        return found

    def override_for(self, name: str) -> Override | None:
        if not self.overrides:
            return None  # no user directory: skip normalising the name
        return self.overrides.get(normalise(name))

    def matches(self, text: str, norm: str, category: Category | None = None) -> list[NameEntry]:
        """Bundled entries found in a name, longest alias first (the most specific evidence)."""
        positions = set(self._unkeyed)
        by_run = self._by_run
        for run in _WORD_RUN.findall(norm):
            positions.update(by_run.get((False, run), ()))
        for run in _ASCII_RUN.findall(text):
            positions.update(by_run.get((True, run), ()))
        if not positions:
            return []  # no alias shares a word with the name (most local agencies)
        entries = (self.names[p] for p in sorted(positions))
        hits = [e for e in entries if (category is None or e.category is category) and e.found_in(text, norm)]
        return sorted(hits, key=lambda e: len(e.alias), reverse=True)
