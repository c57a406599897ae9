"""Crash triage: one signature per bug, one folder per signature, written atomically.

A signature is the exception type, the innermost frame in the model's own
code (file, function, line) and, for an invariant failure, the invariant's
name.  libFuzzer only says "fuzz target exited", so deduplication is ours.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import TracebackType

from apifuzz.interpreter.report import Bug, BugKind

INPUT_NAME = "input.txt"  # a crash folder's input, as the worker ran it
MINIMIZED_NAME = "minimized.txt"  # written beside it by the minimizer
SIGNATURE_NAME = "signature.json"  # the bug, and what the worker ran with


def apifuzz_environment() -> dict[str, str]:
    """The APIFUZZ_* variables set here: a model may read them (the example's bug switches)."""
    return {k: v for k, v in sorted(os.environ.items()) if k.startswith("APIFUZZ_")}


def shell_assignments(environment: dict[str, str]) -> str:
    """``A=1 B='x y' `` for a shell command line; empty for no variables."""
    return "".join(f"{k}={shlex.quote(v)} " for k, v in environment.items())


class Hang(BaseException):
    """Raised into the model by the timeout alarm (a BaseException: models rarely catch it)."""


def raise_hang(signum: int, frame: object) -> None:
    """The SIGALRM handler of every timeout: workers, the Judge, generated tests' replays."""
    raise Hang("timeout")


@dataclass(frozen=True)
class Signature:
    """What makes two failures the same bug."""

    kind: str  # "exception", "invariant", "timeout" or "oracle" (undo/redo)
    error: str  # exception type name
    file: str  # innermost frame in the model's code ("" when none)
    function: str
    line: int
    invariant: str = ""

    def key(self) -> str:
        """A stable folder name: readable prefix and a short hash."""
        text = json.dumps(asdict(self), sort_keys=True)
        digest = hashlib.sha1(text.encode()).hexdigest()[:10]
        parts = (self.kind, self.error, self.invariant or self.function or "model")
        slug = "-".join(re.sub(r"[^A-Za-z0-9_]+", "_", p) for p in parts)[:60]
        return f"{slug}-{digest}"

    def describe(self) -> str:
        """``AssertionError in check_consistency at model.py:812 (invariant)``."""
        place = f"{Path(self.file).name}:{self.line}" if self.file else "?"
        what = f"{self.error} in {self.function or '?'} at {place}"
        if self.kind == "invariant":
            what = f"invariant {self.invariant}: {what}"
        elif self.kind == "timeout":
            what = f"timeout in {self.function or '?'} at {place}"
        elif self.kind == "oracle":
            what = f"oracle: undo/redo after {self.function or '?'} ({self.error})"
        return what


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
    if hang:
        # A hang is interrupted wherever it happens to be: the function, not the line.
        return Signature("timeout", "Timeout", file, function, 0)
    if bug.kind is BugKind.ORACLE:
        # No model frame raised it (the oracle compared states): the call after which
        # undo/redo failed names the bug, so different calls are different bugs.
        return Signature("oracle", type(error).__name__, "", bug.method or "", 0)
    kind = "invariant" if bug.kind is BugKind.INVARIANT else "exception"
    return Signature(kind, type(error).__name__, file, function, line, bug.invariant or "")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once: os.umask can only be read by setting it.
_UMASK = _umask()


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write then rename: a kill at any moment leaves the old file or the new one.

    The file keeps its permissions (a new one gets the usual ``0o666 & ~umask``,
    not mkstemp's 0600), and a symlink keeps pointing at the file it names.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_symlink():
        path = path.resolve()
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        mode = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class CrashRecord:
    """One unique bug as stored in ``crashes/<key>/``."""

    key: str
    signature: Signature
    summary: str
    first_seen: float
    last_seen: float
    count: int = 0
    folder: Path = field(default=Path("."))


class CrashStore:
    """The ``crashes/`` folder of a workdir, shared by every worker.

    Each unique signature gets a folder, created atomically (the first worker
    to rename it into place wins), holding ``input.txt`` (the first input),
    ``traceback.txt``, ``summary.txt`` and ``reproduce.sh``.  Counts are kept
    per worker in ``count-<worker>.json`` so workers never write the same file.
    ``signature.json`` also names the target spec, whether the undo/redo
    oracle was on, the packages and the timeout, so that a crash folder can be
    replayed on its own, the way its worker ran it.
    """

    def __init__(
        self,
        root: Path,
        worker: str,
        reproduce: str,
        *,
        target: str | None = None,
        undo_redo: bool = False,
        packages: tuple[str, ...] = (),
        timeout: float | None = None,
    ) -> None:
        self.root = root
        self.worker = worker
        self.reproduce = reproduce  # a command with {folder} in it
        self.target = target
        self.undo_redo = undo_redo
        self.packages = packages  # whose frames the signature looked at
        self.timeout = timeout  # a run longer than this was a timeout bug
        self.root.mkdir(parents=True, exist_ok=True)
        self.counts: dict[str, dict[str, float]] = {}
        self.new: list[str] = []  # keys first seen by this worker
        self._dirty: set[str] = set()
        self._flushed = time.monotonic()

    def hit(self, signature: Signature, bug: Bug, data: bytes, traceback_text: str) -> bool:
        """Record one occurrence; returns True when the signature is new to the workdir."""
        key = signature.key()
        now = time.time()
        entry = self.counts.get(key)
        created = False
        if entry is None:
            created = self._create(key, signature, bug, data, traceback_text)
            entry = self.counts[key] = {"count": 0, "first_seen": now, "last_seen": now}
            if created:
                self.new.append(key)
        entry["count"] += 1
        entry["last_seen"] = now
        self._dirty.add(key)
        if created or time.monotonic() - self._flushed > 1.0:
            self.flush()
        return created

    def _create(
        self, key: str, signature: Signature, bug: Bug, data: bytes, traceback_text: str
    ) -> bool:
        folder = self.root / key
        if folder.exists():
            return False
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{key}."))
        try:
            (staging / INPUT_NAME).write_bytes(data)
            (staging / "traceback.txt").write_text(traceback_text, encoding="utf-8")
            info: dict[str, object] = {
                "signature": asdict(signature),
                "summary": bug.summary(),
                "describe": signature.describe(),
                "worker": self.worker,
            }
            if self.target is not None:
                info["target"] = self.target
            if self.undo_redo:
                info["undo_redo"] = True
            if self.packages:
                info["packages"] = list(self.packages)
            if self.timeout is not None:
                info["timeout"] = self.timeout
            environment = apifuzz_environment()
            if environment:
                info["environment"] = environment
            (staging / SIGNATURE_NAME).write_text(json.dumps(info, indent=2) + "\n")
            # Not str.format: an APIFUZZ_* value in the command may hold braces.
            command = self.reproduce.replace("{folder}", shlex.quote(str(folder.resolve())))
            (staging / "reproduce.sh").write_text(f"#!/bin/sh\n{command}\n")
            os.rename(staging, folder)  # atomic; fails if another worker was first
            return True
        except OSError:
            for item in staging.iterdir() if staging.exists() else ():
                item.unlink()
            if staging.exists():
                staging.rmdir()
            return False

    def flush(self) -> None:
        """Write the counts of signatures hit since the last flush."""
        for key in self._dirty:
            path = self.root / key / f"count-{self.worker}.json"
            if path.parent.is_dir():
                atomic_write(path, json.dumps(self.counts[key]) + "\n")
        self._dirty.clear()
        self._flushed = time.monotonic()


def load_crashes(root: Path) -> list[CrashRecord]:
    """Every crash folder with its counts summed over workers (incomplete folders skipped)."""
    records = []
    for folder in sorted(root.glob("*")) if root.is_dir() else ():
        info_path = folder / SIGNATURE_NAME
        if folder.name.startswith(".") or not info_path.exists():
            continue
        info = json.loads(info_path.read_text())
        count, first, last = 0, float("inf"), 0.0
        for counts in folder.glob("count-*.json"):
            try:
                c = json.loads(counts.read_text())
            except ValueError:
                continue
            count += int(c["count"])
            first, last = min(first, c["first_seen"]), max(last, c["last_seen"])
        records.append(
            CrashRecord(
                folder.name,
                Signature(**info["signature"]),
                info.get("summary", ""),
                first,
                last,
                count,
                folder,
            )
        )
    return records


@dataclass
class Artifact:
    """A crash folder read back: the input and, when recorded, its signature."""

    folder: Path
    script: bytes
    signature: Signature | None
    summary: str = ""
    minimized: bytes | None = None  # minimized.txt, when the minimizer wrote one
    target: str | None = None  # the target spec the fuzzer ran, when recorded
    undo_redo: bool = False  # found with the undo/redo oracle on: replay with it
    packages: tuple[str, ...] = ()  # the packages whose frames make the signature
    timeout: float | None = None  # the fuzzer's --timeout, when recorded
    environment: dict[str, str] = field(default_factory=dict)  # the fuzzer's APIFUZZ_* variables

    def packages_or(self, default: list[str]) -> list[str]:
        """The recorded packages (``--instrument`` adds some), else ``default``."""
        return list(self.packages) or default

    @property
    def best(self) -> bytes:
        """The minimized script when there is one, else the original input."""
        return self.minimized if self.minimized is not None else self.script


def is_artifact(path: Path) -> bool:
    """Whether ``path`` is a crash folder (it holds ``input.txt``)."""
    return path.is_dir() and (path / INPUT_NAME).is_file()


def load_artifact(folder: Path) -> Artifact:
    """Read a crash folder; raises OSError when ``input.txt`` cannot be read."""
    script = (folder / INPUT_NAME).read_bytes()
    signature, summary, target, undo_redo = None, "", None, False
    packages: tuple[str, ...] = ()
    timeout: float | None = None
    environment: dict[str, str] = {}
    try:
        info = json.loads((folder / SIGNATURE_NAME).read_text())
        signature = Signature(**info["signature"])
        summary = str(info.get("summary", ""))
        target = str(info["target"]) if info.get("target") else None
        undo_redo = info.get("undo_redo") is True
        packages = tuple(str(p) for p in info.get("packages", ()))
        timeout = float(info["timeout"]) if "timeout" in info else None
        environment = {str(k): str(v) for k, v in info.get("environment", {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    minimized_path = folder / MINIMIZED_NAME
    minimized = minimized_path.read_bytes() if minimized_path.is_file() else None
    return Artifact(
        folder,
        script,
        signature,
        summary,
        minimized,
        target,
        undo_redo,
        packages,
        timeout,
        environment,
    )
