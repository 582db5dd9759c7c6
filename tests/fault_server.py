"""A real HTTP server on 127.0.0.1 whose routes misbehave on purpose, and a CLI runner that judges each
fetch run against the invariants every fault must keep -- for the fetch fault tests.

Each route is a function that writes the raw answer (status, headers, body -- or a trickle, a stall, a cut),
so every fault is what a socket really sees, not a mock. Every request is recorded with its headers, so a
test can prove which server was (or was not) sent an Authorization header. Waits inside routes use an Event
that is set on shutdown, so a stalled handler never holds the suite up.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from configscan.cli import app
from configscan.commands import mount

mount(app)
TOKEN = "tok-Zq8pX2vL9mN4rT6wK3"  # distinctive, so any leak is found by a plain substring search
ENV = "CONFIGSCAN_FAULT_TOKEN"
TALLY: list[tuple[str, str]] = []  # (fault, outcome) of every run, in order

Route = Callable[["Handler"], None]


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class FaultServer:
    """Routes by exact path-with-query first, then by path alone; anything else is a 404."""

    routes: dict[str, Route] = field(default_factory=dict)
    fallback: Route | None = None  # for paths no route names (e.g. every file of a hostile listing)
    seen: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Route) -> None:
        self.routes[path] = handler

    def reply(self, path: str, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
              ) -> None:
        """A plain answer with a correct Content-Length."""
        self.routes[path] = lambda h: h.answer(status, body, headers)

    def authorizations(self) -> list[str]:
        return [s.headers["Authorization"] for s in self.seen if "Authorization" in s.headers]

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)


class Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        fault = self.server.fault
        fault.seen.append(Seen(self.path, dict(self.headers.items())))
        route = fault.routes.get(self.path) or fault.routes.get(self.path.split("?", 1)[0]) or fault.fallback
        try:
            if route is None:
                self.answer(404, b"not here")
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up first: that is the point of several faults

    def answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def trickle(self, body: bytes, every: float, declared: int | None = None) -> None:
        """Send the body a byte at a time, ``every`` seconds apart (until the client leaves or shutdown)."""
        self.send_response(200)
        self.send_header("Content-Length", str(declared if declared is not None else len(body)))
        self.end_headers()
        for i in range(len(body)):
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()
            if self.server.fault.stop.wait(every):
                return

    def pause(self, seconds: float) -> None:
        self.server.fault.stop.wait(seconds)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output quiet
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fault: FaultServer


@contextmanager
def serving() -> Iterator[FaultServer]:
    """A :class:`FaultServer` listening on an ephemeral 127.0.0.1 port for the duration of the block."""
    fault = FaultServer()
    httpd = _Server(("127.0.0.1", 0), Handler)
    httpd.fault = fault
    fault.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fault
    finally:
        fault.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@dataclass
class Fetched:
    code: int
    stdout: str
    stderr: str
    out: Path
    outcome: str

    def entries(self) -> list[dict[str, Any]]:
        return list(json.loads((self.out / "manifest.json").read_text())["entries"])

    def entry(self, url_part: str) -> dict[str, Any]:
        (found,) = [e for e in self.entries() if url_part in e["url"]]
        return found

    def files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in self.out.iterdir() if p.name != "manifest.json"}


def fetch(fault: str, tmp_path: Path, *args: str, out: Path | None = None) -> Fetched:
    """Run ``configscan fetch ARGS`` in-process, classify and tally the outcome, and check the invariants
    every run must keep whatever the fault: no traceback, exit 0/2/3, every stderr line a `configscan:` line,
    no file outside --out, no token anywhere in what was printed or written."""
    out = out or tmp_path / "work" / "a" / "snap"
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    result = CliRunner().invoke(app, ["fetch", *args, "--out", str(out)])
    printed = result.stdout + result.stderr
    crashed = (result.exception is not None and not isinstance(result.exception, SystemExit)) \
        or result.exit_code not in (0, 2, 3) or "Traceback" in printed
    outcome = "crash" if crashed else "handled" if result.exit_code == 0 else "clear error"
    TALLY.append((fault, outcome))
    assert not crashed, (result.exit_code, printed, result.exception)
    assert all(line.startswith("configscan: ") for line in result.stderr.splitlines()), result.stderr
    assert TOKEN not in printed
    for path in {p for p in tmp_path.rglob("*") if p.is_file()} - before:
        assert out.resolve() in path.resolve().parents, f"{path} written outside --out"
        assert TOKEN.encode() not in path.read_bytes(), f"token written to {path}"
        assert not path.name.endswith(".tmp"), f"temporary file {path} left behind"
    return Fetched(result.exit_code, result.stdout, result.stderr, out, outcome)


def listing(srv: FaultServer, files: list[dict[str, Any]], comm_id: object = 1, request: str = "7") -> None:
    body = json.dumps({"next": None, "results": [{"id": comm_id, "files": files}]}).encode()
    srv.reply("/api/communications/", 200, body, {"Content-Type": "application/json"})


def echo_path(h: Handler) -> None:
    h.answer(200, f"Name,State\n{h.path},OR\n".encode())
