"""How a script writes portion's values (see apifuzz.Codec).

* An interval is a list of atomic intervals ``[lower upper left_closed right_closed]``,
  bounds as floats (``inf``/``-inf`` are portion's infinities; a float of integral
  value is passed as an int, as portion's tests write bounds): ``[[0.0 2.0 true
  true] [5.0 inf false false]]`` is ``P.closed(0, 2) | P.open(5, P.inf)``.
* An IntervalDict key is either an interval or a single value.  A single value
  ``x`` is written ``[[x x false false]]``: as an interval, ``(x, x)`` would be
  empty (written ``[]``), so the encoding is free for it.  A single value may be
  ``nan`` (in no interval); a bound may not.
* Items (``update``, the constructor, ``|=``) are a list of ``[key value]`` pairs;
  another IntervalDict (``combine``) is written as its items.
* ``combine``'s ``how`` is one of a few named functions (a test's own function is
  written as the one it behaves as on ints).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any

import portion as P

from apifuzz import Codec, OneOf

Atom = tuple[float, float, bool, bool]
Written = list[Atom]


def bound(x: float) -> Any:
    """A written bound as portion takes it."""
    if math.isnan(x):
        raise ValueError("nan is not a bound")
    if x == math.inf:
        return P.inf
    if x == -math.inf:
        return -P.inf
    return int(x) if x == int(x) else x


def written_bound(b: Any) -> float:
    """A bound of portion as a script writes it (only ints and floats can be)."""
    if b == P.inf:
        return math.inf
    if b == -P.inf:
        return -math.inf
    if isinstance(b, bool) or not isinstance(b, int | float) or float(b) != b:
        raise TypeError(f"the bound {b!r} is no float")
    return float(b)


def to_interval(atoms: Written) -> P.Interval:
    """The union of the written atomic intervals."""
    parts = [
        P.Interval.from_atomic(
            P.CLOSED if lc else P.OPEN, bound(lo), bound(hi), P.CLOSED if rc else P.OPEN
        )
        for lo, hi, lc, rc in atoms
    ]
    return P.Interval(*parts)


def from_interval(interval: P.Interval) -> Written:
    """An interval as a list of written atomic intervals."""
    if not isinstance(interval, P.Interval):
        raise TypeError(f"{interval!r} is no Interval")
    return [
        (written_bound(a.lower), written_bound(a.upper), a.left == P.CLOSED, a.right == P.CLOSED)
        for a in interval
        if not a.empty
    ]


def _is_single(atoms: Written) -> bool:
    if len(atoms) != 1 or atoms[0][2] or atoms[0][3]:
        return False
    lo, hi = atoms[0][:2]
    return lo == hi or (math.isnan(lo) and math.isnan(hi))


def to_key(atoms: Written) -> Any:
    """A key: a single value (``[[x x false false]]``) or an interval."""
    if _is_single(atoms):
        x = atoms[0][0]
        return x if math.isnan(x) else bound(x)  # nan is a value to look up, in no interval
    return to_interval(atoms)


def from_key(key: Any) -> Written:
    """A key as written."""
    if isinstance(key, P.Interval):
        return from_interval(key)
    x = key if isinstance(key, float) and math.isnan(key) else written_bound(key)
    return [(x, x, False, False)]


def to_items(pairs: list[tuple[Written, int]]) -> list[tuple[Any, int]]:
    """``[(key, value), ...]``, as ``update`` and the constructor take them."""
    return [(to_key(k), v) for k, v in pairs]


def from_items(items: Any) -> list[tuple[Written, int]]:
    """A mapping or an iterable of pairs, as written (int values only)."""
    pairs: Iterable[Any] = items.items() if isinstance(items, Mapping) else items
    out = []
    for key, value in pairs:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"the value {value!r} is no int")
        out.append((from_key(key), value))
    return out


def to_items_or_none(pairs: list[tuple[Written, int]] | None) -> list[tuple[Any, int]] | None:
    """The constructor's argument: items, or none."""
    return None if pairs is None else to_items(pairs)


def from_items_or_none(items: Any) -> list[tuple[Written, int]] | None:
    """The constructor's argument, as written."""
    return None if items is None else from_items(items)


def to_dict(pairs: list[tuple[Written, int]]) -> P.IntervalDict:
    """Another IntervalDict (``combine``'s ``other``), built from its items."""
    return P.IntervalDict(to_items(pairs))


def from_dict(d: P.IntervalDict) -> list[tuple[Written, int]]:
    """Another IntervalDict as written: its items."""
    return from_items(d.as_dict())


def _value(x: Any) -> int:
    return 0 if x is None else int(x)


def add(x: Any, y: Any, *interval: Any) -> int:
    """``combine``'s how: the sum (None counts as 0)."""
    return _value(x) + _value(y)


def sub(x: Any, y: Any, *interval: Any) -> int:
    """``combine``'s how: the difference."""
    return _value(x) - _value(y)


def first(x: Any, y: Any, *interval: Any) -> Any:
    """``combine``'s how: the left value."""
    return x


def second(x: Any, y: Any, *interval: Any) -> Any:
    """``combine``'s how: the right value."""
    return y


def larger(x: Any, y: Any, *interval: Any) -> int:
    """``combine``'s how: the larger (None counts as 0)."""
    return max(_value(x), _value(y))


HOW: dict[str, Callable[..., Any]] = {f.__name__: f for f in (add, sub, first, second, larger)}


def to_how(name: str) -> Callable[..., Any]:
    """A how function by its name."""
    return HOW[name]


_PROBES = [(0, 0), (1, 2), (5, -3), (-4, 7), (2, 2)]


def from_how(how: Callable[..., Any]) -> str:
    """The name of the how function that ``how`` behaves as on ints.

    A test's own ``def add(x, y): return x + y`` is written ``add``: what combine
    does depends only on the values how returns, and for the ints a script holds
    they are the same.  A function that behaves as none of them cannot be written.
    """
    for name, mine in HOW.items():
        try:
            if all(_call(how, x, y) == mine(x, y) for x, y in _PROBES):
                return name
        except Exception:
            continue
    raise TypeError(f"{how!r} behaves as none of {sorted(HOW)} on ints")


def _call(how: Callable[..., Any], x: int, y: int) -> Any:
    try:
        return how(x, y)
    except TypeError:  # a how for pass_interval=True takes the interval too
        return how(x, y, P.empty())


IntervalArg = Annotated[Written, Codec(to_interval, from_interval, name="Interval")]
KeyArg = Annotated[Written, Codec(to_key, from_key, name="value or Interval")]
ItemsArg = Annotated[list[tuple[Written, int]], Codec(to_items, from_items, name="items")]
InitArg = Annotated[
    list[tuple[Written, int]] | None, Codec(to_items_or_none, from_items_or_none, name="items")
]
DictArg = Annotated[list[tuple[Written, int]], Codec(to_dict, from_dict, name="IntervalDict")]
HowArg = Annotated[str, OneOf(*HOW), Codec(to_how, from_how, name="how")]
