"""apifuzz target: ordered-set's ``OrderedSet``, its whole public API, against a reference.

ordered-set (https://pypi.org/project/ordered-set/) keeps a list of its
elements (``items``) and a dict from each element to its position (``map``);
every change must keep the two in step.  Its public API is registered from
outside, method by method (``reg.method``), so that the library's own tests
trace into seed scripts::

    apifuzz trace docs.real_world.ordered_set -- <the sdist's test folder>
    apifuzz fuzz docs.real_world.ordered_set --max-time 600

Scripts call each method through an adapter (``via=``) that runs it on the
``OrderedSet`` and on :class:`~.reference.ListSet`, a list without
duplicates written the obvious way: a different result, or an exception on
one side only, is a bug.  After every change the invariants check the
library's own consistency (``items`` and ``map`` agree), the reference (the
same elements in the same order), the reads (iteration, indexing, ``in``,
``==``) and the round trips (pickle, ``copy()``, ``[:]``, ``repr``,
``OrderedSet(list(s))``).

Elements are strings.  The constructor and ``update`` take a ``str``, an
iterable of one-character elements, as the library's own tests write them
(``OrderedSet("abracadabra")``, ``update("efgh")``); the set operations and
the in-place operators take a list of elements (a ``str`` there would test
``in`` as a substring test: ``"" in "abc"``), and those that take several
collections (``union(*sets)``) a list of such lists.  Older releases lack
some methods (``pop(index)`` came in 4.1, ``get_loc`` in 3.1): only what the
installed release has is registered.
"""

from __future__ import annotations

import inspect
import pickle
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from ordered_set import OrderedSet

from apifuzz import Registration, Target
from docs.real_world.ordered_set.reference import ListSet, unique

T = TypeVar("T")

#: What OrderedSet documents as refused requests: an absent key (KeyError, also
#: ``pop`` on an empty set), an index out of range (IndexError), a bad argument
#: (ValueError: ``update`` of a non-iterable, a zero slice step).
REFUSALS = (KeyError, IndexError, ValueError)

#: ``pop(index)`` exists from 4.1 on; before, ``pop()`` only.
POP_TAKES_INDEX = "index" in inspect.signature(OrderedSet.pop).parameters
#: ``s[[i, j]]`` is a list (repeats kept) from 3.1 on; 3.0 documented an OrderedSet.
FANCY_RETURNS_LIST = isinstance(OrderedSet("a")[[0]], list)
#: The constructor's parameter: ``initial`` since 4.1, ``iterable`` before.
INIT_PARAM = list(inspect.signature(OrderedSet.__init__).parameters)[1]

_UNSPECIFIED = object()  # a result the documentation leaves open


#: The reference of each live set, by id: kept outside the set, whose attributes are its
#: state (a query must leave them alone), and forgotten when the set is.
_REFERENCES: dict[int, ListSet] = {}


def reference(s: OrderedSet[str]) -> ListSet:
    """The reference kept beside ``s``, made from its elements at the first call."""
    ref = _REFERENCES.get(id(s))
    if ref is None:
        ref = _REFERENCES[id(s)] = ListSet(list(s.items))
        weakref.finalize(s, _REFERENCES.pop, id(s), None)
    return ref


def plain(value: Any) -> Any:
    """An OrderedSet result as the list of its elements (inside a tuple too)."""
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    return list(value) if isinstance(value, OrderedSet) else value


def same(what: str, real: Callable[[], T], ref: Callable[[], Any]) -> T:
    """Run the reference, then the library: the same result, or the same refusal."""
    try:
        expected = ref()
    except REFUSALS as exc:
        try:
            got = real()
        except REFUSALS as other:
            if type(other) is type(exc):
                raise  # both refused alike: an expected refusal, not a bug
            raise AssertionError(
                f"{what}: OrderedSet raised {other!r}, the reference {exc!r}"
            ) from None
        raise AssertionError(
            f"{what}: OrderedSet returned {got!r}, the reference raised {exc!r}"
        ) from None
    try:
        got = real()
    except REFUSALS as exc:
        raise AssertionError(
            f"{what}: OrderedSet raised {exc!r}, the reference returned {expected!r}"
        ) from None
    if expected is not _UNSPECIFIED:
        assert plain(got) == expected, (
            f"{what}: OrderedSet gave {got!r}, the reference {expected!r}"
        )
    return got


