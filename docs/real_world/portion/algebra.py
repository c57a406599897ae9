"""The interval algebra, on a current interval the model holds beside its IntervalDict.

Each action computes with portion and checks the result pointwise against the
set it must be (see ``model``): the operands are written atoms, read by hand,
so a wrong union, a wrong normal form or a wrong comparison shows at the call
that made it.  Actions also move intervals between the algebra and the dict
(``d[current] = v``, ``current = d.domain()``).
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Annotated, Any

import portion as P

from apifuzz import OneOf, Range, Registration, Text
from docs.real_world.portion.checks import conv, same_set
from docs.real_world.portion.codecs import Written, bound, to_interval
from docs.real_world.portion.model import Atom, atoms_of, has, samples, well_formed
from docs.real_world.portion.state import state_of

Step = Annotated[int, Range(1, 3)]
Op = Annotated[str, OneOf("lt", "le", "gt", "ge", "eq")]
_SIGN = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "=="}


def _operand(atoms: Written) -> P.Interval | None:
    """The interval a script wrote, checked; None when it is no interval (a nan bound)."""
    if any(math.isnan(b) for a in atoms for b in a[:2]):
        return None
    interval = to_interval(atoms)
    same_set(interval, lambda x: has(atoms, x), [], f"the interval written {atoms}")
    return interval


def _bounds(*groups: list[Atom]) -> list[float]:
    return [b for g in groups for a in g for b in a[:2]]


def _move(d: P.IntervalDict, result: P.Interval) -> P.Interval:
    state_of(d).current = result
    return result


def set_current(d: P.IntervalDict, interval: Written) -> Any:
    """current = the interval written."""
    other = _operand(interval)
    return False if other is None else _move(d, other)


def _binary(d: P.IntervalDict, interval: Written, op: str) -> Any:
    other = _operand(interval)
    if other is None:
        return False
    cur = state_of(d).current
    mine, theirs = atoms_of(cur), atoms_of(other)
    if op == "|":
        result, expect = cur | other, lambda x: has(mine, x) or has(theirs, x)
    elif op == "&":
        result, expect = cur & other, lambda x: has(mine, x) and has(theirs, x)
    else:
        result, expect = cur - other, lambda x: has(mine, x) and not has(theirs, x)
    same_set(result, expect, _bounds(mine, theirs), f"{cur!r} {op} {other!r}")
    return _move(d, result)


def union(d: P.IntervalDict, interval: Written) -> Any:
    """current = current | interval."""
    return _binary(d, interval, "|")


def intersection(d: P.IntervalDict, interval: Written) -> Any:
    """current = current & interval."""
    return _binary(d, interval, "&")


def difference(d: P.IntervalDict, interval: Written) -> Any:
    """current = current - interval."""
    return _binary(d, interval, "-")


def complement(d: P.IntervalDict) -> P.Interval:
    """current = ~current."""
    cur = state_of(d).current
    mine = atoms_of(cur)
    result = ~cur
    same_set(result, lambda x: not has(mine, x), _bounds(mine), f"~{cur!r}")
    return _move(d, result)


def _sup(atoms: list[Atom]) -> tuple[float, bool]:
    return atoms[-1][1], atoms[-1][3]


def _inf(atoms: list[Atom]) -> tuple[float, bool]:
    return atoms[0][0], atoms[0][2]


def _below(a: list[Atom], b: list[Atom]) -> bool:
    """Every point of ``a`` is below every point of ``b`` (README: ``a < b``)."""
    (ua, ca), (lb, cb) = _sup(a), _inf(b)
    return ua < lb or (ua == lb and not (ca and cb))


def _not_beyond(a: list[Atom], b: list[Atom]) -> bool:
    """Every point of ``a`` is at most some point of ``b`` (README: ``a <= b``)."""
    (ua, ca), (ub, cb) = _sup(a), _sup(b)
    return ua < ub or (ua == ub and (cb or not ca))


def _mirror(atoms: list[Atom]) -> list[Atom]:
    return [(-hi, -lo, rc, lc) for lo, hi, lc, rc in reversed(atoms)]


def compare(d: P.IntervalDict, interval: Written, op: Op) -> Any:
    """``current <op> interval``, against what the README says the operators mean."""
    other = _operand(interval)
    if other is None:
        return False
    cur = state_of(d).current
    a, b = atoms_of(cur), atoms_of(other)
    op = _SIGN[op]
    if op == "==":
        got = cur == other
        want = all(has(a, x) == has(b, x) for x in samples(a, b))
    else:
        got = {"<": cur < other, "<=": cur <= other, ">": cur > other, ">=": cur >= other}[op]
        want = (
            bool(a and b)
            and {
                "<": lambda: _below(a, b),
                "<=": lambda: _not_beyond(a, b),
                ">": lambda: _below(b, a),
                ">=": lambda: _not_beyond(_mirror(a), _mirror(b)),
            }[op]()
        )
    assert got == want, f"{cur!r} {op} {other!r} is {got}, the README says {want}"
    return f"{got}"  # a string: a False is an answer here, not a refused call


def relation(
    d: P.IntervalDict,
    interval: Written,
    which: Annotated[str, OneOf("contains", "overlaps", "adjacent")],
) -> Any:
    """``current.contains/overlaps/adjacent(interval)``, checked pointwise."""
    other = _operand(interval)
    if other is None:
        return False
    cur = state_of(d).current
    a, b = atoms_of(cur), atoms_of(other)
    points = samples(a, b)
    if which == "contains":
        got, want = cur.contains(other), all(has(a, x) for x in points if has(b, x))
    elif which == "overlaps":
        got, want = cur.overlaps(other), any(has(a, x) and has(b, x) for x in points)
    else:
        inside = [has(a, x) or has(b, x) for x in sorted(points)]
        runs = sum(1 for i, v in enumerate(inside) if v and (i == 0 or not inside[i - 1]))
        overlap = any(has(a, x) and has(b, x) for x in points)
        got, want = cur.adjacent(other), not overlap and runs <= 1
    assert got == want, f"{cur!r}.{which}({other!r}) is {got}, pointwise {want}"
    return f"{got}"


def contains_value(d: P.IntervalDict, x: float) -> Any:
    """``x in current``."""
    cur = state_of(d).current  # nan included: no bound holds it, so no interval does
    value = P.inf if x == math.inf else -P.inf if x == -math.inf else x
    got, want = value in cur, has(atoms_of(cur), x)
    assert got == want, f"{x} in {cur!r} is {got}, pointwise {want}"
    return f"{got}"


def _subset(a: list[Atom], b: list[Atom]) -> bool:
    """Whether every point of ``a`` lies in ``b``."""
    return all(has(b, x) for x in samples(a, b) if has(a, x))


def replace(
    d: P.IntervalDict,
    left: bool | None = None,
    lower: float | None = None,
    upper: float | None = None,
    right: bool | None = None,
) -> Any:
    """current = current.replace(...): the README's new enclosure, what was inside kept."""
    if any(v is not None and math.isnan(v) for v in (lower, upper)):
        return False
    cur = state_of(d).current
    side = {True: P.CLOSED, False: P.OPEN, None: None}
    lo = None if lower is None else bound(lower)
    hi = None if upper is None else bound(upper)
    result = cur.replace(side[left], lo, hi, side[right])
    box = atoms_of(cur.enclosure.replace(side[left], lo, hi, side[right]))
    mine, got = atoms_of(cur), atoms_of(result)
    kept = [x for x in samples(mine, box) if has(mine, x) and has(box, x)]
    what = f"{cur!r}.replace({left}, {lower}, {upper}, {right}) = {result!r}"
    assert well_formed(got) is None, f"{what} is malformed"
    assert _subset(got, box), f"{what} leaves the new enclosure {box}"
    assert all(has(got, x) for x in kept), f"{what} lost a point of the interval"
    if cur.atomic or kept:
        assert got == box or (not cur.atomic and atoms_of(result.enclosure) == box), (
            f"{what}: its enclosure is not {box}"
        )
    return _move(d, result)


