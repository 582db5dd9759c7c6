"""The reader contract.

``sniff`` looks at the first bytes (and the file name only as a hint) and says whether the reader
understands the input; ``read`` returns a :class:`Fragment`: part of an interchange configuration plus
what could not be read. Several fragments for one agency are merged by :mod:`configscan.readers.merge`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Fragment:
    """Part of an agency configuration read from one input.

    ``data`` uses the interchange field names (``agency``, ``sharing``, ``partners``...). ``problems``
    lists rows or values that could not be read, each naming the file and row; ``lost_matters`` says
    whether what was lost could change a verdict (then the scan exits 3 instead of reporting clean).
    """

    source: str
    reader: str
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    lost_matters: bool = False
    rows_read: int = 0


@dataclass(frozen=True)
class Reader:
    """A registered reader: a name, a description, a content sniffer and a read function."""

    name: str
    description: str
    sniff: Callable[[Path, bytes], bool]
    read: Callable[[Path], Fragment]
    priority: int = 50  # lower runs its sniff first; generic readers use a higher number
