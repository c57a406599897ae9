"""The Hypothesis peer of the ordered-set campaign: a state machine over OrderedSet's API.

Written as a Hypothesis user would: one OrderedSet and a plain list without
duplicates (the same reference as the apifuzz target's), a rule per method
with its own strategies, and invariants for the library's consistency and
the round trips.  A rule catches only what the library documents as refusals
(KeyError, IndexError, ValueError), and only when the reference refuses alike.

    python tools/real_world/hypothesis_ordered_set.py --seed 1 --budget 60
"""

from __future__ import annotations

import inspect
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from ordered_set import OrderedSet

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import hunt

from docs.real_world.ordered_set.reference import ListSet, unique

REFUSALS = (KeyError, IndexError, ValueError)
POP_TAKES_INDEX = "index" in inspect.signature(OrderedSet.pop).parameters
FANCY_RETURNS_LIST = isinstance(OrderedSet("a")[[0]], list)

elements = st.text(alphabet="abcdef", max_size=2)
collections = st.lists(elements, max_size=6)
indexes = st.integers(min_value=-8, max_value=8)


def plain(value: Any) -> Any:
    """An OrderedSet result as a list (inside a tuple too)."""
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return list(value) if isinstance(value, OrderedSet) else value


def same(real: Callable[[], Any], ref: Callable[[], Any], check: bool = True) -> None:
    """The same result, or the same refusal, from the library and the reference."""
    try:
        expected = ref()
    except REFUSALS as exc:
        try:
            got = real()
        except REFUSALS as other:
            assert type(other) is type(exc), f"OrderedSet raised {other!r}, reference {exc!r}"
            return
        raise AssertionError(f"OrderedSet returned {got!r}, the reference raised {exc!r}") from None
    got = real()
    if check:
        assert plain(got) == expected, f"OrderedSet gave {got!r}, the reference {expected!r}"


