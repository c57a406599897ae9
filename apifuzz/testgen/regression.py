"""``apifuzz to-test``: turn a crashing script into a pytest regression test.

The script is judged the way a fuzz worker judged it (same interpreter,
timeout, undo/redo oracle and signature; for a crash folder, the packages it
recorded), and a crash folder must show the bug it recorded (``any_bug``
accepts another one).  Its calls are then collected with the ids they create
(:mod:`apifuzz.testgen.steps`) and written as a test with libcst
(:mod:`apifuzz.testgen.emit`): into a new file, or appended to an
existing one, whose content stays an exact prefix of the result.  The test
fails while the bug is there, with the same exception raised in the same place
of the model, and passes once it is fixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from apifuzz.atomic import atomic_write
from apifuzz.engine.crashes import Artifact, is_artifact, load_artifact, owning_artifact
from apifuzz.engine.hangs import alarm
from apifuzz.engine.replay import ReplaySetup, died, replay_setup, why_no_bug
from apifuzz.engine.triage import Hang, Signature, model_dirs, signature_of
from apifuzz.errors import ApifuzzError
from apifuzz.interpreter.parser import is_blank
from apifuzz.interpreter.runner import decode
from apifuzz.language import LoadedTarget, as_loaded
from apifuzz.model.target import Target
from apifuzz.testgen.emit import BugInfo, GeneratedTest, emit
from apifuzz.testgen.steps import Outcome, Steps, collect_steps


@dataclass(frozen=True)
class WrittenTest:
    """What ``to_test`` did."""

    path: Path
    test_name: str
    steps: int
    status: Literal["created", "appended", "present"]  # "present": nothing written
    signature: Signature
    undo_redo: bool  # the undo/redo oracle ran after every step
    oracle_from_artifact: bool = False  # switched on because the crash was found with it
    recorded: Signature | None = None  # the crash folder's signature, when it has one

    def describe(self) -> str:
        """One line: ``created FILE: test_x, 4 steps (bug)``, ``appended to ...``, or present."""
        bug = self.signature.describe()
        if self.status == "present":
            return f"{self.path} already has {self.test_name} ({bug}): nothing written"
        where = "created" if self.status == "created" else "appended to"
        return f"{where} {self.path}: {self.test_name}, {self.steps} steps ({bug})"


def default_output(target: Target) -> Path:
    """``tests/regression/test_<target name>_regressions.py``.

    Not ``test_<target name>.py``: a project's own tests often use that name, and
    pytest's default import mode refuses two test modules with one basename.
    """
    slug = re.sub(r"\W+", "_", target.name).strip("_") or "target"
    return Path("tests", "regression", f"test_{slug}_regressions.py")


def read_script(path: Path) -> tuple[bytes, Artifact | None]:
    """A script file, or a crash folder's best input (``minimized.txt``, else ``input.txt``)."""
    if path.is_dir():
        if not is_artifact(path):
            raise ApifuzzError(f"{path} is a folder but not a crash folder (no input.txt in it)")
        artifact = load_artifact(path)
        return artifact.best, artifact
    try:
        return path.read_bytes(), owning_artifact(path)
    except OSError as exc:
        raise ApifuzzError(f"cannot read script {str(path)!r}: {exc.strerror}") from None


def to_test(
    target: LoadedTarget | str,
    script: Path,
    *,
    out: Path | None = None,
    undo_redo: bool = False,
    corpus: Path | None = None,
    timeout: float | None = None,
    any_bug: bool = False,
) -> WrittenTest:
    """Write the regression test of the bug ``script`` shows on ``target``.

    A crash folder is replayed as its worker ran it (its oracle, its packages)
    and must show the signature it recorded, unless ``any_bug``: a test of
    whatever bug shows now is then written.  Raises ApifuzzError (a one-line
    usage error) when the script shows no bug (or another bug than recorded),
    cannot be read, or the output file cannot be written.
    """
    loaded = as_loaded(target, corpus)
    data, artifact = read_script(script)
    # A crash folder is replayed as its worker ran it: its aliases, oracle and packages.
    setup = replay_setup(loaded, artifact, undo_redo=undo_redo, timeout=timeout)
    if artifact is None or artifact.signature is None:
        setup = setup.probed(data)  # a plain script may kill the process: a child tells
    signature, fatal_line = _bug_shown(script, data, setup, artifact, any_bug)
    if fatal_line is None:
        steps = _steps_again(script, data, setup, signature)
    else:
        steps = _steps_before(script, data, setup, fatal_line)
    minimized_from = None
    if artifact is not None and artifact.minimized is not None and data == artifact.minimized:
        minimized_from = _statements(artifact.script)
    test = GeneratedTest(
        steps,
        _bug_info(signature),
        decode(data),
        setup.timeout,
        loaded.importable_ref(),
        minimized_from=minimized_from,
        in_child=fatal_line is not None,
    )
    path = out if out is not None else default_output(loaded.target)
    emitted = emit(test, _read_existing(path))
    status: Literal["created", "appended", "present"] = "present"
    if emitted.code is not None:
        status = "appended" if emitted.appended else "created"
        _write(path, emitted.code)
    return WrittenTest(
        path,
        emitted.test_name,
        emitted.steps,
        status,
        signature,
        setup.undo_redo,
        oracle_from_artifact=setup.undo_redo and not undo_redo,
        recorded=artifact.signature if artifact is not None else None,
    )


