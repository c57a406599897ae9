"""The fuzzing corpus on disk: only whole files ever appear in it.

libFuzzer writes each new input to the first corpus folder it is given,
with a plain ``fwrite``: a kill at the wrong moment leaves half a file.  So
each worker gives libFuzzer a staging folder of its own and links finished
files into the shared corpus (:mod:`apifuzz.engine.exchange`); what a dead
worker left in staging is moved in by :func:`sweep`.  libFuzzer names files
by the SHA-1 of their content, which tells a finished file from a torn one.
The folders libFuzzer reads hold scripts only (:func:`is_script`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from apifuzz.engine.crashes import INPUT_NAME, MINIMIZED_NAME, find_artifacts, is_artifact
from apifuzz.language import LOCK_NAME
from apifuzz.language.aliases import LOCK_HEADER


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


#: Files that sit beside scripts but are none: documentation, data and apifuzz's own records.
NOT_SCRIPT_SUFFIXES = frozenset(
    {".md", ".rst", ".html", ".json", ".yaml", ".yml", ".toml", ".cfg", ".ini", ".lock", ".log"}
    | {".sh", ".py", ".zip", ".dict", ".options"}
)
#: Names (before the first dot, any case) of files that document a folder, not fuzz it.
NOT_SCRIPT_STEMS = frozenset({"readme", "license", "licence", "copying", "notice", "changelog"})


def is_script(path: Path) -> bool:
    """Whether a regular file of a corpus folder is a script (an input), judged by its name.

    Not scripts: hidden files, the alias lock (by its name, or by its first line under
    another name), READMEs and licences, and files whose suffix says they are documents,
    data or apifuzz's own records (``traceback.txt`` is a crash folder's, see
    :func:`seed_scripts`).  libFuzzer would read any of them as an input, and its
    mutations would spread their lines through the corpus.
    """
    name = path.name
    if name.startswith(".") or name == LOCK_NAME or path.suffix.lower() in NOT_SCRIPT_SUFFIXES:
        return False
    if name.split(".")[0].lower() in NOT_SCRIPT_STEMS or not path.is_file():
        return False
    try:
        with open(path, "rb") as f:
            return f.read(len(_LOCK_START)) != _LOCK_START
    except OSError:
        return False


_LOCK_START = LOCK_HEADER.splitlines()[0].encode()


def inputs(folder: Path) -> list[Path]:
    """The inputs of a corpus folder, sorted: the regular files directly in it that are
    scripts (:func:`is_script`); raises OSError if the folder cannot be read."""
    return sorted(p for p in folder.iterdir() if is_script(p))


def seed_scripts(folder: Path) -> tuple[list[Path], list[Path]]:
    """The scripts a seed folder offers, and the files in it that are left out.

    A crash folder offers its ``input.txt`` and ``minimized.txt`` (never its
    traceback, records or reproducer); any other folder the scripts directly in
    it (:func:`inputs`) and those of the crash folders under it.  Raises OSError
    if the folder cannot be read.
    """
    names = (INPUT_NAME, MINIMIZED_NAME)
    crashes = [c / n for c in find_artifacts(folder) for n in names if (c / n).is_file()]
    if is_artifact(folder):
        return crashes, []
    scripts = inputs(folder)
    chosen = set(scripts)
    others = sorted(
        p
        for p in folder.iterdir()
        if p not in chosen and p.is_file() and p.name != LOCK_NAME and not p.name.startswith(".")
    )
    return scripts + crashes, others


#: libFuzzer's default -max_len when no seed is longer.
DEFAULT_MAX_LEN = 4096


def default_max_len(corpora: list[Path]) -> int:
    """libFuzzer's own choice: 4096 bytes, or the longest seed if one is longer.

    Longer inputs run proportionally fewer executions per second; libFuzzer's
    length control grows them only when shorter ones stop finding coverage.
    """
    sizes = [p.stat().st_size for folder in corpora if folder.is_dir() for p in inputs(folder)]
    return max([DEFAULT_MAX_LEN, *sizes])
