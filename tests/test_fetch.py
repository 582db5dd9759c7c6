"""Every HTTP path of the fetch package, against `responses` (no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import responses
from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app
from configscan.fetch import sources
from configscan.fetch.body import get
from configscan.fetch.credentials import CredentialError, Credentials, is_loopback, origin, token_from_env
from configscan.fetch.http import Fetcher, FetchError, make_session
from configscan.fetch.limits import Limits
from configscan.fetch.manifest import load_manifest, redact_url
from configscan.fetch.snapshot import fetch_all

API = "https://api.example.test/api_v2/"
_mount_subcommands()
RUNNER = CliRunner()


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Retry back-off and Retry-After waits are recorded, not slept, so the suite stays fast."""
    slept: list[float] = []
    monkeypatch.setattr("configscan.fetch.http.time.sleep", slept.append)
    yield slept


def session(token: str | None = None, token_for: str = "https://exports.example.test/") -> Fetcher:
    credentials = Credentials(token, origin(token_for)) if token else Credentials()
    return Fetcher(make_session(), Limits(retries=3, backoff=0.5), credentials)


@responses.activate
def test_success_writes_file_and_manifest(tmp_path: Path) -> None:
    responses.get("https://exports.example.test/list.csv", body=b"Name,State,Type\nA PD,OR,\n",
                  headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Apr 2026 00:00:00 GMT"})
    outcome = fetch_all(session(), [sources.Download("https://exports.example.test/list.csv", "list.csv")],
                        tmp_path, source="test")
    assert outcome.downloaded == ["list.csv"] and not outcome.failed
    assert (tmp_path / "list.csv").read_bytes().startswith(b"Name,State")
    entry = load_manifest(tmp_path).entries[0]
    assert entry.status == "ok" and entry.http_status == 200 and entry.size == 25
    assert entry.etag == '"v1"' and len(entry.sha256 or "") == 64


@responses.activate
def test_conditional_request_keeps_unchanged_file(tmp_path: Path) -> None:
    url = "https://exports.example.test/list.csv"
    responses.get(url, body=b"v1", headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Apr 2026 00:00:00 GMT"})
    fetch_all(session(), [sources.Download(url, "list.csv")], tmp_path, source="t")
    responses.replace(responses.GET, url, status=304)
    outcome = fetch_all(session(), [sources.Download(url, "list.csv")], tmp_path, source="t")
    sent = responses.calls[-1].request.headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"].startswith("Wed, 01 Apr 2026")
    assert outcome.unchanged == ["list.csv"] and (tmp_path / "list.csv").read_bytes() == b"v1"
    assert load_manifest(tmp_path).entries[0].not_modified


@responses.activate
def test_404_is_a_clear_error_naming_url_and_status(tmp_path: Path) -> None:
    responses.get("https://exports.example.test/gone.csv", status=404)
    outcome = fetch_all(session(), [sources.Download("https://exports.example.test/gone.csv", "gone.csv")],
                        tmp_path, source="t")
    assert outcome.failed == ["https://exports.example.test/gone.csv: HTTP 404 Not Found"]
    assert not (tmp_path / "gone.csv").exists()
    entry = load_manifest(tmp_path).entries[0]
    assert (entry.status, entry.http_status, entry.failure, entry.file) == ("failed", 404, "http", None)


@responses.activate
def test_429_with_retry_after_is_honoured(no_backoff_sleep: list[float]) -> None:
    url = "https://exports.example.test/busy.csv"
    responses.get(url, status=429, headers={"Retry-After": "7"})
    responses.get(url, body=b"ok")
    assert get(session(), url).body == b"ok" and len(responses.calls) == 2
    assert no_backoff_sleep == [7.0]  # the server's wait, not the backoff


@responses.activate
def test_retry_after_over_the_cap_fails_instead_of_sleeping(no_backoff_sleep: list[float]) -> None:
    url = "https://exports.example.test/busy.csv"
    responses.get(url, status=429, headers={"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"})
    with pytest.raises(FetchError, match=r"HTTP 429: server asked to wait \d+ s .*over the 60 s limit") as err:
        get(session(), url)
    assert err.value.kind == "retry-after" and no_backoff_sleep == [] and len(responses.calls) == 1


@responses.activate
def test_5xx_then_success() -> None:
    url = "https://exports.example.test/flaky.csv"
    responses.get(url, status=503)
    responses.get(url, status=502)
    responses.get(url, body=b"fine")
    assert get(session(), url).body == b"fine" and len(responses.calls) == 3


@responses.activate
def test_5xx_every_time_gives_up_with_the_url() -> None:
    url = "https://exports.example.test/down.csv"
    responses.get(url, status=500)
    with pytest.raises(FetchError, match=r"down\.csv: HTTP 500 Internal Server Error after 3 retries"):
        get(session(), url)
    assert len(responses.calls) == 4


@responses.activate
def test_truncated_body_is_an_error() -> None:
    url = "https://exports.example.test/cut.csv"
    responses.get(url, body=b"Name,State\nA PD", headers={"Content-Length": "500"},
                  auto_calculate_content_length=False)
    with pytest.raises(FetchError, match="cut off"):
        get(session(), url)


@responses.activate
def test_size_cap() -> None:
    url = "https://exports.example.test/huge.csv"
    responses.get(url, body=b"x" * 2048)
    with pytest.raises(FetchError, match="over the 1024-byte limit"):
        get(session(), url, max_bytes=1024)


@responses.activate
def test_muckrock_pagination_lists_every_file() -> None:
    responses.get(f"{API}communications/?foia=181267", json={
        "next": f"{API}communications/?foia=181267&page=2",
        "results": [{"id": 1, "files": [{"id": 10, "ffile": "https://cdn.example.test/foia_files/A1-A4.xlsx",
                                          "title": "Sharing lists"}]}]})
    responses.get(f"{API}communications/?foia=181267&page=2", json={"next": None, "results": [{"id": 2}]})
    responses.get(f"{API}files/?communication=2", json={"next": None, "results": [
        {"id": 11, "ffile": "https://cdn.example.test/foia_files/audit%20log.csv"}]})
    listing = sources.muckrock_downloads(session(), "181267", API)
    assert [(d.name, d.note) for d in listing.downloads] == [("A1-A4.xlsx", "Sharing lists"),
                                                             ("audit_log.csv", None)]
    assert listing.failures == []


@responses.activate
def test_muckrock_cli_downloads_into_snapshot(tmp_path: Path) -> None:
    responses.get(f"{API}communications/?foia=42", json={"next": None, "results": [
        {"id": 1, "files": [{"id": 1, "ffile": "https://cdn.example.test/f/list.csv"}]}]})
    responses.get("https://cdn.example.test/f/list.csv", body=b"Name,State,Type\nA PD,OR,\n")
    result = RUNNER.invoke(app, ["fetch", "muckrock", "42", "--api", API, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "list.csv").exists()
    assert load_manifest(tmp_path).source == "muckrock 42"


@responses.activate
def test_muckrock_unknown_request_exits_2(tmp_path: Path) -> None:
    responses.get(f"{API}communications/?foia=9", status=404)
    result = RUNNER.invoke(app, ["fetch", "muckrock", "9", "--api", API, "--out", str(tmp_path)])
    assert result.exit_code == 2 and "HTTP 404" in result.output


@responses.activate
def test_token_is_sent_but_never_written_or_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "s3cr3t-token-value"
    monkeypatch.setenv("EXPORT_TOKEN", secret)
    url = "https://exports.example.test/org/export.csv?access_token=abc123&day=1"
    responses.get(url, status=401)
    result = RUNNER.invoke(app, ["fetch", "url", url, "--token-env", "EXPORT_TOKEN", "--out", str(tmp_path)])
    assert result.exit_code == 3
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {secret}"
    manifest_text = (tmp_path / "manifest.json").read_text()
    for text in (result.output, manifest_text):
        assert secret not in text and "abc123" not in text
    assert "HTTP 401" in result.output and "$EXPORT_TOKEN" in manifest_text
    assert '"status": "failed"' in manifest_text


def test_missing_token_variable_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    result = RUNNER.invoke(app, ["fetch", "url", "https://x.example.test/a.csv", "--token-env", "NO_SUCH_TOKEN",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2 and "NO_SUCH_TOKEN" in result.output


@responses.activate
def test_token_not_forwarded_to_another_host() -> None:
    responses.get("https://exports.example.test/a.csv", status=302,
                  headers={"Location": "https://elsewhere.example.test/a.csv"})
    responses.get("https://elsewhere.example.test/a.csv", body=b"x")
    assert get(session(token="t0k"), "https://exports.example.test/a.csv").body == b"x"
    assert responses.calls[0].request.headers["Authorization"] == "Bearer t0k"
    assert "Authorization" not in responses.calls[-1].request.headers


@responses.activate
def test_fetch_portal_by_slug(tmp_path: Path) -> None:
    page = (Path(__file__).parent / "data" / "readers" / "portal.html").read_bytes()
    responses.get("https://portal.example.test/home-town-or-pd", body=page)
    result = RUNNER.invoke(app, ["fetch", "portal", "Home-Town-OR-PD", "--base", "https://portal.example.test/",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "portal-home-town-or-pd.html").read_bytes() == page
    assert json.loads((tmp_path / "manifest.json").read_text())["entries"][0]["status"] == "ok"


def test_redact_url() -> None:
    assert redact_url("https://u:p@h.test/x?token=1&a=2") == "https://h.test/x?token=REDACTED&a=2"
    assert redact_url("http://u:p@[::1]:8080/x?api_key=k&sig=s&X-Amz-Signature=z&page=2#frag") == \
        "http://[::1]:8080/x?api_key=REDACTED&sig=REDACTED&X-Amz-Signature=REDACTED&page=2"
    assert redact_url("http://h.test:99999/") == "(unparseable URL)"


def test_a_manifest_from_before_status_words_still_loads(tmp_path: Path) -> None:
    """Older manifests kept the HTTP status in ``status``: it moves to ``http_status``, and an error is
    never read as ok."""
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "configscan/snapshot@1", "entries": [
        {"url": "https://h.test/a.csv", "file": "a.csv", "fetched_at": "2026-01-01T00:00:00+00:00", "status": 200},
        {"url": "https://h.test/b.csv", "file": "b.csv", "fetched_at": "2026-01-01T00:00:00+00:00", "status": 503,
         "error": "https://h.test/b.csv: HTTP 503"},
        {"url": "https://h.test/c.csv", "fetched_at": "2026-01-01T00:00:00+00:00", "status": None,
         "error": "https://h.test/c.csv: timed out"}]}))
    entries = load_manifest(tmp_path).entries
    assert [(e.status, e.http_status) for e in entries] == [("ok", 200), ("stale", 503), ("failed", None)]


def test_credentials_go_only_to_their_own_origin() -> None:
    """scheme + host + port: another port, https -> http, or a look-alike host name gets no header."""
    creds = Credentials("t0k", origin("https://api.example.test/v2/"))
    assert creds.headers_for("https://API.example.test:443/files/?page=2") == {"Authorization": "Bearer t0k"}
    for elsewhere in ("http://api.example.test/v2/", "https://api.example.test:8443/v2/",
                      "https://api.example.test.evil.test/v2/", "https://evil.test/?u=https://api.example.test/",
                      "file:///etc/passwd", "https://api.example.test:99999/"):
        assert creds.headers_for(elsewhere) == {}, elsewhere


def test_token_checks_and_scrubbing() -> None:
    with pytest.raises(CredentialError) as err:
        token_from_env({"T": "abc\r\nX-Evil: 1"}, "T")
    assert "abc" not in str(err.value) and "T " in str(err.value)
    assert token_from_env({"T": "  abc.DEF-123_~+/=\n"}, "T") == "abc.DEF-123_~+/="
    creds = Credentials("abc.DEF").with_url_secrets("https://me:p%40ss@h.test/", "https://TOKENUSER@h.test/")
    assert creds.scrub("Bearer abc.DEF p@ss p%40ss TOKENUSER me") == "Bearer [REDACTED] [REDACTED] [REDACTED] " \
        "[REDACTED] me"
    assert is_loopback("http://127.0.0.9:80/") and is_loopback("http://[::1]/") and not is_loopback("http://h.test/")
