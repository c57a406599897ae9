"""After the workers stop: each new signature minimized, triaged, then written as a test.

Each step calls its library function (:func:`apifuzz.minimize.files.minimize_script`,
:func:`apifuzz.engine.grouping.triage_pending`,
:func:`apifuzz.testgen.regression.to_test`) in a fresh child process
(:mod:`~apifuzz.campaign.children`) and gets typed results back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from apifuzz.campaign.children import Child, ChildFailed
from apifuzz.campaign.listing import minimized_line
from apifuzz.campaign.options import FuzzOptions
from apifuzz.engine.bugs import BugRecord, load_bugs
from apifuzz.engine.crashes import (
    MINIMIZE_LOG_NAME,
    RECORD_NAME,
    MinimizeRecord,
    read_minimize_record,
)
from apifuzz.engine.grouping import Triaged, triage_pending
from apifuzz.engine.rootcause import RootCause
from apifuzz.language import LoadedTarget
from apifuzz.minimize.files import minimize_script
from apifuzz.model.loader import target_packages

if TYPE_CHECKING:  # libcst costs a quarter second to import: only a child writing a test pays
    from apifuzz.testgen.regression import WrittenTest

TRIAGE_LOG_NAME = "triage.log"  # in <workdir>/logs: one line per triage decision


def _minimize_folder(
    spec: str, workdir: Path, folder: Path, budget: float, timeout: float
) -> MinimizeRecord | None:
    """In the child: minimize one crash folder with the workdir's aliases; its record."""
    loaded = LoadedTarget.load(spec, workdir)
    run = minimize_script(
        loaded, folder, max_time=budget, timeout=timeout, log=lambda m: print(f"  {m}")
    )
    print(run.written.result.describe(), flush=True)
    return read_minimize_record(folder)


def triage_child(
    spec: str, workdir: Path, options: FuzzOptions, again: frozenset[str] = frozenset()
) -> list[Triaged]:
    """In the child: triage the workdir's minimized, untriaged signatures, and give the
    bugs named in ``again`` a second look; the decisions."""
    loaded = LoadedTarget.load(spec, workdir)
    root_cause = RootCause(
        loaded,
        undo_redo=options.undo_redo,
        timeout=options.timeout,
        packages=tuple(target_packages(spec, options.instrument)),
    )
    return triage_pending(
        workdir / "crashes", root_cause, log=lambda line: print(line, flush=True), again=again
    )


def replay_recorded(spec: str, workdir: Path, folders: list[Path]) -> dict[str, str]:
    """In the child: whether each bug folder's script still shows its bug, in a few words."""
    from apifuzz.engine.crashes import load_artifact
    from apifuzz.engine.replay import replay_setup

    loaded = LoadedTarget.load(spec, workdir)
    said = {}
    for folder in folders:
        artifact = load_artifact(folder)
        found = replay_setup(loaded, artifact).judge().run(artifact.best).signature
        if artifact.signature is not None and artifact.signature.matches(found):
            said[folder.name] = "still shows"
        elif found is None:
            said[folder.name] = "no longer shows"
        else:
            said[folder.name] = f"now shows {found.describe()}"
    return said


def _write_test(spec: str, folder: Path, path: Path) -> WrittenTest:
    """In the child: the regression test of one crash folder, appended to ``path``."""
    from apifuzz.testgen.regression import to_test

    return to_test(LoadedTarget.load(spec), folder, out=path)


