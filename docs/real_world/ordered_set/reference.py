"""The reference model: an ordered set written the obvious way, a list without duplicates.

Every operation is the plainest Python that the ordered-set documentation
describes, with no index map to keep in step: ``ListSet`` is what
``OrderedSet`` must behave like, call for call.  A refused request raises
before it changes anything, so the reference stays usable after it.
"""

from __future__ import annotations

from collections.abc import Iterable


def unique(values: Iterable[str]) -> list[str]:
    """``values`` without repeats, each where it first appears."""
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


class ListSet:
    """An ordered set as a plain list of distinct elements, in insertion order."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.items = unique(items)

    # -- single elements ---------------------------------------------------------------

    def add(self, key: str) -> int:
        """The index of ``key``, appended first if it is new."""
        if key not in self.items:
            self.items.append(key)
        return self.items.index(key)

    def update(self, values: Iterable[str]) -> int | None:
        """Add each value; the index of the last one (None for no value: unspecified)."""
        last = None
        for value in values:
            last = self.add(value)
        return last

    def index(self, key: str) -> int:
        """Where ``key`` is; KeyError when it is absent."""
        if key not in self.items:
            raise KeyError(key)
        return self.items.index(key)

    def pop(self, index: int = -1) -> str:
        """Remove and return the element at ``index``: KeyError when empty, IndexError
        when out of range."""
        if not self.items:
            raise KeyError("Set is empty")
        value = self.items[index]  # IndexError before any change (list.pop raises
        del self.items[index]  # OverflowError for an index past a C ssize_t, not IndexError)
        return value

    def discard(self, key: str) -> None:
        """Remove ``key`` if present."""
        if key in self.items:
            self.items.remove(key)

    def remove(self, key: str) -> None:
        """Remove ``key``; KeyError when it is absent."""
        if key not in self.items:
            raise KeyError(key)
        self.items.remove(key)

    def clear(self) -> None:
        """Remove everything."""
        self.items = []

    # -- reads -------------------------------------------------------------------------

    def getitem(self, index: int) -> str:
        """The element at ``index``; IndexError when out of range."""
        return self.items[index]

    def slice(self, start: int | None, stop: int | None, step: int | None) -> list[str]:
        """The elements of a slice (ValueError for a zero step), as a list."""
        return self.items[start:stop:step]

    def fancy(self, indices: Iterable[int]) -> list[str]:
        """The element at each index, repeats kept (IndexError when one is out of range)."""
        return [self.items[i] for i in indices]

    # -- with other collections ------------------------------------------------------------

    def union(self, *others: Iterable[str]) -> list[str]:
        """Every element of this set then of the others, each once, first appearance first."""
        return unique([*self.items, *(v for other in others for v in other)])

    def intersection(self, *others: Iterable[str]) -> list[str]:
        """The elements of this set in every other, in this set's order."""
        sets = [set(other) for other in others]
        return [v for v in self.items if all(v in s for s in sets)]

    def difference(self, *others: Iterable[str]) -> list[str]:
        """The elements of this set in none of the others, in this set's order."""
        gone = {v for other in others for v in other}
        return [v for v in self.items if v not in gone]

    def symmetric_difference(self, other: Iterable[str]) -> list[str]:
        """This set's elements not in ``other``, then ``other``'s not in this set."""
        theirs = unique(other)
        return [v for v in self.items if v not in theirs] + [
            v for v in theirs if v not in self.items
        ]

    def issubset(self, other: Iterable[str]) -> bool:
        """Every element of this set is in ``other``."""
        theirs = set(other)
        return all(v in theirs for v in self.items)

    def issuperset(self, other: Iterable[str]) -> bool:
        """Every element of ``other`` is in this set."""
        return all(v in self.items for v in other)

    def isdisjoint(self, other: Iterable[str]) -> bool:
        """No element of ``other`` is in this set."""
        return not any(v in self.items for v in other)
