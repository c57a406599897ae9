"""One fuzzing process: atheris (libFuzzer) driving the interpreter.

Started by :mod:`apifuzz.campaign.workers` as ``python -m apifuzz.engine.worker
CONFIG.json``.  Bugs are caught here, recorded and deduplicated, and the
input goes on: libFuzzer never sees a crash, so one bug never ends the run.
The worker ends itself (after flushing) at the time or run limit, when asked
through the ``stop`` file, or at the first bug with ``stop_on_first``; on
SIGINT (a Ctrl-C reaches the whole process group) or SIGTERM it flushes too
and exits :data:`EXIT_INTERRUPTED`, without a traceback.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apifuzz.atomic import atomic_write
from apifuzz.engine.crashes import CrashStore
from apifuzz.engine.exchange import Exchange
from apifuzz.engine.feedback import StateFeedback
from apifuzz.engine.frontier import Frontier
from apifuzz.engine.hangs import HangClock
from apifuzz.engine.instrument_cache import cached_instrumentation
from apifuzz.engine.native import ARTIFACT_PREFIX, NativeGuard, native_dir
from apifuzz.engine.steady import steady_instrumentation
from apifuzz.engine.triage import Hang, model_dirs, signature_of
from apifuzz.interpreter.report import Bug
from apifuzz.interpreter.stats import MethodStats
from apifuzz.model.loader import target_packages
from apifuzz.model.target import Target

#: A worker's exit code when it cannot record a bug (the campaign reports the worker failed).
EXIT_STORE_FAILED = 3
#: A worker stopped by SIGINT or SIGTERM exits with this code once it has flushed (128 + SIGINT).
EXIT_INTERRUPTED = 130
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class StopSignals:
    """SIGINT and SIGTERM noted, not raised: the worker stops between two inputs.

    A KeyboardInterrupt raised inside libFuzzer's loop would end the process
    there (atheris exits 130 without our flush) or print a traceback; a flag
    checked before each input lets the worker flush and leave quietly.
    """

    received = 0  # the signal number, 0 while none came

    @classmethod
    def install(cls) -> None:
        """Note the signals from now on; the runner starts workers with them blocked."""
        for signum in _STOP_SIGNALS:
            signal.signal(signum, cls._note)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)

    @classmethod
    def _note(cls, signum: int, frame: object) -> None:
        cls.received = signum


@dataclass
class WorkerConfig:
    """Everything a worker needs, written by the runner as JSON."""

    target: str
    instrument: list[str]
    workdir: str
    corpora: list[str]  # read-only seed folders
    worker: int
    seed: int
    max_time: float | None
    runs: int | None
    timeout: float
    mutator: str
    stop_on_first: bool
    max_len: int
    reproduce: str
    libfuzzer_args: list[str] = field(default_factory=list)
    undo_redo: bool = False  # run the undo/redo oracle after every call
    state_feedback: str = "on"  # "on": the model's reports and the default abstraction
    relational: bool = True  # relational structure mutations
    swarm: bool = True  # new calls from a changing subset of the methods
    check_every: int = 1  # the invariants after every Nth call and the last (Interpreter)
    value_profile: bool = True  # libFuzzer's -use_value_profile: comparisons guide the search
    runner_pid: int = 0  # the runner's pid (0: unknown, take the parent's at start)
    alone: bool = False  # no other worker shares inputs: nothing for libFuzzer to reload

    @classmethod
    def load(cls, path: Path) -> WorkerConfig:
        return cls(**json.loads(path.read_text()))


class Worker:
    """The fuzz target handed to libFuzzer, and its bookkeeping."""

    def __init__(self, config: WorkerConfig) -> None:
        import atheris

        from apifuzz.language import LOCK_NAME, Language

        self.config = config
        # The runner: a worker it leaves behind stops itself.  Its pid comes from the
        # runner, so a runner killed before this line is noticed too.
        self.parent = config.runner_pid or os.getppid()
        self.workdir = Path(config.workdir)
        self.corpus = self.workdir / "corpus"
        self.staging = self.workdir / "staging" / str(config.worker)
        self.exchange = Exchange(self.staging, self.corpus)  # inputs shared with the others
        packages = target_packages(config.target, config.instrument)
        steady_instrumentation()  # the same counters in every process: a seed repeats a run
        cache = cached_instrumentation(atheris)  # and kept: the next worker need not redo it
        target = _instrumented_target(atheris, config, packages)
        if cache is not None and (cache.hits or cache.misses):
            sys.stderr.write(
                f"INFO: apifuzz: {cache.hits + cache.misses} instrumented module(s), "
                f"{cache.hits} from the cache ({cache.folder})\n"
            )
        self.model_dirs = model_dirs(packages)
        self.language = Language.for_target(target, self.workdir / LOCK_NAME)
        from apifuzz.interpreter import Interpreter

        self.interpreter = Interpreter(self.language, undo_redo=config.undo_redo)
        self.interpreter.check_every = config.check_every
        self.providers = sorted(self.language.registry.id_providers.items())
        # Per-method counts, kept by the interpreter's loop, written with the stats file.
        self.methods = self.interpreter.stats = MethodStats(self.interpreter.method_names)
        # A hang is one statement that runs longer than the timeout, not a long input.
        self.clock = HangClock.of(self.interpreter.position, config.timeout)
        self.store = CrashStore(
            self.workdir / "crashes",
            str(config.worker),
            config.reproduce,
            target=config.target,
            undo_redo=config.undo_redo,
            packages=tuple(packages),
            timeout=config.timeout,
        )
        self.native = self._native_guard(packages)
        if self.clock is not None:  # a long input is no hang for the native watchdog either
            self.clock.on_move = self.native.moved
        self.started = time.monotonic()
        self.deadline = self.started + config.max_time if config.max_time else None
        self.runs = 0
        self.run_limit = config.runs if config.runs else float("inf")
        self.bugs = 0
        self.statements = 0
        self.next_tick = self.started + 1.0
        self.atheris = atheris
        self.feedback = self._state_feedback(config.state_feedback)
        # Where inputs reached new states, for the mutator: where a new call goes is a
        # relation too (after the newest state), so --relational off leaves it out.
        self.frontier = Frontier() if config.relational else None

    def _state_feedback(self, mode: str) -> StateFeedback | None:
        """The counters of state features (engine.feedback); None when switched off."""
        if mode == "off":
            return None
        atheris, position = self.atheris, self.interpreter.position
        feedback = StateFeedback(
            self.language,
            atheris._reserve_counter,
            # Looked up at call time: Fuzz() installs the working one when it starts.
            lambda index: atheris._trace_branch(index),
            default=mode == "on",
            # Only the frontier reads where an input reached a new state (see below).
            where=(lambda: position.index) if self.config.relational else None,
        )
        feedback.install()
        return feedback

    def _live(self) -> list[tuple[str, int]]:
        """The number of live ids of each kind after a run; none when a provider fails."""
        model = self.interpreter.model
        try:
            return [(kind, len(list(ids(model)))) for kind, ids in self.providers]
        except Exception:  # the model's own failure, shown by the scripts that reach it
            return []

    def _native_guard(self, packages: list[str]) -> NativeGuard:
        """The evidence of a death in native code, for the campaign to adopt (engine.native)."""
        store = self.store
        info = {
            "pid": os.getpid(),
            "model_dirs": list(self.model_dirs),
            "reproduce": store.reproduce,
            "target": store.target,
            "undo_redo": store.undo_redo,
            "packages": packages,
            "timeout": store.timeout,
        }
        folder = native_dir(self.workdir, self.config.worker)
        return NativeGuard(folder, self.config.timeout, info)

    # -- the fuzz target ------------------------------------------------------------

    def test_one_input(self, data: bytes) -> None:
        if StopSignals.received:
            self._interrupted()
        self.runs += 1
        clock, feedback = self.clock, self.feedback
        self.native.begin(data)
        on_call = None
        if feedback is not None:
            feedback.begin()
            on_call = feedback.on_call if feedback.default else None
        if clock is not None:
            clock.arm()
        try:
            report = self.interpreter.run(data, record=False, on_call=on_call)
            hang = False
        except Hang as exc:
            report, hang = self.interpreter.interrupted(exc), True
        finally:
            if clock is not None:
                clock.disarm()
            self.native.end()
        if feedback is not None:
            live = on_call is not None and report.bug is None
            feedback.end(self._live() if live else ())
            if feedback.novel_line >= 0 and self.frontier is not None:
                self.frontier.note(data, feedback.novel_line)
        self.statements += report.executed + report.refused + report.skipped
        bug = report.bug
        if bug is not None and self.interpreter.checked_late:
            # A hang too: a state broken unchecked can make a later call loop for good.
            bug, hang = self._first_failure(data, bug, hang)
        try:
            if bug is not None:
                self._record(bug, data, hang)
            if self.runs & 63 == 0 or bug is not None or self.runs >= self.run_limit:
                self._tick()
        except OSError as exc:
            self._failed(exc)

    def _first_failure(self, data: bytes, bug: Bug, hang: bool) -> tuple[Bug, bool]:
        """The bug of ``data`` with the invariants checked after every call, and whether
        it is a hang: the call that broke the state, not the one a sparse check came
        after (nor a later victim, nor a later call that loops on the broken state)."""
        interpreter, clock = self.interpreter, self.clock
        if hang:
            # Only the statements before the one that hung: if none of them fails a
            # check, the hang stands, and it need not take a second timeout to say so.
            data = b"\n".join(data.split(b"\n")[: max(bug.line - 1, 0)])
        stats, interpreter.stats = interpreter.stats, None  # counted once, by the first run
        interpreter.check_every = 1
        if clock is not None:
            clock.arm()
        try:
            again, hung = interpreter.run(data, record=False).bug, False
        except Hang as exc:
            again, hung = interpreter.interrupted(exc).bug, True
        finally:
            if clock is not None:
                clock.disarm()
            interpreter.check_every, interpreter.stats = self.config.check_every, stats
        return (again, hung) if again is not None else (bug, hang)

    def _failed(self, exc: OSError) -> None:
        """apifuzz could not write (a full disk, a read-only workdir): say so and stop.

        Not the model's bug: raised into libFuzzer it would be recorded as the
        target's crash, and the cause lost.
        """
        where = f" {exc.filename}" if exc.filename else ""
        sys.stderr.write(f"ERROR: apifuzz: cannot write{where}: {exc.strerror or exc}\n")
        sys.stderr.flush()
        os._exit(EXIT_STORE_FAILED)

    def _record(self, bug: Bug, data: bytes, hang: bool) -> None:
        self.bugs += 1
        signature = signature_of(bug, self.model_dirs, hang=hang)
        text = "".join(traceback.format_exception(bug.error))
        if hang:
            text = f"timeout: a statement ran longer than {self.config.timeout}s\n" + text
        new = self.store.hit(signature, bug, data, text)
        if new:
            sys.stderr.write(f"INFO: apifuzz: new bug {signature.describe()}\n")
            sys.stderr.flush()
        if new and self.config.stop_on_first:
            self._finish(1)

    def _tick(self) -> None:
        now = time.monotonic()
        if now < self.next_tick and not self._limit_reached(now):
            return
        self.next_tick = now + 1.0
        self.native.pause()  # the files below are no input: the watchdog waits for the next
        self.exchange.step()
        self.store.flush()
        self._write_stats(now)
        orphaned = os.getppid() != self.parent  # the runner was killed outright
        if self._limit_reached(now) or orphaned or (self.workdir / "stop").exists():
            self._finish(0)

    def _limit_reached(self, now: float) -> bool:
        if self.deadline is not None and now >= self.deadline:
            return True
        return self.config.runs is not None and self.runs >= self.config.runs

    def _write_stats(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        stats = {
            "worker": self.config.worker,
            "runs": self.runs,
            "bugs": self.bugs,
            "statements": self.statements,
            "elapsed": elapsed,
            "exec_per_s": self.runs / elapsed,
            "pid": os.getpid(),
            "state": self.feedback.count if self.feedback is not None else 0,
            "methods": self.methods.to_json(),
        }
        atomic_write(self.workdir / "stats" / f"{self.config.worker}.json", json.dumps(stats))

    def _interrupted(self) -> None:
        name = signal.Signals(StopSignals.received).name
        sys.stderr.write(f"INFO: apifuzz: {name} received; worker stopped\n")
        self._finish(EXIT_INTERRUPTED)

    def _finish(self, code: int) -> None:
        """Flush everything and leave without unwinding through libFuzzer."""
        self.native.pause()
        self.exchange.step(take=False)
        self.store.flush()
        self._write_stats(time.monotonic())
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(code)

    # -- starting libFuzzer -------------------------------------------------------------

    def libfuzzer_argv(self) -> list[str]:
        return libfuzzer_argv(self.config, self.staging, self.corpus)

    def run(self) -> None:
        if self.clock is not None:
            signal.signal(signal.SIGALRM, self.clock)
        kwargs: dict[str, Any] = {}
        if self.config.mutator == "structure":
            from apifuzz.engine.mutator import atheris_hooks

            kwargs = atheris_hooks(
                self.language,
                self.interpreter.parser,
                self.atheris,
                relational=self.config.relational,
                swarm=self.config.swarm,
                frontier=self.frontier,
            )
        self.exchange.start()
        self.atheris.Setup(self.libfuzzer_argv(), self.test_one_input, **kwargs)
        self._write_stats(time.monotonic())
        self.atheris.Fuzz()


def libfuzzer_argv(c: WorkerConfig, staging: Path, corpus: Path) -> list[str]:
    """libFuzzer's command line for a worker: its input folders (new inputs into
    ``staging``, then the shared ``corpus``, then the seeds) and flags; the user's own
    flags come last, so that they win."""
    from apifuzz.engine.mutator import LEN_CONTROL

    workdir = Path(c.workdir)
    argv = [sys.argv[0], str(staging), str(corpus), *c.corpora]
    argv += [
        f"-seed={c.seed}",
        f"-max_len={c.max_len}",
        "-timeout=0",  # hangs are ours: libFuzzer's own SIGALRM timer would fight ours
        LEN_CONTROL,
        f"-dict={workdir / 'apifuzz.dict'}",
        f"-artifact_prefix={workdir / ARTIFACT_PREFIX}",
        "-print_final_stats=1",
    ]
    if c.value_profile:
        # The operands of the model's comparisons count as features as they come closer
        # (atheris traces them): amounts that must add up past a limit climb to it.
        argv.append("-use_value_profile=1")
    if c.alone:
        # A reload reruns the staging files libFuzzer no longer holds (its own, replaced
        # since) at whatever input the second ends on: runs of one seed would part there.
        argv.append("-reload=0")
    if c.max_time:
        argv.append(f"-max_total_time={int(c.max_time) + 30}")  # a backstop; we stop first
    return argv + c.libfuzzer_args


def _instrumented_target(atheris: Any, config: WorkerConfig, packages: list[str]) -> Target:
    """Load the target with coverage instrumentation of its packages (and of the modules
    of ``--instrument``); the Target."""
    from apifuzz.model.loader import load_target

    before = set(sys.modules)
    # Coverage comes from the model's code only: instrumenting apifuzz's own
    # interpreter would slow every run several times over and guide nothing.
    with atheris.instrument_imports(include=packages):
        target = load_target(config.target)
        for name in config.instrument:
            __import__(name)
    if target.model_class.__module__ not in sys.modules or (
        target.model_class.__module__ in before
    ):
        # Imported before the hook: instrument the model's functions one by one.
        for value in vars(target.model_class).values():
            func = getattr(value, "__wrapped__", value)
            if callable(func) and hasattr(func, "__code__"):
                atheris.instrument_func(func)
    return target


def main(argv: list[str] | None = None) -> None:
    """``python -m apifuzz.engine.worker CONFIG.json``."""
    StopSignals.install()
    args = sys.argv[1:] if argv is None else argv
    config = WorkerConfig.load(Path(args[0]))
    worker = Worker(config)
    if StopSignals.received:  # stopped while loading the model: nothing to flush yet
        os._exit(EXIT_INTERRUPTED)
    worker.run()


def main_forked(config_path: Path) -> None:
    """The worker in a process forked from the runner (see :mod:`apifuzz.campaign.launch`).

    The runner imported the model without instrumentation: its modules are
    dropped here, so that the worker imports them afresh under atheris's hook,
    as a new interpreter would.  The objects inherited from the runner are
    frozen out of the garbage collector: they live as long as the process,
    and a full collection would walk them all again and again.
    """
    gc.freeze()
    config = WorkerConfig.load(config_path)
    sys.stderr.write(f"INFO: apifuzz: worker {config.worker} forked from the runner\n")
    packages = target_packages(config.target, config.instrument)
    for name in list(sys.modules):
        if any(name == p or name.startswith(p + ".") for p in packages):
            del sys.modules[name]
    main([str(config_path)])


if __name__ == "__main__":
    main()
