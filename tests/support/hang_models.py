"""A model whose hangs come late in a script, for the timeout's tests.

``tick`` returns at once for its first STUCK_AFTER calls on a model and never
after; ``poison`` makes the invariant checked after it never return; ``add``
is always cheap, so a script of any length of it runs in linear time; ``nap``
always returns, after NAP seconds.
"""

from __future__ import annotations

import time

from apifuzz import Target, api, invariant

#: The calls of ``tick`` that return: the next one never does.
STUCK_AFTER = 1000
#: How long ``nap`` sleeps (seconds).
NAP = 0.05


def _forever() -> None:
    while True:
        time.sleep(0.001)


class Counter:
    def __init__(self, start: int = 0) -> None:
        self.total = start
        self.ticks = 0
        self.poisoned = False

    @api
    def add(self, n: int) -> int:
        self.total += n
        return self.total

    @api
    def tick(self) -> None:
        self.ticks += 1
        if self.ticks > STUCK_AFTER:
            _forever()  # the bug: a hang, after many calls that returned

    @api
    def nap(self) -> None:
        time.sleep(NAP)

    @api
    def poison(self) -> None:
        self.poisoned = True

    @invariant
    def settled(self) -> None:
        if self.poisoned:
            _forever()  # the bug: an invariant that never returns


target = Target(Counter)
