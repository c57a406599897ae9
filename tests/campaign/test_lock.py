"""campaign.lock: one campaign at a time in a workdir; a killed run's lock is taken over."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from apifuzz.campaign.lock import WorkdirLock
from apifuzz.errors import UsageError


def test_the_lock_holds_the_pid_and_goes_at_the_end(tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    with WorkdirLock(workdir) as lock:
        assert (workdir / "lock").read_text() == f"{os.getpid()}\n"
        assert lock.stale_pid is None
    assert not (workdir / "lock").exists()


def test_a_second_lock_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    with WorkdirLock(tmp_path):
        message = (
            f"the workdir {tmp_path} is in use by another apifuzz fuzz (pid {os.getpid()}); "
            f"wait for it to end, or give this run another --workdir"
        )
        with pytest.raises(UsageError, match=f"^{re.escape(message)}$"), WorkdirLock(tmp_path):
            pass  # pragma: no cover
        assert (tmp_path / "lock").read_text() == f"{os.getpid()}\n"  # the holder keeps it
    with WorkdirLock(tmp_path):  # free again
        pass


def test_the_lock_of_a_run_that_died_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / "lock").write_text("4194999\n")  # no flock on it: its process is gone
    with WorkdirLock(tmp_path) as lock:
        assert lock.stale_pid == 4194999
        assert (tmp_path / "lock").read_text() == f"{os.getpid()}\n"


def test_released_twice_is_harmless(tmp_path: Path) -> None:
    lock = WorkdirLock(tmp_path)
    lock.acquire()
    lock.release()
    lock.release()
    assert not (tmp_path / "lock").exists()


def test_a_forked_child_does_not_keep_the_workdir_locked(tmp_path: Path) -> None:
    # A runner killed outright leaves its forked worker alive for a moment: the next run
    # must take the workdir over, not wait for the orphan.
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from apifuzz.campaign.lock import WorkdirLock\n"
        "WorkdirLock(Path(sys.argv[1])).acquire()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    null = os.open(os.devnull, os.O_WRONLY)\n"
        "    os.dup2(null, 1)\n"  # the test reads the runner's output to its end
        "    os.dup2(null, 2)\n"
        "    time.sleep(30)\n"
        "    os._exit(0)\n"
        "print(child, flush=True)\n"
        "os._exit(0)\n"  # dies holding the lock, released by nothing
    )
    runner = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    child = int(runner.stdout)
    try:
        os.kill(child, 0)  # still alive, with its copy of the runner's descriptors
        with WorkdirLock(tmp_path) as lock:
            assert lock.stale_pid is not None
    finally:
        os.kill(child, signal.SIGKILL)