def _bug_shown(
    script: Path, data: bytes, setup: ReplaySetup, artifact: Artifact | None, any_bug: bool
) -> tuple[Signature, int | None]:
    """The signature of the bug the script shows, and the line of the call that kills the
    process when it is such a bug; raises ApifuzzError when it is not the one."""
    verdict = setup.judge().run(data)
    signature = verdict.signature
    recorded = artifact.signature if artifact is not None else None
    if signature is None:
        raise ApifuzzError(_no_bug(script, setup, artifact))
    if recorded is not None and not recorded.matches(signature) and not any_bug:
        raise ApifuzzError(
            f"{script}: the folder recorded {recorded.describe()}, the replay shows "
            f"{signature.describe()}; --any-bug writes a test of the bug it shows"
        )
    if not died(verdict):
        return signature, None
    assert verdict.bug is not None
    if verdict.bug.line <= 0 or verdict.bug.method is None:
        raise ApifuzzError(
            f"{script}: {signature.describe()} kills the process outside the calls of the "
            "model (while building it, or in an @ids provider); a test cannot show that as a call"
        )
    return signature, verdict.bug.line


def _collect(setup: ReplaySetup, data: bytes, stop_at: int | None = None) -> Steps:
    """The script's calls as the worker made them, each statement timed as a hang."""
    timeout = setup.timeout
    return collect_steps(
        setup.language(),
        data,
        undo_redo=setup.undo_redo,
        limit=lambda position: alarm(timeout, position),
        interrupt=(Hang,),
        stop_at=stop_at,
    )


def _steps_before(script: Path, data: bytes, setup: ReplaySetup, line: int) -> Steps:
    """The script's calls up to the one of ``line``, which kills the process: not made here."""
    steps = _collect(setup, data, stop_at=line)
    if not steps.steps or steps.steps[-1].outcome is not Outcome.KILLED:
        raise ApifuzzError(
            f"{script} killed the process at line {line} in a child, and ran otherwise here; "
            f"a test needs a model that behaves the same on every run"
        )
    return steps


def _steps_again(script: Path, data: bytes, setup: ReplaySetup, signature: Signature) -> Steps:
    """The script's calls, collected on a second run that must show the same bug."""
    steps = _collect(setup, data)
    again: Signature | None = None
    if steps.hang:
        again = signature if signature.kind == "timeout" else None
    elif steps.bug is not None:
        again = signature_of(steps.bug, model_dirs(setup.packages))
    if again != signature:
        shown = again.describe() if again is not None else "no bug"
        raise ApifuzzError(
            f"{script} showed {signature.describe()} once and {shown} when run again; "
            f"a test needs a model that behaves the same on every run"
        )
    return steps


def _bug_info(signature: Signature) -> BugInfo:
    """What the generated test checks of the bug."""
    return BugInfo(
        signature.kind,
        signature.error,
        signature.invariant,
        signature.key(),
        signature.describe(),
    )


def _write(path: Path, code: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, code)
    except OSError as exc:
        raise ApifuzzError(f"cannot write {path}: {exc.strerror}") from None


def _no_bug(script: Path, setup: ReplaySetup, artifact: Artifact | None) -> str:
    """The error for a script that shows no bug, with what may explain it."""
    oracle = " with the undo/redo oracle" if setup.undo_redo else ""
    hints = why_no_bug(setup, artifact)
    if artifact is not None and artifact.signature is not None:
        recorded = artifact.signature.describe()
        return f"{script}: the folder recorded {recorded}, the replay shows no bug{oracle}{hints}"
    return f"{script} shows no bug{oracle}: there is nothing to turn into a test{hints}"


def _statements(script: bytes) -> int:
    """The statements of a script: its lines that are neither blank nor comments."""
    return sum(1 for line in decode(script).split("\n") if not is_blank(line))


def _read_existing(path: Path) -> str | None:
    if not path.exists():
        return None
    if path.is_dir():
        raise ApifuzzError(f"{path} is a folder; -o names the test file to write")
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ApifuzzError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ApifuzzError(f"cannot append to {path}: it is not UTF-8 text") from None
