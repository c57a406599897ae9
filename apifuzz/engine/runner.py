"""``apifuzz fuzz``: prepare the workdir, start the workers, show progress, summarize.

The workers are plain processes started here (not libFuzzer's ``-fork`` or
``-jobs``, which relaunch ``argv[0]`` through a shell and cannot run a
``.py`` harness); they share the workdir: the corpus, the crash folders
(deduplicated by signature across workers) and the alias lock.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from apifuzz.atomic import atomic_write
from apifuzz.engine import DEFAULT_TIMEOUT
from apifuzz.engine.corpus import count, inputs, sweep
from apifuzz.engine.crashes import (
    MINIMIZE_LOG_NAME,
    MINIMIZED_NAME,
    RECORD_NAME,
    load_crashes,
    read_minimize_record,
    reproduce_line,
)
from apifuzz.engine.triage import apifuzz_environment, shell_assignments
from apifuzz.engine.worker import WorkerConfig
from apifuzz.errors import UsageError
from apifuzz.language import LOCK_NAME, Language
from apifuzz.model.target import Target

_COV = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)/")


#: libFuzzer's default -max_len when no seed is longer.
DEFAULT_MAX_LEN = 4096


@dataclass
class FuzzOptions:
    """The options of ``apifuzz fuzz``."""

    target: str
    corpus: list[Path]
    workdir: Path
    max_time: float | None = None
    runs: int | None = None
    jobs: int = 1
    timeout: float = DEFAULT_TIMEOUT
    mutator: str = "structure"
    seed: int = 1
    stop_on_first: bool = False
    instrument: list[str] = field(default_factory=list)
    max_len: int | None = None  # None: 4096 or the longest seed, as libFuzzer chooses
    libfuzzer_args: list[str] = field(default_factory=list)
    minimize_time: float = 10.0  # per new bug, after the run; 0: off
    undo_redo: bool = False  # the undo/redo oracle after every call
    to_test: Path | None = None  # write a regression test of each new bug to this file


def environment_prefix() -> str:
    """``APIFUZZ_X=1 `` for every APIFUZZ_* variable set here: a model may read them."""
    return shell_assignments(apifuzz_environment())


def apifuzz_command() -> str:
    """``<this python> -m apifuzz``: works pasted into any shell, venv on PATH or not."""
    return f"{shlex.quote(sys.executable)} -m apifuzz"


def reproduce_command(target: str) -> str:
    """The replay command for a crash folder, with the APIFUZZ_* variables of this environment.

    The folder is replayed, not its input.txt: it records the aliases, oracle,
    packages and timeout the worker ran with, and replay compares signatures.
    """
    replay = f"{apifuzz_command()} replay {shlex.quote(target)} {{folder}}"
    return environment_prefix() + replay


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def default_max_len(corpora: list[Path]) -> int:
    """libFuzzer's own choice: 4096 bytes, or the longest seed if one is longer.

    Longer inputs run proportionally fewer executions per second; libFuzzer's
    length control grows them only when shorter ones stop finding coverage.
    """
    sizes = [p.stat().st_size for folder in corpora if folder.is_dir() for p in inputs(folder)]
    return max([DEFAULT_MAX_LEN, *sizes])


class Run:
    """One ``apifuzz fuzz`` invocation."""

    def __init__(self, options: FuzzOptions, target: Target, out: TextIO) -> None:
        self.options = options
        self.target = target
        self.out = out
        self.workdir = options.workdir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.known_before: set[str] = set()
        self.tests_written = 0  # regression tests written by --to-test
        self.counts_before: dict[str, int] = {}
        self.interrupted = False

    # -- preparation ----------------------------------------------------------------

    def prepare(self) -> None:
        w = self.workdir
        for sub in ("corpus", "crashes", "logs", "stats", "staging"):
            (w / sub).mkdir(parents=True, exist_ok=True)
        (w / "stop").unlink(missing_ok=True)
        for old in (w / "stats").glob("*.json"):
            old.unlink()
        # A kill -9 may have left files in a staging folder: keep the whole ones.
        for staging in (w / "staging").iterdir():
            sweep(staging, w / "corpus", discard_torn=True)
        # The workdir keeps its own alias lock, started from the seed corpus's, so
        # the committed corpus is never touched and new aliases stay stable here.
        lock = w / LOCK_NAME
        if not lock.exists():
            for folder in self.options.corpus:
                if (folder / LOCK_NAME).exists():
                    atomic_write(lock, (folder / LOCK_NAME).read_bytes())
                    break
        language = Language.for_target(self.target, lock, write_lock=True)
        atomic_write(w / "apifuzz.dict", language.dictionary())
        self.counts_before = {r.key: r.count for r in load_crashes(w / "crashes")}
        self.known_before = set(self.counts_before)

    def _config(self, worker: int) -> Path:
        o = self.options
        config = WorkerConfig(
            target=o.target,
            instrument=o.instrument,
            workdir=str(self.workdir),
            corpora=[str(c) for c in o.corpus],
            worker=worker,
            seed=o.seed + worker,
            max_time=o.max_time,
            runs=o.runs,
            timeout=o.timeout,
            mutator=o.mutator,
            stop_on_first=o.stop_on_first,
            # The workdir's own corpus counts too, as libFuzzer counts every corpus folder:
            # inputs kept by a run with a larger --max-len are not cut on resume.
            max_len=o.max_len or default_max_len([*o.corpus, self.workdir / "corpus"]),
            reproduce=reproduce_command(o.target),
            libfuzzer_args=o.libfuzzer_args,
            undo_redo=o.undo_redo,
            runner_pid=os.getpid(),
        )
        path = self.workdir / "stats" / f"config-{worker}.json"
        atomic_write(path, json.dumps(asdict(config), indent=2))
        return path

    # -- running --------------------------------------------------------------------

    def start(self) -> None:
        for worker in range(self.options.jobs):
            config = self._config(worker)
            log = open(self.workdir / "logs" / f"worker-{worker}.log", "wb")  # noqa: SIM115
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "apifuzz.engine.worker", str(config)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
            log.close()

    def stats(self) -> tuple[int, float, int]:
        """(runs, exec/s, coverage) summed over workers (coverage: the best worker's)."""
        runs, rate, cov = 0, 0.0, 0
        for path in (self.workdir / "stats").glob("[0-9]*.json"):
            try:
                s = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            runs += int(s["runs"])
            rate += float(s["exec_per_s"])
        for log in (self.workdir / "logs").glob("worker-*.log"):
            cov = max(cov, self._coverage(log))
        return runs, rate, cov

    @staticmethod
    def _coverage(log: Path) -> int:
        try:
            with open(log, "rb") as f:
                f.seek(max(0, f.seek(0, 2) - 8192))
                tail = f.read().decode("utf-8", "replace")
        except OSError:
            return 0
        found = _COV.findall(tail)
        return int(found[-1][0]) if found else 0

    def wait(self) -> None:
        started = time.monotonic()
        limit = self.options.max_time
        last_line = 0.0
        tty = self.out.isatty()
        # SIGTERM (a `kill`, a CI timeout) stops the workers the way Ctrl-C does.
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            while any(p.poll() is None for p in self.procs):
                time.sleep(0.25)
                now = time.monotonic()
                if self.options.stop_on_first and self._new_bugs():
                    self.stop()
                if limit is not None and now - started > limit + 20:
                    self.stop()  # the workers stop themselves; this is the backstop
                if now - last_line >= (1.0 if tty else 10.0):
                    last_line = now
                    self._progress(now - started, tty)
        except KeyboardInterrupt:
            self.out.write("\nINFO: interrupted; stopping the workers\n")
            self.interrupted = True
            self.stop()
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if tty:
            self.out.write("\n")

    def _new_bugs(self) -> list[str]:
        return [
            r.key for r in load_crashes(self.workdir / "crashes") if r.key not in self.known_before
        ]

    def _progress(self, elapsed: float, tty: bool) -> None:
        runs, rate, cov = self.stats()
        bugs = len(load_crashes(self.workdir / "crashes"))
        line = (
            f"#{runs} {elapsed:5.0f}s exec/s: {rate:,.0f} cov: {cov} "
            f"corp: {count(self.workdir / 'corpus')} bugs: {bugs}"
        )
        self.out.write(("\r" + line + "   ") if tty else line + "\n")
        self.out.flush()

    def stop(self) -> None:
        """Ask the workers to flush and stop, then make sure they did."""
        (self.workdir / "stop").touch()
        deadline = time.monotonic() + 5
        for p in self.procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    # -- the end ------------------------------------------------------------------------

    def minimize_new(self) -> None:
        """Minimize each bug not minimized yet, in a fresh process (a flakiness check too).

        Up to ``jobs`` minimizers run at once, each bounded by ``minimize_time``
        (plus its replays: see ``apifuzz minimize --help``); each writes
        ``minimized.txt`` and ``minimize.json`` into its crash folder.  A folder
        left without ``minimize.json`` (an interrupted run, ``--minimize-time 0``)
        is picked up by the next run on the same workdir.
        """
        budget = self.options.minimize_time
        if budget <= 0:
            return
        pending = [
            r
            for r in sorted(load_crashes(self.workdir / "crashes"), key=lambda r: r.first_seen)
            if not (r.folder / RECORD_NAME).exists()
        ]
        if not pending:
            return
        if self.interrupted:
            self.out.write(
                f"INFO: {len(pending)} bug(s) not minimized; the next run on this workdir "
                f"will, or run: {self._minimize_hint()}\n"
            )
            return
        total = len(pending)
        self.out.write(
            f"INFO: minimizing {total} bug{'s' if total > 1 else ''} "
            f"(up to {budget:g}s each, {self.options.jobs} at a time)\n"
        )
        self.out.flush()
        timeout = self.options.timeout or 0
        command = [sys.executable, "-m", "apifuzz", "minimize", self.options.target, "-q"]
        command += ["--corpus", str(self.workdir), "--max-time", str(budget)]
        command += ["--timeout", str(timeout)]
        # The 5 replays around the search may each run up to the timeout.
        allowance = budget + 5 * timeout + 30
        running: list[tuple[subprocess.Popen[bytes], float, Path]] = []
        done = 0
        try:
            while pending or running:
                while pending and len(running) < self.options.jobs:
                    folder = pending.pop(0).folder
                    log = open(folder / MINIMIZE_LOG_NAME, "wb")  # noqa: SIM115
                    proc = subprocess.Popen(
                        [*command, str(folder)], stdout=log, stderr=subprocess.STDOUT
                    )
                    log.close()
                    running.append((proc, time.monotonic() + allowance, folder))
                time.sleep(0.05)
                for entry in list(running):
                    proc, deadline, folder = entry
                    if proc.poll() is None and time.monotonic() > deadline:
                        proc.kill()  # a hang the minimizer's own timeout could not stop
                        proc.wait()
                    if proc.poll() is not None:
                        running.remove(entry)
                        done += 1
                        line = self._minimized(folder) or (
                            f"not minimized: stopped after {allowance:.0f}s "
                            f"(see {folder / MINIMIZE_LOG_NAME})"
                        )
                        self.out.write(f"  [{done}/{total}] {folder.name}: {line}\n")
                        self.out.flush()
        except KeyboardInterrupt:
            self.out.write("\nINFO: interrupted; minimization stopped\n")
            for proc, _, _ in running:
                proc.kill()
                proc.wait()

    def write_tests(self) -> None:
        """With ``--to-test FILE``: a regression test of each new bug, appended to FILE.

        Each runs ``apifuzz to-test`` in a fresh process, after minimization, so
        the test replays the minimized script; a bug it cannot turn into a test
        (flaky, say) gets its one-line reason.
        """
        path = self.options.to_test
        if path is None:
            return
        written = 0
        new = [
            r
            for r in sorted(load_crashes(self.workdir / "crashes"), key=lambda r: r.first_seen)
            if r.key not in self.known_before
        ]
        if not new or self.interrupted:
            if new:
                self.out.write(f"INFO: interrupted: no regression test written to {path}\n")
            return
        self.out.write(f"INFO: writing {len(new)} regression test(s) to {path}\n")
        self.out.flush()
        command = [sys.executable, "-m", "apifuzz", "to-test", self.options.target, "-o", str(path)]
        for index, record in enumerate(new, 1):
            try:
                done = subprocess.run(
                    [*command, str(record.folder)],
                    capture_output=True,
                    text=True,
                    timeout=120 + 4 * (self.options.timeout or 0),
                )
                lines = (done.stdout + done.stderr).strip().splitlines()
                line = lines[-1] if lines else f"exit code {done.returncode}"
                written += done.returncode == 0
            except subprocess.TimeoutExpired:
                line = "not written: to-test ran longer than its allowance"
            except KeyboardInterrupt:
                self.out.write("\nINFO: interrupted; no more regression tests written\n")
                break
            self.out.write(f"  [{index}/{len(new)}] {record.folder.name}: {line}\n")
            self.out.flush()
        self.tests_written = written

    def _minimize_hint(self) -> str:
        return f"{apifuzz_command()} minimize {shlex.quote(self.options.target)} FOLDER"

    @staticmethod
    def _minimized(folder: Path) -> str:
        """The summary line of a crash folder's minimization, or ''."""
        record = read_minimize_record(folder)
        if record is None:
            return ""
        status = record.status
        if status == "minimized":
            cut = "" if record.complete else ", time limit reached"
            if record.interrupted:
                cut = ", interrupted"
            path = record.path or folder / MINIMIZED_NAME
            return f"minimized: {record.after} statements (from {record.before}{cut}) -> {path}"
        describe = record.describe or status
        if status == "flaky":
            return f"{describe} (in a fresh process)"
        if status in ("no bug", "not reproduced"):
            # The worker saw the bug; a fresh process does not: it depended on the worker's past.
            return f"flaky: the worker saw it, a fresh process does not ({describe}); not minimized"
        return ""

    def _seeds(self) -> int:
        return sum(len(list(c.glob("*.txt"))) for c in self.options.corpus)

    def summary(self, elapsed: float) -> int:
        for staging in (self.workdir / "staging").iterdir():
            sweep(staging, self.workdir / "corpus", discard_torn=True)
        (self.workdir / "stop").unlink(missing_ok=True)
        runs, _, cov = self.stats()
        # libFuzzer reports coverage once the seeds are loaded: a run stopped before names none.
        coverage = f"coverage {cov}" if cov else "coverage not reported yet"
        crashes = load_crashes(self.workdir / "crashes")
        failed = [i for i, p in enumerate(self.procs) if p.returncode not in (0, 1)]
        w = self.out.write
        w(
            f"== apifuzz fuzz {self.options.target}: {runs} runs in {elapsed:.0f}s, "
            f"{runs / max(elapsed, 1e-9):,.0f} exec/s, {coverage}, corpus "
            f"{count(self.workdir / 'corpus')} (+{self._seeds()} seeds)\n"
        )
        for i in failed:
            w(
                f"ERROR: worker {i} stopped with exit code {self.procs[i].returncode}; "
                f"see {self.workdir / 'logs' / f'worker-{i}.log'}\n"
            )
        if not crashes:
            w("no bug found\n")
        else:
            w(f"{len(crashes)} unique bug{'s' if len(crashes) > 1 else ''}:\n")
            for r in sorted(crashes, key=lambda r: r.first_seen):
                mark = "new " if r.key not in self.known_before else ""
                w(f"  {mark}{r.signature.describe()}  x{r.count}\n")
                w(f"      {r.summary}\n      -> {r.folder}/\n")
                minimized = self._minimized(r.folder) or (
                    "not minimized (--minimize-time 0, stopped or interrupted): "
                    f"{self._minimize_hint()}"
                )
                w(f"      {minimized}\n")
            last = sorted(crashes, key=lambda r: r.first_seen)[-1]
            reproduce = reproduce_line(last.folder)
            w("each folder holds input.txt, traceback.txt and reproduce.sh, e.g.:\n")
            w(f"  {reproduce}\n")
            if self.options.to_test is not None and self.tests_written:
                tests = shlex.quote(str(self.options.to_test))
                w(f"regression tests in {tests}; run them:\n")
                w(f"  {environment_prefix()}{shlex.quote(sys.executable)} -m pytest {tests}\n")
            else:
                w("turn one into a pytest regression test:\n")
                target, folder = shlex.quote(self.options.target), shlex.quote(str(last.folder))
                w(f"  {environment_prefix()}{apifuzz_command()} to-test {target} {folder}\n")
        hit = any(r.count > self.counts_before.get(r.key, 0) for r in crashes)
        if failed and not crashes:
            return 2
        if hit:
            return 1
        # Stopped early with nothing found: not the same news as a whole run that found nothing.
        return 130 if self.interrupted else 0


def fuzz(options: FuzzOptions, target: Target, out: TextIO) -> int:
    """Run a fuzzing session; returns the exit code.

    0 no bug, 1 a bug was hit, 2 a worker failed, 130 interrupted (Ctrl-C, SIGTERM)
    before any bug was hit.
    """
    if options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if options.mutator not in ("structure", "bytes"):
        raise UsageError("--mutator must be 'structure' or 'bytes'")
    run = Run(options, target, out)
    run.prepare()
    started = time.monotonic()
    run.start()
    run.wait()
    elapsed = time.monotonic() - started
    run.minimize_new()
    run.write_tests()
    return run.summary(elapsed)
