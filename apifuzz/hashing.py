"""String hashing of a fuzzing run, fixed by its seed in every process of the run.

Python salts ``hash()`` of strings anew in each process unless
``PYTHONHASHSEED`` is set, and the salt orders sets: it can change which
lines a model runs, so a worker repeats a run of its seed only with the salt
of that seed.  A process takes its salt when its interpreter starts and keeps
it, and a worker forked from the runner inherits the runner's.  So
``apifuzz fuzz``, started from the command line without ``PYTHONHASHSEED``,
starts itself again at once with the salt of its seed
(:func:`pin_string_hashing`, before anything costly is imported), and the
runner forks a worker only when its own salt is the one the worker must have
(:func:`startup_hash_seed`).  A ``PYTHONHASHSEED`` the user set is kept.

This module imports nothing of apifuzz: it runs before the command line does.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

ENV = "PYTHONHASHSEED"
DEFAULT_SEED = 1  # ``apifuzz fuzz --seed``'s default
_SALTS = 4294967296  # PYTHONHASHSEED takes 0 .. 2**32 - 1


def hash_seed(seed: int) -> str:
    """The ``PYTHONHASHSEED`` of a run with this ``--seed``."""
    return str(seed % _SALTS)


def startup_hash_seed() -> str | None:
    """The ``PYTHONHASHSEED`` this process started with, None when unset or unknown.

    Read from ``/proc/self/environ`` (Linux), which keeps the environment the
    process started with: ``os.environ`` may have changed since, the salt has not.
    """
    try:
        data = Path("/proc/self/environ").read_bytes()
    except OSError:
        return None
    for item in data.split(b"\0"):
        name, _, value = item.partition(b"=")
        if name == ENV.encode():
            return value.decode(errors="replace")
    return None


def seed_of_words(words: Sequence[str]) -> int | None:
    """The ``--seed`` of an ``apifuzz fuzz`` command line, from its words (program name
    left out); None for another command, a drawn seed (0), or words that do not say it
    plainly (an abbreviated option): argparse then decides, and nothing is pinned."""
    if not words or words[0] != "fuzz":
        return None
    words = list(words[: words.index("--")] if "--" in words else words)
    seed = DEFAULT_SEED
    for i, word in enumerate(words):
        name, equals, value = word.partition("=")
        if not name.startswith("--se") or not "--seed".startswith(name):
            continue
        if name != "--seed":
            return None
        if not equals:
            value = words[i + 1] if i + 1 < len(words) else ""
        try:
            seed = int(value)
        except ValueError:
            return None  # argparse reports it
    return seed or None


def pin_string_hashing(words: Sequence[str]) -> None:
    """Start this ``apifuzz fuzz`` again with the ``PYTHONHASHSEED`` of its seed, when the
    environment has none (then it does not return); anything else goes on as it is.

    Only for the program itself (``sys.orig_argv`` is started again as it was
    given, interpreter options included): a caller of ``apifuzz.cli.main`` in
    its own process is never replaced.  Without the pin the run is the same,
    but its workers are started as new interpreters instead of forked.
    """
    if ENV in os.environ or sys.platform != "linux":
        return
    seed = seed_of_words(words)
    if seed is None:
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    try:
        os.execve(sys.executable, sys.orig_argv, {**os.environ, ENV: hash_seed(seed)})
    except OSError:
        return  # cannot start again: run as is
