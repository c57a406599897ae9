"""Watching a campaign: a progress line until the workers stop, or a stop when asked."""

from __future__ import annotations

import signal
import threading
import time
from typing import TextIO

from apifuzz.campaign.background import BackgroundTriage
from apifuzz.campaign.workers import Workers
from apifuzz.engine.bugs import load_bugs
from apifuzz.engine.corpus import count
from apifuzz.engine.crashes import load_crashes


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def watch(
    workers: Workers,
    known_before: set[str],
    out: TextIO,
    background: BackgroundTriage | None = None,
) -> bool:
    """Show progress until every worker stopped; returns True when interrupted.

    A line every second on a terminal (rewritten in place), every ten seconds
    in a log.  Ctrl-C and SIGTERM (a ``kill``, a CI timeout) stop the workers.
    ``background`` triages new signatures meanwhile; it stops with the workers.
    """
    options = workers.options
    started = time.monotonic()
    last_line = 0.0
    tty = out.isatty()
    interrupted = False
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        while workers.running():
            time.sleep(0.25)
            now = time.monotonic()
            if options.stop_on_first and _new_bugs(workers, known_before):
                workers.stop()
            if options.max_time is not None and now - started > options.max_time + 20:
                workers.stop()  # the workers stop themselves; this is the backstop
            if background is not None:
                background.step()
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
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    if tty:
        out.write("\n")
    return interrupted


def _new_bugs(workers: Workers, known_before: set[str]) -> list[str]:
    return [r.key for r in load_crashes(workers.crashes) if r.key not in known_before]


def _progress(workers: Workers, elapsed: float, tty: bool, out: TextIO) -> None:
    runs, rate, cov = workers.stats()
    bugs = load_bugs(workers.crashes)
    variants = len(bugs.signatures())
    # Until triage has looked at a new signature it counts as a bug: when unsure, apart.
    line = (
        f"#{runs} {elapsed:5.0f}s exec/s: {rate:,.0f} cov: {cov} "
        f"corp: {count(workers.workdir / 'corpus')} bugs: {len(bugs.bugs)} ({variants} variants)"
    )
    out.write(("\r" + line + "   ") if tty else line + "\n")
    out.flush()
