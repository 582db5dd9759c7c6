"""Send the alert by e-mail over SMTP with STARTTLS (stdlib smtplib and email).

STARTTLS is required by default: a server that does not offer it gets nothing, and a password is never sent
over an unencrypted connection even when ``starttls = false`` is chosen for a local relay.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path


class MailError(Exception):
    """Delivery failed; the message names the server, never the password."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    sender: str
    to: Sequence[str]
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    cafile: Path | None = None  # CA bundle for a relay with a private certificate
    timeout: float = 30.0


def send(settings: MailSettings, subject: str, body: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.to)
    message.set_content(body)
    server = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            smtp.ehlo()
            if settings.starttls:
                if not smtp.has_extn("starttls"):
                    raise MailError(f"mail {server}: the server does not offer STARTTLS; nothing was sent")
                context = ssl.create_default_context(cafile=str(settings.cafile) if settings.cafile else None)
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.username:
                if not settings.starttls:
                    raise MailError(f"mail {server}: refusing to send a password without STARTTLS")
                smtp.login(settings.username, settings.password or "")
            smtp.send_message(message)
    except MailError:
        raise
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailError(f"mail {server}: {type(exc).__name__}: {_safe(exc)}") from None


def _safe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or "(no detail)"
