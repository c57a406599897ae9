"""Library calls in a fresh child process: isolated from the campaign, killed past a deadline.

A bug found by a worker is minimized and turned into a test in a process of
its own, as a user would replay it: a model whose state outlives a call
(a module-level cache, a leaked thread) cannot make the step lie, and a hang
the step's own timeout could not stop costs only the child.  The function
runs in a ``spawn`` child (a new interpreter, nothing inherited but
``sys.path`` and the environment) and sends back its typed result.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Generic, TypeVar

from apifuzz.errors import ApifuzzError
from apifuzz.text import protect_stream

T = TypeVar("T")

_SPAWN = multiprocessing.get_context("spawn")


class ChildFailed(Exception):
    """The child stopped without a result: ``str(error)`` says why, in one line."""


def _child_main(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    log: str | None,
    append: bool,
    conn: Connection,
) -> None:
    if log is not None:
        mode = os.O_APPEND if append else os.O_TRUNC
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | mode, 0o666)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    protect_stream(sys.stdout)  # the model's text (a message, a repr) may hold any string
    protect_stream(sys.stderr)
    try:
        result: tuple[str, Any] = ("ok", func(*args))
    except ApifuzzError as exc:
        result = ("error", str(exc))
    except KeyboardInterrupt:  # a Ctrl-C reaches the whole process group: the campaign says so
        result = ("error", "interrupted")
    except BaseException as exc:  # the child reports whatever stopped it, then ends
        traceback.print_exc()
        result = ("error", f"{type(exc).__name__}: {exc}")
    conn.send(result)
    conn.close()


class Child(Generic[T]):
    """``func(*args)`` running in a spawned process, its output in ``log`` (or after it)."""

    def __init__(
        self,
        func: Callable[..., T],
        args: tuple[Any, ...],
        *,
        allowance: float,
        log: Path | None = None,
        append: bool = False,
    ) -> None:
        self._receive, send = _SPAWN.Pipe(duplex=False)
        self._process = _SPAWN.Process(
            target=_child_main,
            args=(func, args, str(log) if log else None, append, send),
            daemon=True,
        )
        self._process.start()
        send.close()
        self.deadline = time.monotonic() + allowance
        self._outcome: tuple[str, Any] | None = None

    def done(self) -> bool:
        """Whether the child has finished (or was killed past its deadline)."""
        if self._outcome is None:
            self._outcome = self._poll()
            if self._outcome is not None:
                self._process.join()
        return self._outcome is not None

    def _poll(self) -> tuple[str, Any] | None:
        alive = self._process.is_alive()
        # Read after the liveness check: a child that sent its result and ended is not lost.
        if self._receive.poll():
            try:
                outcome: tuple[str, Any] = self._receive.recv()
            except EOFError:
                return ("error", "the child stopped without a result")
            return outcome
        if not alive:
            return ("error", f"the child stopped with exit code {self._process.exitcode}")
        if time.monotonic() > self.deadline:
            self.kill()
            return ("killed", "")
        return None

    def wait(self) -> None:
        """Block until the child is done; Ctrl-C kills it, then goes on up."""
        try:
            while not self.done():
                time.sleep(0.05)
        except KeyboardInterrupt:
            self.kill()
            raise

    def failed(self) -> bool:
        """Whether the child stopped without a result (an error, or killed)."""
        return self._outcome is not None and self._outcome[0] != "ok"

    def killed(self) -> bool:
        """Whether the child ran past its deadline and was killed."""
        return self._outcome is not None and self._outcome[0] == "killed"

    def result(self) -> T:
        """The function's return value; raises ChildFailed when there is none."""
        assert self._outcome is not None, "result() before done()"
        status, value = self._outcome
        if status != "ok":
            raise ChildFailed(value)
        return value  # type: ignore[no-any-return]

    def kill(self) -> None:
        """Stop the child now."""
        self._process.kill()
        self._process.join()
