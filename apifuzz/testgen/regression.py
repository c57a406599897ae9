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

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from apifuzz.atomic import atomic_write
from apifuzz.engine.crashes import Artifact, is_artifact, load_artifact, owning_artifact
from apifuzz.engine.judge import alarm
from apifuzz.engine.replay import ReplaySetup, replay_setup, why_no_bug
from apifuzz.engine.triage import Hang, Signature, model_dirs, signature_of
from apifuzz.errors import ApifuzzError
from apifuzz.interpreter.parser import is_blank
from apifuzz.interpreter.runner import decode
from apifuzz.model.loader import load_target
from apifuzz.model.target import Target
from apifuzz.testgen.emit import BugInfo, GeneratedTest, emit
from apifuzz.testgen.steps import collect_steps


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
    spec: str,
    script: Path,
    *,
    out: Path | None = None,
    undo_redo: bool = False,
    corpus: Path | None = None,
    timeout: float | None = None,
    any_bug: bool = False,
) -> WrittenTest:
    """Write the regression test of the bug ``script`` shows on target ``spec``.

    A crash folder is replayed as its worker ran it (its oracle, its packages)
    and must show the signature it recorded, unless ``any_bug``: a test of
    whatever bug shows now is then written.  Raises ApifuzzError (a one-line
    usage error) when the script shows no bug (or another bug than recorded),
    cannot be read, or the output file cannot be written.
    """
    target = load_target(spec)
    data, artifact = read_script(script)
    # A crash folder is replayed as its worker ran it: its aliases, oracle and packages.
    setup = replay_setup(
        spec, artifact, target=target, corpus=corpus, undo_redo=undo_redo, timeout=timeout
    )
    from_artifact = setup.undo_redo and not undo_redo
    undo_redo, timeout = setup.undo_redo, setup.timeout
    language = setup.language()
    verdict = setup.judge().run(data)
    signature = verdict.signature
    recorded = artifact.signature if artifact is not None else None
    if signature is None:
        raise ApifuzzError(_no_bug(spec, script, setup, artifact))
    if recorded is not None and signature != recorded and not any_bug:
        raise ApifuzzError(
            f"{script}: the folder recorded {recorded.describe()}, the replay shows "
            f"{signature.describe()}; --any-bug writes a test of the bug it shows"
        )

    steps = collect_steps(
        language,
        data,
        undo_redo=undo_redo,
        limit=lambda: alarm(timeout),
        interrupt=(Hang,),
    )
    again: Signature | None = None
    if steps.hang:
        again = signature if verdict.hang else None
    elif steps.bug is not None:
        again = signature_of(steps.bug, model_dirs(setup.packages))
    if again != signature:
        shown = again.describe() if again is not None else "no bug"
        raise ApifuzzError(
            f"{script} showed {signature.describe()} once and {shown} when run again; "
            f"a test needs a model that behaves the same on every run"
        )

    bug = BugInfo(
        signature.kind,
        signature.error,
        signature.invariant,
        signature.key(),
        signature.describe(),
    )
    minimized_from = None
    if artifact is not None and artifact.minimized is not None and data == artifact.minimized:
        minimized_from = _statements(artifact.script)
    test = GeneratedTest(
        steps, bug, decode(data), timeout, _target_ref(spec), minimized_from=minimized_from
    )
    path = out if out is not None else default_output(target)
    existing = _read_existing(path)
    emitted = emit(test, existing)
    if emitted.code is None:
        status: Literal["created", "appended", "present"] = "present"
    else:
        status = "appended" if emitted.appended else "created"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, emitted.code)
        except OSError as exc:
            raise ApifuzzError(f"cannot write {path}: {exc.strerror}") from None
    return WrittenTest(
        path,
        emitted.test_name,
        emitted.steps,
        status,
        signature,
        undo_redo,
        from_artifact,
        recorded,
    )


def _no_bug(spec: str, script: Path, setup: ReplaySetup, artifact: Artifact | None) -> str:
    """The error for a script that shows no bug, with what may explain it."""
    oracle = " with the undo/redo oracle" if setup.undo_redo else ""
    hints = why_no_bug(spec, setup, artifact)
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


def _target_ref(spec: str) -> tuple[str, str] | None:
    """``(module, attribute)`` of the Target, when ``spec`` names one (the last resort for
    a factory or action a test cannot import by name)."""
    module, _, attribute = spec.partition(":")
    attribute = attribute or "target"
    try:
        value = getattr(importlib.import_module(module), attribute, None)
    except ImportError:
        return None
    return (module, attribute) if isinstance(value, Target) else None
