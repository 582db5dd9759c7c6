"""Owner pages rendered by worker processes (``corpus.pagework``): the same bytes as pages rendered in the
run's own process, and fail closed: a page that raised in a worker, or a worker that died, fails the run and
leaves the previous run's outputs whole. Real spawned processes; the corpus is the generated three-release
tree of ``test_corpus``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pagerenders import dies_for_portland, raises_for_portland
from test_corpus import _corpus, _run
from typer.testing import CliRunner

from configscan.cli import _mount_subcommands, app
from configscan.corpus import html, pagework


def _outputs(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _without_seconds(data: bytes) -> bytes:
    return b"\n".join(line for line in data.splitlines() if b'"seconds":' not in line)


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every page after the first goes to one worker; the slugs handed over are recorded."""
    monkeypatch.setattr(html, "INLINE_PAGES", 1)
    monkeypatch.setattr(pagework, "spare_cores", lambda: 1)
    slugs: list[str] = []
    real = pagework.PagePool.submit

    def submit(self: pagework.PagePool, slug: str, page: Any) -> None:
        slugs.append(slug)
        real(self, slug, page)

    monkeypatch.setattr(pagework.PagePool, "submit", submit)
    return slugs


def test_pages_rendered_by_a_worker_are_byte_for_byte_those_rendered_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, submitted: list[str]) -> None:
    manifest, _ = _corpus(tmp_path)
    inline, pooled = tmp_path / "inline", tmp_path / "pooled"
    monkeypatch.setattr(html, "INLINE_PAGES", 10_000)
    code, output = _run(["corpus", str(manifest), "--out", str(inline), "-q"])
    assert code == 1 and not submitted, output
    monkeypatch.setattr(html, "INLINE_PAGES", 1)
    code, output = _run(["corpus", str(manifest), "--out", str(pooled), "-q"])
    assert code == 1, output
    assert len(submitted) == 2  # three owners: the first page in process, two by the worker
    first, second = _outputs(inline), _outputs(pooled)
    assert sorted(first) == sorted(second) and len([p for p in first if p.parts[0] == "owners"]) == 3
    for path, data in first.items():
        if path.name == "corpus.json":
            assert _without_seconds(data) == _without_seconds(second[path])
        else:
            assert data == second[path], path
    assert not [p for p in pooled.iterdir() if p.name.startswith(".")]  # nothing staged left over


@pytest.mark.parametrize("render", [raises_for_portland, dies_for_portland], ids=["raises", "dies"])
def test_a_page_that_fails_in_a_worker_fails_the_run_and_leaves_the_previous_outputs_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, submitted: list[str], render: Any) -> None:
    manifest, _ = _corpus(tmp_path)
    out = tmp_path / "out"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
    assert code == 1, output
    before = _outputs(out)
    submitted.clear()
    monkeypatch.setattr(html, "render_owner", render)
    _mount_subcommands()
    with pytest.raises((OSError, RuntimeError)) as raised:
        # another date: every page it would write differs from the previous run's
        CliRunner().invoke(app, ["corpus", str(manifest), "--out", str(out), "--as-of", "2026-01-02", "-q"],
                           catch_exceptions=False)
    assert "portland-police-bureau-or" in submitted  # the failing page was a worker's
    if render is dies_for_portland:
        assert "stopped" in str(raised.value) and "no page of this run was published" in str(raised.value)
    else:
        assert isinstance(raised.value, OSError) and raised.value.errno == 28
    assert _outputs(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # nothing staged left over


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_while_a_worker_renders_stops_the_run_cleanly(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: the run exits 130 with its one line, the worker finishes its
    page and goes, and the previous outputs are as they were, with nothing staged left over."""
    manifest, _ = _corpus(tmp_path)
    out = tmp_path / "out"
    code, output = _run(["corpus", str(manifest), "--out", str(out), "-q"])
    assert code == 1, output
    before = _outputs(out)
    started = tmp_path / "page-started"
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("pagerenders.py")), "corpus", str(manifest), "--out", str(out),
         "--as-of", "2026-01-02", "-q"],
        env={**os.environ, "CONFIGSCAN_TEST_PAGE_STARTED": str(started)}, stderr=subprocess.PIPE, text=True,
        start_new_session=True)  # its own process group, as a terminal's job
    deadline = time.monotonic() + 60
    while not started.exists() or not started.read_text():  # a worker is mid-page
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.01)
    worker = int(started.read_text())
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err.strip().splitlines()[-1] == "configscan: interrupted; no report was half-written"
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)  # the worker is gone
    assert _outputs(out) == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
