"""Errors that end a run with a clear one-line message (exit 2) instead of a traceback."""

from __future__ import annotations


class InputError(Exception):
    """Unreadable or invalid input. The message names the file and the row or field."""

    def __init__(self, source: str, detail: str) -> None:
        super().__init__(f"{source}: {detail}")
        self.source = source
        self.detail = detail


class UsageError(Exception):
    """A command-line combination that cannot work (unknown jurisdiction, writer, ...)."""
