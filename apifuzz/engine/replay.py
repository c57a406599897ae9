"""Replaying crash folders: find them, run them as the worker did, compare signatures.

Shared by ``apifuzz replay``, ``minimize``, ``to-test`` and the regression
plugin (``pytest --apifuzz-regress``), so all of them replay the same folder
the same way and say the same thing about it (``cov`` reads the folders'
aliases with :func:`artifact_lock` too).
"""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path

from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.crashes import SIGNATURE_NAME, Artifact, artifact_lock
from apifuzz.engine.judge import Judge, Verdict
from apifuzz.engine.native import RemoteBug
from apifuzz.engine.timeouts import RANGE, timeout_ok
from apifuzz.engine.triage import Signature, shell_assignments
from apifuzz.language import Language, LoadedTarget, as_loaded
from apifuzz.model.target import Target, require_undo_redo
from apifuzz.text import utf8_safe


@dataclass(frozen=True)
class ReplaySetup:
    """How to replay a script: the aliases, the oracle and the packages that make signatures.

    Equal setups replay alike, so callers that replay many folders keep one
    Judge per setup.
    """

    loaded: LoadedTarget = field(compare=False)
    lock: Path | None
    undo_redo: bool
    packages: tuple[str, ...]
    timeout: float  # seconds; 0: no limit
    # Each run in a forked child (engine.isolated): a fatal signal or a hang in native
    # code is reported, not suffered.  Only where needed: a fork per run costs milliseconds.
    isolate: bool = False

    @property
    def target(self) -> Target:
        """The target replayed."""
        return self.loaded.target

    def language(self) -> Language:
        """The target's language with the aliases the script was written in."""
        return Language.for_target(self.target, self.lock)

    def judge(self) -> Judge:
        """A Judge that runs scripts as the fuzz worker did (each in a child with ``isolate``)."""
        from apifuzz.engine.isolated import IsolatedJudge

        kind = IsolatedJudge if self.isolate else Judge
        return kind(self.language(), self.packages, timeout=self.timeout, undo_redo=self.undo_redo)

    def probed(self, script: bytes) -> ReplaySetup:
        """This setup, isolated when ``script`` dies in native code when run in a child.

        For a script whose crash folder does not say (a plain script): one run in
        a child decides whether every later run needs one.
        """
        if self.isolate:
            return self
        verdict = replace(self, isolate=True).judge().run(script)
        return replace(self, isolate=True) if died(verdict) else self


def replay_setup(
    target: LoadedTarget | str,
    artifact: Artifact | None = None,
    *,
    corpus: Path | None = None,
    undo_redo: bool = False,
    timeout: float | None = None,
    isolate: bool = False,
) -> ReplaySetup:
    """Replay a script (``artifact`` None) or a crash folder as the worker that found it.

    The aliases come from the target's corpus when one was given, else from
    the folder (its own lock or its workdir's), else from the target's default
    corpus.  A folder found with the undo/redo oracle turns the oracle on, its
    recorded packages decide which frames make the signature, and its recorded
    timeout applies unless ``timeout`` is given.  A folder whose bug killed its
    worker (a fatal signal; a timeout, which may be a hang in native code) is
    replayed in a child process per run, and so is any script with ``isolate``.
    Raises ApifuzzError when the oracle is asked of a target without undo and redo.
    """
    loaded = as_loaded(target, corpus)
    if timeout is None:
        timeout = recorded_timeout(artifact)
    lock: Path | None
    if loaded.corpus is not None:
        lock = loaded.lock_path
    else:
        lock = artifact_lock(artifact.folder) if artifact is not None else None
        lock = lock or loaded.lock_path
    # Found with the undo/redo oracle on: the bug may only show with it.
    undo_redo = undo_redo or (artifact is not None and artifact.undo_redo)
    if undo_redo:
        require_undo_redo(loaded.target)
    packages = loaded.packages()
    if artifact is not None:
        packages = artifact.packages_or(packages)
    lock = lock if lock is not None and lock.is_file() else None
    # A bug that killed its worker (or may have: a hang the alarm could not stop) would
    # kill the replay too.
    signature = artifact.signature if artifact is not None else None
    isolate = isolate or (signature is not None and signature.kind in NATIVE_KINDS)
    return ReplaySetup(loaded, lock, undo_redo, tuple(packages), timeout, isolate)


