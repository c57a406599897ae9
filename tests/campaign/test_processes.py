"""``apifuzz fuzz``'s processes end to end: Ctrl-C, dead workers, the workdir lock, damaged folders.

Each test runs the command in a subprocess, in a session of its own, so that
``os.killpg`` does what a Ctrl-C in a terminal does: signal every process.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from apifuzz.engine.crashes import load_crashes

SUPPORT = Path(__file__).resolve().parents[1] / "support"
pytestmark = pytest.mark.slow


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("APIFUZZ_")}
    return dict(base, PYTHONPATH=str(SUPPORT), **extra)


def command(target: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "apifuzz", "fuzz", target, "--workdir", "work", *args]


def fuzz(tmp_path: Path, target: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(target, *args),
        cwd=tmp_path,
        env=env(**extra),
        capture_output=True,
        text=True,
        timeout=180,
    )


@contextlib.contextmanager
def campaign(
    tmp_path: Path, target: str, *args: str, **extra: str
) -> Iterator[subprocess.Popen[str]]:
    """A run in a session of its own; whatever the test does, nothing of it outlives the test."""
    proc = subprocess.Popen(
        command(target, *args),
        cwd=tmp_path,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def stats(workdir: Path, worker: int) -> dict[str, int]:
    """A worker's stats file ({} when not written yet)."""
    try:
        found: dict[str, int] = json.loads((workdir / "stats" / f"{worker}.json").read_text())
    except (OSError, ValueError):
        return {}
    return found


