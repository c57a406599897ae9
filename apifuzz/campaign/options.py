"""The options of a campaign, checked in one place."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from apifuzz.engine import CHECK_EVERY, DEFAULT_TIMEOUT
from apifuzz.engine.timeouts import timeout_error, timeout_ok
from apifuzz.errors import UsageError
from apifuzz.language import LOCK_NAME, LoadedTarget
from apifuzz.language.aliases import AliasLock
from apifuzz.model.libraries import library_packages
from apifuzz.model.loader import target_packages

#: libFuzzer flags that relaunch argv[0] through a shell, which a Python harness is not;
#: they then fail silently (a crashing seed reports 0 crashes; -merge retries 64 times).
UNSUPPORTED_FLAGS = ("-fork", "-jobs", "-workers", "-merge", "-minimize_crash")

#: The largest --seed: libFuzzer's seed is a 32-bit unsigned int, and each worker (and each
#: restart of one) adds its number to it.
MAX_SEED = 2**31 - 1


@dataclass
class FuzzOptions:
    """The options of ``apifuzz fuzz``."""

    corpus: list[Path]
    workdir: Path
    max_time: float | None = None
    runs: int | None = None
    jobs: int = 1
    timeout: float = DEFAULT_TIMEOUT
    mutator: Literal["structure", "bytes"] = "structure"
    state_feedback: Literal["on", "model", "off"] = "on"  # see apifuzz.engine.feedback
    relational: bool = True  # relational mutations (apifuzz.engine.relational)
    swarm: bool = True  # new calls from a changing subset of the methods
    check_every: int = CHECK_EVERY  # the invariants after every Nth call and the last
    value_profile: bool = True  # comparisons guide the search (-use_value_profile)
    seed: int = 1  # worker n uses seed + n; 0: drawn at the start of the run (see drawn)
    stop_on_first: bool = False
    instrument: list[str] = field(default_factory=list)
    libraries: bool = True  # also instrument the libraries the target drives (with_libraries)
    max_len: int | None = None  # None: 4096 or the longest seed, as libFuzzer chooses
    libfuzzer_args: list[str] = field(default_factory=list)
    minimize_time: float = 10.0  # per new bug, after the run; 0: off
    undo_redo: bool = False  # the undo/redo oracle after every call
    to_test: Path | None = None  # write a regression test of each new bug to this file

    def check(self) -> None:
        """Raise UsageError, naming the option, for a value a campaign cannot run with."""
        for folder in self.corpus:
            if not folder.is_dir():
                raise UsageError(f"--corpus {folder}: no such folder")
            AliasLock.load(folder / LOCK_NAME)  # the workdir's lock starts from it: read it now
        for flag in self.libfuzzer_args:
            if not flag.startswith("-"):  # libFuzzer would read it as one more corpus folder
                raise UsageError(
                    f"{flag!r} after --: only libFuzzer flags (-name=value) go there; "
                    f"give a seed folder with --corpus DIR"
                )
            if flag.split("=")[0] in UNSUPPORTED_FLAGS:
                raise UsageError(
                    f"libFuzzer flag {flag} is not supported here; use --jobs N for parallel "
                    f"workers (and apifuzz minimize for crashes)"
                )
        for name, value in (
            ("--max-time", self.max_time),
            ("--runs", self.runs),
            ("--jobs", self.jobs),
            ("--max-len", self.max_len),
        ):
            if value is not None and not value > 0:
                raise UsageError(f"{name} must be positive, got {value}")
            if value is not None and not math.isfinite(value):
                raise UsageError(f"{name} must be finite, got {value}; omit it for no limit")
        if not 0 <= self.seed <= MAX_SEED:
            raise UsageError(f"--seed must be 0 (draw one) to {MAX_SEED}, got {self.seed}")
        if not timeout_ok(self.timeout):
            raise UsageError(timeout_error("--timeout", self.timeout))
        if not (0 <= self.minimize_time < math.inf):
            raise UsageError(
                f"--minimize-time must be 0 (off) or a positive number, got {self.minimize_time}"
            )
        if self.mutator not in ("structure", "bytes"):
            raise UsageError("--mutator must be 'structure' or 'bytes'")
        if self.state_feedback not in ("on", "model", "off"):
            raise UsageError("--state-feedback must be 'on', 'model' or 'off'")
        if self.to_test is not None and self.to_test.is_dir():
            raise UsageError(
                f"--to-test {self.to_test} is a folder; it names the test file to write"
            )

    def drawn(self) -> FuzzOptions:
        """These options, with a seed drawn at random when ``--seed`` is 0."""
        if self.seed:
            return self
        return replace(self, seed=secrets.randbelow(MAX_SEED // 2) + 1)


def with_libraries(loaded: LoadedTarget, options: FuzzOptions) -> FuzzOptions:
    """``options`` with the target's libraries added to ``instrument`` (unless opted out).

    The libraries (see :func:`~apifuzz.model.libraries.library_packages`) are added once,
    before the campaign starts, so that the workers, triage and crash folders all see the
    same packages, exactly as if they had been given with ``--instrument``.
    """
    if not options.libraries:
        return options
    extra = [p for p in library_packages(loaded.spec, loaded.target) if p not in options.instrument]
    return replace(options, instrument=[*options.instrument, *extra], libraries=False)


def instrumented(loaded: LoadedTarget, options: FuzzOptions) -> list[str]:
    """Every package a campaign with ``options`` instruments, the target's own first."""
    return target_packages(loaded.spec, options.instrument)
