"""Fuzzing a library from PyPI against a reference model: ``cachetools.LRUCache``.

cachetools (https://pypi.org/project/cachetools/) is a pure-Python library of
memoizing caches.  What an LRU cache holds depends on every read, write and
removal before it: which key a write evicts is the least recently *used* one,
and reads count as uses.  Unit tests check a few such histories; random
scripts check thousands.

The oracle is differential: a second LRU cache written the obvious way
(``ListLRU``, pairs ordered from least to most recently used).  Every action
runs on the real cache and on the reference, and any difference is a bug: a
different return value, an exception on one side only (or of another type),
or, checked after every call, different items.  Nothing in cachetools is
decorated or changed: the actions are functions registered on ``Both``, an
adapter holding the two caches.

    apifuzz lang docs.examples.lru_cache
    apifuzz fuzz docs.examples.lru_cache --max-time 60
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from cachetools import Cache, LRUCache

from apifuzz import Ref, Registration, Target

T = TypeVar("T")
Key = Annotated[int, Ref("key")]  # a key the cache holds (for reads that must hit)


class ListLRU:
    """The reference: ``(key, value)`` pairs from least to most recently used."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.pairs: list[tuple[int, int]] = []

    def _index(self, key: int) -> int:
        for i, (k, _) in enumerate(self.pairs):
            if k == key:
                return i
        raise KeyError(key)

    def get(self, key: int) -> int:
        pair = self.pairs.pop(self._index(key))
        self.pairs.append(pair)  # a read is a use
        return pair[1]

    def put(self, key: int, value: int) -> None:
        if self.maxsize < 1:
            raise ValueError("value too large")  # every item has size 1
        try:
            del self.pairs[self._index(key)]
        except KeyError:
            if len(self.pairs) >= self.maxsize:
                del self.pairs[0]  # evict the least recently used
        self.pairs.append((key, value))

    def pop(self, key: int) -> int:
        return self.pairs.pop(self._index(key))[1]

    def popitem(self) -> tuple[int, int]:
        if not self.pairs:
            raise KeyError("cache is empty")
        return self.pairs.pop(0)


class Both:
    """What the actions receive: the real cache and the reference, of one size."""

    def __init__(self, maxsize: int = 3) -> None:
        self.real: LRUCache[int, int] = LRUCache(maxsize)
        self.ref = ListLRU(maxsize)


def same(real: Callable[[], T], ref: Callable[[], T]) -> T:
    """Run both sides: the same value, or the same exception type, or it is a bug."""
    refusals = (KeyError, ValueError)
    try:
        expected = ref()
    except refusals as exc:
        try:
            got = real()
        except refusals as other:
            if type(other) is type(exc):
                raise  # both refused alike: an expected exception, not a bug
            raise AssertionError(f"the reference raised {exc!r}, LRUCache {other!r}") from None
        raise AssertionError(f"the reference raised {exc!r}, LRUCache returned {got!r}") from None
    try:
        got = real()
    except refusals as exc:
        raise AssertionError(
            f"LRUCache raised {exc!r}, the reference returned {expected!r}"
        ) from None
    assert got == expected, f"LRUCache returned {got!r}, the reference {expected!r}"
    return got


lru = Registration(Both)


@lru.api(alias="p")
def put(b: Both, key: int, value: int) -> None:
    same(lambda: b.real.__setitem__(key, value), lambda: b.ref.put(key, value))


@lru.api(alias="g")
def get(b: Both, key: Key) -> int:
    return same(lambda: b.real[key], lambda: b.ref.get(key))


@lru.api(alias="ga")
def get_any(b: Both, key: int) -> int | None:
    """``cache.get(key)``: any int, so most reads miss (and return None on both sides)."""

    def ref() -> int | None:
        try:
            return b.ref.get(key)
        except KeyError:
            return None

    return same(lambda: b.real.get(key), ref)


@lru.api(alias="sd")
def setdefault(b: Both, key: int, value: int) -> int:
    def ref() -> int:
        try:
            return b.ref.get(key)
        except KeyError:
            b.ref.put(key, value)
            return value

    return same(lambda: b.real.setdefault(key, value), ref)


@lru.api(alias="o")
def pop(b: Both, key: Key) -> int:
    return same(lambda: b.real.pop(key), lambda: b.ref.pop(key))


@lru.api(alias="i")
def popitem(b: Both) -> tuple[int, int]:
    return same(b.real.popitem, b.ref.popitem)


@lru.api(alias="c")
def contains(b: Both, key: int) -> bool:
    """``key in cache``: not a use, so it must not change what is evicted next."""
    return same(lambda: key in b.real, lambda: any(k == key for k, _ in b.ref.pairs))


@lru.ids("key")
def keys(b: Both) -> list[int]:
    return sorted(k for k, _ in b.ref.pairs)


@lru.invariant
def same_items(b: Both) -> None:
    # Not b.real.items(): LRUCache counts each read it makes as a use and would reorder
    # itself, so the check would change what it checks (the fuzzer's first finding here).
    # Cache.__getitem__ is the base class's read, which LRUCache's own popitem uses.
    held = {key: Cache.__getitem__(b.real, key) for key in b.real}
    assert held == dict(b.ref.pairs), "the caches hold different items"
    assert len(b.real) == b.real.currsize == len(b.ref.pairs)


target = Target(lru, expected=(KeyError, ValueError), name="lru_cache")
