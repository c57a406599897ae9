"""Replaying crash folders: find them, run them as the worker did, compare signatures.

Shared by ``apifuzz replay`` and the regression plugin (``pytest
--apifuzz-regress``), so both say the same thing about the same folder.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass
from pathlib import Path

from apifuzz.engine.judge import Verdict
from apifuzz.engine.triage import Signature, is_artifact
from apifuzz.language import LOCK_NAME


def find_artifacts(root: Path) -> list[Path]:
    """Every crash folder (a folder holding ``input.txt``) at or under ``root``, sorted.

    Hidden folders are skipped: a worker stages a crash folder under a dot name
    before renaming it into place, so a hidden one may be half written.
    """
    if is_artifact(root):
        return [root]
    found = []
    for folder, subdirs, _files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        path = Path(folder)
        if path != root and is_artifact(path):
            found.append(path)
    return sorted(found)


def artifact_lock(folder: Path) -> Path | None:
    """The alias lock the fuzzer wrote the folder's input with, when it can be found.

    A worker writes ``<workdir>/crashes/<key>/input.txt`` with the aliases of
    ``<workdir>/aliases.lock``; a folder copied elsewhere may carry its own.
    """
    for lock in (folder / LOCK_NAME, folder.parent.parent / LOCK_NAME):
        if lock.is_file():
            return lock
    return None


@dataclass(frozen=True)
class Reproduction:
    """What a replay showed, compared with the signature recorded in the folder."""

    recorded: Signature | None
    found: Signature | None

    @property
    def reproduced(self) -> bool:
        """True when the recorded bug showed again."""
        return self.found is not None and self.found == self.recorded

    def describe(self) -> str:
        """``reproduced: ...``, ``different bug: ... (recorded: ...)``, ``not reproduced: ...``."""
        found, recorded = self.found, self.recorded
        if recorded is None:
            if found is None:
                return "no bug (no signature recorded)"
            return f"bug: {found.describe()} (no signature recorded)"
        if found is None:
            return f"not reproduced: no bug (recorded: {recorded.describe()})"
        if found == recorded:
            return f"reproduced: {found.describe()}"
        return f"different bug: {found.describe()} (recorded: {recorded.describe()})"


def model_traceback(verdict: Verdict, model_dirs: tuple[str, ...]) -> str:
    """The bug's traceback cut down to the model's own frames (no apifuzz internals)."""
    bug = verdict.bug
    if bug is None:
        return ""
    error = bug.error
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if f.filename.startswith(model_dirs)]
    lines = ["Traceback (model frames only):\n"] if ours else []
    lines += traceback.format_list(ours)
    lines += traceback.format_exception_only(error)
    return "".join(lines)