def shift(d: P.IntervalDict, by: int) -> P.Interval:
    """current = current.apply(moving each atomic interval by ``by``)."""
    cur = state_of(d).current
    mine = atoms_of(cur)

    def moved(atomic: P.Interval) -> P.Interval:
        return atomic.replace(lower=lambda v: v + by, upper=lambda v: v + by)

    result = cur.apply(moved)
    # Each bound moved with Python's own arithmetic, as the library's is (a float bound
    # plus a large int rounds): the union of the moved atomic intervals.
    there = [(lo + by, hi + by, lc, rc) for lo, hi, lc, rc in mine]
    same_set(result, lambda x: has(there, x), _bounds(there), f"{cur!r} moved by {by}")
    return _move(d, result)


def atomic_part(d: P.IntervalDict, index: int) -> Any:
    """``current[index]`` (any int names one of its atomic intervals)."""
    cur = state_of(d).current
    mine = atoms_of(cur)
    if not mine:
        return False
    part = cur[index % len(mine)]
    assert atoms_of(part) == [mine[index % len(mine)]], f"{cur!r}[{index}] is {part!r}"
    return part


def iterate(d: P.IntervalDict, step: Step, reverse: bool = False) -> Any:
    """The first values of ``P.iterate(current, step)`` (ValueError: it starts at infinity)."""
    cur = state_of(d).current
    mine = atoms_of(cur)
    starts_infinite = bool(mine) and not math.isfinite(mine[-1][1] if reverse else mine[0][0])
    try:
        values = list(islice(P.iterate(cur, -step if reverse else step, reverse=reverse), 30))
    except ValueError:
        assert starts_infinite, f"iterate({cur!r}) raised ValueError, but it starts at a value"
        raise
    assert not starts_infinite, f"iterate({cur!r}) started at an infinity"
    assert all(has(mine, v) for v in values), f"iterate({cur!r}) left it: {values}"
    ordered = sorted(values, reverse=reverse)
    assert values == ordered and len(set(values)) == len(values), f"iterate({cur!r}): {values}"
    return values


