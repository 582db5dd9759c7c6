"""Reports are written atomically: an interrupted write leaves the old file (or none), never half."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from configscan.atomic import write_atomic


def test_interrupted_write_leaves_previous_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    write_atomic(target, "old complete report")

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "new report " * 1000)
    assert target.read_text() == "old complete report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_creates_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "r.json"
    write_atomic(target, b"{}")
    assert target.read_bytes() == b"{}"


def test_new_reports_get_ordinary_permissions_and_keep_existing_ones(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.html"
        write_atomic(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.html"
        kept.write_text("old")
        kept.chmod(0o640)
        write_atomic(kept, "new")
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text() == "new"
    finally:
        os.umask(old)
