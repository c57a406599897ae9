"""The worker processes of a campaign and the workdir they share.

The workers are plain processes started here (not libFuzzer's ``-fork`` or
``-jobs``, which relaunch ``argv[0]`` through a shell and cannot run a
``.py`` harness); they share the workdir: the corpus, the crash folders
(deduplicated by signature across workers) and the alias lock.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from apifuzz.atomic import atomic_write
from apifuzz.campaign.commands import reproduce_command
from apifuzz.campaign.options import FuzzOptions
from apifuzz.engine.corpus import default_max_len, sweep
from apifuzz.engine.crashes import load_crashes
from apifuzz.engine.native import adopt
from apifuzz.engine.worker import WorkerConfig
from apifuzz.language import LOCK_NAME, Language, LoadedTarget

_COV = re.compile(r"cov: (\d+) ft: (\d+) corp: (\d+)/")


class Workers:
    """The workdir of one campaign and the worker processes fuzzing in it."""

    def __init__(self, loaded: LoadedTarget, options: FuzzOptions) -> None:
        self.loaded = loaded
        self.options = options
        self.workdir = options.workdir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.native: set[int] = set()  # workers that died of a bug in native code

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

    def _config(self, worker: int) -> Path:
        o = self.options
        config = WorkerConfig(
            target=self.loaded.spec,
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
            reproduce=reproduce_command(self.loaded.spec),
            libfuzzer_args=o.libfuzzer_args,
            undo_redo=o.undo_redo,
            runner_pid=os.getpid(),
        )
        path = self.workdir / "stats" / f"config-{worker}.json"
        atomic_write(path, json.dumps(asdict(config), indent=2))
        return path

    def start(self) -> None:
        """Start one process per job, each logging to ``logs/worker-<n>.log``."""
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
        """The workers that stopped with an exit code other than 0 (done) or 1 (a bug),
        but for a fatal signal or a native hang in the model: a bug too."""
        self.adopt_dead()
        return [
            i
            for i, p in enumerate(self.procs)
            if p.returncode not in (0, 1) and i not in self.native
        ]

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
            cov = max(cov, _coverage(log))
        return runs, rate, cov

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


def _coverage(log: Path) -> int:
    """The last coverage a worker's libFuzzer reported (0 before the first report)."""
    try:
        with open(log, "rb") as f:
            f.seek(max(0, f.seek(0, 2) - 8192))
            tail = f.read().decode("utf-8", "replace")
    except OSError:
        return 0
    found = _COV.findall(tail)
    return int(found[-1][0]) if found else 0
