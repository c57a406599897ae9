"""``apifuzz fuzz``: one campaign, from the workdir to the summary."""

from __future__ import annotations

import time
from typing import TextIO

from apifuzz.campaign.lock import WorkdirLock
from apifuzz.campaign.options import FuzzOptions, instrumented, with_libraries
from apifuzz.campaign.progress import sigterm_as_ctrl_c, watch
from apifuzz.campaign.record import REPORT_NAME, CampaignRecord, PageWriter
from apifuzz.campaign.summary import instrumented_line, summarize
from apifuzz.campaign.workers import Workers
from apifuzz.language import LoadedTarget


def fuzz(
    loaded: LoadedTarget, options: FuzzOptions, out: TextIO, page: PageWriter | None = None
) -> int:
    """Run a fuzzing campaign; returns the exit code (see :func:`summarize`).

    ``page`` writes the workdir's report page: every few seconds while the
    workers run and once at the end (see :class:`CampaignRecord`).  It comes
    from the caller because the page is drawn in a higher layer (apifuzz.report).

    Raises UsageError for options it cannot run with, or a workdir another
    campaign holds (see :class:`WorkdirLock`), before anything starts.
    """
    options.check()
    drawn, options = options.seed == 0, options.drawn()
    options = with_libraries(loaded, options)
    packages = instrumented(loaded, options)
    with WorkdirLock(options.workdir) as lock, sigterm_as_ctrl_c():
        out.write(
            f"INFO: fuzzing {loaded.name} with {options.jobs} worker(s); seeds: "
            f"{', '.join(map(str, options.corpus)) or 'none'}; workdir: {options.workdir}\n"
        )
        out.write(f"INFO: {instrumented_line(packages)}\n")
        if drawn:
            out.write(f"INFO: --seed 0: this run's seed is {options.seed} (give it to repeat)\n")
        if lock.stale_pid is not None:
            out.write(
                f"INFO: taking over the workdir from a run that ended (pid {lock.stale_pid})\n"
            )
        out.flush()
        workers = Workers(loaded, options)
        counts_before = workers.prepare()
        out.write(workers.seeds.note())
        started = time.monotonic()
        # With --stop-on-first the run ends at the first bug: nothing to triage meanwhile.
        # What triages, minimizes and writes tests is imported when it is needed, not
        # before the workers are forked from this process: every import before the fork
        # delays the first input (on one core), and the fork shares none of these.
        background = None
        if not options.stop_on_first:
            from apifuzz.campaign.background import BackgroundTriage

            background = BackgroundTriage(loaded, options)
        record = CampaignRecord(workers, out, page)
        if page is not None:
            out.write(f"INFO: report page, refreshed as it runs: {options.workdir / REPORT_NAME}\n")
        interrupted = watch(workers, set(counts_before), out, background, record)
        elapsed = time.monotonic() - started
        record.fuzzing_done()
        known = frozenset(counts_before)
        from apifuzz.campaign.after import AfterRun

        after = AfterRun(loaded, options, workers.crashes, out, interrupted, known)
        after.minimize_new()
        after.triage()
        after.write_tests()
        after.check_recorded(counts_before)
        written = record.finish()
        if written is not None:
            out.write(f"INFO: report page: {written}\n")
        return summarize(workers, after, counts_before, elapsed, out)
