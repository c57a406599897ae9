"""The workdir lock: one ``apifuzz fuzz`` at a time in a workdir.

Two runs in one workdir would share worker 0's stats, count and log files.
``<workdir>/lock`` holds the running campaign's pid under an ``flock``: the
kernel drops the lock when its process ends, however it ends, so the lock
of a run killed outright (``kill -9``) is simply taken over by the next.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from apifuzz.errors import UsageError

LOCK_NAME = "lock"


#: The descriptors of the locks this process holds.
_HELD: set[int] = set()


def _not_in_children() -> None:
    """A forked worker closes its copies of the runner's locks: an ``flock`` lasts while
    any copy is open, and the workdir is free when the run ends, not when its last
    worker does."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_not_in_children)


class WorkdirLock:
    """``with WorkdirLock(workdir):`` the campaign owns the workdir, or UsageError says who does."""

    def __init__(self, workdir: Path) -> None:
        self.path = workdir / LOCK_NAME
        self._fd: int | None = None
        #: The pid a run that ended without releasing the lock left in it (None: there was none).
        self.stale_pid: int | None = None

    def acquire(self) -> None:
        """Take the lock; raises UsageError naming the pid of the run that holds it.

        An OSError (a read-only workdir) goes to the caller, who knows which
        option named the folder.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = self._open_locked()
        self.stale_pid = _read_pid(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        _HELD.add(fd)

    def _open_locked(self) -> int:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid = _read_pid(fd, wait=0.5)  # the holder writes its pid just after locking
                os.close(fd)
                who = f"pid {pid}" if pid else "pid unknown"
                raise UsageError(
                    f"the workdir {self.path.parent} is in use by another apifuzz fuzz "
                    f"({who}); wait for it to end, or give this run another --workdir"
                ) from None
            # The holder may have released and removed the file since we opened it: we
            # hold a lock on a file nobody else will see, so lock the file that is there.
            try:
                here = os.stat(self.path)
            except FileNotFoundError:
                here = None
            mine = os.fstat(fd)
            if here is not None and (here.st_ino, here.st_dev) == (mine.st_ino, mine.st_dev):
                return fd
            os.close(fd)

    def release(self) -> None:
        """Remove the lock file, then drop the lock (nothing when not held)."""
        if self._fd is None:
            return
        self.path.unlink(missing_ok=True)
        _HELD.discard(self._fd)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> WorkdirLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _read_pid(fd: int, wait: float = 0.0) -> int | None:
    """The pid written in the lock file, or None when there is none (yet)."""
    deadline = time.monotonic() + wait
    while True:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)
