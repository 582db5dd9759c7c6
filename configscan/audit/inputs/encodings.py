"""Audit exports that are not UTF-8, made readable: DuckDB reads UTF-8 only and rejects other rows.

Two encodings are common in records releases: UTF-16 with a byte-order mark (Excel's "Unicode Text"
export, tab-separated) and Windows-1252 (Excel's "CSV" on US Windows: accented agency names such as
"Cañon City", Spanish reasons, curly apostrophes). Such a file is transcoded, streamed, into the run's work
directory, and the report names the encoding it was read as. A byte Windows-1252 leaves undefined means
the file is not Windows-1252 either; it is then read as Latin-1, which maps every byte.
"""

from __future__ import annotations

import codecs
import gzip
import os
import tempfile
import zlib
from pathlib import Path
from typing import IO, cast

from configscan.errors import InputError

UTF8, UTF16, CP1252, LATIN1 = "utf-8", "utf-16", "windows-1252", "latin-1"
_CHUNK = 1 << 20
_HEAD = 256 * 1024


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.GzipFile(path, "rb"))  # typeshed's GzipFile is not an IO[bytes]
    return path.open("rb")


def sniff(path: Path) -> str:
    """The encoding to read ``path`` as, judged from its first 256 KiB: UTF-16 by its byte-order mark,
    Windows-1252 when those bytes are not valid UTF-8, UTF-8 otherwise (later bytes are checked by the
    reader, which reports invalid encoding; see :func:`transcode`)."""
    try:
        with _open(path) as raw:
            head = raw.read(_HEAD)
    except (OSError, EOFError, zlib.error) as exc:  # a compressed file damaged in its first blocks
        raise InputError(str(path), f"cannot read ({exc})") from exc
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return UTF16
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut multibyte tail is fine
    except UnicodeDecodeError:
        return CP1252
    return UTF8


def transcode(path: Path, work: Path, encoding: str) -> tuple[Path, str]:
    """A UTF-8 copy of ``path`` in ``work``, and the encoding it was actually read as."""
    fd, name = tempfile.mkstemp(dir=work, suffix=".utf8.csv")
    os.close(fd)
    target = Path(name)
    try:
        _copy(path, target, encoding)
        return target, encoding
    except UnicodeDecodeError:
        if encoding != CP1252:
            raise InputError(str(path), f"is not valid {encoding}") from None
        _copy(path, target, LATIN1)  # a byte Windows-1252 leaves undefined: not Windows-1252 after all
        return target, LATIN1
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(str(path), f"cannot read ({exc})") from exc


def _copy(path: Path, target: Path, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    with _open(path) as raw, target.open("w", encoding="utf-8", newline="") as out:
        while chunk := raw.read(_CHUNK):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
