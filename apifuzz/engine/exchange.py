"""A worker's side of the shared corpus: publish its new inputs, take the others'.

libFuzzer writes each new input into its first corpus folder, the worker's
staging folder (with a plain write: see :mod:`apifuzz.engine.corpus`), and
every second (``-reload``, on when workers share inputs; a lone worker has
nothing to take and turns it off) reads again the files of that folder that
are newer than its last look.  Once a second the worker:

- **publishes**: hard-links each whole new file of its staging folder into the
  shared corpus (a copy where links are not supported): the file appears there
  whole, and stays in staging, where libFuzzer keeps its own corpus;
- **retracts**: when libFuzzer deletes one of its files (an input replaced by a
  smaller one, or one whose features others now cover), its link in the shared
  corpus goes too, so the corpus on disk is the one libFuzzer keeps, whatever
  the moment of each step (a run is reproducible, see ``--seed``);
- **takes**: copies into staging each file other workers published since, with a
  modification time ahead of libFuzzer's last look, so that its next reload runs
  it (and keeps it when it adds coverage); the copies go after :data:`KEEP` seconds.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from pathlib import Path

from apifuzz.engine.corpus import is_whole, sweep

#: Seconds a copy of another worker's input stays in staging: libFuzzer rereads every
#: second, between two inputs; a slow input delays it.
KEEP = 30.0


class Exchange:
    """One worker's staging folder and the shared corpus."""

    def __init__(self, staging: Path, corpus: Path) -> None:
        self.staging = staging
        self.corpus = corpus
        self.owned: dict[str, int] = {}  # published by this worker: name -> inode in the corpus
        self.handled: set[str] = set()  # staging files published, or already in the corpus
        self.taken: dict[str, float] = {}  # copies of others' inputs in staging: name -> when
        self.seen: set[str] = set()  # corpus files known (read at start, or taken)
        self.corpus_stamp = -1  # the corpus folder's mtime (ns) at the last look
        self.stamp = 0  # the mtime (whole seconds) last given to staging
        self.taken_count = 0  # others' inputs offered to libFuzzer

    def start(self) -> None:
        """Before libFuzzer starts: empty staging into the corpus, which libFuzzer reads whole.

        A file left by an earlier process of this slot is whole or torn; nobody writes
        it now.  The corpus files are known from here on: libFuzzer reads them at start.
        """
        self.staging.mkdir(parents=True, exist_ok=True)
        sweep(self.staging, self.corpus, discard_torn=True)
        self.seen = set(_names(self.corpus))

    def step(self, take: bool = True) -> None:
        """Publish and retract this worker's inputs; with ``take``, take the others' new ones."""
        names = set(_names(self.staging))
        self._publish(names)
        self._retract(names)
        now = time.time()
        for name, when in list(self.taken.items()):
            if now - when > KEEP:
                del self.taken[name]
                (self.staging / name).unlink(missing_ok=True)
        if take:
            self._take(names)

    def _publish(self, names: set[str]) -> None:
        for name in names - self.handled - self.taken.keys():
            path, target = self.staging / name, self.corpus / name
            if not is_whole(path):
                continue  # still being written
            self.handled.add(name)
            if target.exists():
                continue  # the same input is there already: another worker's, or older
            try:
                os.link(path, target)
            except FileExistsError:
                continue
            except OSError:  # no hard links here: a copy, renamed into place whole
                tmp = self.corpus / f".{name}.tmp"
                shutil.copyfile(path, tmp)
                os.replace(tmp, target)
            self.owned[name] = target.stat().st_ino

    def _retract(self, names: set[str]) -> None:
        for name in list(self.owned.keys() - names):
            inode = self.owned.pop(name)
            self.handled.discard(name)
            target = self.corpus / name
            try:
                if target.stat().st_ino == inode:
                    target.unlink()
            except FileNotFoundError:
                pass

    def _take(self, names: set[str]) -> None:
        stamp = self.corpus.stat().st_mtime_ns
        if stamp == self.corpus_stamp:
            return
        self.corpus_stamp = stamp
        current = set(_names(self.corpus))
        new = current - self.seen - self.handled - names
        self.seen = current
        if not new:
            return
        # libFuzzer rereads a folder only when its mtime (whole seconds) is past its last
        # look, and then only files not older than that look: stamp both ahead of it.
        self.stamp = max(self.stamp + 1, math.ceil(time.time()) + 1)
        times = (self.stamp, self.stamp)
        for name in sorted(new):
            tmp = self.staging.parent / f".{self.staging.name}-{name}.tmp"
            try:
                shutil.copyfile(self.corpus / name, tmp)
            except FileNotFoundError:
                continue  # retracted meanwhile
            os.utime(tmp, times)
            os.replace(tmp, self.staging / name)
            self.taken[name] = time.time()
            self.taken_count += 1
        os.utime(self.staging, times)


def _names(folder: Path) -> list[str]:
    """The visible file names of a folder."""
    return [n for n in os.listdir(folder) if not n.startswith(".")]