oset = Registration(OrderedSet)
oset.init(**{INIT_PARAM: str | None})


# -- single elements --------------------------------------------------------------------------


def add(s: OrderedSet[str], key: str) -> int:
    return same(f"add({key!r})", lambda: s.add(key), lambda: reference(s).add(key))


def append(s: OrderedSet[str], key: str) -> int:
    return same(f"append({key!r})", lambda: s.append(key), lambda: reference(s).add(key))


def update(s: OrderedSet[str], sequence: str) -> int:
    def ref() -> Any:
        last = reference(s).update(sequence)
        return _UNSPECIFIED if last is None else last  # nothing added: left open

    return same(f"update({sequence!r})", lambda: s.update(sequence), ref)


def discard(s: OrderedSet[str], key: str) -> None:
    same(f"discard({key!r})", lambda: s.discard(key), lambda: reference(s).discard(key))


def remove(s: OrderedSet[str], value: str) -> None:
    same(f"remove({value!r})", lambda: s.remove(value), lambda: reference(s).remove(value))


def clear(s: OrderedSet[str]) -> None:
    same("clear()", s.clear, reference(s).clear)


def pop(s: OrderedSet[str], index: int = -1) -> str:
    return same(f"pop({index})", lambda: s.pop(index), lambda: reference(s).pop(index))


def pop_last(s: OrderedSet[str]) -> str:
    return same("pop()", s.pop, lambda: reference(s).pop())


for _name, _via, _types in [
    ("add", add, {"key": str}),
    ("append", append, {"key": str}),
    ("update", update, {"sequence": str}),
    ("discard", discard, {"key": str}),
    ("remove", remove, {"value": str}),
    ("clear", clear, {}),
    ("pop", pop, {"index": int}) if POP_TAKES_INDEX else ("pop", pop_last, {}),
]:
    oset.method(_name, via=_via, **_types)


# -- reads ------------------------------------------------------------------------------------


def index(s: OrderedSet[str], key: str) -> int:
    return same(f"index({key!r})", lambda: s.index(key), lambda: reference(s).index(key))


def get_loc(s: OrderedSet[str], key: str) -> int:
    return same(f"get_loc({key!r})", lambda: s.get_loc(key), lambda: reference(s).index(key))


def get_indexer(s: OrderedSet[str], key: list[str]) -> list[int]:
    return same(
        f"get_indexer({key!r})",
        lambda: s.get_indexer(key),
        lambda: [reference(s).index(k) for k in key],
    )


@oset.api(alias="g", query=True)
def getitem(s: OrderedSet[str], index: int) -> str:
    """``s[index]`` (an action, not the traced ``__getitem__``: the tests index by slices and
    lists too, which an int parameter cannot write, and their scripts would end there)."""
    return same(f"s[{index}]", lambda: s[index], lambda: reference(s).getitem(index))


def contains(s: OrderedSet[str], key: str) -> bool:
    return same(f"{key!r} in s", lambda: key in s, lambda: key in reference(s).items)


def count(s: OrderedSet[str], value: str) -> int:
    return same(
        f"count({value!r})", lambda: s.count(value), lambda: reference(s).items.count(value)
    )


def copy(s: OrderedSet[str]) -> OrderedSet[str]:
    got = same("copy()", s.copy, lambda: list(reference(s).items))
    assert got is not s, "copy() returned the set itself"
    return got


for _name, _via, _types in [
    ("index", index, {"key": str}),
    ("get_loc", get_loc, {"key": str}),
    ("get_indexer", get_indexer, {"key": list[str]}),
    ("__contains__", contains, {"key": str}),
    ("count", count, {"value": str}),
    ("copy", copy, {}),
]:
    if hasattr(OrderedSet, _name):  # get_loc and get_indexer came in 3.1
        oset.method(_name, via=_via, query=True, **_types)


@oset.api(alias="sl", query=True)
def slice_(
    s: OrderedSet[str], start: int | None, stop: int | None, step: int | None = None
) -> OrderedSet[str]:
    """``s[start:stop:step]``: a new OrderedSet (a copy for ``[:]``)."""
    got = same(
        f"s[{start}:{stop}:{step}]",
        lambda: s[start:stop:step],
        lambda: reference(s).slice(start, stop, step),
    )
    assert isinstance(got, OrderedSet) and got is not s, f"a slice gave {got!r}"
    return got