#: The signature kinds whose scripts may kill the process replaying them.
NATIVE_KINDS = ("signal", "timeout")


def died(verdict: Verdict) -> bool:
    """Whether the script's process died of its bug (a fatal signal, a native hang)."""
    return isinstance(verdict.bug, RemoteBug) and verdict.bug.died


def recorded_timeout(artifact: Artifact | None) -> float:
    """The timeout a crash folder records; the default when it records none or a bad one.

    A folder found with ``--timeout 0`` (no limit) still gets one: a replay in CI
    must end.  A value out of range (hand-edited, or written before the range was
    checked) gets a one-line warning on stderr, once per folder.
    """
    recorded = artifact.timeout if artifact is not None else None
    if artifact is None or not recorded:
        return DEFAULT_TIMEOUT
    if not timeout_ok(recorded):
        if artifact.folder not in _WARNED:
            _WARNED.add(artifact.folder)
            sys.stderr.write(
                f"WARNING: {artifact.folder / SIGNATURE_NAME} records timeout {recorded:g}, "
                f"not {RANGE}; using {DEFAULT_TIMEOUT:g}s (--timeout S sets one)\n"
            )
        return DEFAULT_TIMEOUT
    return recorded


#: The folders already warned about (replay reads input.txt and minimized.txt alike).
_WARNED: set[Path] = set()


def why_no_bug(setup: ReplaySetup, artifact: Artifact | None) -> str:
    """What may explain that a script showed no bug: ``''`` or ``'; hint; hint'``.

    Shared by ``minimize`` and ``to-test``: another target than the folder's,
    a missing environment variable the fuzzer ran with, or (for a plain
    script) an oracle that was on when it was found.
    """
    hints = []
    spec = setup.loaded.spec
    if artifact is not None and artifact.target not in (None, spec):
        hints.append(f"the folder was recorded with target {artifact.target}, not {spec}")
    if artifact is not None and artifact.signature is not None:
        missing = {k: v for k, v in artifact.environment.items() if os.environ.get(k) != v}
        if missing:
            hints.append(f"the fuzzer ran with {shell_assignments(missing).strip()}: set it too")
        elif not hints:
            hints.append("fixed since it was found?")
    elif not setup.undo_redo and setup.target.has_undo_redo:
        hints.append("if the fuzzer found it with --undo-redo, give --undo-redo too")
    return "".join(f"; {hint}" for hint in hints)


@dataclass(frozen=True)
class Reproduction:
    """What a replay showed, compared with the signature recorded in the folder."""

    recorded: Signature | None
    found: Signature | None

    @property
    def reproduced(self) -> bool:
        """True when the recorded bug showed again."""
        return self.recorded is not None and self.recorded.matches(self.found)

    def describe(self) -> str:
        """``reproduced: ...``, ``different bug: ... (recorded: ...)``, ``not reproduced: ...``."""
        found, recorded = self.found, self.recorded
        if recorded is None:
            if found is None:
                return "no bug (no signature recorded)"
            return f"bug: {found.describe()} (no signature recorded)"
        if found is None:
            return f"not reproduced: no bug (recorded: {recorded.describe()})"
        if recorded.matches(found):
            return f"reproduced: {found.describe()}"
        return f"different bug: {found.describe()} (recorded: {recorded.describe()})"


def model_traceback(verdict: Verdict, model_dirs: tuple[str, ...]) -> str:
    """The bug's traceback cut down to the model's own frames (no apifuzz internals).

    Lone surrogates in it (a message echoing a string argument) are escaped, so
    it can be printed and written as UTF-8.
    """
    bug = verdict.bug
    if bug is None:
        return ""
    if isinstance(bug, RemoteBug):
        return bug.model_text  # the other process cut it down already
    error = bug.error
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(model_dirs)]
    lines = ["Traceback (model frames only):\n"] if ours else []
    lines += traceback.format_list(ours)
    lines += traceback.format_exception_only(error)
    return utf8_safe("".join(lines))
