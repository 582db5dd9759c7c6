"""Resource limits on hostile or broken inputs, in one place, with the environment variables that raise them.

A records release is untrusted input: a 431-byte YAML file of nested aliases expands to billions of nodes,
a 3 MB zip can inflate to gigabytes, and a workbook read in memory costs about six times its sheet XML.
Each limit below is far above any real export and refuses the input with a one-line input error (exit 2)
that names the file, the limit and the variable to raise it -- never a hang, a swap storm or an OOM kill.

======================================  =====================================  =======================
Limit                                   Environment variable                   Default
======================================  =====================================  =======================
YAML aliases (``*ref``) per document    ``CONFIGSCAN_MAX_YAML_ALIASES``        100
YAML nodes per document                 ``CONFIGSCAN_MAX_YAML_NODES``          1,000,000
Uncompressed bytes of one zip input     ``CONFIGSCAN_MAX_UNZIPPED_BYTES``      8 GiB (audit .zip)
Compression ratio of one zip member     ``CONFIGSCAN_MAX_ZIP_RATIO``           200 (:1)
Sheet XML read whole into memory        ``CONFIGSCAN_MAX_SHEET_XML_BYTES``     256 MiB
======================================  =====================================  =======================

Only the audit path may stream sheets larger than the in-memory cap (through openpyxl's read-only mode);
the configuration readers (sharing lists, users, settings) hold a workbook whole, so a larger sheet there
is refused. Real compression ratios: CSV about 5-15:1, sheet XML 10-30:1; 200:1 is only reached by runs
of one repeated byte. Values are whole numbers; ``_`` separators are allowed (``8_000_000_000``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from configscan.errors import InputError

GIB = 1024**3
MIB = 1024**2


@dataclass(frozen=True)
class Limit:
    """One limit: its default, the variable that overrides it and the words an error uses for it."""

    env: str
    default: int
    what: str

    def value(self) -> int:
        """The limit in force: the environment's value if set (read at each use, so tests can set it)."""
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            raise InputError(self.env, f"must be a whole number, got {raw!r}") from None
        if value < 1:
            raise InputError(self.env, f"must be at least 1, got {value}")
        return value

    def refuse(self, source: str, found: str) -> InputError:
        """The input error for ``source`` exceeding this limit: what was found, the limit, how to raise it."""
        return InputError(source, f"{found}, over the limit of {self.value():,} {self.what}; "
                                  f"if the file is genuine, raise it with {self.env}=N")


YAML_ALIASES = Limit("CONFIGSCAN_MAX_YAML_ALIASES", 100, "YAML aliases")
YAML_NODES = Limit("CONFIGSCAN_MAX_YAML_NODES", 1_000_000, "YAML nodes")
UNZIPPED_BYTES = Limit("CONFIGSCAN_MAX_UNZIPPED_BYTES", 8 * GIB, "bytes uncompressed")
ZIP_RATIO = Limit("CONFIGSCAN_MAX_ZIP_RATIO", 200, "to 1 compression")
SHEET_XML_BYTES = Limit("CONFIGSCAN_MAX_SHEET_XML_BYTES", 256 * MIB, "bytes of sheet XML held in memory")

ALL = (YAML_ALIASES, YAML_NODES, UNZIPPED_BYTES, ZIP_RATIO, SHEET_XML_BYTES)
