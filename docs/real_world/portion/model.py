"""The reference models: sets and functions of the real line, written without portion.

An interval is checked *pointwise*: a union of atomic intervals is a set of
reals whose membership changes only at the bounds, so comparing two of them at
every bound, at a point between each two consecutive bounds and at a point
beyond each end decides whether they are the same set.  ``Atoms`` are plain
``(lower, upper, left_closed, right_closed)`` tuples of floats (``math.inf``
for portion's infinities), read from an interval through its public iteration.

An ``IntervalDict`` is checked against :class:`Piecewise`: a function from the
reals to values kept as breakpoints (the value at each breakpoint and on each
open gap between them), which an assignment splits and overwrites in order, the
last one winning, as ``dict.update`` does.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import portion as P

Atom = tuple[float, float, bool, bool]
#: A sample point: a float, or a Fraction where floats are too coarse (between two
#: consecutive floats, or beyond the largest one).
Real = float | Fraction


class _Absent:
    """No value at that point (a sentinel: ``None`` is a value an IntervalDict may hold)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def real(bound: Any) -> float:
    """A bound of portion as a number: its infinities as ``math.inf``, ints kept exact."""
    if bound == P.inf:
        return math.inf
    if bound == -P.inf:
        return -math.inf
    return bound if isinstance(bound, int | float | Fraction) else float(bound)


def atoms_of(interval: P.Interval) -> list[Atom]:
    """The atomic intervals of ``interval``, in its order, through its public API."""
    return [
        (real(a.lower), real(a.upper), a.left == P.CLOSED, a.right == P.CLOSED)
        for a in interval
        if not a.empty
    ]


def key_atoms(key: Any) -> list[Atom]:
    """The atoms an IntervalDict key covers: an interval's, or the single value's point."""
    if isinstance(key, P.Interval):
        return atoms_of(key)
    x = real(key)
    return [(x, x, True, True)]


def normal(atom: Atom) -> Atom:
    """An atom as portion means it: an infinite bound is always open."""
    lo, hi, lc, rc = atom
    return lo, hi, lc and math.isfinite(lo), rc and math.isfinite(hi)


def atom_has(atom: Atom, x: float) -> bool:
    """Whether ``x`` lies in the atomic interval."""
    lo, hi, lc, rc = normal(atom)
    above = x > lo or (lc and x == lo)
    below = x < hi or (rc and x == hi)
    return above and below


def has(atoms: Iterable[Atom], x: float) -> bool:
    """Whether ``x`` lies in the union of ``atoms``."""
    return any(atom_has(a, x) for a in atoms)


def _between(a: float, b: float) -> Real:
    """A point strictly between two bounds (a Fraction where no float lies between)."""
    if isinstance(a, float) and isinstance(b, float):
        middle = (a + b) / 2
        if a < middle < b:
            return middle
    return (Fraction(a) + Fraction(b)) / 2


def _beyond(a: float, step: int) -> Real:
    """A point strictly below (``step`` -1) or above (+1) a bound."""
    if isinstance(a, float):
        x = a + step * max(1.0, abs(a) / 2)
        if math.isfinite(x) and (x - a) * step > 0:
            return x
    return Fraction(a) + step


def samples(*groups: Iterable[Atom], extra: Iterable[float] = ()) -> list[Real]:
    """Points that tell any two unions of these atoms apart: the bounds, between, beyond."""
    bounds = {b for group in groups for a in group for b in a[:2] if math.isfinite(b)}
    bounds.update(x for x in extra if math.isfinite(x))
    ordered = sorted(bounds)
    if not ordered:
        return [0.0]
    points: list[Real] = [_beyond(ordered[0], -1), *ordered, _beyond(ordered[-1], 1)]
    points += [_between(a, b) for a, b in itertools.pairwise(ordered)]
    return points


def well_formed(atoms: Sequence[Atom]) -> str | None:
    """Why ``atoms`` is not portion's normal form (non-empty, sorted, apart), or None."""
    for atom in atoms:
        lo, hi, lc, rc = atom
        if atom != normal(atom):
            return f"{atom} is closed at an infinity"
        if lo > hi or (lo == hi and not (lc and rc)):
            return f"{atom} is empty"
    for a, b in itertools.pairwise(atoms):
        if a[1] > b[0] or (a[1] == b[0] and (a[3] or b[2])):
            return f"{a} and {b} overlap, touch, or are out of order"
    return None


class Piecewise:
    """A function of the reals, as breakpoints: ``at[i]`` at ``points[i]``, ``gaps[i]``
    on the open gap left of it (``gaps[-1]`` right of the last one)."""

    def __init__(self) -> None:
        self.points: list[float] = []
        self.at: list[Any] = []
        self.gaps: list[Any] = [ABSENT]

    def __call__(self, x: float) -> Any:
        if x in (math.inf, -math.inf) or x != x:
            return ABSENT  # portion's infinities are never inside an interval, nor is nan
        i = bisect_left(self.points, x)
        if i < len(self.points) and self.points[i] == x:
            return self.at[i]
        return self.gaps[i]

    def empty(self) -> bool:
        """Whether no real has a value."""
        return all(v is ABSENT for v in self.at) and all(v is ABSENT for v in self.gaps)

    def _split(self, x: float) -> int:
        """Make ``x`` a breakpoint (keeping the function) and return its index."""
        i = bisect_left(self.points, x)
        if i < len(self.points) and self.points[i] == x:
            return i
        self.points.insert(i, x)
        self.at.insert(i, self.gaps[i])
        self.gaps.insert(i, self.gaps[i])
        return i

    def assign(self, atom: Atom, value: Any) -> None:
        """Set ``value`` (``ABSENT``: remove) on every point of the atomic interval."""
        self._paint(atom, value, only_absent=False)

    def fill(self, atom: Atom, value: Any) -> None:
        """Set ``value`` on the points of the atomic interval that have none."""
        self._paint(atom, value, only_absent=True)

    def assign_all(self, atoms: Iterable[Atom], value: Any) -> None:
        """``assign`` on each atom."""
        for atom in atoms:
            self.assign(atom, value)

    def fill_all(self, atoms: Iterable[Atom], value: Any) -> None:
        """``fill`` on each atom."""
        for atom in atoms:
            self.fill(atom, value)

    def _paint(self, atom: Atom, value: Any, *, only_absent: bool) -> None:
        lo, hi, lc, rc = normal(atom)
        if not (lo < hi or (lo == hi and lc and rc)):  # empty (a nan bound included)
            return
        if math.isfinite(lo):
            self._split(lo)
        if math.isfinite(hi):
            self._split(hi)
        first = bisect_left(self.points, lo)  # the first breakpoint at or above lo
        last = bisect_left(self.points, hi)  # the first at or above hi
        at, gaps = self.at, self.gaps
        for i in range(first, min(last + 1, len(self.points))):
            x = self.points[i]
            inside = (x > lo or lc) and (x < hi or rc)
            if inside and not (only_absent and at[i] is not ABSENT):
                at[i] = value
        # The open gaps between lo and hi: right of lo's breakpoint, up to hi's.
        start = first + 1 if math.isfinite(lo) else 0
        for g in range(start, last + 1 if lo < hi else start):
            if not (only_absent and gaps[g] is not ABSENT):
                gaps[g] = value

    def bounds(self) -> list[float]:
        """The breakpoints (where the function may change)."""
        return list(self.points)

    def copy(self) -> Piecewise:
        """An independent copy."""
        twin = Piecewise()
        twin.points, twin.at, twin.gaps = list(self.points), list(self.at), list(self.gaps)
        return twin