def worker_pid(workdir: Path, worker: int, other_than: int = 0, timeout: float = 90) -> int:
    """The pid of a worker that has fuzzed (its stats count runs; they come every second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = stats(workdir, worker)
        if found.get("runs", 0) > 0 and found["pid"] != other_than:
            return found["pid"]
        time.sleep(0.1)
    raise AssertionError(f"worker {worker} never wrote its stats")


def ctrl_c(proc: subprocess.Popen[str]) -> str:
    """What a Ctrl-C in the terminal does: SIGINT to the whole process group."""
    os.killpg(os.getpgid(proc.pid), signal.SIGINT)
    out, _ = proc.communicate(timeout=90)
    return out


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_the_workers_quietly_and_exits_130(tmp_path: Path, jobs: str) -> None:
    workdir = tmp_path / "work"
    with campaign(tmp_path, "fuzz_models", "--jobs", jobs, APIFUZZ_TEST_NO_DIVIDE_BUG="1") as p:
        for worker in range(int(jobs)):
            worker_pid(workdir, worker)
        runs = [stats(workdir, worker)["runs"] for worker in range(int(jobs))]
        out = ctrl_c(p)
    assert p.returncode == 130, out
    assert "ERROR" not in out and "no bug found" in out, out
    for worker in range(int(jobs)):
        log = (workdir / "logs" / f"worker-{worker}.log").read_text()
        assert "Traceback" not in log and "KeyboardInterrupt" not in log, log[-2000:]
        assert "INFO: apifuzz: SIGINT received; worker stopped" in log
        # It flushed before leaving: its stats file has its last count of runs.
        assert stats(workdir, worker)["runs"] >= runs[worker]
    assert not (workdir / "lock").exists()


def test_a_killed_worker_is_restarted(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    with campaign(tmp_path, "fuzz_models", "--jobs", "2", APIFUZZ_TEST_NO_DIVIDE_BUG="1") as p:
        first = worker_pid(workdir, 0)
        worker_pid(workdir, 1)
        os.kill(first, signal.SIGKILL)
        worker_pid(workdir, 0, other_than=first)  # a new process fuzzes in slot 0
        out = ctrl_c(p)
    log = workdir / "logs" / "worker-0.log"
    line = f"INFO: worker 0 stopped with signal SIGKILL; restarted (1 of 3); see {log.relative_to(tmp_path)}"
    assert line in out.splitlines(), out
    assert p.returncode == 130 and "ERROR" not in out, out
    assert (
        "=== apifuzz: worker 0 stopped with signal SIGKILL; restarted (1 of 3) ==="
        in log.read_text()
    )


def test_a_worker_that_keeps_dying_fails_the_run_with_exit_3(tmp_path: Path) -> None:
    # A bug on record from an earlier run must not make a failed run look fine.
    first = fuzz(
        tmp_path,
        "campaign_models",
        "--stop-on-first",
        "--minimize-time",
        "0",
        "--max-time",
        "60",
        APIFUZZ_TEST_BUG="1",
    )
    assert first.returncode == 1, first.stdout + first.stderr
    result = fuzz(tmp_path, "campaign_models", "--max-time", "120", APIFUZZ_TEST_DIE="1")
    assert result.returncode == 3, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    restarts = [line for line in lines if "restarted (" in line]
    assert [line.split(";")[1] for line in restarts] == [
        f" restarted ({n} of 3)" for n in (1, 2, 3)
    ], result.stdout
    assert (
        "WARNING: worker 0 stopped with signal SIGKILL; not restarted: it was restarted 3 times "
        "already; see work/logs/worker-0.log"
    ) in lines
    assert (
        "ERROR: worker 0 stopped with signal SIGKILL (restarted 3 times); see "
        "work/logs/worker-0.log" in lines
    )


def test_a_bug_hit_before_the_workers_died_is_exit_1(tmp_path: Path) -> None:
    result = fuzz(
        tmp_path,
        "campaign_models",
        "--max-time",
        "120",
        "--minimize-time",
        "0",
        APIFUZZ_TEST_BUG="1",
        APIFUZZ_TEST_DIE="after-bug",
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR: worker 0 stopped with signal SIGKILL (restarted 3 times)" in result.stdout


def test_a_known_bug_hit_again_is_exit_1_whatever_its_count(tmp_path: Path) -> None:
    first = fuzz(
        tmp_path,
        "campaign_models",
        "--stop-on-first",
        "--minimize-time",
        "0",
        "--max-time",
        "60",
        APIFUZZ_TEST_BUG="1",
    )
    assert first.returncode == 1, first.stdout + first.stderr
    (record,) = load_crashes(tmp_path / "work" / "crashes")
    # As after a long run: far more hits on record than this run will make.
    (record.folder / "count-0.json").write_text(
        '{"count": 1000000000, "first_seen": 1.0, "last_seen": 2.0}'
    )
    again = fuzz(
        tmp_path, "campaign_models", "--runs", "3000", "--minimize-time", "0", APIFUZZ_TEST_BUG="1"
    )
    assert again.returncode == 1, again.stdout + again.stderr


def test_a_second_run_on_the_workdir_is_refused(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    with campaign(tmp_path, "fuzz_models", APIFUZZ_TEST_NO_DIVIDE_BUG="1") as p:
        worker_pid(workdir, 0)
        second = fuzz(tmp_path, "fuzz_models", "--runs", "10")
        assert second.returncode == 2, second.stdout + second.stderr
        assert second.stderr == (
            f"apifuzz fuzz: error: the workdir work is in use by another apifuzz fuzz "
            f"(pid {p.pid}); wait for it to end, or give this run another --workdir\n"
        )
        assert second.stdout == ""
        # Killed outright, the first run leaves its lock file behind...
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
    assert (workdir / "lock").read_text() == f"{p.pid}\n"
    # ... and the next run takes it over.
    third = fuzz(tmp_path, "fuzz_models", "--runs", "10", APIFUZZ_TEST_NO_DIVIDE_BUG="1")
    assert third.returncode == 0, third.stdout + third.stderr
    assert f"INFO: taking over the workdir from a run that ended (pid {p.pid})" in third.stdout
    assert not (workdir / "lock").exists()


def test_a_damaged_crash_folder_is_kept_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "work" / "crashes" / "exception-ValueError-switch-0123456789"
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text("switch true\n")
    (folder / "signature.json").write_text('{"signature": {"kind": "excep')  # cut short
    result = fuzz(tmp_path, "campaign_models", "--runs", "20")
    assert result.returncode == 0, result.stdout + result.stderr
    warning = f"WARNING: {folder.relative_to(tmp_path)}: no readable signature.json"
    assert [line for line in result.stdout.splitlines() if line.startswith(warning)], result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (folder / "signature.json").read_text() == '{"signature": {"kind": "excep'


def test_an_interrupted_run_names_the_real_folders_to_minimize(tmp_path: Path) -> None:
    crashes = tmp_path / "work" / "crashes"
    # --minimize-time 0: no triage in the background can minimize the bug before the Ctrl-C.
    args = ("--minimize-time", "0")
    with campaign(tmp_path, "campaign_models", *args, APIFUZZ_TEST_BUG="1") as p:
        deadline = time.monotonic() + 90
        while not load_crashes(crashes) and time.monotonic() < deadline:
            time.sleep(0.1)
        out = ctrl_c(p)
    assert p.returncode == 1, out  # a bug was hit: that is the news
    (record,) = load_crashes(crashes)
    folder = shlex.quote(str(Path("work") / "crashes" / record.folder.name))
    minimize = f"APIFUZZ_TEST_BUG=1 {shlex.quote(sys.executable)} -m apifuzz minimize"
    assert f"not minimized yet: {minimize} campaign_models {folder}" in out, out
    assert "FOLDER" not in out