@oset.api(alias="fi", query=True)
def fancy_index(s: OrderedSet[str], indices: list[int]) -> Any:
    """``s[[i, j, ...]]``: the element at each index (a list, repeats kept, since 3.1)."""

    def ref() -> list[str]:
        found = reference(s).fancy(indices)
        return found if FANCY_RETURNS_LIST else unique(found)

    return same(f"s[{indices!r}]", lambda: s[indices], ref)


@oset.api(alias="eq", query=True)
def equals_list(s: OrderedSet[str], other: list[str]) -> bool:
    """``s == [...]``: a sequence compares in order."""
    return same(f"s == {other!r}", lambda: s == other, lambda: reference(s).items == other)


@oset.api(alias="es", query=True)
def equals_set(s: OrderedSet[str], other: set[str]) -> bool:
    """``s == {...}``: a set compares without order."""
    return same(f"s == {other!r}", lambda: s == other, lambda: set(reference(s).items) == other)


@oset.api(alias="lt", query=True)
def compare(s: OrderedSet[str], other: set[str]) -> tuple[bool, bool, bool, bool]:
    """``s <= o, s < o, s >= o, s > o`` with a set: subset and superset tests."""
    mine = set(reference(s).items)
    return same(
        f"comparisons with {other!r}",
        lambda: (s <= other, s < other, s >= other, s > other),
        lambda: (mine <= other, mine < other, mine >= other, mine > other),
    )


# -- with other collections -------------------------------------------------------------------


def union(s: OrderedSet[str], sets: list[list[str]]) -> OrderedSet[str]:
    return same(f"union(*{sets!r})", lambda: s.union(*sets), lambda: reference(s).union(*sets))


def intersection(s: OrderedSet[str], sets: list[list[str]]) -> OrderedSet[str]:
    return same(
        f"intersection(*{sets!r})",
        lambda: s.intersection(*sets),
        lambda: reference(s).intersection(*sets),
    )


def difference(s: OrderedSet[str], sets: list[list[str]]) -> OrderedSet[str]:
    return same(
        f"difference(*{sets!r})",
        lambda: s.difference(*sets),
        lambda: reference(s).difference(*sets),
    )


def symmetric_difference(s: OrderedSet[str], other: list[str]) -> OrderedSet[str]:
    return same(
        f"symmetric_difference({other!r})",
        lambda: s.symmetric_difference(other),
        lambda: reference(s).symmetric_difference(other),
    )


def issubset(s: OrderedSet[str], other: list[str]) -> bool:
    return same(
        f"issubset({other!r})", lambda: s.issubset(other), lambda: reference(s).issubset(other)
    )


def issuperset(s: OrderedSet[str], other: list[str]) -> bool:
    return same(
        f"issuperset({other!r})",
        lambda: s.issuperset(other),
        lambda: reference(s).issuperset(other),
    )


def isdisjoint(s: OrderedSet[str], other: list[str]) -> bool:
    return same(
        f"isdisjoint({other!r})",
        lambda: s.isdisjoint(other),
        lambda: reference(s).isdisjoint(other),
    )


for _name, _via, _types in [
    ("union", union, {"sets": list[list[str]]}),
    ("intersection", intersection, {"sets": list[list[str]]}),
    ("difference", difference, {"sets": list[list[str]]}),
    ("symmetric_difference", symmetric_difference, {"other": list[str]}),
    ("issubset", issubset, {"other": list[str]}),
    ("issuperset", issuperset, {"other": list[str]}),
    ("isdisjoint", isdisjoint, {"other": list[str]}),
]:
    oset.method(_name, via=_via, query=True, **_types)


@oset.api(alias="op", query=True)
def operators(s: OrderedSet[str], other: list[str]) -> tuple[list[str], ...]:
    """``s | o, s & o, s - o, s ^ o`` with an iterable: new OrderedSets."""
    ref = reference(s)
    return same(
        f"operators with {other!r}",
        lambda: (s | other, s & other, s - other, s ^ other),
        lambda: (
            ref.union(other),
            ref.intersection(other),
            ref.difference(other),
            ref.symmetric_difference(other),
        ),
    )


