"""A model for sparse invariant checks (tests/interpreter/test_check_every.py)."""

from __future__ import annotations

from apifuzz import Target, api, invariant

CHECKS: list[int] = []  # the level at every invariant check, in order


class Gauge:
    """A level that must stay within 0..10.  ``push`` does not cap it (the bug) and raises
    on a large amount (a second bug, an exception); ``drain`` brings the level back to 0,
    so a state a push broke can be repaired; ``spin`` hangs on a broken one."""

    def __init__(self) -> None:
        self.level = 0

    @api
    def push(self, amount: int) -> None:
        if amount < 0:
            raise ValueError("a negative push")
        if amount > 1000:
            raise OverflowError("the second bug: a push too large for the gauge")
        self.level += amount

    @api
    def drain(self) -> None:
        self.level = 0

    @api
    def poke(self) -> int:
        return self.level

    @api
    def spin(self) -> None:
        """Waits for the level to come down to 10: on a level past it, for good (a hang
        that only a state the push broke can cause)."""
        while self.level > 10:
            pass

    @api
    def wait(self, rounds: int) -> None:
        """A hang of its own, on any state: seven rounds never end."""
        while rounds == 7:
            pass

    @invariant
    def within(self) -> None:
        CHECKS.append(self.level)
        assert 0 <= self.level <= 10, f"level {self.level}"


gauge_target = Target(Gauge, expected=(ValueError,))
