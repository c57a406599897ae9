"""The crash folder: one folder per signature, its files, and the one way to read and write it.

A worker writes ``crashes/<key>/`` (:class:`CrashStore`); triage may later
move it into the folder of the bug it is a variant of, as
``crashes/<bug>/variants/<key>/`` (:mod:`apifuzz.engine.bugs`).  ``replay``,
``minimize``, ``to-test``, ``cov``, the regression plugin and the campaign's
summary read it back (:func:`load_artifact`, :func:`load_crashes`).  The
file names live here and nowhere else.

One reading policy everywhere: a crash folder is a folder holding
``input.txt``; an unreadable ``input.txt`` is a :class:`~apifuzz.errors.UsageError`
naming the file; a missing or unreadable ``signature.json`` (or
``minimize.json``) only means that nothing is recorded: the input still
replays, and a listing of a workdir's bugs (:func:`load_crashes`) leaves such
a folder out, since it cannot say which bug it holds.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from apifuzz.atomic import atomic_write
from apifuzz.engine.triage import Signature, apifuzz_environment
from apifuzz.errors import UsageError
from apifuzz.interpreter.report import Bug
from apifuzz.language import LOCK_NAME

INPUT_NAME = "input.txt"  # a crash folder's input, as the worker ran it
MINIMIZED_NAME = "minimized.txt"  # written beside it by the minimizer
SIGNATURE_NAME = "signature.json"  # the bug, and what the worker ran with
TRACEBACK_NAME = "traceback.txt"  # the bug's traceback, as the worker saw it
REPRODUCE_NAME = "reproduce.sh"  # the command that replays the folder
RECORD_NAME = "minimize.json"  # what the last minimization did (MinimizeRecord)
MINIMIZE_LOG_NAME = "minimize.log"  # what the campaign's minimizer printed
COUNT_PREFIX = "count-"  # count-<worker>.json: one worker's hits of this bug
VARIANTS_NAME = "variants"  # a bug folder's other signatures: variants/<key>/
TRIAGE_NAME = "triage.json"  # the triage decision about the folder (apifuzz.engine.bugs)


class StoreError(OSError):
    """A crash folder could not be written (a full disk, a read-only workdir): not a model bug."""


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
    target: str = ""  # the target spec the worker ran, as recorded ("" when not)


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
            entry = self.counts[key] = self._previous(key) or {
                "count": 0,
                "first_seen": now,
                "last_seen": now,
            }
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
        if locate(self.root, key) is not None:
            return False
        try:
            staging = Path(tempfile.mkdtemp(dir=self.root, prefix=f".{key}."))
        except OSError as exc:
            raise StoreError(exc.errno, exc.strerror, str(self.root)) from None
        try:
            (staging / INPUT_NAME).write_bytes(data)
            # Model text may hold lone surrogates: escaped, never a UnicodeEncodeError.
            (staging / TRACEBACK_NAME).write_text(
                traceback_text, encoding="utf-8", errors="backslashreplace"
            )
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
            (staging / REPRODUCE_NAME).write_text(f"#!/bin/sh\n{command}\n")
            if locate(self.root, key) is not None:
                raise FileExistsError(folder)  # another worker was first (maybe triaged since)
            os.rename(staging, folder)  # atomic; fails if another worker was first
            return True
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, FileExistsError) or folder.is_dir():
                return False
            raise StoreError(exc.errno, exc.strerror, str(folder)) from None

    def _previous(self, key: str) -> dict[str, float] | None:
        """This worker slot's counts of ``key`` from earlier runs: counts add up across runs."""
        folder = locate(self.root, key)
        c = _read_json(folder / f"{COUNT_PREFIX}{self.worker}.json") if folder else None
        if not isinstance(c, dict):
            return None
        try:
            return {k: float(c[k]) for k in ("count", "first_seen", "last_seen")}
        except (TypeError, KeyError, ValueError):
            return None

    def flush(self) -> None:
        """Write the counts of signatures hit since the last flush.

        Triage may be moving a folder into its bug's ``variants/`` meanwhile: a
        count is written where the folder went (or at the next flush).
        """
        for key in list(self._dirty):
            # A move between the look-up and the write: look again, once (a worker's
            # last flush has no next time).
            for _ in range(2):
                folder = locate(self.root, key)
                if folder is None:
                    break
                try:
                    atomic_write(
                        folder / f"{COUNT_PREFIX}{self.worker}.json",
                        json.dumps(self.counts[key]) + "\n",
                    )
                except FileNotFoundError:
                    continue
                self._dirty.discard(key)
                break
        self._flushed = time.monotonic()


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


