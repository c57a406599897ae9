"""A model whose bug needs a state no new line leads to: a combination lock.

Pressing the right digits in order opens the lock (the seeded bug: the model
raises).  Every press runs the same lines whatever the digit, and the number
of digits matched is computed in C, so coverage gives the fuzzer no stepping
stone; the model reports the number to :func:`apifuzz.feedback`, which does.
"""

from __future__ import annotations

import os

import apifuzz
from apifuzz import Target, api

SECRET = (3, 1, 4, 1, 5, 9)


class Opened(Exception):
    """The seeded bug: the lock opened."""


class Lock:
    report = True  # tell apifuzz how far the presses got

    def __init__(self) -> None:
        self.pressed: list[int] = []

    @api
    def press(self, digit: int) -> None:
        self.pressed.append(digit % 10)
        # commonprefix is C code over the lists (not paths): the same lines whatever was
        # pressed, where a Python loop would give coverage a count to climb.
        matched = len(os.path.commonprefix([self.pressed, list(SECRET)]))  # noqa: RUF071
        if self.report:
            apifuzz.feedback(("matched", matched))
        (self._shut, self._open)[matched // len(SECRET)]()

    def _shut(self) -> None:
        pass

    def _open(self) -> None:
        raise Opened("the lock opened")


class SilentLock(Lock):
    """The same lock, telling apifuzz nothing."""

    report = False


lock_target = Target(Lock)
silent_lock_target = Target(SilentLock)
