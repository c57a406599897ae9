"""Triage while the workers fuzz: the progress line counts bugs, not signatures.

One child at a time, at the lowest priority (the workers' executions come
first: with as many workers as cores it takes only the time they leave),
takes the oldest signature no triage has decided yet,
minimizes it (a short budget) and decides it, and every other minimized,
undecided one.  Whatever it has not reached when the workers stop, the
steps after the run (:class:`~apifuzz.campaign.after.AfterRun`) finish.
Every step it takes is atomic, so stopping it at any moment loses nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from apifuzz.campaign.after import TRIAGE_LOG_NAME, triage_child
from apifuzz.campaign.children import Child
from apifuzz.campaign.options import FuzzOptions
from apifuzz.engine.bugs import load_bugs
from apifuzz.engine.crashes import MINIMIZE_LOG_NAME, RECORD_NAME
from apifuzz.engine.grouping import Triaged
from apifuzz.language import LoadedTarget

#: The minimization budget per signature while the workers run (the rest of the run's is after).
BUDGET = 5.0


def _minimize_then_triage(
    spec: str, workdir: Path, options: FuzzOptions, folder: Path | None
) -> list[Triaged]:
    """In the child: minimize ``folder`` (when given), then triage what is ready.

    At the lowest priority: the workers' executions come first, and triage takes
    the CPU time they leave (what it has not reached is done after the run).
    """
    import os

    from apifuzz.minimize.files import minimize_script

    os.nice(19)

    if folder is not None:
        loaded = LoadedTarget.load(spec, workdir)
        budget = min(BUDGET, options.minimize_time)
        # The folder's own log, as after the run: what the minimizer did, line by line.
        with open(folder / MINIMIZE_LOG_NAME, "a", encoding="utf-8", errors="replace") as out:

            def log(message: str) -> None:
                out.write(f"  {message}\n")
                out.flush()

            try:
                run = minimize_script(
                    loaded, folder, max_time=budget, timeout=options.timeout, log=log
                )
                out.write(run.written.result.describe() + "\n")
            except Exception as exc:  # one folder's trouble (a damaged input): the rest goes on
                out.write(f"not minimized here: {exc}\n")
                print(f"{folder.name}: not minimized here: {exc}", flush=True)
    return triage_child(spec, workdir, options)


class BackgroundTriage:
    """Started from the progress loop; one child at a time, never two."""

    def __init__(self, loaded: LoadedTarget, options: FuzzOptions) -> None:
        self.loaded = loaded
        self.options = options
        self.crashes = options.workdir / "crashes"
        self.child: Child[list[Triaged]] | None = None
        self.tried: set[Path] = set()  # folders given to a child this run

    def step(self) -> None:
        """Collect a finished child; start the next one when there is work."""
        if self.child is not None:
            if not self.child.done():
                return
            failed = self.child.killed() or self.child.failed()
            self.child = None
            if failed:  # a triage that fails fails again: the steps after the run say why
                self.options = replace(self.options, minimize_time=0)
                return
        if self.options.minimize_time <= 0:
            return  # no evidence will come: every signature stays a bug of its own
        pending = load_bugs(self.crashes).pending()
        if not pending:
            return
        todo = [
            b.folder
            for b in pending
            if not (b.folder / RECORD_NAME).exists() and b.folder not in self.tried
        ]
        folder = todo[0] if todo else None
        ready = [b for b in pending if (b.folder / RECORD_NAME).exists()]
        if folder is None and not ready:
            return  # only folders that failed here: left to the steps after the run
        if folder is not None:
            self.tried.add(folder)  # once per run: a folder that fails here is not retried
        log = self.options.workdir / "logs" / TRIAGE_LOG_NAME
        log.parent.mkdir(parents=True, exist_ok=True)
        timeout = self.options.timeout or 0
        allowance = 60 + BUDGET + 10 * len(pending) * (1 + timeout)
        args = (self.loaded.spec, self.options.workdir, self.options, folder)
        self.child = Child(_minimize_then_triage, args, allowance=allowance, log=log, append=True)

    def stop(self) -> None:
        """Stop the child, wherever it is: each of its steps is atomic."""
        if self.child is not None and not self.child.done():
            self.child.kill()
        self.child = None
