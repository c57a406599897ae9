"""Watching a campaign: a progress line until the workers stop, or a stop when asked."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from apifuzz.campaign.record import CampaignRecord
from apifuzz.campaign.workers import Workers
from apifuzz.engine.bugs import load_bugs
from apifuzz.engine.corpus import count
from apifuzz.engine.crashes import load_crashes

if TYPE_CHECKING:  # the triage of a run that goes on after its first bug: imported then
    from apifuzz.campaign.background import BackgroundTriage


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (a ``kill``, a CI timeout) stops the campaign the way Ctrl-C does.

    So the workers are stopped and flushed, the summary is printed and the
    workdir lock is released, whichever step the campaign is in.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def watch(
    workers: Workers,
    known_before: set[str],
    out: TextIO,
    background: BackgroundTriage | None = None,
    record: CampaignRecord | None = None,
) -> bool:
    """Start the workers and show progress until every one stopped; True when interrupted.

    A line every second on a terminal (rewritten in place), every ten seconds
    in a log.  A worker that dies is started again (:meth:`Workers.check_dead`).
    Ctrl-C and SIGTERM (see :func:`sigterm_as_ctrl_c`) stop the workers; so
    does a worker stopped by one of them (a Ctrl-C reaches every process).
    ``background`` triages new signatures meanwhile; it stops with the workers.
    ``record`` keeps the workdir's timeline, stats.json and report page up to date.
    """
    options = workers.options
    started = time.monotonic()
    last_line = 0.0
    tty = out.isatty()
    interrupted = False
    try:
        workers.start()
        while _going_on(workers, tty, out):
            time.sleep(0.25)
            now = time.monotonic()
            if options.stop_on_first and _new_bugs(workers, known_before):
                workers.stop()
            if options.max_time is not None and now - started > options.max_time + 20:
                workers.stop()  # the workers stop themselves; this is the backstop
            if background is not None:
                background.step()
            if record is not None:
                record.step()
            if now - last_line >= (1.0 if tty else 10.0):
                last_line = now
                _progress(workers, now - started, tty, out)
    except KeyboardInterrupt:
        out.write("\nINFO: interrupted; stopping the workers\n")
        interrupted = True
        workers.stop()
    finally:
        if background is not None:
            background.stop()
    if tty:
        out.write("\n")
    return interrupted or workers.interrupted()


def _going_on(workers: Workers, tty: bool, out: TextIO) -> bool:
    """Whether a worker still runs, once the dead ones were restarted (and said so)."""
    # Asked first: a worker that dies after this answer is restarted on the next round.
    running = workers.running()
    for line in workers.check_dead():
        out.write(("\n" if tty else "") + line + "\n")
        out.flush()
    if workers.interrupted() and not workers.stopping:
        out.write("\nINFO: a worker was interrupted; stopping the others\n")
        workers.stop()
    return running or workers.running()


def _new_bugs(workers: Workers, known_before: set[str]) -> list[str]:
    return [r.key for r in load_crashes(workers.crashes) if r.key not in known_before]


def _progress(workers: Workers, elapsed: float, tty: bool, out: TextIO) -> None:
    runs, rate, cov = workers.stats()
    bugs = load_bugs(workers.crashes)
    variants = len(bugs.signatures())
    # A new signature is a bug of its own until triage decides (when unsure, apart);
    # triage runs at the lowest priority, so on a busy machine it may lag: say how much.
    pending = len(bugs.pending())
    found = f"{len(bugs.bugs) - pending} + {pending} to triage" if pending else len(bugs.bugs)
    state = max(workers.state_features().values(), default=0)
    line = (
        f"#{runs} {elapsed:5.0f}s exec/s: {rate:,.0f} cov: {cov} "
        + (f"state: {state} " if state else "")
        + f"corp: {count(workers.workdir / 'corpus')} bugs: {found} ({variants} variants)"
    )
    out.write(("\r" + line + "   ") if tty else line + "\n")
    out.flush()
