"""Checks of portion's results: pointwise against the reference, and its own consistency."""

from __future__ import annotations

import itertools
import pickle
from collections.abc import Callable, Iterable
from typing import Any

import portion as P

from docs.real_world.portion.model import (
    ABSENT,
    Atom,
    Piecewise,
    atoms_of,
    has,
    samples,
    well_formed,
)


def lookup(items: Iterable[tuple[list[Atom], Any]], x: float) -> Any:
    """The value at ``x`` of a dict given as ``(atoms, value)`` pairs, read by hand."""
    for atoms, value in items:
        if has(atoms, x):
            return value
    return ABSENT


def dict_atoms(d: P.IntervalDict) -> list[tuple[list[Atom], Any]]:
    """The items of an IntervalDict, keys as atoms."""
    return [(atoms_of(key), value) for key, value in d.items()]


def same_function(
    d: P.IntervalDict, expect: Callable[[float], Any], bounds: Iterable[float], what: str
) -> None:
    """``d`` maps every real as ``expect`` does (checked where either may change)."""
    items = dict_atoms(d)
    for x in samples(*(atoms for atoms, _ in items), extra=bounds):
        got, want = lookup(items, x), expect(x)
        assert got is want or (got is not ABSENT and want is not ABSENT and got == want), (
            f"{what}: at {x} the IntervalDict holds {got!r}, the reference {want!r} "
            f"(IntervalDict {d!r})"
        )


def same_set(
    interval: P.Interval, expect: Callable[[float], bool], bounds: Iterable[float], what: str
) -> None:
    """``interval`` is portion's normal form of the set ``expect`` describes."""
    atoms = atoms_of(interval)
    problem = well_formed(atoms)
    assert problem is None, f"{what}: {interval!r} is malformed: {problem}"
    for x in samples(atoms, extra=bounds):
        assert has(atoms, x) == expect(x), (
            f"{what}: {interval!r} {'holds' if has(atoms, x) else 'lacks'} {x}, "
            f"which it {'must not' if has(atoms, x) else 'must'} hold"
        )


def matches_reference(d: P.IntervalDict, ref: Piecewise) -> None:
    """The dict, read through its items, is the reference function (lookups through ``get``
    and ``d[x]`` are checked by the actions that make them)."""
    same_function(d, ref, ref.bounds(), "the IntervalDict and its reference differ")


def consistent(d: P.IntervalDict) -> None:
    """portion's own promises: normal-form keys, sorted, disjoint; one key per value."""
    keys, values, items = list(d.keys()), list(d.values()), list(d.items())
    assert len(d) == len(keys) == len(values) == len(items), "len, keys, values, items disagree"
    assert items == list(zip(keys, values, strict=True)), "items are not keys with values"
    every: list[Atom] = []
    for key in keys:
        atoms = atoms_of(key)
        assert atoms, f"the key {key!r} is empty"
        problem = well_formed(atoms)
        assert problem is None, f"the key {key!r} is malformed: {problem}"
        every += atoms
    starts = [(a[0], not a[2]) for a in (atoms_of(k)[0] for k in keys)]
    assert starts == sorted(starts), f"the keys are not sorted by lower bound: {keys!r}"
    assert _disjoint(every), f"the keys overlap: {keys!r}"
    for i, v in enumerate(values):
        assert all(v != w for w in values[i + 1 :]), f"two keys hold the value {v!r}: {d!r}"
    assert d.domain() == P.Interval(*keys), "domain() is not the union of the keys"


def _disjoint(every: list[Atom]) -> bool:
    """Whether no two atoms share a point (keys of different values may touch)."""
    ordered = sorted(every, key=lambda a: (a[0], not a[2]))
    for a, b in itertools.pairwise(ordered):
        if a[1] > b[0] or (a[1] == b[0] and a[3] and b[2]):
            return False
    return True


def conv(text: str) -> Any:
    """A bound as ``to_string`` writes it (``repr`` of an int or a float), read back."""
    return int(text) if text.lstrip("-").isdigit() else float(text)


def round_trips(d: P.IntervalDict) -> None:
    """Copies, pickles, plain dicts and each key's data and string forms give it back."""
    assert d.copy() == d, "d.copy() != d"
    assert P.IntervalDict(d.as_dict()) == d, "IntervalDict(d.as_dict()) != d"
    assert pickle.loads(pickle.dumps(d)) == d, "a pickled IntervalDict comes back different"
    for key in d:
        assert P.from_data(P.to_data(key)) == key, f"{key!r} does not survive to_data/from_data"
        text = P.to_string(key)
        assert P.from_string(text, conv) == key, f"{key!r} does not survive {text!r}"
