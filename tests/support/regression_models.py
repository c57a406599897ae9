"""Models for the regression-test generator: the shapes the example timeline does not have.

* ``Shelf``: a call that creates several ids without returning them, an id
  provider that returns a generator (not a list), a factory function with a
  parameter, and two bugs switched on by ``APIFUZZ_TEST_SHELF_BUG`` (one in a
  call, one in the factory).
* ``Tally`` (through a Registration): actions and an invariant that are plain
  functions, an id provider that is not a method, an invariant that returns
  a bool.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Annotated

from apifuzz import Ref, Registration, Target, api, ids, invariant

BoxId = Annotated[int, Ref("box")]


class Full(Exception):
    """A refused request."""


class Shelf:
    """Boxes on a shelf; stacking a box on itself is the bug."""

    def __init__(self, size: int = 3) -> None:
        self.size = size
        self.boxes: dict[int, int | None] = {}  # box -> the box it stands on
        self.next = 100

    @ids("box")
    def box_ids(self) -> Iterator[int]:
        return iter(sorted(self.boxes))

    @api
    def unpack(self, count: int) -> int:
        """Put ``count`` new boxes on the shelf; returns how many boxes it holds."""
        if len(self.boxes) + count > self.size:
            raise Full("the shelf is full")
        for _ in range(count):
            self.boxes[self.next] = None
            self.next += 1
        return len(self.boxes)

    @api
    def stack(self, box: BoxId, on: BoxId) -> bool:
        if box == on and "APIFUZZ_TEST_SHELF_BUG" in os.environ:
            raise RecursionError(f"box {box} stands on itself")
        if box == on:
            return False
        self.boxes[box] = on
        return True

    @invariant
    def grounded(self) -> None:
        assert all(on is None or on in self.boxes for on in self.boxes.values())


def make_shelf(size: int = 3) -> Shelf:
    """The factory the target uses; with the bug on, a shelf of 13 cannot be built."""
    if size == 13 and "APIFUZZ_TEST_SHELF_BUG" in os.environ:
        raise ValueError("unlucky shelf")
    return Shelf(size)


shelf = Target(make_shelf, expected=(Full,), name="shelf")


class Tally:
    """A counter per key; a class we pretend we cannot edit."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = {}


tally_registration = Registration(Tally)

Key = Annotated[int, Ref("key")]


@tally_registration.api(alias="b")
def bump(tally: Tally, key: int, by: int = 1) -> None:
    tally.counts[key] = tally.counts.get(key, 0) + by


@tally_registration.api(alias="d")
def drop(tally: Tally, key: Key) -> None:
    if tally.counts[key] == 7 and "APIFUZZ_TEST_TALLY_BUG" in os.environ:
        raise ValueError("seven is unlucky")
    del tally.counts[key]


@tally_registration.ids("key")
def keys(tally: Tally) -> list[int]:
    return sorted(tally.counts)


@tally_registration.invariant
def positive(tally: Tally) -> bool:
    return all(count > 0 for count in tally.counts.values())


tally = Target(tally_registration, expected=(KeyError,), name="tally")
