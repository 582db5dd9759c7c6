"""`configscan fetch` against a real, misbehaving HTTP server on 127.0.0.1 (see fault_server.py).

Every test injects one fault (or one family of faults) and asserts the outcome a nightly job relies on:
files land only inside --out, the manifest records each failure with ``status`` failed or stale, the exit
code is 0 (handled) / 2 (input) / 3 (incomplete) -- never 1, never a traceback -- and the token never
appears in stdout, stderr, the manifest or any written file, nor reaches a server of another origin.
Limits are passed as tiny options, so no test waits more than about a second.

Each run is tallied (fault -> handled / clear error / crash); set CONFIGSCAN_FAULT_TABLE to a path to have
the tally written there as JSON. Nothing is printed.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from fault_server import ENV, TALLY, TOKEN, FaultServer, Handler, echo_path, fetch, listing, serving

FAST = ["--retries", "2", "--backoff", "0.01", "--read-timeout", "2", "--deadline", "20"]


@pytest.fixture(scope="module", autouse=True)
def tally() -> Iterator[None]:
    yield
    target = os.environ.get("CONFIGSCAN_FAULT_TABLE")
    if target:
        Path(target).write_text(json.dumps(TALLY, indent=1), encoding="utf-8")


@pytest.fixture()
def srv() -> Iterator[FaultServer]:
    with serving() as server:
        yield server


@pytest.fixture()
def other() -> Iterator[FaultServer]:
    """Another origin: same address, another port."""
    with serving() as server:
        yield server


@pytest.fixture()
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(ENV, TOKEN)
    return TOKEN


# --- 1. names that come from the server --------------------------------------------------------------------

def test_hostile_ids_and_file_names_stay_inside_out(srv: FaultServer, tmp_path: Path) -> None:
    paths = ["/f/", "/f/..%2F..%2F..%2Fescape.csv", "/f/%2e%2e", "/f/.hidden.csv", "/f/CON", "/f/manifest.json",
             "/f/bad%0Aname%1B%5B31m.csv", "/f/" + "a" * 300 + ".csv", "/f/..%5C..%5Cwin.csv", "/f/dup.csv",
             "/f/DUP.csv", "/f/dup.csv?v=2", "/f/x%00y.csv"]
    files = [{"id": "../../../evil" if i == 0 else i, "ffile": srv.url(p)} for i, p in enumerate(paths)]
    listing(srv, files, comm_id="../../x")
    srv.fallback = echo_path
    run = fetch("hostile ids / file names (13 names)", tmp_path, "muckrock", "7", "--api", srv.url("/api/"), *FAST)
    assert run.code == 0, run.stderr
    written = run.files()
    assert len(written) == len(paths)  # no two downloads shared (and overwrote) a file
    by_file = {e["file"]: e for e in run.entries()}
    for name, body in written.items():
        assert name == name.strip() and not name.startswith(".") and len(name) <= 120
        assert not set(name) & set("/\\:*?\"<>|\n\x1b\x00") and name.lower() != "manifest.json"
        requested = body.decode().split("\n")[1].rsplit(",", 1)[0]  # the server echoes the path it served
        assert unquote(by_file[name]["url"]) == unquote(srv.url(requested)) and by_file[name]["status"] == "ok"
    assert {"file-evil", "escape.csv", "hidden.csv", "_CON", "file-manifest.json", "win.csv"} <= set(written)
    assert {n.lower() for n in written if n.lower().startswith(("dup", "1-dup"))} >= {"dup.csv"}


def test_a_symlink_in_the_snapshot_pointing_outside_is_refused(srv: FaultServer, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("precious\n")
    out = tmp_path / "snap"
    out.mkdir()
    (out / "evil.csv").symlink_to(outside)
    srv.reply("/evil.csv", 200, b"Name,State\nX,OR\n")
    run = fetch("symlink in --out pointing outside", tmp_path, "url", srv.url("/evil.csv"), *FAST, out=out)
    assert run.code == 3 and "resolves outside the snapshot folder" in run.stderr
    assert outside.read_text() == "precious\n" and srv.hits("/evil.csv") == 0
    assert run.entry("/evil.csv")["status"] == "failed" and run.entry("/evil.csv")["failure"] == "unsafe-name"


# --- 2. credentials ----------------------------------------------------------------------------------------

def test_pagination_to_another_origin_never_carries_the_token(srv: FaultServer, other: FaultServer,
                                                              tmp_path: Path, token: str) -> None:
    srv.reply("/api/communications/", 200, json.dumps({
        "next": other.url("/api/communications/?foia=7&page=2"),
        "results": [{"id": 1, "files": [{"id": 1, "ffile": srv.url("/f/a.csv")}]}]}).encode())
    other.reply("/api/communications/", 200, json.dumps({
        "next": None, "results": [{"id": 2, "files": [{"id": 2, "ffile": other.url("/f/b.csv")}]}]}).encode())
    srv.fallback = other.fallback = echo_path
    run = fetch("pagination next -> other origin, with token", tmp_path, "muckrock", "7", "--api",
                srv.url("/api/"), "--token-env", ENV, *FAST)
    assert run.code == 0, run.stderr
    assert sorted(run.files()) == ["a.csv", "b.csv"]
    # The API's origin had it (page 1 and a.csv there: the control); the other origin never did.
    assert srv.authorizations() == [f"Bearer {token}"] * 2 and len(srv.seen) == 2
    assert other.authorizations() == [] and len(other.seen) == 2


def test_redirect_to_another_origin_drops_the_token(srv: FaultServer, other: FaultServer, tmp_path: Path,
                                                    token: str) -> None:
    srv.reply("/export.csv", 302, headers={"Location": other.url("/cdn/export.csv")})
    other.reply("/cdn/export.csv", 200, b"Name,State\nA PD,OR\n")
    run = fetch("redirect -> other origin, with token", tmp_path, "url", srv.url("/export.csv"),
                "--token-env", ENV, *FAST)
    assert run.code == 0 and run.files() == {"export.csv": b"Name,State\nA PD,OR\n"}
    assert srv.authorizations() == [f"Bearer {token}"] and other.authorizations() == []
    assert run.entry("/export.csv")["auth"] == f"bearer token from ${ENV}"


def test_a_token_with_a_newline_is_refused_without_echoing_it(srv: FaultServer, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, f"{TOKEN}\nX-Injected: 1")
    srv.reply("/a.csv", 200, b"x")
    run = fetch("token containing a newline", tmp_path, "url", srv.url("/a.csv"), "--token-env", ENV, *FAST)
    assert run.code == 2 and len(run.stderr.splitlines()) == 1
    assert ENV in run.stderr and "X-Injected" not in run.stderr and srv.seen == []


def test_a_password_in_the_url_is_never_recorded(srv: FaultServer, other: FaultServer, tmp_path: Path) -> None:
    srv.reply("/data.csv", 302, headers={"Location": other.url("/data.csv")})
    other.reply("/data.csv", 200, b"Name,State\nA PD,OR\n")
    srv.reply("/gone.csv", 404)
    secret_url = srv.url("/data.csv").replace("http://", "http://alice:pw-Sekrit-77@") + "?api_key=KEYVAL99&d=1"
    run = fetch("password + api_key in URL, redirected", tmp_path, "url", secret_url, *FAST)
    assert run.code == 0
    assert srv.authorizations() and other.authorizations() == []  # Basic auth went to its own origin only
    gone = fetch("password in URL, 404", tmp_path, "url",
                 srv.url("/gone.csv").replace("http://", "http://alice:pw-Sekrit-77@") + "?token=KEYVAL99",
                 *FAST, out=run.out)
    assert gone.code == 3 and "HTTP 404" in gone.stderr
    manifest = (run.out / "manifest.json").read_text()
    for text in (manifest, run.stderr, gone.stderr):
        assert "pw-Sekrit-77" not in text and "KEYVAL99" not in text and "alice" not in text
    assert run.entry("/data.csv")["url"] == srv.url("/data.csv") + "?api_key=REDACTED&d=1"


def test_a_server_echoing_the_token_in_its_reason_phrase_is_scrubbed(srv: FaultServer, tmp_path: Path,
                                                                      token: str) -> None:
    srv.route("/r.csv", lambda h: (h.send_response(500, f"oops \x1b[31m{token}"), h.send_header(
        "Content-Length", "0"), h.end_headers()))
    run = fetch("reason phrase echoing token + escape codes", tmp_path, "url", srv.url("/r.csv"),
                "--token-env", ENV, *FAST)
    assert run.code == 3 and "[REDACTED]" in run.stderr and "\x1b" not in run.stderr
    assert run.entry("/r.csv")["http_status"] == 500


# --- 3. limits: Retry-After, silence, trickle, size -------------------------------------------------------

def test_a_short_retry_after_is_waited_out(srv: FaultServer, tmp_path: Path) -> None:
    answers = iter([(429, {"Retry-After": "1"}), (200, {})])
    srv.route("/busy.csv", lambda h: h.answer(*(lambda s, hd: (s, b"Name,State\n" if s == 200 else b"", hd))(
        *next(answers))))
    run = fetch("429 + Retry-After: 1", tmp_path, "url", srv.url("/busy.csv"), *FAST)
    assert run.code == 0 and srv.hits("/busy.csv") == 2 and run.entry("/busy.csv")["status"] == "ok"


@pytest.mark.parametrize("wait", ["86400", "Fri, 31 Dec 2100 23:59:59 GMT"])
def test_a_huge_retry_after_fails_the_file_instead_of_sleeping(srv: FaultServer, tmp_path: Path, wait: str) -> None:
    srv.reply("/busy.csv", 429, headers={"Retry-After": wait})
    label = f"429 + Retry-After: {wait if wait.isdigit() else 'HTTP date in 2100'}"
    run = fetch(label, tmp_path, "url", srv.url("/busy.csv"), *FAST)
    assert run.code == 3 and "Retry-After" in run.stderr and "--max-retry-wait" in run.stderr
    assert srv.hits("/busy.csv") == 1
    entry = run.entry("/busy.csv")
    assert (entry["status"], entry["failure"], entry["http_status"], entry["file"]) == \
        ("failed", "retry-after", 429, None)


def test_a_trickling_body_meets_the_deadline_and_later_files_are_not_started(srv: FaultServer,
                                                                             tmp_path: Path) -> None:
    listing(srv, [{"id": i, "ffile": srv.url(f"/f/{n}")} for i, n in enumerate(["slow.csv", "b.csv", "c.csv"])])
    srv.route("/f/slow.csv", lambda h: h.trickle(b"x" * 400, every=0.05))
    srv.fallback = echo_path
    run = fetch("body trickling 1 byte / 50 ms vs --deadline 1", tmp_path, "muckrock", "7",
                "--api", srv.url("/api/"), "--retries", "0", "--read-timeout", "2", "--deadline", "1")
    assert run.code == 3 and "overall deadline of 1 s reached after" in run.stderr
    assert [e["failure"] for e in run.entries()] == ["deadline"] * 3
    assert all(e["status"] == "failed" for e in run.entries()) and run.files() == {}
    assert srv.hits("/f/b.csv") == srv.hits("/f/c.csv") == 0


def test_a_silent_body_hits_the_read_timeout(srv: FaultServer, tmp_path: Path) -> None:
    def stall(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        h.wfile.write(b"0123456789")
        h.wfile.flush()
        h.pause(1.5)

    srv.route("/stall.csv", stall)
    run = fetch("body stalls after 10 bytes vs --read-timeout 0.3", tmp_path, "url", srv.url("/stall.csv"),
                "--read-timeout", "0.3", "--retries", "0")
    assert run.code == 3 and "no data for 0.3 s after 10 bytes" in run.stderr
    assert run.entry("/stall.csv")["failure"] == "timeout"


def test_a_server_that_never_answers_times_out(srv: FaultServer, tmp_path: Path) -> None:
    srv.route("/mute.csv", lambda h: h.pause(1.5))
    run = fetch("no response headers vs --read-timeout 0.3", tmp_path, "url", srv.url("/mute.csv"),
                "--read-timeout", "0.3", "--retries", "0")
    assert run.code == 3 and "no answer within 0.3 s" in run.stderr
    assert run.entry("/mute.csv")["failure"] == "timeout"


def test_bodies_over_max_bytes_are_refused(srv: FaultServer, tmp_path: Path) -> None:
    def close_delimited(h: Handler) -> None:  # no Content-Length: only counting can catch it
        h.send_response(200)
        h.end_headers()
        h.wfile.write(b"y" * 5000)

    srv.reply("/declared.csv", 200, b"x" * 5000)
    srv.route("/undeclared.csv", close_delimited)
    srv.reply("/bomb.csv", 200, gzip.compress(b"\0" * 1_000_000), {"Content-Encoding": "gzip"})
    for path, fault in [("/declared.csv", "huge body, Content-Length over --max-bytes"),
                        ("/undeclared.csv", "huge body, no Content-Length"),
                        ("/bomb.csv", "gzip bomb (1 KB -> 1 MB) vs --max-bytes")]:
        run = fetch(fault, tmp_path, "url", srv.url(path), "--max-bytes", "1000", *FAST)
        assert run.code == 3 and "1000-byte limit (--max-bytes)" in run.stderr
        assert run.entry(path)["failure"] == "too-large" and run.entry(path)["file"] is None
    assert srv.hits("/declared.csv") == 1


# --- 4. redirects, truncation, 5xx, cursors -----------------------------------------------------------------

@pytest.mark.parametrize(("fault", "setup", "message"), [
    ("redirect loop", {"/r/a": "/r/b", "/r/b": "/r/a"}, "redirect loop"),
    ("too many redirects", {f"/r/{i}": f"/r/{i + 1}" for i in range(15)}, "more than 10 redirects"),
    ("redirect to file://", {"/r/a": "file:///etc/passwd"}, "non-http(s) URL (file:)"),
    ("redirect to ftp://", {"/r/a": "ftp://127.0.0.1/x"}, "non-http(s) URL (ftp:)"),
    ("redirect without Location", {"/r/a": ""}, "redirect without a Location"),
])
def test_bad_redirects_fail_the_file(srv: FaultServer, tmp_path: Path, fault: str, setup: dict[str, str],
                                     message: str) -> None:
    for path, target in setup.items():
        srv.reply(path, 302, headers={"Location": target} if target else {})
    start = next(iter(setup))
    run = fetch(fault, tmp_path, "url", srv.url(start), "--name", "r.csv", *FAST)
    assert run.code == 3 and message in run.stderr
    assert run.entry(start)["failure"] == "redirect" and run.files() == {}


def test_a_truncated_body_fails_and_an_earlier_copy_is_kept_as_stale(srv: FaultServer, tmp_path: Path) -> None:
    srv.reply("/list.csv", 200, b"Name,State\nA PD,OR\n")
    good = fetch("(setup) full body", tmp_path, "url", srv.url("/list.csv"), *FAST)
    assert good.code == 0

    def cut(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"Name,State\nB PD")

    srv.route("/list.csv", cut)
    srv.route("/new.csv", cut)
    run = fetch("truncated body (15 of 1000 bytes), earlier copy held", tmp_path, "url", srv.url("/list.csv"),
                *FAST, out=good.out)
    assert run.code == 3 and "cut off" in run.stderr and "earlier copy kept" in run.stderr
    assert run.files() == {"list.csv": b"Name,State\nA PD,OR\n"}
    entry = run.entry("/list.csv")
    assert (entry["status"], entry["failure"], entry["file"]) == ("stale", "truncated", "list.csv")
    assert entry["error"] and entry["attempted_at"]
    fresh = fetch("truncated body, no earlier copy", tmp_path, "url", srv.url("/new.csv"), *FAST, out=good.out)
    assert fresh.code == 3 and fresh.entry("/new.csv")["status"] == "failed" and "new.csv" not in fresh.files()


def test_a_5xx_burst_is_retried_and_a_5xx_wall_fails(srv: FaultServer, tmp_path: Path) -> None:
    burst = iter([503, 502, 500, 200])
    srv.route("/flaky.csv", lambda h: h.answer(next(burst), b"Name,State\n"))
    ok = fetch("5xx burst (503, 502, 500) then 200", tmp_path, "url", srv.url("/flaky.csv"), *FAST,
               "--retries", "3")
    assert ok.code == 0 and srv.hits("/flaky.csv") == 4
    srv.reply("/down.csv", 503)
    down = fetch("503 on every attempt", tmp_path, "url", srv.url("/down.csv"), *FAST, out=ok.out)
    assert down.code == 3 and "HTTP 503 Service Unavailable after 2 retries" in down.stderr
    assert srv.hits("/down.csv") == 3 and down.entry("/down.csv")["status"] == "failed"


def test_a_repeating_pagination_cursor_stops_with_an_error(srv: FaultServer, tmp_path: Path) -> None:
    page1, page2 = "/api/communications/?foia=7", "/api/communications/?foia=7&page=2"
    srv.reply(page1, 200, json.dumps({"next": srv.url(page2), "results": [
        {"id": 1, "files": [{"id": 1, "ffile": srv.url("/f/one.csv")}]}]}).encode())
    srv.reply(page2, 200, json.dumps({"next": srv.url(page1), "results": [
        {"id": 2, "files": [{"id": 2, "ffile": srv.url("/f/two.csv")}]}]}).encode())
    srv.fallback = echo_path
    run = fetch("pagination cursor repeats", tmp_path, "muckrock", "7", "--api", srv.url("/api/"), *FAST)
    assert run.code == 3 and "repeats a page it already read" in run.stderr
    assert srv.hits(page1) == 1 and srv.hits(page2) == 1
    assert sorted(run.files()) == ["one.csv", "two.csv"]  # what was listed is fetched; the run is incomplete
    failed = [e for e in run.entries() if e["status"] != "ok"]
    assert [(e["failure"], e["file"]) for e in failed] == [("listing", None)]


@pytest.mark.parametrize(("fault", "next_link", "outcome"), [
    ("pagination next relative", "?foia=7&page=2", None),
    ("pagination next to file://", "file:///etc/passwd", "not an http(s) URL"),
    ("listing 10,000 nested brackets", None, "answer is not JSON"),
])
def test_hostile_next_links_and_pages(srv: FaultServer, tmp_path: Path, fault: str, next_link: str | None,
                                      outcome: str | None) -> None:
    page1 = {"next": next_link, "results": [{"id": 1, "files": [{"id": 1, "ffile": srv.url("/f/one.csv")}]}]}
    srv.reply("/api/communications/?foia=7", 200, json.dumps(page1).encode())
    srv.reply("/api/communications/?foia=7&page=2", 200, b"[" * 10_000 + b"]" * 10_000 if next_link is None else
              json.dumps({"next": None, "results": [{"id": 2, "files": [{"ffile": srv.url("/f/two.csv")}]}]}).encode())
    if next_link is None:
        page1["next"] = srv.url("/api/communications/?foia=7&page=2")
        srv.reply("/api/communications/?foia=7", 200, json.dumps(page1).encode())
    srv.fallback = echo_path
    run = fetch(fault, tmp_path, "muckrock", "7", "--api", srv.url("/api/"), *FAST)
    if outcome is None:
        assert run.code == 0 and sorted(run.files()) == ["one.csv", "two.csv"]
    else:
        assert run.code == 3 and outcome in run.stderr and "only partly listed" in run.stderr
        assert sorted(run.files()) == ["one.csv"]
        assert [e["status"] for e in run.entries()] == ["failed", "ok"]


@pytest.mark.parametrize(("fault", "status", "body", "code"), [
    ("listing page 404 (unknown request)", 404, b"", 2),
    ("listing page 503 on every attempt", 503, b"", 3),
    ("listing page not JSON", 200, b"<html>maintenance</html>", 3),
])
def test_listing_failures(srv: FaultServer, tmp_path: Path, fault: str, status: int, body: bytes,
                          code: int) -> None:
    srv.reply("/api/communications/", status, body)
    run = fetch(fault, tmp_path, "muckrock", "7", "--api", srv.url("/api/"), *FAST)
    assert run.code == code and "request 7" in run.stderr
    if code == 3:  # recorded, so a scan of the folder knows it is incomplete
        (entry,) = run.entries()
        assert entry["status"] == "failed" and entry["failure"] in ("http", "listing") and entry["file"] is None


# --- 5. errors inside fetch ----------------------------------------------------------------------------------

def test_an_unexpected_error_on_one_file_is_recorded_not_raised(srv: FaultServer, tmp_path: Path, token: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"boom while sending Bearer {token}")

    monkeypatch.setattr("configscan.fetch.snapshot.download", broken)
    run = fetch("unexpected exception while fetching a file", tmp_path, "url", srv.url("/a.csv"),
                "--token-env", ENV, *FAST)
    assert run.code == 3 and "unexpected RuntimeError (boom while sending Bearer [REDACTED])" in run.stderr
    assert run.entry("/a.csv")["failure"] == "internal"


def test_an_unexpected_error_while_listing_is_one_line_and_exit_3(srv: FaultServer, tmp_path: Path, token: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError(f"Authorization: Bearer {token}")

    monkeypatch.setattr("configscan.fetch.sources.muckrock_downloads", broken)
    run = fetch("unexpected exception while listing", tmp_path, "muckrock", "7", "--api", srv.url("/api/"),
                "--token-env", ENV, *FAST)
    assert run.code == 3 and len(run.stderr.splitlines()) == 1
    assert "unexpected KeyError" in run.stderr and "[REDACTED]" in run.stderr


def test_out_that_is_a_file_is_an_input_error(srv: FaultServer, tmp_path: Path) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("x")
    srv.reply("/a.csv", 200, b"Name,State\n")
    run = fetch("--out is a file", tmp_path, "url", srv.url("/a.csv"), *FAST, out=target)
    assert run.code == 2 and "--out is not a folder" in run.stderr and target.read_text() == "x"
