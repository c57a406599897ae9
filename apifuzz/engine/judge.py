"""Run one script the way a fuzz worker does and say which bug, if any, it shows.

The minimizer, ``apifuzz replay`` of crash folders and the regression plugin
all need the same verdict as the worker that found the crash: the same
interpreter, the same hang timeout and the same signature.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.hangs import alarm
from apifuzz.engine.triage import Hang, Signature, model_dirs, signature_of
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
        self._alarm = alarm(timeout, self.interpreter.position)
        self.runs = 0

    def run(self, script: bytes | str, *, record: bool = False) -> Verdict:
        """Run ``script`` once; a statement that runs longer than the timeout is a hang.

        The report of a hang counts the statements that ran before it.
        """
        self.runs += 1
        try:
            with self._alarm:
                report = self.interpreter.run(script, record=record)
        except Hang as exc:
            report = self.interpreter.interrupted(exc)
            assert report.bug is not None
            return Verdict(report, signature_of(report.bug, self.model_dirs, hang=True), True)
        if report.bug is None:
            return Verdict(report, None)
        return Verdict(report, signature_of(report.bug, self.model_dirs))
