"""Crash signatures: what makes two failures the same *way* of failing.

A signature is the exception type, the innermost frame in the model's own
code (file, function, line), the API method the failure surfaced in (the
call the exception escaped from, or the call after which the invariant
failed) and, for an invariant failure, the invariant's name.  libFuzzer only
says "fuzz target exited", so deduplication is ours.

A signature is a *variant*; one bug (a root cause) may show as several
(:mod:`apifuzz.engine.bugs` keeps them together).  The API method is part of
the signature so that one assertion broken through two API paths starts as
two variants: only evidence merges them (:mod:`apifuzz.engine.rootcause`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import sys
import traceback
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Literal

from apifuzz.interpreter.report import Bug, BugKind


def apifuzz_environment() -> dict[str, str]:
    """The APIFUZZ_* variables set here: a model may read them (the example's bug switches)."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("APIFUZZ_")}


def shell_assignments(environment: dict[str, str]) -> str:
    """``A=1 B='x y' `` for a shell command line; empty for no variables."""
    return "".join(f"{k}={shlex.quote(v)} " for k, v in environment.items())


class Hang(BaseException):
    """Raised into the model by the timeout alarm (a BaseException: models rarely catch it)."""


#: What kind of failure a signature names; "oracle": undo then redo did not give back the state;
#: "signal": a fatal signal (a crash in native code) killed the process.
SignatureKind = Literal["exception", "invariant", "timeout", "oracle", "signal"]


@dataclass(frozen=True)
class Signature:
    """What makes two failures the same bug."""

    kind: SignatureKind
    error: str  # exception type name
    file: str  # innermost frame in the model's code ("" when none)
    function: str
    line: int
    invariant: str = ""
    method: str = ""  # the API method it surfaced in ("" in folders of older versions)

    def key(self) -> str:
        """A stable folder name: readable prefix and a short hash."""
        fields = asdict(self)
        if not self.method:
            del fields["method"]  # a signature recorded before it had one keeps its key
        text = json.dumps(fields, sort_keys=True)
        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        parts = (self.kind, self.error, self.invariant or self.function or "model")
        slug = "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", p) for p in parts)[:60]
        return f"{slug}-{digest}"

    def matches(self, other: Signature | None) -> bool:
        """Whether ``other`` is this signature, as recorded by this or an older version.

        A signature recorded before signatures named the API method has none:
        it matches the same failure surfacing in any method.
        """
        if other is None:
            return False
        if self.method and other.method:
            return self == other
        return replace(self, method="") == replace(other, method="")

    def describe(self) -> str:
        """``AssertionError in check_consistency at model.py:812 (invariant)``."""
        place = f"{Path(self.file).name}:{self.line}" if self.file else "?"
        what = f"{self.error} in {self.function or '?'} at {place}"
        if self.kind == "invariant":
            what = f"invariant {self.invariant}: {what}"
        elif self.kind == "timeout":
            what = f"timeout in {self.function or '?'} at {place}"
        elif self.kind == "oracle":
            return f"oracle: undo/redo after {self.function or '?'} ({self.error})"
        elif self.kind == "signal":
            what = f"fatal signal {what}"
        if self.method and self.method != self.function:
            what += f", {'after' if self.kind == 'invariant' else 'from'} {self.method}"
        return what


def model_stack(bug: Bug, model_dirs: tuple[str, ...]) -> tuple[str, ...]:
    """The model's frames an exception passed through, ``function:line``, outermost first
    (the API method's own frame included); none for an invariant or the oracle."""
    if bug.kind is not BugKind.EXCEPTION:
        return ()
    frames = _frames(bug.error.__traceback__)
    return tuple(f"{name}:{line}" for file, name, line in frames if file.startswith(model_dirs))


def _frames(tb: TracebackType | None) -> list[tuple[str, str, int]]:
    return [(f.filename, f.name, f.lineno or 0) for f in traceback.extract_tb(tb)]


def model_dirs(packages: Iterable[str]) -> tuple[str, ...]:
    """The folders (or single files) of the model's imported top-level packages."""
    dirs = []
    for name in packages:
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None)
        if path:
            base = Path(path).parent if Path(path).name == "__init__.py" else Path(path)
            dirs.append(str(base))
    return tuple(dirs) or ("\0",)


def _relative(file: str, dirs: tuple[str, ...]) -> str:
    # Relative to the folder holding the package, so a signature (and its folder
    # name) is the same on every machine and in every checkout.
    for base in dirs:
        if file.startswith(base):
            return os.path.relpath(file, os.path.dirname(base))
    return file


def signature_of(bug: Bug, model_dirs: tuple[str, ...], *, hang: bool = False) -> Signature:
    """The signature of a bug; frames outside ``model_dirs`` are not the model's."""
    error = bug.error
    frames = _frames(error.__traceback__)
    ours = [f for f in frames if f[0].startswith(model_dirs)]
    file, function, line = ours[-1] if ours else (frames[-1] if frames else ("", "", 0))
    file = _relative(file, model_dirs)
    method = bug.method or ""
    if hang:
        # A hang is interrupted wherever it happens to be: the function, not the line.
        return Signature("timeout", "Timeout", file, function, 0, method=method)
    if bug.kind is BugKind.ORACLE:
        # No model frame raised it (the oracle compared states): the call after which
        # undo/redo failed names the bug, so different calls are different bugs.
        return Signature("oracle", type(error).__name__, "", bug.method or "", 0)
    kind: SignatureKind = "invariant" if bug.kind is BugKind.INVARIANT else "exception"
    return Signature(kind, type(error).__name__, file, function, line, bug.invariant or "", method)