@dataclass
class AfterRun:
    """The steps after a campaign's workers stopped."""

    loaded: LoadedTarget
    options: FuzzOptions
    crashes: Path  # the workdir's crash folders
    out: TextIO
    interrupted: bool  # the campaign was stopped early: say what is left, do nothing long
    known_before: frozenset[str] = frozenset()  # the bugs the workdir held before the run
    tests_written: int = 0  # regression tests written (or already present) by --to-test
    #: For each bug this run did not show (by folder name): does it still replay?
    recorded: dict[str, str] = field(default_factory=dict)

    def minimize_new(self) -> None:
        """Minimize each bug not minimized yet, in a fresh process (a flakiness check too).

        Up to ``jobs`` minimizers run at once, each bounded by ``minimize_time``
        (plus its replays: see ``apifuzz minimize --help``); each writes
        ``minimized.txt`` and ``minimize.json`` into its crash folder.  A folder
        left without ``minimize.json`` (an interrupted run, ``--minimize-time 0``)
        is picked up by the next run on the same workdir.
        """
        budget = self.options.minimize_time
        pending = [
            b.representative
            for b in load_bugs(self.crashes).pending()
            if not (b.folder / RECORD_NAME).exists()
        ]
        if budget <= 0 or not pending:
            return
        if self.interrupted:
            self.out.write(
                f"INFO: {len(pending)} bug(s) not minimized; the next run on this workdir "
                f"will, or the command shown with each bug below\n"
            )
            return
        total = len(pending)
        self.out.write(
            f"INFO: minimizing {total} new signature{'s' if total > 1 else ''} "
            f"(up to {budget:g}s each, {self.options.jobs} at a time)\n"
        )
        self.out.flush()
        try:
            self._minimize_all([r.folder for r in pending])
        except KeyboardInterrupt:
            self.out.write("\nINFO: interrupted; minimization stopped\n")
            self.interrupted = True  # no regression tests either, and the exit code says so

    def _minimize_all(self, pending: list[Path]) -> None:
        timeout = self.options.timeout or 0
        # The 5 replays around the search may each run up to the timeout.
        allowance = self.options.minimize_time + 5 * timeout + 30
        running: list[tuple[Child[MinimizeRecord | None], Path]] = []
        total, done = len(pending), 0
        try:
            while pending or running:
                while pending and len(running) < self.options.jobs:
                    folder = pending.pop(0)
                    args = (
                        self.loaded.spec,
                        self.options.workdir,
                        folder,
                        self.options.minimize_time,
                        timeout,
                    )
                    log = folder / MINIMIZE_LOG_NAME
                    child = Child(_minimize_folder, args, allowance=allowance, log=log)
                    running.append((child, folder))
                time.sleep(0.05)
                for child, folder in [e for e in running if e[0].done()]:
                    running.remove((child, folder))
                    done += 1
                    line = self._minimized(child, folder, allowance)
                    self.out.write(f"  [{done}/{total}] {folder.name}: {line}\n")
                    self.out.flush()
        finally:
            for child, _ in running:
                child.kill()

    @staticmethod
    def _minimized(child: Child[MinimizeRecord | None], folder: Path, allowance: float) -> str:
        log = folder / MINIMIZE_LOG_NAME
        if child.killed():
            return f"not minimized: stopped after {allowance:.0f}s (see {log})"
        try:
            record = child.result()
        except ChildFailed as exc:
            return f"not minimized: {exc} (see {log})"
        return minimized_line(record, folder) if record is not None else ""

    def triage(self) -> None:
        """Decide each minimized, untriaged signature: a bug of its own, or a variant.

        One child decides them all, oldest first, so each decision sees the
        ones before it; every decision goes to ``logs/triage.log``.  The bugs
        this run decided while its workers fuzzed, each as it came, get a second
        look too: a variant that came later can be what links two of them.
        """
        bugs = load_bugs(self.crashes)
        pending = [b for b in bugs.pending() if (b.folder / RECORD_NAME).exists()]
        again = frozenset(
            b.key
            for b in bugs.bugs
            if b.key not in self.known_before and b.triage is not None and b.triage.status == "bug"
        )
        if self.interrupted or not (pending or len(again) > 1):
            return
        if pending:
            self.out.write(f"INFO: triaging {len(pending)} signature(s)\n")
        else:
            self.out.write(f"INFO: triage: a second look at this run's {len(again)} bugs\n")
        self.out.flush()
        log = self.options.workdir / "logs" / TRIAGE_LOG_NAME
        log.parent.mkdir(parents=True, exist_ok=True)
        # Every decision replays scripts; a bound keeps a pathological model from stalling here.
        allowance = 60 + 10 * (len(pending) + len(again)) * (1 + (self.options.timeout or 0))
        child = Child(
            triage_child,
            (self.loaded.spec, self.options.workdir, self.options, again),
            allowance=allowance,
            log=log,
        )
        try:
            child.wait()
        except KeyboardInterrupt:
            self.out.write("\nINFO: interrupted; triage stopped (the next run goes on)\n")
            return
        self.out.write(f"{self._triaged(child, log, allowance, bool(pending))}\n")

    @staticmethod
    def _triaged(child: Child[list[Triaged]], log: Path, allowance: float, new: bool) -> str:
        if child.killed():
            return f"INFO: triage stopped after {allowance:.0f}s; the rest stays apart (see {log})"
        try:
            decisions = child.result()
        except ChildFailed as exc:
            return f"WARNING: triage failed: {exc}; the signatures stay apart (see {log})"
        merged = sum(d.merged for d in decisions)
        if not new:
            return f"INFO: triage: {merged} signature(s) moved into another bug (why: {log})"
        return (
            f"INFO: triage: {len(decisions) - merged} new bug(s), {merged} variant(s) of "
            f"known bugs (why: {log})"
        )

    def write_tests(self) -> None:
        """With ``--to-test FILE``: a regression test of each bug, appended to FILE.

        Every bug of the workdir, not only this run's: a bug found by an
        earlier run gets its test too, and one that has it already is said to.
        Each is written in a fresh process, after minimization and triage, so
        the test replays the bug's minimized script; a bug it cannot turn into
        a test (flaky, say) gets its one-line reason.
        """
        path = self.options.to_test
        if path is None:
            return
        new = self._by_age()
        if not new or self.interrupted:
            if new:
                self.out.write(f"INFO: interrupted: no regression test written to {path}\n")
            return
        self.out.write(f"INFO: writing {len(new)} regression test(s) to {path}\n")
        self.out.flush()
        allowance = 120 + 4 * (self.options.timeout or 0)
        for index, record in enumerate(new, 1):
            child = Child(_write_test, (self.loaded.spec, record.folder, path), allowance=allowance)
            try:
                child.wait()
            except KeyboardInterrupt:
                self.out.write("\nINFO: interrupted; no more regression tests written\n")
                break
            self.out.write(f"  [{index}/{len(new)}] {record.folder.name}: {self._test(child)}\n")
            self.out.flush()

    def _test(self, child: Child[WrittenTest]) -> str:
        if child.killed():
            return "not written: to-test ran longer than its allowance"
        try:
            written = child.result()
        except ChildFailed as exc:
            return f"not written: {exc}"
        self.tests_written += 1
        return written.describe()

    def check_recorded(self, counts_before: dict[str, int]) -> None:
        """Replay each bug on record that this run did not show: fixed, or just not reached?"""
        quiet = [
            b.folder
            for b in self._by_age()
            if all(0 < r.count <= counts_before.get(r.key, -1) for r in b.signatures)
        ]
        if not quiet or self.interrupted:
            return
        allowance = 60 + len(quiet) * (5 + (self.options.timeout or 0))
        child = Child(
            replay_recorded, (self.loaded.spec, self.options.workdir, quiet), allowance=allowance
        )
        try:
            child.wait()
            self.recorded = child.result()
        except KeyboardInterrupt:
            self.interrupted = True  # nothing more to do; the summary still comes
        except ChildFailed as exc:
            self.recorded = {f.name: f"could not replay: {exc}" for f in quiet}

    def _by_age(self) -> list[BugRecord]:
        return load_bugs(self.crashes).bugs
