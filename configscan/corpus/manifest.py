"""Which release is which: a manifest (CSV or TOML) or a folder tree, each file with its producing agency.

The producer of a network audit is the owner of the cameras it logs; the searching organisation is a
column of the log. A manifest row names one file (or folder) of one release::

    release,path,agency,state,request_url,sha256
    oakland-2025,oakland/2025.csv,Oakland Police Department,CA,https://...,3f2a...

(TOML: ``[[release]]`` tables with the same keys). Paths are relative to the manifest. Without a manifest,
each sub-folder of the corpus folder is one release by an agency of that name, in the state ``--state``
gives. A SHA-256 that does not match the file is an input error: the figures would not be the released rows.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from configscan.errors import InputError

_KEYS = ("release", "path", "agency", "state", "request_url", "sha256")


@dataclass(frozen=True)
class ReleaseFile:
    path: Path
    sha256: str = ""


@dataclass(frozen=True)
class Release:
    name: str
    agency: str  # the producer: the owner of the cameras the log's searches ran against
    state: str
    url: str
    files: tuple[ReleaseFile, ...]


def load(spec: Path, state: str | None) -> list[Release]:
    """Releases from a manifest file or a folder tree (see module docstring)."""
    if spec.is_dir():
        return _tree(spec, state)
    if not spec.is_file():
        raise InputError(str(spec), "no such manifest or folder")
    rows = _toml(spec) if spec.suffix.lower() == ".toml" else _csv(spec)
    releases: dict[str, Release] = {}
    for line, row in rows:
        missing = [k for k in ("release", "path", "agency", "state") if not row.get(k, "").strip()]
        if missing:
            raise InputError(str(spec), f"{line}: missing {', '.join(missing)}")
        name, st = row["release"].strip(), row["state"].strip().upper()
        if len(st) != 2 or not st.isalpha():
            raise InputError(str(spec), f"{line}: state {row['state']!r} is not a USPS code")
        file = ReleaseFile((spec.parent / row["path"].strip()).resolve(), row.get("sha256", "").strip().lower())
        known = releases.get(name)
        if known and (known.agency, known.state) != (row["agency"].strip(), st):
            raise InputError(str(spec), f"{line}: release {name} named with two agencies or states")
        files = (known.files if known else ()) + (file,)
        releases[name] = Release(name, row["agency"].strip(), st, row.get("request_url", "").strip()
                                 or (known.url if known else ""), files)
    if not releases:
        raise InputError(str(spec), "the manifest names no release")
    return list(releases.values())


def _csv(path: Path) -> list[tuple[str, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"release", "path", "agency", "state"} <= set(reader.fieldnames):
            raise InputError(str(path), f"header must name {', '.join(_KEYS)}")
        return [(f"row {i}", row) for i, row in enumerate(reader, start=2)]


def _toml(path: Path) -> list[tuple[str, dict[str, str]]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(str(path), f"not TOML ({exc})") from exc
    out = []
    for i, table in enumerate(data.get("release", []), start=1):
        paths = table.get("paths") or [table.get("path", "")]
        for p in paths:
            out.append((f"release {i}", {**{k: str(v) for k, v in table.items() if k in _KEYS}, "path": str(p),
                                         "release": str(table.get("name", table.get("release", "")))}))
    return out


def _tree(root: Path, state: str | None) -> list[Release]:
    if not state:
        raise InputError(str(root), "a corpus folder without a manifest needs --state (the owners' state)")
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        raise InputError(str(root), "no release folders in it (one sub-folder per release)")
    return [Release(p.name, p.name, state.upper(), "", (ReleaseFile(p.resolve()),)) for p in folders]


def verify(releases: list[Release]) -> None:
    """Check every SHA-256 the manifest gives against the file (streamed)."""
    for release in releases:
        for file in release.files:
            if not file.path.exists():
                raise InputError(str(file.path), f"named by release {release.name} but not found")
            if file.sha256 and sha256_of(file.path) != file.sha256:
                raise InputError(str(file.path), f"SHA-256 differs from the manifest's (release {release.name}): "
                                 "not the released file")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
