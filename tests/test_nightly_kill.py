"""A killed run between two good ones, with real processes, a real SIGKILL and a real webhook on loopback.

Night 2's run is held inside its alert POST (the loopback server does not answer until told), which is after
its run was stored as pending and its reports were written, and before it was marked complete. While it is
held, an overlapping run of the same scan file must exit 75 and do nothing. Then it is SIGKILLed. The database
must pass SQLite's integrity check and show the run as interrupted, night 1's report must be byte-for-byte
what it was, and the re-run of night 2 must compare itself with night 1 (the last complete run) and alert.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from nightly_fixtures import DAYS, scan_file

from conftest import run_cli

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")


class Hook:
    """A webhook that holds each POST until ``release`` is set; records the bodies."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.bodies: list[dict[str, object]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hook.bodies.append(json.loads(body))
                hook.arrived.set()
                hook.release.wait(60)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


def _spawn(path: Path, day: str, hook: Hook) -> subprocess.Popen[str]:
    env = {**os.environ, "CS_TEST_HOOK": hook.url}
    return subprocess.Popen([sys.executable, "-m", "configscan", "run", str(path), "--as-of", day],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _whole(folder: Path) -> list[str]:
    """Every report is a complete document and nothing half-written (hidden staging files) is left."""
    names = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            assert not path.name.startswith("."), f"left behind: {path}"
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                json.loads(text)
            else:
                assert text.rstrip().endswith("</html>")
            names.append(path.name)
    return names


def test_sigkill_mid_run_between_two_good_runs(tmp_path: Path, hook: Hook, monkeypatch: pytest.MonkeyPatch) -> None:
    """Night 1 and the re-run of night 2 run in process (same code path); the killed night 2 is a real process."""
    monkeypatch.setenv("CS_TEST_HOOK", hook.url)
    path = scan_file(tmp_path, top='[alerts]\nwebhook = { url_env = "CS_TEST_HOOK", retries = 0 }\n')
    first = run_cli("run", path, "--as-of", DAYS[0])
    assert first.code == 0, first.stderr
    night1 = (tmp_path / "reports" / "harbor-view" / f"{DAYS[0]}.json").read_bytes()

    killed = _spawn(path, DAYS[1], hook)
    assert hook.arrived.wait(120), "night 2 never reached its alert"
    overlapping = run_cli("run", path, "--as-of", DAYS[1])  # the lock is the child's flock: a real overlap
    assert overlapping.code == 75, overlapping.stderr
    assert "another run of" in overlapping.stderr and f"pid {killed.pid}" in overlapping.stderr
    assert "this one did nothing" in overlapping.stderr
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    hook.release.set()

    db = tmp_path / "state" / "history.db"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT id, state FROM runs ORDER BY id").fetchall() == [(1, "complete"), (2, "pending")]
    con.close()
    assert (tmp_path / "reports" / "harbor-view" / f"{DAYS[0]}.json").read_bytes() == night1
    assert _whole(tmp_path / "reports") == [f"{DAYS[0]}.html", f"{DAYS[0]}.json", f"{DAYS[1]}.html",
                                            f"{DAYS[1]}.json"]

    hook.bodies.clear()
    again = run_cli("run", path, "--as-of", DAYS[1])
    assert again.code == 1, again.stderr
    assert "since the last scan (run 1 of 2026-12-01): 3 new" in again.stderr  # not the killed run 2
    assert "NEW high fail: National lookup was re-enabled between 2026-12-01 and 2026-12-02" in again.stderr
    assert len(hook.bodies) == 1 and hook.bodies[0]["run_id"] == 3
    listed = run_cli("history", "--db", db).stdout
    assert [line.split()[4] for line in listed.splitlines()[1:]] == ["complete", "interrupted", "complete"]
    assert json.loads((tmp_path / "reports" / "harbor-view" / f"{DAYS[1]}.json").read_text())["run_id"] == 3