def _read_json(path: Path) -> Any:
    """A JSON file's value, or None when it is missing or unreadable (the folder's policy)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _read_info(folder: Path) -> dict[str, Any] | None:
    """``signature.json`` with a usable signature, or None."""
    info = _read_json(folder / SIGNATURE_NAME)
    if not isinstance(info, dict):
        return None
    try:
        signature = Signature(**info["signature"])
    except (KeyError, TypeError):
        return None
    if not all(isinstance(v, int if k == "line" else str) for k, v in asdict(signature).items()):
        return None  # a hand-edited field of the wrong type
    info["signature"] = signature
    return info


def load_artifact(folder: Path) -> Artifact:
    """Read a crash folder; raises UsageError when ``input.txt`` cannot be read."""
    try:
        script = (folder / INPUT_NAME).read_bytes()
        minimized_path = folder / MINIMIZED_NAME
        minimized = minimized_path.read_bytes() if minimized_path.is_file() else None
    except OSError as exc:
        raise UsageError(
            f"cannot read {exc.filename or folder / INPUT_NAME}: {exc.strerror}"
        ) from None
    return Artifact(folder, script, minimized=minimized, **{"signature": None, **_recorded(folder)})


def _recorded(folder: Path) -> dict[str, Any]:
    """What ``signature.json`` records, as Artifact fields; ``{}`` when nothing usable is."""
    info = _read_info(folder)
    if info is None:
        return {}
    try:
        return {
            "signature": info["signature"],
            "summary": str(info.get("summary", "")),
            "target": str(info["target"]) if info.get("target") else None,
            "undo_redo": info.get("undo_redo") is True,
            "packages": tuple(str(p) for p in info.get("packages", ())),
            "timeout": float(info["timeout"]) if "timeout" in info else None,
            "environment": {str(k): str(v) for k, v in info.get("environment", {}).items()},
        }
    except (ValueError, TypeError, AttributeError):
        return {}  # a hand-edited record: the input still replays, with nothing recorded


def locate(root: Path, key: str) -> Path | None:
    """Where the folder of signature ``key`` is now: ``root/key`` or a bug's ``variants/key``.

    Looked up in that order, so a folder renamed from the first place to the
    second between the two looks is still found.
    """
    top = root / key
    if top.is_dir():
        return top
    for folder in root.glob(f"*/{VARIANTS_NAME}/{key}"):
        if folder.is_dir():
            return folder
    return None


def read_record(folder: Path) -> CrashRecord | None:
    """One signature's folder with its counts summed over workers; None when it records none."""
    info = _read_info(folder)
    if info is None:
        return None
    count, first, last = 0, float("inf"), 0.0
    for path in folder.glob(f"{COUNT_PREFIX}*.json"):
        c = _read_json(path)
        try:
            hits, seen = int(c["count"]), (float(c["first_seen"]), float(c["last_seen"]))
        except (TypeError, KeyError, ValueError, OverflowError):
            continue  # a torn or hand-edited count: the others still add up
        if not all(0 <= t < 1e11 for t in seen):
            continue  # not a time (inf, nan, a hand-edited value)
        count, first, last = count + hits, min(first, seen[0]), max(last, seen[1])
    summary, target = str(info.get("summary", "")), str(info.get("target") or "")
    return CrashRecord(folder.name, info["signature"], summary, first, last, count, folder, target)


