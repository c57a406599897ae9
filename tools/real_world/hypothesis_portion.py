"""Hypothesis's peer of docs/real_world/portion: a RuleBasedStateMachine over IntervalDict.

The same API as the apifuzz target, written as a Hypothesis user would: a bundle of
intervals (written ones, unions, complements, the dict's own domain), keys drawn from
it or single values, small values so that equal values meet, and the same oracles
(the breakpoint reference after every rule, portion's consistency, round trips).

    python tools/real_world/hypothesis_portion.py --seed 1 --budget 60
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import portion as P
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import hunt

from docs.real_world.portion.checks import (
    consistent,
    dict_atoms,
    lookup,
    matches_reference,
    round_trips,
    same_function,
)
from docs.real_world.portion.codecs import add, first
from docs.real_world.portion.model import ABSENT, Piecewise, has, key_atoms, real

BOUNDS = st.integers(-6, 6) | st.sampled_from([P.inf, -P.inf, 0.5])
POINTS = st.integers(-6, 6) | st.just(0.5)  # single-value keys (an infinity is no key)
VALUES = st.integers(0, 3)
DEFAULTS = st.none() | VALUES


@st.composite
def atomic(draw: Any) -> P.Interval:
    lower, upper = draw(BOUNDS), draw(BOUNDS)
    left, right = (
        draw(st.sampled_from([P.CLOSED, P.OPEN])),
        draw(st.sampled_from([P.CLOSED, P.OPEN])),
    )
    return P.Interval.from_atomic(left, min(lower, upper), max(lower, upper), right)


INTERVALS = st.lists(atomic(), max_size=3).map(lambda parts: P.Interval(*parts))


def _inside(ref: Piecewise, key: Any, default: Any) -> Any:
    atoms = key_atoms(key)

    def expect(x: Any) -> Any:
        if not has(atoms, x):
            return ABSENT
        value = ref(x)
        return default if value is ABSENT else value

    return expect


class IntervalDictMachine(RuleBasedStateMachine):
    """An IntervalDict and its reference, driven by random rules."""

    intervals = Bundle("intervals")
    keys = st.one_of(intervals, POINTS)  # an interval made so far, or a single value

    def __init__(self) -> None:
        super().__init__()
        self.d: P.IntervalDict = P.IntervalDict()
        self.ref = Piecewise()

    @rule(target=intervals, interval=INTERVALS)
    def write(self, interval: P.Interval) -> P.Interval:
        return interval

    @rule(target=intervals, a=intervals, b=intervals)
    def union(self, a: P.Interval, b: P.Interval) -> P.Interval:
        return a | b

    @rule(target=intervals, a=intervals)
    def complement(self, a: P.Interval) -> P.Interval:
        return ~a

    @rule(target=intervals)
    def domain(self) -> P.Interval:
        return self.d.domain()

    @rule(key=keys, value=VALUES)
    def setitem(self, key: Any, value: int) -> None:
        self.d[key] = value
        self.ref.assign_all(key_atoms(key), value)

    @rule(key=keys)
    def delitem(self, key: Any) -> None:
        missing = not isinstance(key, P.Interval) and self.ref(real(key)) is ABSENT
        try:
            del self.d[key]
        except KeyError:
            assert missing, f"del d[{key!r}] raised KeyError"
        else:
            assert not missing, f"del d[{key!r}] did not raise KeyError"
        self.ref.assign_all(key_atoms(key), ABSENT)

    @rule(items=st.lists(st.tuples(INTERVALS | POINTS, VALUES), max_size=4))
    def update(self, items: list[tuple[Any, int]]) -> None:
        self.d.update(items)
        for key, value in items:
            self.ref.assign_all(key_atoms(key), value)

    @rule(key=keys, default=DEFAULTS, given=st.booleans())
    def pop(self, key: Any, default: Any, given: bool) -> None:
        if isinstance(key, P.Interval):
            result = self.d.pop(key, default) if given else self.d.pop(key)
            fill = default if given else ABSENT
            same_function(result, _inside(self.ref, key, fill), self.ref.bounds(), "pop")
        else:
            want = self.ref(real(key))
            if given:
                result = self.d.pop(key, default)
                assert result == (default if want is ABSENT else want), (
                    f"d.pop({key!r}, {default!r})"
                )
            else:
                try:
                    result = self.d.pop(key)
                except KeyError:
                    assert want is ABSENT, f"d.pop({key!r}) raised KeyError"
                else:
                    assert result == want, f"d.pop({key!r}) is {result!r}, not {want!r}"
        self.ref.assign_all(key_atoms(key), ABSENT)

    @rule(key=keys, default=DEFAULTS)
    def setdefault(self, key: Any, default: Any) -> None:
        result = self.d.setdefault(key, default)
        if isinstance(key, P.Interval):
            same_function(result, _inside(self.ref, key, default), self.ref.bounds(), "setdefault")
        else:
            want = self.ref(real(key))
            assert result == (default if want is ABSENT else want), f"d.setdefault({key!r})"
        self.ref.fill_all(key_atoms(key), default)

    @rule(key=keys, default=DEFAULTS)
    def get(self, key: Any, default: Any) -> None:
        result = self.d.get(key, default)
        if isinstance(key, P.Interval):
            same_function(result, _inside(self.ref, key, default), self.ref.bounds(), "get")
        else:
            want = self.ref(real(key))
            assert result == (default if want is ABSENT else want), f"d.get({key!r})"

    @rule(
        items=st.lists(st.tuples(INTERVALS, VALUES), max_size=3),
        how=st.sampled_from(["add", "first"]),
    )
    def combine(self, items: list[tuple[P.Interval, int]], how: str) -> None:
        other = P.IntervalDict(items)
        theirs = dict_atoms(other)
        f = add if how == "add" else first  # values may be None (a setdefault's default)

        def expect(x: Any) -> Any:
            a, b = self.ref(x), lookup(theirs, x)
            if a is not ABSENT and b is not ABSENT:
                return f(a, b)
            return b if a is ABSENT else a

        result = self.d.combine(other, f)
        bounds = self.ref.bounds() + [b for atoms, _ in theirs for at in atoms for b in at[:2]]
        same_function(result, expect, bounds, "combine")

    @rule()
    def popitem(self) -> None:
        try:
            key, value = self.d.popitem()
        except KeyError:
            assert self.ref.empty(), "popitem raised KeyError on a non-empty dict"
            return
        same_function(
            P.IntervalDict([(key, value)]),
            _inside(self.ref, key, ABSENT),
            self.ref.bounds(),
            "popitem",
        )
        self.ref.assign_all(key_atoms(key), ABSENT)

    @rule()
    def clear(self) -> None:
        self.d.clear()
        self.ref = Piecewise()

    @invariant()
    def agrees(self) -> None:
        consistent(self.d)
        matches_reference(self.d, self.ref)
        round_trips(self.d)


if __name__ == "__main__":
    hunt.main(IntervalDictMachine)
