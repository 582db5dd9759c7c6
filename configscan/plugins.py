"""Plugin discovery through entry points (checks, readers, writers), as a pipeline of small functions.

Built-ins register in ``pyproject.toml`` exactly as a third party's package would; nothing registers by
import side effect. A plugin that fails to load is an error the run reports, never a silent omission.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

T = TypeVar("T")

CHECKS = "configscan.checks"
READERS = "configscan.readers"
WRITERS = "configscan.writers"


@dataclass(frozen=True)
class Loaded(Generic[T]):
    name: str
    value: T
    dist: str | None


@dataclass(frozen=True)
class LoadFailure:
    name: str
    error: str


def find(group: str) -> list[EntryPoint]:
    """Entry points of one group, sorted by name so runs are deterministic."""
    return sorted(entry_points(group=group), key=lambda ep: ep.name)


def load(group: str, kind: type[T]) -> tuple[list[Loaded[T]], list[LoadFailure]]:
    """Load every plugin of ``group``; keep failures (bad import, wrong type) to report them."""
    loaded: list[Loaded[T]] = []
    failures: list[LoadFailure] = []
    for ep in find(group):
        try:
            value = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin is reported, not fatal and not hidden
            failures.append(LoadFailure(ep.name, f"{type(exc).__name__}: {exc}"))
            continue
        if not isinstance(value, kind):
            failures.append(LoadFailure(ep.name, f"{ep.value} is not a {kind.__name__}"))
            continue
        loaded.append(Loaded(ep.name, value, ep.dist.name if ep.dist else None))
    return loaded, failures
