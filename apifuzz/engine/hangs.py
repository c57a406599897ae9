"""A hang is one statement that does not return in time, not a script that is long.

Every timeout of apifuzz (the fuzz worker's, the Judge's, hence replay,
minimize, to-test and the regression plugin) is a :class:`HangClock`: a
SIGALRM handler that an interval timer calls a few times per timeout.  On
each tick it looks at the statement the interpreter is running
(:attr:`Position.index <apifuzz.interpreter.runner.Position>`, which the
interpreter keeps anyway): while that moves the script is making progress,
however long it is; when the same statement (its call, the invariants after
it, the undo/redo oracle) has run for ``timeout`` seconds, it raises
:class:`~apifuzz.engine.triage.Hang` into it.

The cost on the fuzzing path is nil per statement: no system call, no
counter; the timer is armed and disarmed once per run, as a one-shot alarm
was, and the handler runs a few times per ``timeout`` seconds.

A hang in C code never lets the handler run: the fuzz worker's native
watchdog (:class:`~apifuzz.engine.native.NativeGuard`) ends it.  That
watchdog measures statements too: the clock's ``on_move`` restarts it each
time a tick sees the script move on.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Callable
from typing import Any

from apifuzz.engine.triage import Hang
from apifuzz.interpreter.runner import Position

#: Ticks per timeout, at least: a hang is seen between ``timeout`` and ``timeout + tick``.
TICKS = 4
#: The shortest tick (seconds): a smaller timeout would have the handler run back to back.
MIN_TICK = 0.001
#: The longest tick (seconds): a hang is seen at most this late, well within the native
#: watchdog's grace (``apifuzz.engine.native.GRACE``), which must not fire first.
MAX_TICK = 0.5

_NOWHERE = -2  # no statement index: the first tick of a run always sees a move


class HangClock:
    """The SIGALRM handler of every timeout: raises Hang when a statement runs too long.

    ``position`` is the interpreter's; :meth:`arm` starts the interval timer
    for one run, :meth:`disarm` stops it.  The handler must be installed by
    the caller (``signal.signal(signal.SIGALRM, clock)``) in the main thread.
    ``on_move``, when set, is called on each tick that sees another statement.
    """

    __slots__ = ("_last", "_still", "on_move", "position", "tick", "ticks", "timeout")

    def __init__(self, position: Position, timeout: float) -> None:
        if not 0 < timeout < math.inf:
            raise ValueError(f"a HangClock needs a finite timeout above 0, got {timeout}")
        self.position = position
        self.timeout = timeout
        self.tick = min(max(timeout / TICKS, MIN_TICK), MAX_TICK)
        self.ticks = max(1, round(timeout / self.tick))  # unchanged ticks that make a hang
        self._last = _NOWHERE
        self._still = 0
        self.on_move: Callable[[], None] | None = None

    @classmethod
    def of(cls, position: Position, timeout: float) -> HangClock | None:
        """The clock of ``timeout`` seconds; None for no limit (0, or infinite)."""
        return cls(position, timeout) if 0 < timeout < math.inf else None

    def arm(self) -> None:
        """Start watching a run: a tick every ``tick`` seconds until :meth:`disarm`."""
        self._last, self._still = _NOWHERE, 0
        signal.setitimer(signal.ITIMER_REAL, self.tick, self.tick)

    @staticmethod
    def disarm() -> None:
        """Stop the timer (harmless when it is stopped already)."""
        signal.setitimer(signal.ITIMER_REAL, 0)

    def __call__(self, signum: int, frame: object) -> None:
        index = self.position.index
        if index != self._last:
            self._last, self._still = index, 0
            if self.on_move is not None:
                self.on_move()
            return
        self._still += 1
        if self._still < self.ticks:
            return
        # Stopped before raising: no later tick may land in the code that handles the Hang.
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise Hang(f"the statement ran longer than {self.timeout:g}s")


class alarm:  # lower case, as contextlib.suppress: it reads as ``with alarm(seconds, at):``
    """Raise :class:`Hang` in the block when one statement at ``position`` runs ``seconds``.

    SIGALRM only reaches the main thread: elsewhere, or with ``seconds`` 0
    (or infinite), the block runs without a limit.  The previous SIGALRM handler is restored
    on the way out.  A plain class, not a generator, and reusable: the
    minimizer enters one per run.
    """

    __slots__ = ("armed", "clock", "previous")

    def __init__(self, seconds: float, position: Position) -> None:
        self.clock = HangClock.of(position, seconds)
        self.armed = False
        self.previous: Any = None

    def __enter__(self) -> None:
        clock = self.clock
        if clock is not None and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, clock)
            self.armed = True
            clock.arm()

    def __exit__(self, *exc: object) -> None:
        if self.armed:
            self.armed = False
            try:
                HangClock.disarm()
            finally:  # even when the alarm goes off right now
                signal.signal(signal.SIGALRM, self.previous)