def signature_folders(root: Path) -> list[Path]:
    """Every signature folder of a ``crashes/`` folder: the bug folders and their variants.

    Hidden folders (a worker's staging, half written) are left out.
    """
    found = []
    for folder in sorted(root.glob("*")) if root.is_dir() else ():
        if folder.name.startswith(".") or not folder.is_dir():
            continue
        found.append(folder)
        variants = folder / VARIANTS_NAME
        found += sorted(v for v in variants.glob("*") if v.is_dir() and not v.name.startswith("."))
    return found


def load_crashes(root: Path) -> list[CrashRecord]:
    """Every signature of a workdir's ``crashes/`` (variants included), counts summed.

    Folders still being staged (hidden) and folders without a readable
    ``signature.json`` are left out (:func:`apifuzz.engine.bugs.load_bugs`
    names them).
    """
    records = (read_record(folder) for folder in signature_folders(root))
    return [r for r in records if r is not None]


def find_artifacts(root: Path) -> list[Path]:
    """Every bug's crash folder (a folder holding ``input.txt``) at or under ``root``, sorted.

    One per bug: the ``variants/`` of a bug folder are other signatures of the
    same bug, so they are not searched (name a variant's folder to get it).
    Hidden folders are skipped: a worker stages a crash folder under a dot name
    before renaming it into place, so a hidden one may be half written.
    """
    if is_artifact(root):
        return [root]
    found = []
    for folder, subdirs, _files in os.walk(root):
        path = Path(folder)
        if path != root and is_artifact(path):
            found.append(path)
            subdirs[:] = []  # a bug folder's variants are the same bug
            continue
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
    return sorted(found)


def artifact_lock(folder: Path) -> Path | None:
    """The alias lock the fuzzer wrote the folder's input with, when it can be found.

    A worker writes ``<workdir>/crashes/<key>/input.txt`` with the aliases of
    ``<workdir>/aliases.lock``; triage may move it to
    ``<workdir>/crashes/<bug>/variants/<key>/``; a folder copied elsewhere may
    carry its own.
    """
    places = [folder, folder.parent.parent]
    if folder.parent.name == VARIANTS_NAME:
        places += [folder.parent.parent, folder.parents[3]] if len(folder.parents) > 3 else []
    for lock in (place / LOCK_NAME for place in places):
        if lock.is_file():
            return lock
    return None


def owning_artifact(path: Path) -> Artifact | None:
    """The crash folder a script file belongs to (its input.txt or minimized.txt), if any.

    Only a folder that records its bug (``signature.json``) counts: a plain
    ``input.txt`` elsewhere is just a script.

    Such a file (``reproduce.sh`` of older folders names input.txt) replays
    with its folder's aliases, oracle, packages and timeout.
    """
    folder = path.parent
    if path.name in (INPUT_NAME, MINIMIZED_NAME) and (folder / SIGNATURE_NAME).is_file():
        try:
            return load_artifact(folder)
        except UsageError:
            return None
    return None


@dataclass(frozen=True)
class MinimizeRecord:
    """``minimize.json``: what the last minimization of the folder's input did."""

    status: str  # a minimize.Status value: "minimized", "flaky", "no bug", ...
    before: int  # statements
    after: int
    seconds: float
    runs: int
    complete: bool  # False: the time limit stopped it
    interrupted: bool
    describe: str  # the minimizer's one-line account
    path: str | None  # where the minimized script went, when one was written


def write_minimize_record(folder: Path, record: MinimizeRecord) -> None:
    """Record a minimization in the folder (atomically)."""
    atomic_write(folder / RECORD_NAME, json.dumps(asdict(record), indent=2) + "\n")


def read_minimize_record(folder: Path) -> MinimizeRecord | None:
    """The folder's minimization record, or None when there is none (or it is unreadable)."""
    record = _read_json(folder / RECORD_NAME)
    if not isinstance(record, dict):
        return None
    try:
        return MinimizeRecord(**record)
    except TypeError:
        return None