class OrderedSetMachine(RuleBasedStateMachine):
    """OrderedSet against a list without duplicates."""

    def __init__(self) -> None:
        super().__init__()
        self.s: OrderedSet[str] = OrderedSet()
        self.ref = ListSet()

    @rule(initial=st.text(alphabet="abcdef", max_size=8))
    def new(self, initial: str) -> None:
        self.s, self.ref = OrderedSet(initial), ListSet(initial)

    @rule(key=elements)
    def add(self, key: str) -> None:
        same(lambda: self.s.add(key), lambda: self.ref.add(key))

    @rule(key=elements)
    def append(self, key: str) -> None:
        same(lambda: self.s.append(key), lambda: self.ref.add(key))

    @rule(values=collections)
    def update(self, values: list[str]) -> None:
        same(lambda: self.s.update(values), lambda: self.ref.update(values), check=bool(values))

    @rule(key=elements)
    def discard(self, key: str) -> None:
        same(lambda: self.s.discard(key), lambda: self.ref.discard(key))

    @rule(key=elements)
    def remove(self, key: str) -> None:
        same(lambda: self.s.remove(key), lambda: self.ref.remove(key))

    @rule()
    def clear(self) -> None:
        same(self.s.clear, self.ref.clear)

    @rule(index=indexes)
    def pop(self, index: int) -> None:
        if POP_TAKES_INDEX:
            same(lambda: self.s.pop(index), lambda: self.ref.pop(index))
        else:
            same(self.s.pop, self.ref.pop)

    @rule(key=elements)
    def index(self, key: str) -> None:
        same(lambda: self.s.index(key), lambda: self.ref.index(key))

    @rule(keys=collections)
    def get_indexer(self, keys: list[str]) -> None:
        # The same rules on every release, so that a seed draws the same programs on each:
        # before 3.1 (no get_indexer), index() of a list is the same lookup.
        lookup = getattr(self.s, "get_indexer", self.s.index)
        same(lambda: lookup(keys), lambda: [self.ref.index(k) for k in keys])

    @rule(index=indexes)
    def getitem(self, index: int) -> None:
        same(lambda: self.s[index], lambda: self.ref.getitem(index))

    @rule(start=st.none() | indexes, stop=st.none() | indexes, step=st.none() | indexes)
    def slice(self, start: int | None, stop: int | None, step: int | None) -> None:
        same(lambda: self.s[start:stop:step], lambda: self.ref.slice(start, stop, step))

    @rule(indices=st.lists(indexes, max_size=4))
    def fancy_index(self, indices: list[int]) -> None:
        def ref() -> list[str]:
            found = self.ref.fancy(indices)
            return found if FANCY_RETURNS_LIST else unique(found)

        same(lambda: self.s[indices], ref)

    @rule(other=collections)
    def equality(self, other: list[str]) -> None:
        same(
            lambda: (self.s == other, self.s == set(other)),
            lambda: (self.ref.items == other, set(self.ref.items) == set(other)),
        )

    @rule(sets=st.lists(collections, max_size=3))
    def several_sets(self, sets: list[list[str]]) -> None:
        same(
            lambda: (self.s.union(*sets), self.s.intersection(*sets), self.s.difference(*sets)),
            lambda: (
                self.ref.union(*sets),
                self.ref.intersection(*sets),
                self.ref.difference(*sets),
            ),
        )

    @rule(other=collections)
    def one_set(self, other: list[str]) -> None:
        same(
            lambda: (
                self.s.symmetric_difference(other),
                self.s.issubset(other),
                self.s.issuperset(other),
                self.s.isdisjoint(other),
                self.s | other,
                self.s & other,
                self.s - other,
                self.s ^ other,
            ),
            lambda: (
                self.ref.symmetric_difference(other),
                self.ref.issubset(other),
                self.ref.issuperset(other),
                self.ref.isdisjoint(other),
                self.ref.union(other),
                self.ref.intersection(other),
                self.ref.difference(other),
                self.ref.symmetric_difference(other),
            ),
        )

    @rule(sets=st.lists(collections, max_size=3))
    def difference_update(self, sets: list[list[str]]) -> None:
        self.s.difference_update(*sets)
        self.ref.items = self.ref.difference(*sets)

    @rule(other=collections)
    def intersection_update(self, other: list[str]) -> None:
        self.s.intersection_update(other)
        self.ref.items = self.ref.intersection(other)

    @rule(other=collections)
    def symmetric_difference_update(self, other: list[str]) -> None:
        self.s.symmetric_difference_update(other)
        self.ref.items = self.ref.symmetric_difference(other)

    @rule(op=st.sampled_from(["|=", "&=", "-=", "^="]), other=collections)
    def in_place(self, op: str, other: list[str]) -> None:
        before = self.s
        if op == "|=":
            self.s |= other
            self.ref.items = self.ref.union(other)
        elif op == "&=":
            self.s &= other
            self.ref.items = self.ref.intersection(other)
        elif op == "-=":
            self.s -= other
            self.ref.items = self.ref.difference(other)
        else:
            self.s ^= other
            self.ref.items = self.ref.symmetric_difference(other)
        assert self.s is before, f"{op} made a new object"

    @invariant()
    def items_and_map_agree(self) -> None:
        items = self.s.items
        assert len(set(items)) == len(items), f"items holds an element twice: {items!r}"
        assert self.s.map == {x: i for i, x in enumerate(items)}, f"map {self.s.map!r}"

    @invariant()
    def same_as_reference(self) -> None:
        assert self.s.items == self.ref.items, f"{self.s.items!r} != {self.ref.items!r}"

    @invariant()
    def round_trips(self) -> None:
        for other in (pickle.loads(pickle.dumps(self.s)), self.s.copy(), self.s[:]):
            assert other.items == self.s.items and other.map == self.s.map


if __name__ == "__main__":
    hunt.main(OrderedSetMachine)
