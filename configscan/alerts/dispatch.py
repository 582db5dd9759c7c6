"""Which alerts to send for a run, and sending them: the one place the alert settings are read.

Settings come from the scan file's ``[alerts]`` table (see ``runfile.py``); secrets are read only here, at
send time, so a ``run --check`` or a run with nothing new never touches them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from configscan.alerts import message
from configscan.alerts.mail import MailError, MailSettings, send
from configscan.alerts.secrets import SecretError, read_secret
from configscan.alerts.webhook import WebhookError, WebhookSettings, post, where
from configscan.findings import Finding, ScanResult, Severity


@dataclass(frozen=True)
class WebhookConfig:
    url_env: str | None = None
    url_file: Path | None = None
    slack: bool = False
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0


@dataclass(frozen=True)
class MailConfig:
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 587
    username: str | None = None
    password_env: str | None = None
    password_file: Path | None = None
    starttls: bool = True
    cafile: Path | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class AlertConfig:
    min_severity: Severity = Severity.high
    webhook: WebhookConfig | None = None
    mail: MailConfig | None = None


@dataclass
class Delivery:
    sent: list[str]  # "webhook https://hooks.example.org", "e-mail to 2 recipients"
    failed: list[str]  # one line each, no secrets


def worth_alerting(config: AlertConfig, new: Sequence[Finding]) -> list[Finding]:
    return [f for f in new if f.severity.rank >= config.min_severity.rank]


def deliver(config: AlertConfig, result: ScanResult, new: Sequence[Finding], label: str | None,
            reports: Sequence[str]) -> Delivery:
    """Send every configured alert; a failure of one does not stop the other."""
    done = Delivery(sent=[], failed=[])
    if config.webhook is not None:
        hook = config.webhook
        try:
            url = read_secret(hook.url_env, hook.url_file, "webhook URL")
            body = message.slack(result, new) if hook.slack else message.summary(result, new, label)
            post(WebhookSettings(url=url, slack=hook.slack, read_timeout=hook.timeout, retries=hook.retries,
                                 backoff=hook.backoff), body)
            done.sent.append(f"webhook {where(url)}")
        except (SecretError, WebhookError) as exc:
            done.failed.append(str(exc))
    if config.mail is not None:
        mail = config.mail
        try:
            password = (read_secret(mail.password_env, mail.password_file, "SMTP password")
                        if mail.username else None)
            send(MailSettings(host=mail.host, port=mail.port, sender=mail.sender, to=mail.to,
                              username=mail.username, password=password, starttls=mail.starttls,
                              cafile=mail.cafile, timeout=mail.timeout),
                 subject=message.headline(result, new), body=message.mail_text(result, new, reports))
            done.sent.append(f"e-mail to {len(mail.to)} recipient(s) via {mail.host}:{mail.port}")
        except (SecretError, MailError) as exc:
            done.failed.append(str(exc))
    return done
