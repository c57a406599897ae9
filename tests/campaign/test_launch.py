"""campaign.launch: workers forked from the runner when safe, spawned otherwise, alike."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apifuzz.campaign.launch import ForkedWorker
from tests.support.apifuzz_cli import run_apifuzz


def _fork(then: str) -> ForkedWorker:
    pid = os.fork()
    if pid == 0:  # the child does nothing that could take a lock of the test's threads
        if then == "sleep":
            time.sleep(30)
        os._exit(3)
    return ForkedWorker(pid)


def test_a_forked_worker_reads_as_a_popen_does() -> None:
    done = _fork("exit")
    assert done.wait(timeout=30) == 3 and done.returncode == 3 and done.poll() == 3
    sleeping = _fork("sleep")
    assert sleeping.poll() is None and sleeping.returncode is None
    with pytest.raises(subprocess.TimeoutExpired):
        sleeping.wait(timeout=0.05)
    sleeping.kill()
    assert sleeping.wait(timeout=30) == -signal.SIGKILL
    sleeping.kill()  # reaped already: nothing to do


def _can_fork(env: dict[str, str], thread: bool) -> str:
    code = (
        "import threading\n"
        "from apifuzz.campaign.launch import can_fork\n"
        + ("threading.Thread(target=threading.Event().wait, daemon=True).start()\n" * thread)
        + "print(can_fork('5'), can_fork('6'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_only_a_runner_with_one_thread_and_the_workers_hash_seed_forks() -> None:
    env = {**os.environ, "PYTHONHASHSEED": "5"}
    assert _can_fork(env, thread=False) == "True False"
    assert _can_fork(env, thread=True) == "False False"
    bare = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    assert _can_fork(bare, thread=False) == "False False"


def _run(tmp_path: Path, workdir: str, thread: str) -> tuple[list[str], str]:
    result = run_apifuzz(
        *("fuzz", "threaded_models", "--instrument", "fuzz_models", "--workdir", workdir),
        *("--runs", "3000", "--seed", "4", "--minimize-time", "0"),
        cwd=tmp_path,
        env={"APIFUZZ_TEST_THREAD": thread, "APIFUZZ_TEST_NO_DIVIDE_BUG": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    log = (tmp_path / workdir / "logs" / "worker-0.log").read_text()
    return sorted(os.listdir(tmp_path / workdir / "corpus")), log


def test_a_forked_and_a_spawned_worker_run_alike(tmp_path: Path) -> None:
    forked, log = _run(tmp_path, "forked", thread="0")
    assert "INFO: apifuzz: worker 0 forked from the runner" in log
    assert "INFO: Instrumenting fuzz_models" in log  # imported again, instrumented
    assert len(forked) > 10
    spawned, log = _run(tmp_path, "spawned", thread="1")  # the model's thread: no fork
    assert "forked from the runner" not in log
    assert spawned == forked
