"""Which agency each input describes: one report per agency, never a merge of several.

An input names its agency in its own agency block (name, state, ORI). Two inputs are one agency when they
share an ORI or an agency key (state, place, kind: ``partners.identity``), so "Pinecrest Police Department"
(state CA) and "Pinecrest CA PD" group together. A file that names no agency (a bare partner list) joins the
agency ``--agency-name`` names, else the only agency in its folder, else the only agency of the run; where
that leaves a choice it is an input error naming the file -- guessing would put one agency's partners in
another's report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from configscan.errors import InputError, UsageError
from configscan.partners.identity import agency_key
from configscan.partners.names import normalise
from configscan.readers.base import Fragment
from configscan.states import to_code


@dataclass
class AgencyGroup:
    """The fragments of one agency, with the names and identifiers its inputs used."""

    label: str  # the first name an input gave (or --agency-name)
    fragments: list[Fragment] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    names: list[str] = field(default_factory=list)

    @property
    def folders(self) -> set[Path]:
        return {Path(f.source).parent for f in self.fragments}


def identities(name: str | None, state: str | None, ori: str | None) -> set[str]:
    """Every identifier a (name, state, ORI) answers to."""
    ids: set[str] = set()
    if ori and ori.strip():
        ids.add("ori:" + ori.strip().upper())
    if name and name.strip():
        code = to_code(state) if state else None
        # A name alone is one agency only within a state: Washington County, Oregon is not Washington
        # County, Texas. Without a state the plain name is kept, and matched in _touching.
        ids.add(f"name:{code}:{normalise(name)}" if code else f"plain:{normalise(name)}")
        key = agency_key(name, code)
        if key is not None and (key.place or key.kind):
            ids.add(f"key:{key}")
    return ids


def _touching(groups: list[AgencyGroup], ids: set[str]) -> list[AgencyGroup]:
    """Groups sharing an identifier; a name without a state also meets the same name with one."""
    plain = {i.removeprefix("plain:") for i in ids if i.startswith("plain:")}
    stated = {i.split(":", 2)[2] for i in ids if i.startswith("name:")}

    def meets(group: AgencyGroup) -> bool:
        if group.ids & ids:
            return True
        names = {i.split(":", 2)[2] for i in group.ids if i.startswith("name:")}
        loose = {i.removeprefix("plain:") for i in group.ids if i.startswith("plain:")}
        return bool(plain & (names | loose)) or bool(stated & loose)

    return [g for g in groups if meets(g)]


def _agency_block(fragment: Fragment) -> tuple[str | None, str | None, str | None]:
    agency: Any = fragment.data.get("agency")
    if not isinstance(agency, dict):
        return None, None, None

    def text(key: str) -> str | None:
        value = agency.get(key)
        return str(value) if isinstance(value, str | int) and str(value).strip() else None

    return text("name"), text("state"), text("ori")


def group_fragments(fragments: Sequence[Fragment], agency_name: str | None = None) -> list[AgencyGroup]:
    """Fragments grouped by agency, in the order the agencies first appear."""
    groups: list[AgencyGroup] = []
    nameless: list[Fragment] = []
    for fragment in fragments:
        name, state, ori = _agency_block(fragment)
        ids = identities(name, state, ori)
        if not ids:
            nameless.append(fragment)
            continue
        touching = _touching(groups, ids)
        if touching:
            target = touching[0]
            for other in touching[1:]:  # this input joins two agencies seen apart so far: one agency
                target.fragments.extend(other.fragments)
                target.ids |= other.ids
                target.names.extend(n for n in other.names if n not in target.names)
                groups.remove(other)
        else:
            target = AgencyGroup(label=name or f"ORI {ori}")
            groups.append(target)
        target.fragments.append(fragment)
        target.ids |= ids
        if name and name not in target.names:
            target.names.append(name)
    for fragment in nameless:
        _place(fragment, groups, agency_name).fragments.append(fragment)
    for group in groups:  # inputs in command-line order within each agency, as a single scan reads them
        order = {id(f): i for i, f in enumerate(fragments)}
        group.fragments.sort(key=lambda f: order[id(f)])
    return groups


def _place(fragment: Fragment, groups: list[AgencyGroup], agency_name: str | None) -> AgencyGroup:
    if agency_name:
        wanted = identities(agency_name, None, None)
        named = _touching(groups, wanted)
        if named:
            return named[0]
    if len(groups) == 1:
        return groups[0]
    folder = Path(fragment.source).parent
    here = [g for g in groups if folder in g.folders]
    if len(here) == 1:
        return here[0]
    if not groups:
        group = AgencyGroup(label=agency_name or "(agency not named)")
        if agency_name:
            group.ids |= identities(agency_name, None, None)
            group.names.append(agency_name)
        groups.append(group)
        return group
    where = f"its folder holds {len(here)} agencies" if here else "no agency's export is in its folder"
    raise InputError(fragment.source, f"names no agency and {where}; pass --agency-name or put it in the agency's "
                     "folder")


def one_agency(fragments: Sequence[Fragment], agency_name: str | None = None) -> None:
    """``scan`` reports on one agency: inputs for several are a usage error pointing at ``portfolio``."""
    groups = group_fragments(fragments, agency_name)
    if len(groups) > 1:
        names = "; ".join(g.label for g in groups[:6]) + ("; ..." if len(groups) > 6 else "")
        raise UsageError(f"the inputs describe {len(groups)} agencies ({names}); scan one agency at a time, or "
                         "run 'configscan portfolio INPUTS... --out DIR' for one report per agency")
