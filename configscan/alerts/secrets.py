"""Secrets for alerts: from an environment variable or a file readable by its owner only (mode 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class SecretError(Exception):
    """A secret that cannot be used; the message names where it was looked for, never its value."""


def read_secret(env: str | None, file: Path | None, what: str) -> str:
    """The secret's value: ``env`` if set, else ``file``. A file others can read is refused, not used."""
    if env:
        value = os.environ.get(env, "").strip()
        if value:
            return value
        if file is None:
            raise SecretError(f"{what}: environment variable {env} is not set")
    if file is None:
        raise SecretError(f"{what}: give an environment variable or a file holding it")
    try:
        info = file.stat()
    except OSError as exc:
        raise SecretError(f"{what}: cannot read {file} ({exc.strerror or exc})") from exc
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(f"{what}: {file} can be read by other users (mode {stat.S_IMODE(info.st_mode):04o}); "
                          f"run 'chmod 600 {file}'")
    try:
        value = file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretError(f"{what}: cannot read {file} ({exc.strerror or exc})") from exc
    if not value:
        raise SecretError(f"{what}: {file} is empty")
    return value
