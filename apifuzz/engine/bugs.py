"""Bugs, not signatures: one folder per root cause, its other signatures inside it.

A worker writes each new signature as a top-level folder of ``crashes/``
(:class:`~apifuzz.engine.crashes.CrashStore`).  Until triage has looked at
it, such a folder is a bug of its own (when unsure, keep apart).  Triage
then either records it as a bug (``triage.json`` with status ``bug``) or
moves it, with one atomic rename, to ``crashes/<bug>/variants/<key>/`` of
the bug it is a variant of.  A kill at any moment leaves every folder in one
place or the other, so nothing is lost and nothing is counted twice.

The top of a bug folder is its representative: the first signature of the
bug that was seen.  ``replay``, ``to-test``, ``minimize`` and the regression
plugin take that one; each variant stays a crash folder that replays on
its own.
"""

from __future__ import annotations

import json
import os
import shlex
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from apifuzz.atomic import atomic_write
from apifuzz.engine.crashes import (
    REPRODUCE_NAME,
    TRIAGE_NAME,
    VARIANTS_NAME,
    CrashRecord,
    is_artifact,
    read_record,
)

#: What triage decided about a folder: its own bug, or a variant of another.
TriageStatus = Literal["bug", "variant"]


@dataclass(frozen=True)
class TriageRecord:
    """``triage.json``: the decision about one signature's folder, and why."""

    status: TriageStatus
    reason: str  # one line: the evidence (or its absence)
    of: str = ""  # for a variant, the key of its bug's folder
    at: float = 0.0  # when it was decided (time.time())


@dataclass
class BugRecord:
    """One reported bug: its representative signature and its other variants."""

    folder: Path
    representative: CrashRecord
    variants: list[CrashRecord] = field(default_factory=list)
    triage: TriageRecord | None = None  # None: not triaged yet

    @property
    def key(self) -> str:
        """The bug folder's name (its representative's signature key)."""
        return self.folder.name

    @property
    def signatures(self) -> list[CrashRecord]:
        """The representative first, then the variants."""
        return [self.representative, *self.variants]

    @property
    def count(self) -> int:
        """Hits of every variant, summed."""
        return sum(r.count for r in self.signatures)

    @property
    def first_seen(self) -> float:
        """When any variant was first seen (``inf`` when never counted)."""
        return min(r.first_seen for r in self.signatures)

    @property
    def last_seen(self) -> float:
        """When any variant was last seen (0 when never counted)."""
        return max(r.last_seen for r in self.signatures)


@dataclass
class Bugs:
    """A ``crashes/`` folder read back: its bugs, and the folders it could not read."""

    bugs: list[BugRecord]
    damaged: list[Path]  # folders that hold no readable signature: kept, named, skipped

    def signatures(self) -> list[CrashRecord]:
        """Every signature of every bug."""
        return [r for bug in self.bugs for r in bug.signatures]

    def pending(self) -> list[BugRecord]:
        """The bugs triage has not looked at yet, oldest first."""
        return sorted((b for b in self.bugs if b.triage is None), key=lambda b: b.first_seen)

    def warnings(self) -> list[str]:
        """One line per damaged folder."""
        return [
            f"WARNING: {path}: no readable signature.json (or input.txt); left as it is"
            for path in self.damaged
        ]


def read_triage(folder: Path) -> TriageRecord | None:
    """The folder's triage decision, or None (none yet, or unreadable: decide again)."""
    try:
        data = json.loads((folder / TRIAGE_NAME).read_text())
        record = TriageRecord(**data)
    except (OSError, ValueError, TypeError):
        return None
    return record if record.status in ("bug", "variant") else None


def _write_triage(folder: Path, record: TriageRecord) -> None:
    atomic_write(folder / TRIAGE_NAME, json.dumps(asdict(record), indent=2) + "\n")


def load_bugs(root: Path) -> Bugs:
    """Every bug of a ``crashes/`` folder, oldest first, and the damaged folders in it."""
    bugs, damaged = [], []
    for folder in sorted(root.glob("*")) if root.is_dir() else ():
        if folder.name.startswith(".") or not folder.is_dir():
            continue  # hidden: a worker's staging, maybe half written
        representative = read_record(folder) if is_artifact(folder) else None
        if representative is None:
            if folder.is_dir():  # else triage moved it meanwhile: read where it went
                damaged.append(folder)
            continue
        bug = BugRecord(folder, representative, triage=read_triage(folder))
        for variant in sorted((folder / VARIANTS_NAME).glob("*")):
            if variant.name.startswith(".") or not variant.is_dir():
                continue
            record = read_record(variant) if is_artifact(variant) else None
            if record is not None:
                bug.variants.append(record)
            elif variant.is_dir():
                damaged.append(variant)
        bugs.append(bug)
    bugs.sort(key=lambda b: (b.first_seen, b.key))
    return Bugs(bugs, sorted(damaged))


def mark_bug(folder: Path, reason: str) -> None:
    """Record that the signature in ``folder`` is a bug of its own."""
    _write_triage(folder, TriageRecord("bug", reason, at=time.time()))


def move_variant(folder: Path, bug: Path, reason: str) -> Path:
    """Move a top-level signature folder into ``bug``'s variants (one rename); its new place.

    The rename is the decision: a kill before it leaves the folder untriaged
    at the top, a kill after it leaves a variant whose ``triage.json`` may be
    missing, which its place says anyway.
    """
    variants = bug / VARIANTS_NAME
    variants.mkdir(exist_ok=True)
    target = variants / folder.name
    os.rename(folder, target)
    _rewrite_reproduce(target, folder)
    _write_triage(target, TriageRecord("variant", reason, of=bug.name, at=time.time()))
    return target


def split_variants(bug: Path) -> list[Path]:
    """Undo a bug's triage: its variants back to the top, every decision forgotten.

    For re-triage from scratch; each folder moves with one rename.
    """
    moved = []
    for variant in sorted((bug / VARIANTS_NAME).glob("*")):
        if variant.name.startswith(".") or not is_artifact(variant):
            continue
        target = bug.parent / variant.name
        if target.exists():
            continue  # a folder of that name is back at the top already: keep both
        os.rename(variant, target)
        _rewrite_reproduce(target, variant)
        (target / TRIAGE_NAME).unlink(missing_ok=True)
        moved.append(target)
    # Last: a kill before this leaves a decided bug, never an undecided one with variants.
    (bug / TRIAGE_NAME).unlink(missing_ok=True)
    return moved


def _rewrite_reproduce(folder: Path, old: Path) -> None:
    """``reproduce.sh`` names its folder: point it at the new place."""
    path = folder / REPRODUCE_NAME
    try:
        text = path.read_text()
    except OSError:
        return
    new_text = text.replace(shlex.quote(str(old.resolve())), shlex.quote(str(folder.resolve())))
    if new_text != text:
        atomic_write(path, new_text)
