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
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

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

    def refuse(self, source: str, found: str) -> LimitError:
        """The input error for ``source`` exceeding this limit: what was found, the limit, how to raise it."""
        return LimitError(source, f"{found}, over the limit of {self.value():,} {self.what}; "
                                  f"if the file is genuine, raise it with {self.env}=N")


class LimitError(InputError):
    """An input over a resource limit. Sniffers that treat an unreadable file as "not my format" let this
    one through: the user must learn which limit was hit, not that no reader recognised the file."""


YAML_ALIASES = Limit("CONFIGSCAN_MAX_YAML_ALIASES", 100, "YAML aliases")
YAML_NODES = Limit("CONFIGSCAN_MAX_YAML_NODES", 1_000_000, "YAML nodes")
UNZIPPED_BYTES = Limit("CONFIGSCAN_MAX_UNZIPPED_BYTES", 8 * GIB, "bytes uncompressed")
ZIP_RATIO = Limit("CONFIGSCAN_MAX_ZIP_RATIO", 200, "to 1 compression")
SHEET_XML_BYTES = Limit("CONFIGSCAN_MAX_SHEET_XML_BYTES", 256 * MIB, "bytes of sheet XML held in memory")

ALL = (YAML_ALIASES, YAML_NODES, UNZIPPED_BYTES, ZIP_RATIO, SHEET_XML_BYTES)

# What Python's zipfile raises on a broken archive: a bad directory, corrupt deflate data, a CRC mismatch,
# offsets past the end (OSError, ValueError from a negative seek), an unsupported method, a password.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError)

_RATIO_FLOOR = 1 * MIB  # smaller members are not ratio-checked: tiny files compress oddly and cost nothing


def check_zip(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse an archive (an audit .zip or an XLSX) whose members declare more than the limits, before any
    member is inflated: total uncompressed size, and each large member's compression ratio."""
    total, cap, ratio = 0, UNZIPPED_BYTES.value(), ZIP_RATIO.value()
    for info in archive.infolist():
        total += info.file_size
        if total > cap:
            raise UNZIPPED_BYTES.refuse(source, f"members declare {total:,}+ bytes uncompressed")
        if info.file_size > _RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1):
            found = f"member {info.filename} inflates {info.file_size // max(info.compress_size, 1):,} to 1"
            raise ZIP_RATIO.refuse(source, found)


def verify_zip(archive: zipfile.ZipFile, source: str, names: Iterable[str]) -> None:
    """Inflate the named members and discard the bytes, counting them against the limit: the check for a
    reader outside Python's zipfile (calamine) that would otherwise trust the headers. Python's zipfile
    stops at the declared size and fails the CRC when a header lied, which surfaces here as BadZipFile."""
    budget = UNZIPPED_BYTES.value()
    for name in names:
        with archive.open(name) as member:
            budget -= copy_member(member, None, budget, source)


def copy_member(src: IO[bytes], dst: IO[bytes] | None, budget: int, source: str) -> int:
    """Copy one inflating member (to nowhere when ``dst`` is None), counting the bytes as they come (a
    member's header can lie about its size); ``budget`` is what the archive may still inflate to.
    Returns the bytes copied."""
    copied = 0
    while block := src.read(1 << 20):
        copied += len(block)
        if copied > budget:
            raise UNZIPPED_BYTES.refuse(source, f"inflates past {UNZIPPED_BYTES.value():,} bytes")
        if dst is not None:
            dst.write(block)
    return copied

