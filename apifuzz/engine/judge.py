"""Run one script the way a fuzz worker does and say which bug, if any, it shows.

The minimizer, ``apifuzz replay`` of crash folders and the regression plugin
all need the same verdict as the worker that found the crash: the same
interpreter, the same hang timeout and the same signature.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.triage import Hang, Signature, model_dirs, raise_hang, signature_of
from apifuzz.interpreter import Interpreter
from apifuzz.interpreter.report import Bug, Report
from apifuzz.language import Language


@dataclass
class Verdict:
    """What one run of a script showed."""

    report: Report
    signature: Signature | None  # None: no bug
    hang: bool = False

    @property
    def bug(self) -> Bug | None:
        """The bug, or None."""
        return self.report.bug


class Judge:
    """Runs scripts on fresh models and computes the signature of their bug.

    ``undo_redo`` runs the undo/redo oracle after every call, as ``apifuzz fuzz
    --undo-redo`` does (the target must declare undo and redo).
    """

    def __init__(
        self,
        language: Language,
        packages: Iterable[str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        undo_redo: bool = False,
    ) -> None:
        self.language = language
        # With undo_redo the worker ran the undo/redo oracle after every call: so must we.
        self.interpreter = Interpreter(language, undo_redo=undo_redo)
        self.model_dirs = model_dirs(packages)
        self.timeout = timeout
        self.runs = 0

    def run(self, script: bytes | str, *, record: bool = False) -> Verdict:
        """Run ``script`` once; a run longer than the timeout is a timeout bug."""
        self.runs += 1
        try:
            with alarm(self.timeout):
                report = self.interpreter.run(script, record=record)
        except Hang as exc:
            bug = self.interpreter.interrupted_bug(exc)
            return Verdict(Report(bug=bug), signature_of(bug, self.model_dirs, hang=True), True)
        if report.bug is None:
            return Verdict(report, None)
        return Verdict(report, signature_of(report.bug, self.model_dirs))


class alarm:  # lower case, as contextlib.suppress: it reads as ``with alarm(seconds):``
    """Raise :class:`Hang` in the block after ``seconds``, as a fuzz worker's timeout does.

    SIGALRM only reaches the main thread: elsewhere, or with ``seconds`` 0,
    the block runs without a limit.  The previous SIGALRM handler is restored
    on the way out.  A plain class, not a generator: the minimizer enters one
    per run.
    """

    __slots__ = ("armed", "previous", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.previous: Any = None

    def __enter__(self) -> None:
        if self.seconds > 0 and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, raise_hang)
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            self.armed = False
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            finally:  # even when the alarm goes off right now
                signal.signal(signal.SIGALRM, self.previous)
