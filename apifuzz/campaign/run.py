"""``apifuzz fuzz``: one campaign, from the workdir to the summary."""

from __future__ import annotations

import time
from typing import TextIO

from apifuzz.campaign.after import AfterRun
from apifuzz.campaign.background import BackgroundTriage
from apifuzz.campaign.options import FuzzOptions
from apifuzz.campaign.progress import watch
from apifuzz.campaign.summary import summarize
from apifuzz.campaign.workers import Workers
from apifuzz.language import LoadedTarget


def fuzz(loaded: LoadedTarget, options: FuzzOptions, out: TextIO) -> int:
    """Run a fuzzing campaign; returns the exit code (see :func:`summarize`).

    Raises UsageError for options it cannot run with, before anything starts.
    """
    options.check()
    out.write(
        f"INFO: fuzzing {loaded.name} with {options.jobs} worker(s); seeds: "
        f"{', '.join(map(str, options.corpus)) or 'none'}; workdir: {options.workdir}\n"
    )
    out.flush()
    workers = Workers(loaded, options)
    counts_before = workers.prepare()
    started = time.monotonic()
    workers.start()
    # With --stop-on-first the run ends at the first bug: nothing to triage meanwhile.
    background = None if options.stop_on_first else BackgroundTriage(loaded, options)
    interrupted = watch(workers, set(counts_before), out, background)
    elapsed = time.monotonic() - started
    after = AfterRun(loaded, options, workers.crashes, out, interrupted, frozenset(counts_before))
    after.minimize_new()
    after.triage()
    after.write_tests()
    after.check_recorded(counts_before)
    return summarize(workers, after, counts_before, elapsed, out)
