"""The end of a campaign: what it ran, every bug in the workdir, what to do next."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TextIO

from apifuzz.campaign.after import AfterRun, minimized_line
from apifuzz.campaign.commands import apifuzz_command, environment_prefix, minimize_hint
from apifuzz.campaign.workers import Workers
from apifuzz.engine.corpus import count
from apifuzz.engine.crashes import CrashRecord, load_crashes, read_minimize_record, reproduce_line

#: Exit codes of ``apifuzz fuzz``.
EXIT_NO_BUG, EXIT_BUG, EXIT_WORKER_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 130


def summarize(
    workers: Workers,
    after: AfterRun,
    counts_before: dict[str, int],
    elapsed: float,
    out: TextIO,
) -> int:
    """Print the summary; returns the exit code.

    0 no bug, 1 a bug was hit, 2 a worker failed, 130 interrupted (Ctrl-C,
    SIGTERM) before any bug was hit.
    """
    workers.sweep_staging()
    (workers.workdir / "stop").unlink(missing_ok=True)
    crashes = sorted(load_crashes(workers.crashes), key=lambda r: r.first_seen)
    failed = workers.failed()
    _headline(workers, elapsed, out)
    for i in failed:
        out.write(
            f"ERROR: worker {i} stopped with exit code {workers.procs[i].returncode}; "
            f"see {workers.workdir / 'logs' / f'worker-{i}.log'}\n"
        )
    if not crashes:
        out.write("no bug found\n")
    else:
        _bugs(crashes, counts_before, after.loaded.spec, out)
        _next_step(crashes[-1], after, out)
    hit = any(r.count > counts_before.get(r.key, 0) for r in crashes)
    if failed and not crashes:
        return EXIT_WORKER_FAILED
    if hit:
        return EXIT_BUG
    # Stopped early with nothing found: not the same news as a whole run that found nothing.
    return EXIT_INTERRUPTED if after.interrupted else EXIT_NO_BUG


def _headline(workers: Workers, elapsed: float, out: TextIO) -> None:
    runs, _, cov = workers.stats()
    # libFuzzer reports coverage once the seeds are loaded: a run stopped before names none.
    coverage = f"coverage {cov}" if cov else "coverage not reported yet"
    seeds = sum(len(list(c.glob("*.txt"))) for c in workers.options.corpus)
    out.write(
        f"== apifuzz fuzz {workers.loaded.spec}: {runs} runs in {elapsed:.0f}s, "
        f"{runs / max(elapsed, 1e-9):,.0f} exec/s, {coverage}, corpus "
        f"{count(workers.workdir / 'corpus')} (+{seeds} seeds)\n"
    )


def _bugs(
    crashes: list[CrashRecord], counts_before: dict[str, int], spec: str, out: TextIO
) -> None:
    out.write(f"{len(crashes)} unique bug{'s' if len(crashes) > 1 else ''}:\n")
    for r in crashes:
        mark = "new " if r.key not in counts_before else ""
        out.write(f"  {mark}{r.signature.describe()}  x{r.count}\n")
        out.write(f"      {r.summary}\n      -> {r.folder}/\n")
        out.write(f"      {_minimized(r.folder, spec)}\n")


def _minimized(folder: Path, spec: str) -> str:
    record = read_minimize_record(folder)
    line = minimized_line(record, folder) if record is not None else ""
    return line or (
        f"not minimized (--minimize-time 0, stopped or interrupted): {minimize_hint(spec)}"
    )


def _next_step(last: CrashRecord, after: AfterRun, out: TextIO) -> None:
    out.write("each folder holds input.txt, traceback.txt and reproduce.sh, e.g.:\n")
    out.write(f"  {reproduce_line(last.folder)}\n")
    to_test = after.options.to_test
    if to_test is not None and after.tests_written:
        tests = shlex.quote(str(to_test))
        out.write(f"regression tests in {tests}; run them:\n")
        out.write(f"  {environment_prefix()}{shlex.quote(sys.executable)} -m pytest {tests}\n")
    else:
        out.write("turn one into a pytest regression test:\n")
        target, folder = shlex.quote(after.loaded.spec), shlex.quote(str(last.folder))
        out.write(f"  {environment_prefix()}{apifuzz_command()} to-test {target} {folder}\n")
