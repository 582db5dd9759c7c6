"""Loads the installed plugins (checks, readers, writers) once per command invocation."""

from __future__ import annotations

from dataclasses import dataclass

from configscan import plugins
from configscan.checkapi import Check
from configscan.readers.base import Reader
from configscan.writers import Writer


@dataclass
class Registry:
    checks: list[Check]
    readers: list[Reader]
    writers: dict[str, Writer]
    failures: list[str]


def load_registry() -> Registry:
    checks, f1 = plugins.load(plugins.CHECKS, Check)
    readers, f2 = plugins.load(plugins.READERS, Reader)
    writers, f3 = plugins.load(plugins.WRITERS, Writer)
    failures = [f"plugin {f.name}: {f.error}" for f in (*f1, *f2, *f3)]
    return Registry(
        checks=[c.value for c in checks],
        readers=[r.value for r in readers],
        writers={w.value.name: w.value for w in writers},
        failures=failures,
    )
