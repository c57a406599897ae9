"""The fuzzing corpus on disk: only whole files ever appear in it.

libFuzzer writes each new input to the first corpus folder it is given,
with a plain ``fwrite``: a kill at the wrong moment leaves half a file.  So
each worker gives libFuzzer a staging folder of its own and moves finished
files into the shared corpus with an atomic rename.  libFuzzer names files
by the SHA-1 of their content, which tells a finished file from a torn one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from apifuzz.language import LOCK_NAME


def is_whole(path: Path) -> bool:
    """True when the file's content hashes to its name (libFuzzer's naming)."""
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest() == path.name
    except OSError:
        return False


def sweep(staging: Path, corpus: Path, *, discard_torn: bool = False) -> int:
    """Move whole files from ``staging`` into ``corpus``; returns how many moved.

    A file whose hash does not match its name is still being written (or was
    torn by a kill); with ``discard_torn`` (when no writer is running) it is removed.
    """
    moved = 0
    if not staging.is_dir():
        return 0
    for path in staging.iterdir():
        if path.name.startswith("."):
            continue
        if is_whole(path):
            target = corpus / path.name
            if target.exists():
                path.unlink(missing_ok=True)
            else:
                os.replace(path, target)
                moved += 1
        elif discard_torn:
            path.unlink(missing_ok=True)
    return moved


def count(corpus: Path) -> int:
    """Files in a corpus folder."""
    return (
        sum(1 for p in corpus.iterdir() if p.is_file() and not p.name.startswith("."))
        if corpus.is_dir()
        else 0
    )


def inputs(folder: Path) -> list[Path]:
    """The inputs of a corpus folder, sorted: every regular file but the alias lock and
    hidden files (raises OSError if the folder cannot be read)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and p.name != LOCK_NAME and not p.name.startswith(".")
    )


#: libFuzzer's default -max_len when no seed is longer.
DEFAULT_MAX_LEN = 4096


def default_max_len(corpora: list[Path]) -> int:
    """libFuzzer's own choice: 4096 bytes, or the longest seed if one is longer.

    Longer inputs run proportionally fewer executions per second; libFuzzer's
    length control grows them only when shorter ones stop finding coverage.
    """
    sizes = [p.stat().st_size for folder in corpora if folder.is_dir() for p in inputs(folder)]
    return max([DEFAULT_MAX_LEN, *sizes])
