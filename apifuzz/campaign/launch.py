"""Starting a worker: forked from the runner when that is safe, else a new interpreter.

A worker started as a new interpreter imports Python, apifuzz (wrapt alone
costs ~80 ms), lark and the model again: on one core about 0.15 to 0.2 s
before its first input, which the runner has already paid.  A fork shares all
of it; the worker then imports only the model afresh, under instrumentation
(:func:`~apifuzz.engine.worker.main_forked`).

A fork is safe when the runner is Linux, holds one thread (a thread's lock
taken at the fork would stay taken in the child forever; native threads
count, so ``/proc/self/task`` is read, not :mod:`threading`), and hashes
strings with the salt the worker must have (:mod:`apifuzz.hashing`).  Else the
worker is spawned as before; both run the same code with the same config.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import BinaryIO, NoReturn, Protocol

from apifuzz.hashing import startup_hash_seed


class WorkerProcess(Protocol):
    """What the runner uses of a worker's process (a :class:`subprocess.Popen` has it)."""

    @property
    def returncode(self) -> int | None: ...

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...

    def kill(self) -> None: ...


#: The exit code of a forked worker whose status something else collected (no signal's
#: number: a negative code reads as "killed by signal N").
LOST = 255


class ForkedWorker:
    """A forked worker, seen as a :class:`subprocess.Popen` is (exit code, or minus the signal)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The exit code once the process has ended, else None (the child is reaped once)."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere: its code is lost
                self.returncode = LOST
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the end; raises :class:`subprocess.TimeoutExpired` after ``timeout`` s."""
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.001
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0.0)
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return code

    def kill(self) -> None:
        """SIGKILL, unless the process has already been reaped."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)


def can_fork(hash_seed: str) -> bool:
    """Whether a worker that must hash strings with ``hash_seed`` can be forked from here."""
    if sys.platform != "linux" or startup_hash_seed() != hash_seed:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def fork_worker(config: Path, log: BinaryIO) -> ForkedWorker:
    """Fork a worker that runs ``config``, its output into ``log``; the caller has
    blocked SIGINT and SIGTERM (the child unblocks them once it can stop cleanly)."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # else the child writes what the runner had buffered, again
    pid = os.fork()
    if pid == 0:
        _child(config, log)
    return ForkedWorker(pid)


def _child(config: Path, log: BinaryIO) -> NoReturn:
    """The forked process: the worker, then out, never back into the runner's code."""
    code = 1
    try:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        from apifuzz.engine.worker import main_forked

        main_forked(config)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