def difference_update(s: OrderedSet[str], sets: list[list[str]]) -> None:
    def ref() -> None:
        reference(s).items = reference(s).difference(*sets)

    same(f"difference_update(*{sets!r})", lambda: s.difference_update(*sets), ref)


def intersection_update(s: OrderedSet[str], other: list[str]) -> None:
    def ref() -> None:
        reference(s).items = reference(s).intersection(other)

    same(f"intersection_update({other!r})", lambda: s.intersection_update(other), ref)


def symmetric_difference_update(s: OrderedSet[str], other: list[str]) -> None:
    def ref() -> None:
        reference(s).items = reference(s).symmetric_difference(other)

    same(
        f"symmetric_difference_update({other!r})",
        lambda: s.symmetric_difference_update(other),
        ref,
    )


def _in_place(symbol: str, combine: Callable[[ListSet, list[str]], list[str]]) -> Any:
    """The adapter of an in-place operator (``s |= it``): it returns the set itself."""

    def adapter(s: OrderedSet[str], it: list[str]) -> OrderedSet[str]:
        def ref() -> Any:
            reference(s).items = combine(reference(s), it)
            return _UNSPECIFIED

        got = same(f"s {symbol} {it!r}", lambda: getattr(s, _DUNDERS[symbol])(it), ref)
        assert got is s, f"s {symbol} {it!r} returned {got!r}, not the set"
        return got

    return adapter


_DUNDERS = {"|=": "__ior__", "&=": "__iand__", "-=": "__isub__", "^=": "__ixor__"}
for _name, _via, _types in [
    ("difference_update", difference_update, {"sets": list[list[str]]}),
    ("intersection_update", intersection_update, {"other": list[str]}),
    ("symmetric_difference_update", symmetric_difference_update, {"other": list[str]}),
    ("__ior__", _in_place("|=", lambda r, it: r.union(it)), {"it": list[str]}),
    ("__iand__", _in_place("&=", lambda r, it: r.intersection(it)), {"it": list[str]}),
    ("__isub__", _in_place("-=", lambda r, it: r.difference(it)), {"it": list[str]}),
    ("__ixor__", _in_place("^=", lambda r, it: r.symmetric_difference(it)), {"it": list[str]}),
]:
    oset.method(_name, via=_via, **_types)


# -- invariants -------------------------------------------------------------------------------


@oset.invariant
def items_and_map_agree(s: OrderedSet[str]) -> None:
    """The library's own consistency: distinct items, and map[item] is its position."""
    items = s.items
    assert len(set(items)) == len(items), f"items holds an element twice: {items!r}"
    expected = {item: i for i, item in enumerate(items)}
    assert s.map == expected, f"map {s.map!r} disagrees with items {items!r}"


@oset.invariant
def same_as_reference(s: OrderedSet[str]) -> None:
    """The same elements in the same order as the reference list."""
    ref = _REFERENCES.get(id(s))
    if ref is not None:
        assert s.items == ref.items, f"OrderedSet holds {s.items!r}, the reference {ref.items!r}"


@oset.invariant
def reads_agree(s: OrderedSet[str]) -> None:
    """Length, iteration, indexing, ``in``, ``index`` and ``==`` all read the same elements."""
    items = list(s.items)
    assert len(s) == len(items) and list(s) == items and list(reversed(s)) == items[::-1]
    for i, item in enumerate(items):
        assert s[i] == item and s[i - len(items)] == item, f"s[{i}] is not {item!r}"
        assert item in s and s.index(item) == i, f"index({item!r}) is not {i}"
    assert s == items and s == set(items), "== disagrees with the elements"


@oset.invariant
def round_trips(s: OrderedSet[str]) -> None:
    """Pickle, copy(), [:], repr and OrderedSet(list(s)) give back an equal set."""
    copies = {
        "pickle": pickle.loads(pickle.dumps(s)),
        "copy()": s.copy(),
        "s[:]": s[:],
        "repr": eval(repr(s), {"__builtins__": {}, "OrderedSet": OrderedSet}),
        "OrderedSet(list(s))": OrderedSet(list(s)),
    }
    for how, other in copies.items():
        assert type(other) is OrderedSet and other is not s, f"{how} gave {other!r}"
        assert other.items == s.items and other.map == s.map, f"{how} gave {other!r}, not {s!r}"


target = Target(oset, expected=REFUSALS, name="ordered_set")