def round_trip(d: P.IntervalDict) -> str:
    """current through to_string/from_string and to_data/from_data."""
    cur = state_of(d).current
    text = P.to_string(cur)
    assert P.from_string(text, conv) == cur, f"{cur!r} -> {text!r} comes back different"
    data = P.to_data(cur)
    assert P.from_data(data) == cur, f"{cur!r} -> {data!r} comes back different"
    want = [(lc, lo, hi, rc) for lo, hi, lc, rc in atoms_of(cur)]  # bounds as bools
    assert data == want, f"to_data({cur!r}) is {data!r}, not {want!r}"
    return text


IntervalText = Annotated[str, Text(alphabet="[](),| +-inf0123", max_size=14)]


def parse(d: P.IntervalDict, text: IntervalText) -> Any:
    """current = from_string(text, int): a ValueError for text that is no interval."""
    result = P.from_string(text, int)
    mine = atoms_of(result)
    same_set(result, lambda x: has(mine, x), [], f"from_string({text!r})")
    assert P.from_string(P.to_string(result), int) == result, f"{text!r}: no round trip"
    return _move(d, result)


def from_domain(d: P.IntervalDict) -> P.Interval:
    """current = d.domain()."""
    return _move(d, d.domain())


def from_find(d: P.IntervalDict, value: int | None) -> P.Interval:
    """current = d.find(value)."""
    return _move(d, d.find(value))


def register(reg: Registration) -> None:
    """Register the algebra's actions, and those moving intervals between it and the dict."""
    for action in (
        set_current,
        union,
        intersection,
        difference,
        complement,
        compare,
        relation,
        contains_value,
        replace,
        shift,
        atomic_part,
        iterate,
        round_trip,
        parse,
        from_domain,
        from_find,
    ):
        # The current interval has no invariant of its own: each result is checked by its call.
        reg.api(action, name=f"iv_{action.__name__}", query=True)
