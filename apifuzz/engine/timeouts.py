"""The one range a timeout may take, for the command line and for crash folders alike.

A timeout is armed with ``signal.setitimer``, which refuses ``inf`` and huge
values (OverflowError), and an alarm shorter than the interpreter's own work
around a call fires in apifuzz's code, not the model's, so the bug it reports
blames apifuzz.  0 turns the timeout off.
"""

from __future__ import annotations

import math

#: The shortest timeout: a shorter alarm fires before the model's code gets to run.
MIN_TIMEOUT = 0.01
#: The longest timeout, one day: a longer one is no limit, and 0 says that plainly.
MAX_TIMEOUT = 86400.0

RANGE = f"0 (off) or {MIN_TIMEOUT:g} to {MAX_TIMEOUT:g} seconds"


def timeout_ok(seconds: float) -> bool:
    """Whether ``seconds`` is 0 (off) or a finite number in ``[MIN_TIMEOUT, MAX_TIMEOUT]``."""
    return seconds == 0 or (math.isfinite(seconds) and MIN_TIMEOUT <= seconds <= MAX_TIMEOUT)


def timeout_error(option: str, seconds: float) -> str:
    """The one-line usage error for a timeout out of range (``option`` names where it came from)."""
    if seconds < 0:
        return f"{option} must not be negative, got {seconds:g}; give {RANGE}"
    return f"{option} must be {RANGE}, got {seconds:g}"
