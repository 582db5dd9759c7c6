"""The bundled rule packs, indexed by id and alias, and the lookups a scan or a command needs.

Built per run from the package's ``packs/`` folder (or another folder, for tests and for a user's own
library); nothing is loaded at import.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from configscan.errors import UsageError
from configscan.jurisdictions.packfile import parse_pack
from configscan.jurisdictions.schema import Level, RulePack


def pack_dir() -> Path:
    """Where the bundled packs are installed."""
    return Path(str(resources.files("configscan.jurisdictions") / "packs"))


class PackLibrary:
    """The bundled packs, indexed by id and alias. Constructed per run; nothing is loaded at import."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or pack_dir()
        self._packs: dict[str, RulePack] = {}
        self._paths: dict[str, Path] = {}
        self._alias: dict[str, str] = {}
        for path in sorted(self.directory.glob("*.yaml")):
            pack = parse_pack(path)
            self._packs[pack.id] = pack
            self._paths[pack.id] = path
            for alias in [pack.id, *pack.aliases]:
                self._alias[alias.lower()] = pack.id

    def ids(self) -> list[str]:
        return sorted(self._packs)

    def all(self) -> list[RulePack]:
        return [self._packs[i] for i in self.ids()]

    def path_of(self, pack_id: str) -> Path:
        return self._paths[pack_id]

    def lookup(self, name: str) -> RulePack | None:
        """A pack by id or alias (``US-WA``, ``wa``, ``washington``, ``oakland``), or None."""
        key = name.strip().lower()
        pack_id = self._alias.get(key) or self._alias.get(f"us-{key}")
        return self._packs[pack_id] if pack_id else None

    def get(self, name: str) -> RulePack:
        pack = self.lookup(name)
        if pack is None:
            raise UsageError(f"unknown jurisdiction {name!r}; see 'configscan rules list'")
        return pack

    def find_local(self, name: str, state_pack: RulePack) -> RulePack:
        """A city overlay by alias (``oakland``) or id, checked against the state being scanned."""
        key = name.strip().lower()
        candidates = [
            p for p in self._packs.values()
            if p.level is Level.city and (key in (a.lower() for a in p.aliases) or p.id.lower() == key)
        ]
        if not candidates:
            cities = ", ".join(a for p in self.all() if p.level is Level.city for a in p.aliases[:1])
            raise UsageError(f"--local {name!r}: no city pack by that name (bundled: {cities})")
        pack = next((p for p in candidates if p.parent == state_pack.id), candidates[0])
        if pack.parent != state_pack.id:
            raise UsageError(f"--local {name!r}: city pack {pack.id} overlays {pack.parent}, but this scan "
                             f"uses {state_pack.id}")
        return pack
