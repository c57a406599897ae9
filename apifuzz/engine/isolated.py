"""Judging a script in a forked child: a death in native code is the child's, not ours.

A script that segfaults in a C extension, aborts, or loops in C code where
the timeout alarm cannot reach would kill (or freeze) whatever replays it:
``apifuzz replay``, the minimizer, ``to-test``, pytest.  :class:`IsolatedJudge`
runs each script in a ``fork`` of the current process (a few milliseconds:
the model and the language are already loaded) and reports a fatal signal,
or a hang the parent had to end (with SIGABRT, so that the child's faulthandler
writes its stack), as the bug, with the signature a fuzz worker gives it
(:mod:`apifuzz.engine.native`).  A script
that ends normally comes back as the in-process Judge would have judged it.

It is used only where it is needed (see :func:`apifuzz.engine.replay.replay_setup`):
for a crash folder whose bug is a fatal signal or a timeout, for ``apifuzz
replay`` of a plain script, and for ``minimize`` and ``to-test`` of a plain
script whose first run in a child died.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import select
import signal
import struct
import sys
import tempfile
import time
import traceback
from typing import Any, NoReturn

from apifuzz.engine.judge import Judge, Verdict
from apifuzz.engine.native import (
    GRACE,
    FatalSignal,
    Fault,
    NativeHang,
    RemoteBug,
    model_stack,
    native_signature,
    parse_fault,
    what_killed,
)
from apifuzz.engine.replay import model_traceback
from apifuzz.errors import ApifuzzError
from apifuzz.interpreter.report import Bug, BugKind, Report, StatementResult, Status
from apifuzz.interpreter.runner import decode
from apifuzz.text import safe_repr

#: Seconds past the SIGABRT that asks a hung child for its stack before it is killed outright.
BACKSTOP = 2.0
_LENGTH = struct.Struct("<I")


class Shown:
    """A value from the child, as its ``repr``: model values need not pickle."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class RemoteError(Exception):
    """Stands for an exception raised in the child (its text is in the statement or the bug)."""


def _shown(value: Any) -> Shown:
    return Shown(safe_repr(value))  # a model's __repr__ may fail, or hold a lone surrogate


