"""Alerts: the webhook (mocked with responses) and e-mail through a real SMTP server on 127.0.0.1 (aiosmtpd)
that offers STARTTLS with a certificate made for the test. Secrets: environment or a 0600 file, never printed."""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_string
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import responses
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from configscan.alerts.dispatch import AlertConfig, MailConfig, WebhookConfig, deliver, worth_alerting
from configscan.alerts.mail import MailError, MailSettings, send
from configscan.alerts.secrets import SecretError, read_secret
from configscan.alerts.webhook import WebhookError, WebhookSettings, post
from configscan.findings import Finding, ScanResult, Severity, Summary

HOOK = "https://hooks.example.org/services/T1/B2/xoxb-secret-path"


def _result() -> tuple[ScanResult, list[Finding]]:
    new = [Finding(check="history.drift", severity=Severity.high, advisory=True, subject="sharing.national_lookup",
                   title="National lookup was re-enabled between 2026-12-01 and 2026-12-02", fingerprint="ab12"),
           Finding(check="retention.max", severity=Severity.medium, subject="retention_days", title="Retention",
                   fingerprint="cd34")]
    result = ScanResult(tool={"name": "configscan", "version": "0"}, scanned_at=dt.datetime(2026, 12, 2, 2, 0),
                        as_of=dt.date(2026, 12, 2), agency={"name": "Harbor View Police Department", "state": "CA"},
                        jurisdictions=[], summary=Summary(verdict="risks found", counts={"high": 1}), findings=new,
                        run_id=7)
    return result, new


@responses.activate
def test_webhook_retries_5xx_with_backoff_then_delivers_the_json_summary() -> None:
    responses.add(responses.POST, HOOK, status=503)
    responses.add(responses.POST, HOOK, status=502)
    responses.add(responses.POST, HOOK, json={"ok": True})
    result, new = _result()
    config = AlertConfig(min_severity=Severity.high, webhook=WebhookConfig(url_env="CS_HOOK", retries=3, backoff=0))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CS_HOOK", HOOK)
        done = deliver(config, result, worth_alerting(config, new), "harbor-view", [])
    assert done.failed == [] and done.sent == ["webhook https://hooks.example.org"]
    assert len(responses.calls) == 3
    body = json.loads(responses.calls[-1].request.body or b"")
    assert body["new"] == [{"severity": "high", "outcome": "fail", "check": "history.drift", "rule": None,
                            "title": "National lookup was re-enabled between 2026-12-01 and 2026-12-02",
                            "subject": "sharing.national_lookup", "fingerprint": "ab12"}]  # medium: below threshold
    assert body["run_id"] == 7 and body["scan"] == "harbor-view"


@responses.activate
def test_webhook_slack_body_and_failure_message_without_the_secret_path() -> None:
    responses.add(responses.POST, HOOK, status=500)
    result, new = _result()
    with pytest.raises(WebhookError) as caught:
        post(WebhookSettings(url=HOOK, slack=True, retries=2, backoff=0), {"text": "x"})
    assert str(caught.value) == "webhook https://hooks.example.org: HTTP 500 after 2 retries"
    assert len(responses.calls) == 3  # first try + 2 retries
    responses.replace(responses.POST, HOOK, json={"ok": True})
    config = AlertConfig(webhook=WebhookConfig(url_env="CS_HOOK", slack=True, retries=0))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CS_HOOK", HOOK)
        deliver(config, result, new, None, [])
    text = json.loads(responses.calls[-1].request.body or b"")["text"]
    assert text.splitlines()[0] == ("configscan: Harbor View Police Department: 2 new finding(s), worst high "
                                    "(law as of 2026-12-02)")
    assert "- HIGH fail: National lookup was re-enabled" in text


