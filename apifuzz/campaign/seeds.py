"""The seed folders libFuzzer reads: the scripts of each ``--corpus`` folder, and nothing else.

libFuzzer reads every file of a corpus folder, and of its subfolders, as an
input: the alias lock beside the scripts, a README, a crash folder's
traceback would all join the corpus, and mutations would spread their lines
into new inputs and crash files.  So the workers never read a ``--corpus``
folder itself: the runner copies the scripts of each one
(:func:`~apifuzz.engine.corpus.seed_scripts`) into ``<workdir>/seeds/<n>/``,
named by content (libFuzzer's naming), afresh at each run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from apifuzz.engine.corpus import is_script, seed_scripts
from apifuzz.errors import UsageError

SEEDS_NAME = "seeds"  # <workdir>/seeds/<n>/: the scripts of the n-th --corpus folder


@dataclass
class Seeds:
    """The seed folders prepared for one run."""

    folders: list[Path] = field(default_factory=list)  # in the workdir, one per --corpus folder
    count: int = 0  # scripts copied (a script in two folders counts twice)
    left_out: list[Path] = field(default_factory=list)  # files of the folders that are no script
    set_aside: list[Path] = field(default_factory=list)  # moved out of the workdir's corpus

    def note(self) -> str:
        """The lines that name the files left out or set aside ('' when there were none)."""
        out = ""
        if self.left_out:
            out += (
                f"INFO: {len(self.left_out)} file(s) of the seed folders are no script, "
                f"not given to libFuzzer: {_names(self.left_out)}\n"
            )
        if self.set_aside:
            out += (
                f"INFO: {len(self.set_aside)} file(s) that are no input moved out of the "
                f"workdir's corpus: {_names(self.set_aside)}\n"
            )
        return out


def _names(paths: list[Path], shown: int = 3) -> str:
    more = len(paths) - shown
    return ", ".join(map(str, paths[:shown])) + (f" and {more} more" if more > 0 else "")


def prepare_seeds(corpora: list[Path], workdir: Path) -> Seeds:
    """Copy the scripts of each seed folder into ``<workdir>/seeds/<n>/``, replacing the last
    run's, and move what is no input out of the workdir's corpus (:func:`set_aside`).

    Raises UsageError for a seed folder that cannot be read, OSError for a
    workdir that cannot be written.
    """
    root = workdir / SEEDS_NAME
    if root.exists():
        shutil.rmtree(root)
    seeds = Seeds()
    for n, folder in enumerate(corpora):
        try:
            scripts, others = seed_scripts(folder)
            contents = [p.read_bytes() for p in scripts]
        except OSError as exc:
            raise UsageError(
                f"--corpus {folder}: cannot read {exc.filename}: {exc.strerror}"
            ) from None
        target = root / str(n)
        target.mkdir(parents=True)
        for script, data in zip(scripts, contents, strict=True):
            _place(script, data, target / hashlib.sha1(data).hexdigest())
        seeds.folders.append(target)
        seeds.count += len(contents)
        seeds.left_out += others
    seeds.set_aside = set_aside(workdir)
    return seeds


def _place(script: Path, data: bytes, copy: Path) -> None:
    """Put ``script`` (whose bytes are ``data``) at ``copy``: a hard link where the file
    system allows one, ten times cheaper than a new file (a traced corpus has hundreds),
    else a copy.  Nothing writes into a seed file: libFuzzer only adds new ones."""
    try:
        os.link(script, copy)
    except FileExistsError:
        pass  # the same script twice in the folder
    except OSError:  # another file system, or links not allowed
        copy.write_bytes(data)


def set_aside(workdir: Path) -> list[Path]:
    """Move what is no input out of the workdir's corpus, into ``<workdir>/set-aside/``.

    The workers put only their inputs there, but libFuzzer reads the folder
    whole, subfolders too: a README or a lock copied in by hand would be read
    as an input.  Returns the files and folders moved, by their new place.
    """
    corpus, aside = workdir / "corpus", workdir / "set-aside"
    moved = []
    for path in sorted(corpus.iterdir()) if corpus.is_dir() else []:
        if path.is_file() and is_script(path):
            continue
        aside.mkdir(exist_ok=True)
        target, n = aside / path.name, 1
        while target.exists():
            target, n = aside / f"{path.name}.{n}", n + 1
        path.replace(target)
        moved.append(target)
    return moved
