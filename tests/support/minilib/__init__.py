"""A small stand-in for a third-party library: it knows nothing of apifuzz.

Its own tests are in ``../minilib_suite`` (named so that this repository's
test run does not collect them); ``tests/tracing/test_external_trace.py``
traces them with ``apifuzz trace``.
"""

from __future__ import annotations


class Inventory:
    """Counts of items by name, up to a capacity."""

    def __init__(self, capacity=100):
        self.capacity = capacity
        self._counts = {}

    def add(self, name, count=1):
        """Add ``count`` items of ``name``; the new count."""
        if count < 0:
            raise ValueError("negative count")
        if self.total() + count > self.capacity:
            raise ValueError("over capacity")
        self._counts[name] = self._counts.get(name, 0) + count
        return self._counts[name]

    def remove(self, name, count=1):
        """Remove ``count`` items of ``name``; KeyError when there are fewer."""
        if self._counts.get(name, 0) < count:
            raise KeyError(name)
        self._counts[name] -= count
        if not self._counts[name]:
            del self._counts[name]

    def count(self, name):
        return self._counts.get(name, 0)

    def total(self):
        return sum(self._counts.values())

    def names(self):
        return sorted(self._counts)

    def clear(self):
        self._counts.clear()

    def copy(self):
        new = Inventory(self.capacity)
        new._counts = dict(self._counts)
        return new

    def merge(self, other):
        for name, count in other._counts.items():
            self.add(name, count)

    def __setitem__(self, name, count):
        self._counts[name] = 0
        self.add(name, count)

    def __getitem__(self, name):
        return self._counts[name]

    def __len__(self):
        return len(self._counts)

    def _check(self):
        assert self.total() <= self.capacity


def restock(inventory: Inventory, name: str, up_to: int) -> int:
    """Add items of ``name`` until there are ``up_to``; how many were added."""
    missing = max(0, up_to - inventory.count(name))
    if missing:
        inventory.add(name, missing)
    return missing
