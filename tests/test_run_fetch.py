"""A scan file entry that fetches its inputs first (``configscan fetch url`` from a loopback server), then
scans the snapshot folder; a fetch that fails leaves that scan without inputs (exit 2) and the others go on."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import EXAMPLES, run_cli


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(EXAMPLES / "harbor-view-ca.json", site / "harbor-view.json")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_then_scan_and_a_failed_fetch_does_not_stop_the_others(tmp_path: Path, served: str) -> None:
    path = tmp_path / "scans.toml"
    path.write_text(f"""db = "h.db"
[[scan]]
name = "harbor-view"
fetch = {{ source = "url", target = "{served}/harbor-view.json", out = "snap/{{name}}/{{date}}" }}
json = "reports/{{name}}.json"

[[scan]]
name = "gone"
fetch = {{ source = "url", target = "{served}/missing.json", out = "snap/{{name}}" }}
json = "reports/{{name}}.json"
""")
    result = run_cli("run", path, "--as-of", "2026-12-01")
    assert (tmp_path / "snap" / "harbor-view" / "2026-12-01" / "harbor-view.json").is_file()
    assert (tmp_path / "reports" / "harbor-view.json").is_file()
    assert "harbor-view: Harbor View Police Department: CLEAN" in result.stderr
    assert not (tmp_path / "reports" / "gone.json").exists()
    assert "configscan: gone: warning: fetch incomplete (fetch failed: " in result.stderr
    assert "HTTP 404" in result.stderr and "gone: error: " in result.stderr  # nothing fetched: nothing to scan
    assert result.code == 2 and result.stderr.rstrip().endswith("2 scan(s), exit 2")
