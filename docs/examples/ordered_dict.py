"""Fuzzing a class you cannot edit: ``collections.OrderedDict``.

Two registrations, both from outside the class:

* ``target``: OrderedDict itself.  Existing methods are registered by name
  with their parameter types (OrderedDict's methods are written in C, so
  Python cannot read their signatures), plus one function for ``d[k] = v``.
  An invariant checks that every view of the dict agrees.
* ``differential``: every action runs on an OrderedDict *and* on a
  reference model written the obvious way (a list of pairs), and an
  invariant asserts that both hold the same items in the same order.  Any
  difference, in state, in return value or in the exception raised, is a bug.

    apifuzz lang docs.examples.ordered_dict:differential
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Annotated, Any

from apifuzz import Ref, Registration, Target

Key = Annotated[int, Ref("key")]

# -- the class as it is -----------------------------------------------------------

plain = Registration(collections.OrderedDict)


@plain.api(alias="p")
def put(d: collections.OrderedDict[int, int], key: int, value: int) -> None:
    """``d[key] = value``: an operator, so it needs a function."""
    d[key] = value


@plain.ids("key")
def keys(d: collections.OrderedDict[int, int]) -> list[int]:
    return list(d)


plain.method("move_to_end", key=Key, last=bool)
plain.method("popitem", last=bool)
plain.method("pop", key=Key)
plain.method("clear")


@plain.invariant
def views_agree(d: collections.OrderedDict[int, int]) -> None:
    assert list(d) == list(d.keys()) == [k for k, _ in d.items()]
    assert list(reversed(d)) == list(d)[::-1]
    assert len(d) == len(list(d))


target = Target(plain, expected=(KeyError,), name="ordered_dict")


# -- differential: OrderedDict against a reference model ----------------------------


class ListDict:
    """The reference: an ordered mapping as a plain list of pairs."""

    def __init__(self) -> None:
        self.pairs: list[tuple[int, int]] = []

    def _find(self, key: int) -> int:
        for i, (k, _) in enumerate(self.pairs):
            if k == key:
                return i
        raise KeyError(key)

    def put(self, key: int, value: int) -> None:
        try:
            self.pairs[self._find(key)] = (key, value)
        except KeyError:
            self.pairs.append((key, value))

    def move_to_end(self, key: int, last: bool = True) -> None:
        pair = self.pairs.pop(self._find(key))
        if last:
            self.pairs.append(pair)
        else:
            self.pairs.insert(0, pair)

    def popitem(self, last: bool = True) -> tuple[int, int]:
        if not self.pairs:
            raise KeyError("dictionary is empty")
        return self.pairs.pop(-1 if last else 0)

    def pop(self, key: int) -> int:
        return self.pairs.pop(self._find(key))[1]


@dataclass
class Both:
    """What the differential actions receive: the real thing and the reference."""

    real: collections.OrderedDict[int, int] = field(default_factory=collections.OrderedDict)
    ref: ListDict = field(default_factory=ListDict)


def same(real: Any, ref: Any) -> Any:
    """Call both sides; they must return the same value or raise the same exception type."""
    try:
        expected = ref()
    except KeyError:
        try:
            real()
        except KeyError:
            raise
        raise AssertionError("the reference raised KeyError, OrderedDict did not") from None
    got = real()
    assert got == expected, f"OrderedDict returned {got!r}, the reference {expected!r}"
    return got


diff = Registration(Both)


@diff.api(alias="p")
def put_both(b: Both, key: int, value: int) -> None:
    same(lambda: b.real.__setitem__(key, value), lambda: b.ref.put(key, value))


@diff.api(alias="m")
def move_to_end(b: Both, key: int, last: bool = True) -> None:
    # a plain int key, not a Ref: absent keys must raise KeyError on both sides
    same(lambda: b.real.move_to_end(key, last), lambda: b.ref.move_to_end(key, last))


@diff.api(alias="i")
def popitem(b: Both, last: bool = True) -> tuple[int, int]:
    return same(lambda: b.real.popitem(last), lambda: b.ref.popitem(last))  # type: ignore[no-any-return]


@diff.api(alias="o")
def pop(b: Both, key: Key) -> int:
    return same(lambda: b.real.pop(key), lambda: b.ref.pop(key))  # type: ignore[no-any-return]


@diff.ids("key")
def live_keys(b: Both) -> list[int]:
    return [k for k, _ in b.ref.pairs]


@diff.invariant
def same_items(b: Both) -> None:
    assert list(b.real.items()) == b.ref.pairs


differential = Target(diff, expected=(KeyError,), name="ordered_dict_differential")