def test_webhook_obeys_retry_after_only_up_to_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server asking for a day's wait must not stall a nightly run: the wait is capped (as fetch caps it).
    A real server on 127.0.0.1 (responses does not go through urllib3's retry sleeps)."""
    import http.server
    import threading

    import urllib3.util.retry

    answers = [(429, "86400"), (503, "Fri, 31 Dec 2100 23:59:59 GMT"), (200, None)]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, wait = answers.pop(0)
            self.send_response(status)
            if wait:
                self.send_header("Retry-After", wait)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    slept: list[float] = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", slept.append)
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        assert post(WebhookSettings(url=url, retries=3, backoff=0, max_retry_wait=7.5), {"text": "x"}) == 200
    finally:
        server.shutdown()
        server.server_close()
    assert not answers and slept == [7.5, 7.5]


def test_secret_file_must_be_private(tmp_path: Path) -> None:
    secret = tmp_path / "hook.url"
    secret.write_text(HOOK + "\n")
    secret.chmod(0o644)
    with pytest.raises(SecretError, match=r"can be read by other users \(mode 0644\); run 'chmod 600"):
        read_secret(None, secret, "webhook URL")
    secret.chmod(0o600)
    assert read_secret("CS_UNSET_VARIABLE_X", secret, "webhook URL") == HOOK
    with pytest.raises(SecretError, match="environment variable CS_UNSET_VARIABLE_X is not set") as caught:
        read_secret("CS_UNSET_VARIABLE_X", None, "SMTP password")
    assert HOOK not in str(caught.value)


@dataclass
class Inbox:
    messages: list[tuple[str, list[str], str, bool]] = field(default_factory=list)  # from, to, body, over TLS
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        body = envelope.content.decode("utf-8") if isinstance(envelope.content, bytes) else envelope.content
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), body, session.ssl is not None))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"hunter2-smtp")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def _server(inbox: Inbox, certificate: tuple[Path, Path] | None) -> Controller:
    tls = None
    if certificate is not None:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return Controller(inbox, hostname="127.0.0.1", port=_free_port(), tls_context=tls,
                      require_starttls=tls is not None, authenticator=inbox.authenticate, auth_require_tls=True)


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    server = _server(inbox, certificate)
    server.start()
    yield server, inbox
    server.stop()


def test_mail_goes_over_starttls_with_login_from_a_private_file(smtp: tuple[Controller, Inbox], tmp_path: Path,
                                                               certificate: tuple[Path, Path]) -> None:
    server, inbox = smtp
    password = tmp_path / "smtp.pass"
    password.write_text("hunter2-smtp\n")
    password.chmod(0o600)
    result, new = _result()
    config = AlertConfig(mail=MailConfig(host="127.0.0.1", port=server.port, sender="configscan@harborview-ca.gov",
                                         to=("it@harborview-ca.gov", "chief@harborview-ca.gov"), username="configscan",
                                         password_file=password, cafile=certificate[0], timeout=10))
    done = deliver(config, result, new, "harbor-view", ["/srv/reports/harbor-view/2026-12-02.html"])
    assert done.failed == [], done.failed
    assert done.sent == [f"e-mail to 2 recipient(s) via 127.0.0.1:{server.port}"]
    assert inbox.logins == [("configscan", "hunter2-smtp")]
    [(sender, to, body, over_tls)] = inbox.messages
    assert over_tls and sender == "configscan@harborview-ca.gov"
    assert to == ["it@harborview-ca.gov", "chief@harborview-ca.gov"]
    mail = message_from_string(body, policy=default)
    assert mail["Subject"] == "configscan: Harbor View Police Department: 2 new finding(s), worst high (law as of " \
                              "2026-12-02)"
    text = mail.get_content()
    assert "- HIGH fail: National lookup was re-enabled between 2026-12-01 and 2026-12-02" in text
    assert "/srv/reports/harbor-view/2026-12-02.html" in text and "hunter2" not in body


def test_mail_refused_without_starttls_and_with_an_untrusted_certificate(certificate: tuple[Path, Path]) -> None:
    inbox = Inbox()
    plain = _server(inbox, None)
    plain.start()
    try:
        with pytest.raises(MailError, match="does not offer STARTTLS; nothing was sent"):
            send(MailSettings(host="127.0.0.1", port=plain.port, sender="a@b.org", to=["c@d.org"], timeout=10),
                 "subject", "body")
    finally:
        plain.stop()
    tls = _server(inbox, certificate)
    tls.start()
    try:
        with pytest.raises(MailError, match="SSLCertVerificationError"):  # no cafile: the test CA is not trusted
            send(MailSettings(host="127.0.0.1", port=tls.port, sender="a@b.org", to=["c@d.org"], username="u",
                              password="hunter2-smtp", timeout=10), "subject", "body")
    finally:
        tls.stop()
    assert inbox.messages == [] and inbox.logins == []
