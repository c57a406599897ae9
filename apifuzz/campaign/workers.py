"""The worker processes of a campaign and the workdir they share.

The workers are plain processes started here (not libFuzzer's ``-fork`` or
``-jobs``, which relaunch ``argv[0]`` through a shell and cannot run a
``.py`` harness); they share the workdir: the corpus, the crash folders
(deduplicated by signature across workers) and the alias lock.  A worker
that dies is started again in its slot (:meth:`Workers.check_dead`), a
bounded number of times.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from apifuzz.atomic import atomic_write
from apifuzz.campaign.commands import reproduce_command
from apifuzz.campaign.launch import WorkerProcess, can_fork, fork_worker
from apifuzz.campaign.options import FuzzOptions
from apifuzz.campaign.seeds import Seeds, prepare_seeds
from apifuzz.engine.corpus import default_max_len, sweep
from apifuzz.engine.crashes import load_crashes
from apifuzz.engine.native import adopt
from apifuzz.engine.worker import EXIT_INTERRUPTED, EXIT_STORE_FAILED, WorkerConfig
from apifuzz.hashing import ENV, hash_seed
from apifuzz.language import LOCK_NAME, Language, LoadedTarget

_COV = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)/")
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}

#: How many times one worker slot is started again after its worker died (of anything but
#: a bug in the model's native code, which is a bug found: see MAX_NATIVE_RESTARTS).
MAX_RESTARTS = 3
#: How many times a slot is started again after a native bug killed its worker: a bound, so
#: that a model that crashes at once on every input cannot loop for the whole run.
MAX_NATIVE_RESTARTS = 50


class Workers:
    """The workdir of one campaign and the worker processes fuzzing in it."""

    def __init__(self, loaded: LoadedTarget, options: FuzzOptions) -> None:
        self.loaded = loaded
        self.options = options
        self.workdir = options.workdir
        self.procs: list[WorkerProcess] = []  # the current process of each slot
        self.restarts: list[int] = []  # how many times each slot was started again
        self.native_restarts: list[int] = []  # ... after a native bug killed its worker
        self.runs_before: list[int] = []  # the runs of each slot's earlier processes
        self.given_up: set[int] = set()  # slots whose dead worker is not started again
        self.killed: set[int] = set()  # slots killed by stop() past its grace period
        self.stopping = False
        self.started = 0.0  # time.monotonic() when the workers were started
        self.started_at = float("inf")  # the same, as time.time(): crash records use it
        self.native: set[int] = set()  # slots whose last worker died of a bug in native code
        self.seeds = Seeds()  # the seed folders the workers read, made by prepare()

    @property
    def crashes(self) -> Path:
        """The workdir's crash folders."""
        return self.workdir / "crashes"

    def prepare(self) -> dict[str, int]:
        """Make the workdir ready; returns the hit counts of the bugs it already holds."""
        w = self.workdir
        for sub in ("corpus", "crashes", "logs", "stats", "staging"):
            (w / sub).mkdir(parents=True, exist_ok=True)
        (w / "stop").unlink(missing_ok=True)
        for old in (w / "stats").glob("*.json"):
            old.unlink()
        self.sweep_staging()
        self.seeds = prepare_seeds(self.options.corpus, w)  # scripts only reach libFuzzer
        # The workdir keeps its own alias lock, started from the seed corpus's, so
        # the committed corpus is never touched and new aliases stay stable here.
        lock = w / LOCK_NAME
        if not lock.exists():
            for folder in self.options.corpus:
                if (folder / LOCK_NAME).exists():
                    atomic_write(lock, (folder / LOCK_NAME).read_bytes())
                    break
        language = Language.for_target(self.loaded.target, lock, write_lock=True)
        atomic_write(w / "apifuzz.dict", language.dictionary())
        return {r.key: r.count for r in load_crashes(self.crashes)}

    def sweep_staging(self) -> None:
        """A kill -9 may have left files in a staging folder: keep the whole ones."""
        for staging in (self.workdir / "staging").iterdir():
            sweep(staging, self.workdir / "corpus", discard_torn=True)

    def _config(self, worker: int, restart: int = 0) -> Path:
        """The worker's config; a restarted one gets a seed of its own and what is left."""
        o = self.options
        config = WorkerConfig(
            target=self.loaded.spec,
            instrument=o.instrument,
            workdir=str(self.workdir),
            corpora=[str(c) for c in self.seeds.folders],
            worker=worker,
            seed=o.seed + worker + restart * o.jobs,
            max_time=self._time_left() if restart and o.max_time is not None else o.max_time,
            runs=o.runs - self.runs_before[worker] if o.runs is not None else None,
            timeout=o.timeout,
            mutator=o.mutator,
            state_feedback=o.state_feedback,
            relational=o.relational,
            swarm=o.swarm,
            check_every=1 if o.undo_redo else o.check_every,
            value_profile=o.value_profile,
            stop_on_first=o.stop_on_first,
            # The workdir's own corpus counts too, as libFuzzer counts every corpus folder:
            # inputs kept by a run with a larger --max-len are not cut on resume.
            max_len=o.max_len or default_max_len([*self.seeds.folders, self.workdir / "corpus"]),
            reproduce=reproduce_command(self.loaded.spec),
            libfuzzer_args=o.libfuzzer_args,
            undo_redo=o.undo_redo,
            alone=o.jobs == 1,
            runner_pid=os.getpid(),
        )
        path = self.workdir / "stats" / f"config-{worker}.json"
        atomic_write(path, json.dumps(asdict(config), indent=2))
        return path

    def log(self, worker: int) -> Path:
        """The log of one worker slot (its restarts append to it)."""
        return self.workdir / "logs" / f"worker-{worker}.log"

    def start(self) -> None:
        """Start one process per job, each logging to ``logs/worker-<n>.log``."""
        self.started, self.started_at = time.monotonic(), time.time()
        self.restarts = [0] * self.options.jobs
        self.native_restarts = [0] * self.options.jobs
        self.runs_before = [0] * self.options.jobs
        for worker in range(self.options.jobs):
            self.procs.append(self._spawn(worker, self._config(worker), b""))

    def _spawn(self, worker: int, config: Path, header: bytes) -> WorkerProcess:
        """Start a worker slot's process: forked from this one when that is safe (see
        :mod:`apifuzz.campaign.launch`), else a new interpreter.  A restart is always a
        new interpreter: restarts are rare, and by then this process holds the triage's
        imports and data, which a fork would copy for nothing."""
        env = worker_environment(self.options.seed)
        with open(self.log(worker), "ab" if header else "wb") as log:
            log.write(header)
            log.flush()
            # Started with SIGINT and SIGTERM blocked, the worker cannot be stopped by one
            # before it has set the handler that flushes first; it unblocks them then.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
            try:
                if not header and can_fork(env[ENV]):
                    return fork_worker(config, log)
                return subprocess.Popen(
                    [sys.executable, "-m", "apifuzz.engine.worker", str(config)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                )
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def _stopped_cleanly(self, code: int) -> bool:
        """Done (0), interrupted, or (with --stop-on-first) stopped at a new bug (1)."""
        return code in (0, EXIT_INTERRUPTED, -signal.SIGINT) or (
            code == 1 and self.options.stop_on_first
        )

    def check_dead(self) -> list[str]:
        """Restart each worker that died while the run goes on; a line for each death.

        A worker that stopped cleanly is left alone; one that died (``kill -9``,
        a libFuzzer error, a Python error of its own) is started again in its
        slot, at most :data:`MAX_RESTARTS` times, unless the run is stopping.
        """
        lines = []
        self.adopt_dead()  # before a restart: the new process wipes the dead one's evidence
        for i, proc in enumerate(self.procs):
            code = proc.poll()
            if self.stopping or code is None or i in self.given_up or self._stopped_cleanly(code):
                continue
            lines.append(self.restart(i))
        return lines

    def restart(self, worker: int) -> str:
        """Start a dead worker's slot again (when allowed); the line that says what was done."""
        code = self.procs[worker].returncode
        died = f"worker {worker} stopped with {exit_description(code)}"
        stats = self.workdir / "stats" / f"{worker}.json"
        self.runs_before[worker] += _runs(stats)
        stats.unlink(missing_ok=True)  # the new process starts its own count
        why_not = self._no_restart(worker)
        if why_not:
            self.given_up.add(worker)
            return f"WARNING: {died}; not restarted: {why_not}; see {self.log(worker)}"
        note = ""
        if worker in self.native:
            # A bug in the model's native code, recorded: fuzzing goes on, as after any bug.
            self.native.discard(worker)
            self.native_restarts[worker] += 1
            n, limit, note = self.native_restarts[worker], MAX_NATIVE_RESTARTS, " (a bug, recorded)"
        else:
            self.restarts[worker] += 1
            n, limit = self.restarts[worker], MAX_RESTARTS
        config = self._config(worker, restart=self.restarts[worker] + self.native_restarts[worker])
        header = f"\n=== apifuzz: {died}{note}; restarted ({n} of {limit}) ===\n"
        self.procs[worker] = self._spawn(worker, config, header.encode())
        return f"INFO: {died}{note}; restarted ({n} of {limit}); see {self.log(worker)}"

    def _no_restart(self, worker: int) -> str:
        """Why a dead worker's slot is not started again ('' when it is)."""
        o = self.options
        if self.procs[worker].returncode == EXIT_STORE_FAILED:
            return "it could not write in the workdir (a full disk?)"  # again, in a new process
        if worker in self.native and self.native_restarts[worker] >= MAX_NATIVE_RESTARTS:
            return f"it died of a native bug {MAX_NATIVE_RESTARTS} times already"
        if worker not in self.native and self.restarts[worker] >= MAX_RESTARTS:
            return f"it was restarted {MAX_RESTARTS} times already"
        if o.max_time is not None and self._time_left() < 1:
            return "the time limit is reached"
        if o.runs is not None and o.runs - self.runs_before[worker] <= 0:
            return "the run limit is reached"
        return ""

    def _time_left(self) -> float:
        assert self.options.max_time is not None
        return self.options.max_time - (time.monotonic() - self.started)

    def adopt_dead(self) -> None:
        """Record the bug of each worker that died of a fatal signal or a native hang."""
        for worker, proc in enumerate(self.procs):
            if proc.poll() is None:
                continue
            try:
                if adopt(self.workdir, worker) is not None:
                    self.native.add(worker)
            except OSError:
                pass  # the crash folder cannot be written now: the evidence stays for later

    def running(self) -> bool:
        """Whether any worker is still running (a dead one's native crash is recorded first)."""
        self.adopt_dead()
        return any(p.poll() is None for p in self.procs)

    def failed(self) -> list[int]:
        """The worker slots whose last process died (not stopped cleanly, nor by :meth:`stop`),
        but for a fatal signal or a native hang in the model: a bug, not a failure."""
        self.adopt_dead()
        return [
            i
            for i, p in enumerate(self.procs)
            if p.returncode is not None
            and not self._stopped_cleanly(p.returncode)
            and i not in self.killed
            and i not in self.native
        ]

    def interrupted(self) -> bool:
        """Whether a worker stopped on SIGINT or SIGTERM (a Ctrl-C reaches every process)."""
        return any(p.returncode in (EXIT_INTERRUPTED, -signal.SIGINT) for p in self.procs)

    def stats(self) -> tuple[int, float, int]:
        """(runs, exec/s, coverage) summed over workers (coverage: the best worker's)."""
        runs, rate = 0, 0.0
        for path in (self.workdir / "stats").glob("[0-9]*.json"):
            try:
                s = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            runs += int(s["runs"])
            rate += float(s["exec_per_s"])
        runs += sum(self.runs_before)
        return runs, rate, model_coverage(self.workdir)[0]

    def state_features(self) -> dict[str, int]:
        """Per worker (by number), the distinct state features it has seen (engine.feedback)."""
        return state_features(self.workdir)

    def stop(self) -> None:
        """Ask the workers to flush and stop, then make sure they did."""
        self.stopping = True
        (self.workdir / "stop").touch()
        deadline = time.monotonic() + 5
        for i, p in enumerate(self.procs):
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                self.killed.add(i)


def worker_environment(seed: int) -> dict[str, str]:
    """The environment of a run's workers: the runner's, with string hashing fixed by the
    run's seed (see :mod:`apifuzz.hashing`; a ``PYTHONHASHSEED`` the user set is kept).

    Every worker of a run hashes alike (a forked one has the runner's salt): their
    libFuzzer seeds tell them apart.
    """
    env = dict(os.environ)
    env.setdefault(ENV, hash_seed(seed))
    return env


def exit_description(code: int | None) -> str:
    """``exit code 77``, or ``signal SIGKILL`` for a process a signal ended."""
    if code is not None and code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _runs(stats: Path) -> int:
    """The runs a worker's stats file counts (0 when it has none)."""
    try:
        return int(json.loads(stats.read_text())["runs"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def coverage_of(log: Path) -> tuple[int, int]:
    """The last coverage and features a worker's libFuzzer reported ((0, 0) before any)."""
    try:
        with open(log, "rb") as f:
            f.seek(max(0, f.seek(0, 2) - 8192))
            tail = f.read().decode("utf-8", "replace")
    except OSError:
        return 0, 0
    found = _COV.findall(tail)
    return (int(found[-1][0]), int(found[-1][1])) if found else (0, 0)


def state_features(workdir: Path) -> dict[str, int]:
    """Per worker (by number), the distinct state features it has seen (engine.feedback)."""
    found: dict[str, int] = {}
    for path in (workdir / "stats").glob("[0-9]*.json"):
        try:
            found[path.stem] = int(json.loads(path.read_text()).get("state", 0))
        except (OSError, ValueError, TypeError, AttributeError):
            continue
    return found


def model_coverage(workdir: Path) -> tuple[int, int]:
    """The best (coverage, features) a worker's libFuzzer reported, from the logs, with the
    state counters (engine.feedback) taken out of the coverage: lines and branches only."""
    states = state_features(workdir)
    best = (0, 0)
    for log in (workdir / "logs").glob("worker-*.log"):
        cov, features = coverage_of(log)
        state = states.get(log.stem.removeprefix("worker-"), 0)
        best = max(best, (max(cov - state, 0), features))
    return best