class _Tell:
    """The child's call hook: tells the parent which call starts, in case it never returns."""

    def __init__(self, judge: Judge, channel: int) -> None:
        self.position = judge.interpreter.position
        self.channel = channel

    def before(
        self, model: Any, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        shown = [repr(_shown(a)) for a in args] + [f"{k}={_shown(v)!r}" for k, v in kwargs.items()]
        _send(self.channel, ("at", self.position.index, method, ", ".join(shown)))

    def after(self, model: Any, value: Any, error: BaseException | None) -> None:
        pass


def _send(channel: int, message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message)
    data = _LENGTH.pack(len(data)) + data
    while data:
        data = data[os.write(channel, data) :]


#: Statements made portable between two "alive" messages (their values' reprs are model code).
_ALIVE_EVERY = 1000


def _portable(judge: Judge, verdict: Verdict, channel: int) -> Verdict:
    """The verdict with everything the parent cannot unpickle turned into text.

    Tells the parent it is alive as it goes: a long script's values take a while.
    """
    report = verdict.report

    def alive(index: int) -> bool:
        if index % _ALIVE_EVERY == _ALIVE_EVERY - 1:
            _send(channel, ("alive",))
        return True

    statements = [
        StatementResult(
            s.line,
            s.text,
            s.status,
            s.reason,
            s.detail,
            s.method,
            tuple(_shown(a) for a in s.args),
            {k: _shown(v) for k, v in s.kwargs.items()},
            None if s.value is None else _shown(s.value),
            None if s.error is None else RemoteError(s.detail),
        )
        for index, s in enumerate(report.statements)
        if alive(index)
    ]
    bug: Bug | None = None
    if report.bug is not None:
        b = report.bug
        bug = RemoteBug(
            b.kind,
            RemoteError(f"{type(b.error).__name__}: {b.error}"),
            b.line,
            b.method,
            b.invariant,
            b.oracle,
            text=b.traceback,
            model_text=model_traceback(verdict, judge.model_dirs),
            shown=b.summary(),
        )
    portable = Report(statements, bug, {}, report.executed, report.skipped, report.refused)
    return Verdict(portable, verdict.signature, verdict.hang)


def _child(
    judge: IsolatedJudge, script: bytes | str, record: bool, channel: int, fault: int
) -> NoReturn:
    """In the fork: judge the script, tell the parent, and leave without unwinding."""
    code = 0
    try:
        # Also at the parent's SIGABRT, for a hang in C code the alarm cannot stop.  (Not
        # faulthandler's own watchdog: one armed in the parent, by pytest say, cannot be
        # cancelled in a fork, whose watchdog thread is gone.)
        faulthandler.enable(file=fault, all_threads=True)
        judge.interpreter.hook = _Tell(judge, channel)
        verdict = Judge.run(judge, script, record=record)
        portable = _portable(judge, verdict, channel)
        _send(channel, ("packing",))  # no model code from here on: no time limit
        _send(channel, ("done", portable))
    except BaseException:  # anything: the parent reports it, the child must not go on
        try:
            _send(channel, ("error", traceback.format_exc()))
        finally:
            code = 70
    os._exit(code)


class IsolatedJudge(Judge):
    """A :class:`~apifuzz.engine.judge.Judge` that runs each script in a forked child.

    A fatal signal in the child is a bug of signature kind "signal"; a hang the
    alarm could not stop, which the parent ends past the timeout (SIGABRT for
    the stack, then SIGKILL), is a timeout bug.  Their Verdict holds a
    :class:`~apifuzz.engine.native.RemoteBug` (``died`` set) whose line and
    method are the call that was running.
    """

    def run(self, script: bytes | str, *, record: bool = False) -> Verdict:
        """Run ``script`` once in a child process; never dies of what kills the child."""
        self.runs += 1
        sys.stdout.flush()
        sys.stderr.flush()
        with tempfile.TemporaryFile() as fault:
            receive, send = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child ends in os._exit
                os.close(receive)
                _child(self, script, record, send, fault.fileno())
            os.close(send)
            messages, hung, status = self._wait(pid, receive)
            fault.seek(0)
            text = fault.read().decode("utf-8", "replace")
        return self._verdict(script, record, messages, hung, status, text)

    def _wait(self, pid: int, receive: int) -> tuple[list[tuple[Any, ...]], bool, int]:
        """The child's messages until it ends, whether it hung (we stopped it), its status.

        Past the timeout and a grace since its last message (the child tells of
        each call as it starts: a long script is no hang), the child is still in a
        call the alarm could not stop: SIGABRT makes its faulthandler write the
        stack and end it, and SIGKILL follows if even that does not.
        """
        deadline = time.monotonic() + self.timeout + GRACE if self.timeout > 0 else None
        stops = [signal.SIGABRT, signal.SIGKILL]
        buffer, hung, reaped, offset = bytearray(), False, False, 0
        try:
            while True:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([receive], [], [], left)
                if not ready:
                    os.kill(pid, stops.pop(0))
                    hung = True
                    deadline = time.monotonic() + BACKSTOP if stops else None
                    continue
                chunk = os.read(receive, 65536)
                if not chunk:
                    break
                buffer += chunk
                if not hung and deadline is not None:
                    # A call starts: the time limit is a statement's, not the script's.
                    deadline = time.monotonic() + self.timeout + GRACE
                    got, offset = _read(buffer, offset)
                    if any(m[0] == "packing" for m in got):
                        deadline = None
            _, status = os.waitpid(pid, 0)
            reaped = True
        finally:
            os.close(receive)
            if not reaped:  # interrupted (Ctrl-C): the child goes too
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        return _messages(buffer), hung, status

    def _verdict(
        self,
        script: bytes | str,
        record: bool,
        messages: list[tuple[Any, ...]],
        hung: bool,
        status: int,
        text: str,
    ) -> Verdict:
        for message in messages:
            if message[0] == "done":
                verdict: Verdict = message[1]
                return verdict
            if message[0] == "error":
                last = message[1].strip().splitlines()[-1]
                raise ApifuzzError(f"replaying the script in a child process failed: {last}")
        at = next((m for m in reversed(messages) if m[0] == "at"), None)
        fault = parse_fault(text)
        frames = fault.frames if fault is not None else ()
        if hung:
            fault = Fault("timeout", "Timeout", frames, text)
        elif os.WIFSIGNALED(status):
            fault = Fault("signal", signal.Signals(os.WTERMSIG(status)).name, frames, text)
        else:
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
            raise ApifuzzError(
                f"the script ended the replaying process (exit code {code}) without a bug report"
            )
        return self._death(script, record, fault, at)

    def _death(
        self, script: bytes | str, record: bool, fault: Fault, at: tuple[Any, ...] | None
    ) -> Verdict:
        """The verdict of a child that died of ``fault`` in the call ``at`` (None: building)."""
        index, method, call = (at[1], at[2], at[3]) if at is not None else (-1, None, "")
        hang = fault.kind == "timeout"
        error: Exception = NativeHang() if hang else FatalSignal(fault.error)
        where = f"line {index + 1}, in {method}" if method else "construction"
        bug = RemoteBug(
            BugKind.EXCEPTION,
            error,
            index + 1,
            method,
            text=self._account(fault) + fault.text,
            model_text=model_stack(fault, self.model_dirs),
            shown=f"{where}: {what_killed(fault)}",
            died=True,
        )
        report = Report(bug=bug)
        if record and index >= 0:
            # The statements before the fatal one ran in the child: they run here too.
            lines = decode(script).split("\n")
            report = Judge.run(self, "\n".join(lines[:index]), record=True).report
            report.bug = bug
            report.statements.append(
                StatementResult(
                    index + 1, lines[index], Status.BUG, method=method, args=(Shown(call),)
                )
            )
        return Verdict(report, native_signature(fault, self.model_dirs), hang)

    def _account(self, fault: Fault) -> str:
        """The line above the child's faulthandler dump: what it shows."""
        if fault.kind == "timeout":
            return (
                f"hang in native code: still running {self.timeout + GRACE:g}s in, where the "
                "timeout alarm could not stop it; SIGABRT asked for this stack:\n"
            )
        return f"killed by {fault.error}; faulthandler's dump:\n"


def _messages(buffer: bytes | bytearray) -> list[tuple[Any, ...]]:
    """The whole messages in ``buffer`` (a child killed mid-write leaves a torn last one)."""
    return _read(buffer, 0)[0]


def _read(buffer: bytes | bytearray, offset: int) -> tuple[list[tuple[Any, ...]], int]:
    """The whole messages in ``buffer`` from ``offset``, and the offset past them."""
    out = []
    while offset + _LENGTH.size <= len(buffer):
        (length,) = _LENGTH.unpack_from(buffer, offset)
        start = offset + _LENGTH.size
        if start + length > len(buffer):
            break
        out.append(pickle.loads(buffer[start : start + length]))
        offset = start + length
    return out, offset
