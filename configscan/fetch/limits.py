"""Resource limits for one fetch run: how long to wait, for how long in all, how much to accept.

A server decides how long it makes us wait (Retry-After, a byte every few seconds) and how much it sends, so
every one of those is bounded here and a bound that is hit fails that file with a one-line reason instead of
hanging a nightly job. The deadline covers the whole run (listing pages, retries, waits and bodies).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from configscan.fetch.defaults import (
    DEFAULT_BACKOFF,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_RETRY_WAIT,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_RETRIES,
)


@dataclass(frozen=True)
class Limits:
    """The bounds in force; every value is in seconds or bytes and comes from a CLI option or its default."""

    retries: int = DEFAULT_RETRIES  # further attempts after a 429/5xx, a timeout or a dropped connection
    backoff: float = DEFAULT_BACKOFF  # first wait between attempts when the server names none; doubles
    max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT  # a longer Retry-After fails the file instead of sleeping
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT  # longest silence between two reads of a response
    deadline: float = DEFAULT_DEADLINE  # the whole run, listing included
    max_bytes: int = DEFAULT_MAX_BYTES  # per file, counted after content decoding (no decompression bombs)
    max_redirects: int = DEFAULT_MAX_REDIRECTS


@dataclass
class Clock:
    """The run's deadline, started when the run starts; ``remaining`` never goes below zero."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def remaining(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.started))

    def expired(self) -> bool:
        return self.remaining() <= 0.0


def describe_seconds(value: float) -> str:
    """``1.5 s`` / ``60 s`` -- the way limits are named in messages."""
    return f"{value:g} s"
