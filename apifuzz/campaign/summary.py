"""The end of a campaign: what it ran, every bug of the workdir, how to replay and test each.

Bugs, not signatures: each with its minimized script inline, its variant
count, when it was first and last seen, whether this run showed it, and
the one command that replays it and the one that turns it into a test.
"""

from __future__ import annotations

import math
import shlex
import sys
from typing import TYPE_CHECKING, TextIO

from apifuzz.campaign.commands import environment_prefix
from apifuzz.campaign.listing import count_bugs, write_bugs
from apifuzz.campaign.methods import write_holes
from apifuzz.campaign.options import instrumented
from apifuzz.campaign.record import read_methods
from apifuzz.campaign.workers import Workers, exit_description
from apifuzz.engine.bugs import BugRecord, load_bugs
from apifuzz.engine.corpus import count

if TYPE_CHECKING:  # imported by the run once its workers are done
    from apifuzz.campaign.after import AfterRun

#: Exit codes of ``apifuzz fuzz`` (2, a usage error, comes from the command line).
EXIT_NO_BUG, EXIT_BUG, EXIT_FUZZER_FAILED, EXIT_INTERRUPTED = 0, 1, 3, 130


def summarize(
    workers: Workers,
    after: AfterRun,
    counts_before: dict[str, int],
    elapsed: float,
    out: TextIO,
) -> int:
    """Print the summary; returns the exit code.

    0 no bug, 1 a bug was hit in this run, 3 the fuzzer itself failed (a
    worker died and was not restarted) and no bug was hit, 130 interrupted
    (Ctrl-C, SIGTERM) before any bug was hit.
    """
    workers.sweep_staging()
    (workers.workdir / "stop").unlink(missing_ok=True)
    bugs = load_bugs(workers.crashes)
    failed = workers.failed()
    _headline(workers, elapsed, out)
    out.write(instrumented_line(instrumented(workers.loaded, workers.options)) + "\n")
    for i in failed:
        restarts = f" (restarted {workers.restarts[i]} times)" if workers.restarts[i] else ""
        out.write(
            f"ERROR: worker {i} stopped with {exit_description(workers.procs[i].returncode)}"
            f"{restarts}; see {workers.log(i)}\n"
        )
    for line in bugs.warnings():
        out.write(line + "\n")
    methods = read_methods(workers.workdir)
    if methods is not None:  # before the bugs: their commands end the summary
        write_holes(methods.rows, out)
    if not bugs.bugs:
        out.write("no bug found\n")
    else:
        first = first_bug(bugs.bugs, counts_before, workers.started_at)
        if first:
            out.write(first + "\n")
        _bugs(bugs.bugs, counts_before, after, out)
    # A bug hit in this run: its count grew, or (a count file torn by a kill) its last hit is new.
    hit = any(
        r.count > counts_before.get(r.key, 0) or r.last_seen >= workers.started_at
        for r in bugs.signatures()
    )
    if hit:
        return EXIT_BUG
    if failed:
        return EXIT_FUZZER_FAILED
    # Stopped early with nothing found: not the same news as a whole run that found nothing.
    return EXIT_INTERRUPTED if after.interrupted else EXIT_NO_BUG


def first_bug(bugs: list[BugRecord], counts_before: dict[str, int], started_at: float) -> str:
    """``time to the first new bug: 2.4s (bug 3)``: how long this run took to find one.

    Counted from the start of the workers (their start-up included) to the
    first hit of a bug new in this run (``[new]``: none of its variants was on
    record before); "" when the run found no new one.
    """
    firsts = [
        (bug.first_seen, number)
        for number, bug in enumerate(bugs, 1)
        if not any(r.key in counts_before for r in bug.signatures) and math.isfinite(bug.first_seen)
    ]
    if not firsts or not math.isfinite(started_at):
        return ""
    seen, number = min(firsts)
    return f"time to the first new bug: {max(seen - started_at, 0.0):.1f}s (bug {number})"


def _headline(workers: Workers, elapsed: float, out: TextIO) -> None:
    runs, _, cov = workers.stats()
    # libFuzzer reports coverage once the seeds are loaded: a run stopped before names none.
    coverage = f"coverage {cov}" if cov else "coverage not reported yet"
    seeds = workers.seeds.count
    out.write(
        f"== apifuzz fuzz {workers.loaded.spec}: {runs} runs in {elapsed:.0f}s, "
        f"{runs / max(elapsed, 1e-9):,.0f} exec/s, {coverage}, corpus "
        f"{count(workers.workdir / 'corpus')} (+{seeds} seeds)\n"
    )


def instrumented_line(packages: list[str]) -> str:
    """Which packages coverage comes from (the start-of-run header and the summary say it)."""
    return f"coverage of: {', '.join(packages)} (instrumented packages)"


def _state(bug: BugRecord, counts_before: dict[str, int], recorded: dict[str, str]) -> str:
    """``new``, ``seen`` (again, in this run) or ``on record`` (not shown by this run).

    A bug on record says whether its script still shows it when replayed now.
    """
    if not any(r.key in counts_before for r in bug.signatures):
        return "new"
    if any(r.count > counts_before.get(r.key, 0) for r in bug.signatures):
        return "seen"
    replayed = recorded.get(bug.key)
    return f"on record, {replayed}" if replayed else "on record"


def _bugs(
    bugs: list[BugRecord], counts_before: dict[str, int], after: AfterRun, out: TextIO
) -> None:
    states = [_state(b, counts_before, after.recorded) for b in bugs]
    shown = sum(not s.startswith("on record") for s in states)
    out.write(
        f"{count_bugs(bugs)}; {shown} shown by this run, {len(bugs) - shown} only on record:\n"
    )
    write_bugs(bugs, after.loaded.spec, out, states)
    if after.options.to_test is not None and after.tests_written:
        tests = shlex.quote(str(after.options.to_test))
        out.write(f"regression tests in {tests}; run them:\n")
        out.write(f"  {environment_prefix()}{shlex.quote(sys.executable)} -m pytest {tests}\n")
