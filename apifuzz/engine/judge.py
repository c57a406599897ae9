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
from types import FrameType

from apifuzz.engine.triage import Hang, Signature, model_dirs, signature_of
from apifuzz.interpreter import Interpreter
from apifuzz.interpreter.report import Bug, BugKind, Report
from apifuzz.language import Language


def target_packages(spec: str, instrument: Iterable[str] = ()) -> list[str]:
    """The top-level packages whose frames are the model's: the target's own, and extras."""
    return sorted({spec.split(":")[0].split(".")[0], *instrument})


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
        timeout: float = 5.0,
        interpreter: Interpreter | None = None,
        undo_redo: bool = False,
    ) -> None:
        self.language = language
        # With undo_redo the worker ran the undo/redo oracle after every call: so must we.
        self.interpreter = interpreter or Interpreter(language, undo_redo=undo_redo)
        self.model_dirs = model_dirs(packages)
        self.timeout = timeout
        self.runs = 0

    def run(self, script: bytes | str, *, record: bool = False) -> Verdict:
        """Run ``script`` once; a run longer than the timeout is a timeout bug."""
        self.runs += 1
        alarm = self.timeout > 0 and threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGALRM, _raise_hang) if alarm else None
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            report = self.interpreter.run(script, record=record)
        except Hang as exc:
            bug = Bug(BugKind.EXCEPTION, exc, 0, None)
            return Verdict(Report(bug=bug), signature_of(bug, self.model_dirs, hang=True), True)
        finally:
            if alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        if report.bug is None:
            return Verdict(report, None)
        return Verdict(report, signature_of(report.bug, self.model_dirs))


def _raise_hang(signum: int, frame: FrameType | None) -> None:
    raise Hang("timeout")
