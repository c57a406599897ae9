"""Models with queries (``@api(query=True)``), for the queries' tests.

``Counter`` counts the calls of its invariant and of its undo, so a test sees
which calls were followed by a check.  ``Leaky`` has a query that changes the
state (``peek`` pops), and ``Cached`` queries that fill a cache: a false
alarm of the structural check that ``state=`` silences.
"""

from __future__ import annotations

import collections
import functools
import threading
from typing import Annotated

from apifuzz import Ref, Registration, Target, api, ids, invariant

CHECKS: list[str] = []  # the invariant's calls, by model label


class Refused(Exception):
    """A refused request."""


ItemId = Annotated[int, Ref("item")]


class Counter:
    def __init__(self) -> None:
        self.items: dict[int, int] = {}
        self.next = 1
        self.undone: list[int] = []
        self.checks = 0
        self.undos = 0

    @ids("item")
    def item_ids(self) -> list[int]:
        return sorted(self.items)

    @api
    def add(self, value: int) -> int:
        item = self.next
        self.next += 1
        self.items[item] = value
        return item

    @api(query=True)
    def get(self, item: ItemId) -> int:
        return self.items[item]

    @api(alias="n", query=True)
    def count(self) -> int:
        if len(self.items) > 3:
            raise Refused("too many to count")
        return len(self.items)

    @api
    def undo(self) -> bool:
        self.undos += 1
        if not self.items:
            return False
        item = max(self.items)
        self.undone.append(self.items.pop(item))
        return True

    @api
    def redo(self) -> bool:
        if not self.undone:
            return False
        self.items[self.next] = self.undone.pop()
        self.next += 1
        return True

    @invariant
    def check(self) -> None:
        # Counts itself outside the model's state (a query check compares that state).
        CHECKS.append("check")


counter = Target(Counter, expected=(Refused,), undo="undo", redo="redo")


class Leaky:
    def __init__(self) -> None:
        self.values: list[int] = []
        self.lock = threading.Lock()  # cannot be pickled: left out, never a false alarm

    @api
    def push(self, value: int) -> None:
        self.values.append(value)

    @api(query=True)
    def peek(self) -> int | None:
        return self.values.pop() if self.values else None  # the misuse: a query that pops

    @api(query=True)
    def size(self) -> int:
        return len(self.values)


leaky = Target(Leaky)


class Cached:
    def __init__(self) -> None:
        self.values: list[int] = []
        self._sums: dict[int, int] = {}  # a cache the query fills: not what the user sees

    @api
    def push(self, value: int) -> None:
        self.values.append(value)
        self._sums.clear()

    @api(query=True)
    def total(self) -> int:
        n = len(self.values)
        if n not in self._sums:
            self._sums[n] = sum(self.values)
        return self._sums[n]

    @functools.cached_property
    def first(self) -> int:
        return self.values[0] if self.values else 0

    @api(query=True)
    def head(self) -> int:
        return self.first  # cached_property: its cache is never a change

    def visible(self) -> list[int]:
        return list(self.values)


cached = Target(Cached)
cached_with_state = Target(Cached, state="visible")


# -- an external registration: a deque, with a query registered both ways ------------------

Slot = Annotated[int, Ref("slot")]
reg = Registration(collections.deque)


@reg.api(alias="ap")
def append(d: collections.deque[int], value: int) -> None:
    d.append(value)


@reg.api(alias="at", query=True)
def at(d: collections.deque[int], slot: Slot) -> int:
    return d[slot]


@reg.api(alias="ro", query=True)
def rotate_and_read(d: collections.deque[int]) -> int:
    d.rotate(1)  # the misuse: the deque's items change
    return d[0] if d else 0


@reg.ids("slot")
def slots(d: collections.deque[int]) -> list[int]:
    return list(range(len(d)))


@reg.invariant
def deque_check(d: collections.deque[int]) -> None:
    CHECKS.append("deque")


reg.method("count", query=True, value=int)

deque_target = Target(reg, name="query_deque")
