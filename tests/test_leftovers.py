"""What a SIGKILL'd run leaves is swept by the next run -- and nothing a live run (or anyone else) owns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from audit_fixtures import network_audit

from configscan.atomic import write_atomic
from configscan.audit.passes import evidence
from configscan.leftovers import lock, signals_held, sweep_leftovers, work_directory

from conftest import run_cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and locks")

# A child that claims exactly what a run claims (work directory, evidence staging file with a part, a report
# temporary file), says where, and waits to be killed.
_HOLDER = textwrap.dedent("""
    import os, sys, tempfile
    from pathlib import Path
    from configscan import leftovers
    from configscan.audit.passes import evidence
    out = Path(sys.argv[1])
    with leftovers.work_directory("configscan-audit-") as work, evidence.staged(out / "rows.csv") as staging:
        Path(work, "spill.bin").write_bytes(b"x" * 4096)
        staging.write_bytes(b"file,row\\n")
        Path(f"{staging}.0").write_bytes(b"part")
        fd, tmp = tempfile.mkstemp(prefix=leftovers.file_prefix(out / "r.json"), suffix=".tmp", dir=out)
        leftovers.lock(fd)
        print(work, staging, tmp, sep="\\n", flush=True)
        sys.stdin.read()
""")


def _holder(out: Path, work_root: Path) -> tuple[subprocess.Popen[str], list[Path]]:
    child = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(work_root)})
    assert child.stdout is not None
    paths = [Path(child.stdout.readline().strip()) for _ in range(3)]
    return child, [paths[0], paths[1], Path(f"{paths[1]}.0"), paths[2]]


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    return int(child.stdout)


def test_a_killed_runs_leftovers_stay_while_it_lives_and_go_after_sigkill(tmp_path: Path) -> None:
    out, work_root = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    work_root.mkdir()
    child, paths = _holder(out, work_root)
    try:
        assert all(p.exists() for p in paths)
        assert all(f"-{child.pid}-" in p.name for p in paths)
        assert sweep_leftovers([out], work_root) == []  # alive and locked: nothing is touched
        assert all(p.exists() for p in paths)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert all(p.exists() for p in paths)  # nothing ran at the kill
    assert sorted(sweep_leftovers([out], work_root)) == sorted(paths)
    assert list(out.iterdir()) == [] and list(work_root.iterdir()) == []


def test_a_lock_held_by_a_live_process_protects_a_file_whose_pid_looks_dead(tmp_path: Path) -> None:
    """A live run in another pid namespace (a container sharing the folder): its pid means nothing here."""
    pid = _dead_pid()
    staging = tmp_path / f".rows.csv.configscan-{pid}-abc123.partial"
    staging.write_bytes(b"rows")
    work = tmp_path / f"configscan-audit-{pid}-k2j4_x"
    work.mkdir()
    fds = [os.open(staging, os.O_RDONLY), os.open(work, os.O_RDONLY)]
    try:
        for fd in fds:
            lock(fd)
        assert sweep_leftovers([tmp_path], tmp_path) == []
    finally:
        for fd in fds:
            os.close(fd)
    assert sorted(sweep_leftovers([tmp_path], tmp_path)) == sorted([staging, work])


def test_only_configscan_names_with_a_dead_pid_are_swept(tmp_path: Path) -> None:
    dead = _dead_pid()
    keep = [
        tmp_path / ".rows.csv.partial",  # the old fixed staging name: no owner to check
        tmp_path / ".r.json.ab12cd.tmp",  # an old report temp file without a pid
        tmp_path / f".rows.csv.configscan-{os.getpid()}-abc.partial",  # this live process's
        tmp_path / f".rows.csv.otherapp-{dead}-abc.partial",  # another program's
        tmp_path / f"rows.csv.configscan-{dead}-abc.partial",  # not hidden: not a name configscan makes
        tmp_path / f".rows.csv.configscan-{dead}-abc.partial.bak",
        tmp_path / "configscan-audit-k2j4_x",  # an old work directory without a pid
        tmp_path / f"configscan-audit-{os.getpid()}-abc",
        tmp_path / "notes.csv",
    ]
    for path in keep:
        if path.name.startswith("configscan-"):
            path.mkdir()
        else:
            path.write_text("x")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "data.csv").write_text("precious")
    link = tmp_path / f"configscan-audit-{dead}-abc"  # a planted link to someone's folder
    link.symlink_to(target)
    keep.append(tmp_path / f".owners.configscan-{dead}-abc.partial.3")  # a folder: only staged pages (.tmp) go
    keep[-1].mkdir()
    gone = [tmp_path / f".rows.csv.configscan-{dead}-abc.partial", tmp_path / f".r.json.configscan-{dead}-q_1.tmp",
            tmp_path / f".rows.csv.configscan-{dead}-abc.partial.3", tmp_path / f"configscan-{dead}-zz9",
            tmp_path / f".owners.configscan-{dead}-k_2.tmp"]  # a corpus's staged owner pages
    for path in gone:
        if path.name.startswith("configscan-") or path.name.startswith(".owners."):
            path.mkdir()
            (path / "spill").mkdir()
        else:
            path.write_text("x")
    assert sorted(sweep_leftovers([tmp_path], tmp_path)) == sorted(gone)
    assert all(p.exists() for p in keep) and (target / "data.csv").read_text() == "precious" and link.is_symlink()


def test_staging_is_unique_per_run_and_each_run_publishes_and_discards_only_its_own(tmp_path: Path) -> None:
    import contextvars

    target = tmp_path / "rows.csv"
    first_context, second_context = contextvars.copy_context(), contextvars.copy_context()
    first = first_context.run(lambda: evidence.staged(target))
    second = second_context.run(lambda: evidence.staged(target))
    a = first_context.run(first.__enter__)
    b = second_context.run(second.__enter__)
    assert a != b and a.parent == b.parent == tmp_path and a.exists() and b.exists()
    a.write_text("first run's rows\n")
    b.write_text("second run's rows\n")
    second_context.run(evidence.publish, target)
    assert target.read_text() == "second run's rows\n" and a.exists()
    second_context.run(second.__exit__, None, None, None)
    first_context.run(evidence.discard, target)
    first_context.run(first.__exit__, None, None, None)
    assert target.read_text() == "second run's rows\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]
    with pytest.raises(LookupError):
        evidence.staging_path(target)  # outside a run nothing is claimed


def test_report_temp_files_are_named_after_the_run_and_swept(tmp_path: Path) -> None:
    dead = _dead_pid()
    left = tmp_path / f".r.json.configscan-{dead}-x1y2.tmp"
    left.write_text("half a report")
    write_atomic(tmp_path / "r.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [left.name, "r.json"]
    assert sweep_leftovers([tmp_path], tmp_path) == [left]


def test_evidence_folder_is_created_like_a_reports_and_an_unusable_one_is_a_one_line_input_error(
        tmp_path: Path) -> None:
    log = network_audit(tmp_path / "log.csv")
    made = run_cli("audit", log, "--agency-state", "CA", "--evidence-csv", tmp_path / "new" / "rows.csv")
    assert made.code == 1 and (tmp_path / "new" / "rows.csv").read_text().startswith("file,row,ID")
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["rows.csv"]
    (tmp_path / "blocker").write_text("a file where a folder should be")
    blocked = run_cli("audit", log, "--agency-state", "CA", "--evidence-csv", tmp_path / "blocker" / "rows.csv")
    assert blocked.code == 2 and len(blocked.stderr.splitlines()) == 1
    assert "blocker/rows.csv: cannot write the evidence file" in blocked.stderr


def test_a_signal_while_a_leftover_is_created_arrives_after_its_cleanup_is_registered(tmp_path: Path) -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt), signals_held():
        # A real Ctrl-C, held back. Sent to this thread: a process-directed signal may land on any thread that
        # does not block it (earlier tests leave engine threads alive), and a run creates its work directory
        # before it starts any.
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        reached.append("still creating")
    assert reached == ["still creating"]
    root = tmp_path / "tmp"
    root.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("tempfile.tempdir", str(root))
        with pytest.raises(KeyboardInterrupt), work_directory("configscan-audit-") as work:
            assert Path(work).parent == root and Path(work).name.startswith(f"configscan-audit-{os.getpid()}-")
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
    assert list(root.iterdir()) == []
