"""Credentials and where they may go: a bearer token is bound to the origin it was given for.

An origin is scheme + host + port. The token is attached to a request only when the request's URL has that
origin -- so a pagination ``next`` link or a redirect that points elsewhere (another host, another port, or
https -> http) is followed without it. The token is checked before first use (a newline in it would end up
in a header-injection error that echoes it) and every message that leaves the fetch package goes through
:meth:`Credentials.scrub`, so neither it nor a password from a URL is ever printed or stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

_TOKEN = re.compile(r"[\x21-\x7e]+")  # visible ASCII: what an HTTP header value can carry verbatim
_DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


class CredentialError(Exception):
    """A token that cannot be used; the message names the variable, never the value."""


def origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL with the default port filled in; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def is_loopback(url: str) -> bool:
    """True for 127.0.0.0/8, localhost and [::1]: plain http there never leaves the machine."""
    host = (urlsplit(url).hostname or "").lower()
    return host == "localhost" or host == "::1" or host.startswith("127.")


def one_line(text: str, limit: int = 300) -> str:
    """Server-supplied text (a reason phrase, a JSON error) made safe to print: no control characters or
    terminal escapes, one line, bounded."""
    flat = _CONTROL.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[:limit - 3] + "..."


@dataclass(frozen=True)
class Credentials:
    """A bearer token for one origin, and every secret the run must never print (URL passwords too)."""

    token: str | None = None
    origin: tuple[str, str, int] | None = None
    source: str | None = None  # how the manifest names it, e.g. "bearer token from $EXPORT_TOKEN"
    secrets: tuple[str, ...] = field(default=())

    def headers_for(self, url: str) -> dict[str, str]:
        """The Authorization header for ``url`` -- only when ``url`` has the token's own origin."""
        if self.token and self.origin is not None and origin(url) == self.origin:
            return {"Authorization": f"Bearer {self.token}"}
        return {}

    def scrub(self, text: str) -> str:
        """``text`` with every secret this run knows of replaced, for messages and the manifest."""
        for secret in sorted({*self.secrets, *([self.token] if self.token else [])}, key=len, reverse=True):
            if len(secret) >= 3:
                text = text.replace(secret, "[REDACTED]")
        return text

    def with_url_secrets(self, *urls: str) -> Credentials:
        """Also scrub the password (or a lone user name) of ``urls`` (``https://user:pass@host/``)."""
        found = list(self.secrets)
        for url in urls:
            try:
                parts = urlsplit(url)
            except ValueError:
                continue
            # A user name alone is often the secret itself (``https://TOKEN@host/``).
            value = parts.password or parts.username
            if value:
                found.extend({value, unquote(value)})
        return Credentials(self.token, self.origin, self.source, tuple(found))


def token_from_env(env: Mapping[str, str], name: str | None) -> str | None:
    """The token in environment variable ``name``; None when no variable was named.

    A named but empty variable is an error (not a silent anonymous fetch), and so is a token holding control
    characters, spaces or non-ASCII: such a value cannot go into a header, and the error raised by trying
    would quote it. Surrounding whitespace (a trailing newline from ``$(cat file)``) is dropped.
    """
    if not name:
        return None
    token = env.get(name, "").strip()
    if not token:
        raise CredentialError(f"environment variable {name} is not set or empty")
    if not _TOKEN.fullmatch(token):
        raise CredentialError(f"environment variable {name} holds a control character, space or non-ASCII "
                              "character, which a bearer token cannot contain (its value is not shown)")
    return token
