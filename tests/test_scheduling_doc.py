"""docs/scheduling.md as written: the crontab line parses and its command runs; the systemd service's
ExecStart runs (with systemd's %h expanded) and the timer is a valid nightly timer."""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

DOC = (ROOT / "docs" / "scheduling.md").read_text(encoding="utf-8")
SCANS = """db = "state/history.db"
fail_on_new = "high"
[[scan]]
name = "harbor-view"
inputs = ["exports/harbor-view.json"]
json = "reports/{name}/{date}.json"
"""


def _block(info: str) -> str:
    match = re.search(rf"```{re.escape(info)}\n(.*?)```", DOC, re.S)
    assert match, f"no ```{info} block in docs/scheduling.md"
    return match.group(1)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home with the scan file, a clean export and ~/.local/bin/configscan (the installed script)."""
    work = tmp_path / "configscan"
    (work / "exports").mkdir(parents=True)
    shutil.copy(EXAMPLES / "harbor-view-ca.json", work / "exports" / "harbor-view.json")
    (work / "scans.toml").write_text(SCANS)
    script = shutil.which("configscan")
    assert script, "the console script is installed (pip install -e .)"
    (tmp_path / ".local" / "bin").mkdir(parents=True)
    (tmp_path / ".local" / "bin" / "configscan").symlink_to(script)
    return tmp_path


def _field(value: str, low: int, high: int) -> bool:
    if value == "*":
        return True
    return all(part.isdigit() and low <= int(part) <= high for part in re.split(r"[,-]", value.split("/")[0]))


def test_crontab_line_parses_and_a_clean_night_prints_nothing(home: Path) -> None:
    [line] = [x for x in _block("crontab").splitlines() if x.strip() and not x.startswith("#")]
    fields = line.split(None, 5)
    assert len(fields) == 6
    for value, (low, high) in zip(fields[:5], [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)], strict=True):
        assert _field(value, low, high), f"bad cron field {value!r}"
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # cron's sparse environment
    done = subprocess.run(["/bin/sh", "-c", fields[5]], env=env, capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")  # nothing printed: no cron mail
    assert (home / "configscan" / "state" / "history.db").is_file()


def test_systemd_service_execstart_runs_and_timer_is_nightly(home: Path) -> None:
    service = configparser.ConfigParser(interpolation=None, strict=True)
    service.optionxform = str  # type: ignore[assignment,method-assign]
    service.read_string(_block("ini configscan.service"))
    assert service["Service"]["Type"] == "oneshot"
    expand = {"%h": str(home)}
    workdir = re.sub("%h", expand["%h"], service["Service"]["WorkingDirectory"])
    argv = [re.sub("%h", expand["%h"], word) for word in shlex.split(service["Service"]["ExecStart"])]
    assert Path(argv[0]).is_absolute()
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **{
        k: v for k, v in os.environ.items() if k.startswith("PYENV")}}
    done = subprocess.run(argv, cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stderr.splitlines()]
    assert [e["event"] for e in events] == ["summary", "info", "info", "info"]
    assert events[-1]["exit_code"] == 0 and events[0]["scan"] == "harbor-view"
    timer = configparser.ConfigParser(interpolation=None)
    timer.optionxform = str  # type: ignore[assignment,method-assign]
    timer.read_string(_block("ini configscan.timer"))
    assert re.fullmatch(r"\*-\*-\* \d{2}:\d{2}:\d{2}", timer["Timer"]["OnCalendar"])
    assert timer["Timer"]["Persistent"] == "true" and timer["Install"]["WantedBy"] == "timers.target"
