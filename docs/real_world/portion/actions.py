"""The registration: IntervalDict's methods, each called through a checking function.

Every function named like an IntervalDict method is registered with
``reg.method(name, via=function)``: a script's call runs the function, which makes
the library's call, predicts its result and its effect with the reference, and
asserts both; a library test's call of the method is traced as the same action.
KeyError is let through only where the reference says the key is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import portion as P

from apifuzz import Registration
from docs.real_world.portion import algebra
from docs.real_world.portion.checks import (
    consistent,
    dict_atoms,
    lookup,
    matches_reference,
    round_trips,
    same_function,
    same_set,
)
from docs.real_world.portion.codecs import DictArg, HowArg, InitArg, ItemsArg, KeyArg
from docs.real_world.portion.model import ABSENT, Piecewise, has, key_atoms, real, samples
from docs.real_world.portion.state import make, state_of

registration = Registration(P.IntervalDict)
registration.init(via=make, mapping_or_iterable=InitArg)


def _refusal(refuse: bool, call: Callable[[], Any], what: str) -> Any:
    """Make ``call``; a KeyError must come exactly when the reference has no such key."""
    try:
        result = call()
    except KeyError:
        assert refuse, f"{what} raised KeyError, where the reference expects no refusal"
        raise
    assert not refuse, f"{what} returned {result!r}, but the key is missing: KeyError expected"
    return result


def _same(got: Any, want: Any, what: str) -> None:
    assert got is want or (got is not ABSENT and want is not ABSENT and got == want), (
        f"{what} gave {got!r}, the reference {want!r}"
    )


def _bounds(ref: Piecewise, key: Any) -> list[float]:
    return ref.bounds() + [b for a in key_atoms(key) for b in a[:2]]


def _inside(ref: Piecewise, key: Any, default: Any) -> Callable[[float], Any]:
    """The reference restricted to ``key``, its gaps filled with ``default``."""
    atoms = key_atoms(key)

    def expect(x: float) -> Any:
        if not has(atoms, x):
            return ABSENT
        value = ref(x)
        return default if value is ABSENT else value

    return expect


def __setitem__(d: P.IntervalDict, key: KeyArg, value: int) -> None:
    ref = state_of(d).ref
    _refusal(False, lambda: d.__setitem__(key, value), f"d[{key!r}] = {value!r}")
    ref.assign_all(key_atoms(key), value)


def __delitem__(d: P.IntervalDict, key: KeyArg) -> None:
    ref = state_of(d).ref
    if isinstance(key, P.Interval):
        _refusal(False, lambda: d.__delitem__(key), f"del d[{key!r}]")
    else:
        _refusal(ref(real(key)) is ABSENT, lambda: d.__delitem__(key), f"del d[{key!r}]")
    ref.assign_all(key_atoms(key), ABSENT)


def get(d: P.IntervalDict, key: KeyArg, default: int | None = None) -> Any:
    ref = state_of(d).ref
    result = _refusal(False, lambda: d.get(key, default), f"d.get({key!r}, {default!r})")
    if isinstance(key, P.Interval):
        same_function(result, _inside(ref, key, default), _bounds(ref, key), f"d.get({key!r})")
    else:
        want = ref(real(key))
        _same(result, default if want is ABSENT else want, f"d.get({key!r}, {default!r})")
    return result


def pop(d: P.IntervalDict, key: KeyArg, default: int | None = ...) -> Any:  # type: ignore[assignment]
    ref = state_of(d).ref
    given = default is not ...
    if isinstance(key, P.Interval):
        call = (lambda: d.pop(key, default)) if given else (lambda: d.pop(key))
        result = _refusal(False, call, f"d.pop({key!r})")
        fill = default if given else ABSENT
        same_function(result, _inside(ref, key, fill), _bounds(ref, key), f"d.pop({key!r})")
    else:
        want = ref(real(key))
        what = f"d.pop({key!r}{f', {default!r}' if given else ''})"
        if given:
            result = _refusal(False, lambda: d.pop(key, default), what)
        else:
            result = _refusal(want is ABSENT, lambda: d.pop(key), what)
        _same(result, default if want is ABSENT else want, what)
    ref.assign_all(key_atoms(key), ABSENT)
    return result


def popitem(d: P.IntervalDict) -> tuple[P.Interval, Any]:
    ref = state_of(d).ref
    key, value = _refusal(ref.empty(), d.popitem, "d.popitem()")
    same_function(
        P.IntervalDict([(key, value)]),
        _inside(ref, key, ABSENT),
        _bounds(ref, key),
        f"d.popitem() = {(key, value)!r}",
    )
    ref.assign_all(key_atoms(key), ABSENT)
    return key, value


def setdefault(d: P.IntervalDict, key: KeyArg, default: int | None = None) -> Any:
    ref = state_of(d).ref
    what = f"d.setdefault({key!r}, {default!r})"
    result = _refusal(False, lambda: d.setdefault(key, default), what)
    if isinstance(key, P.Interval):
        expect = _inside(ref, key, default)
        same_function(result, expect, _bounds(ref, key), f"d.setdefault({key!r}, {default!r})")
    else:
        want = ref(real(key))
        _same(result, default if want is ABSENT else want, f"d.setdefault({key!r}, {default!r})")
    ref.fill_all(key_atoms(key), default)  # the points of key it had no value for
    return result


def update(d: P.IntervalDict, mapping_or_iterable: ItemsArg) -> None:
    ref = state_of(d).ref
    _refusal(False, lambda: d.update(mapping_or_iterable), "d.update(...)")
    for key, value in mapping_or_iterable:
        ref.assign_all(key_atoms(key), value)


def __ior__(d: P.IntervalDict, other: ItemsArg) -> P.IntervalDict:
    ref = state_of(d).ref
    result = _refusal(False, lambda: d.__ior__(other), "d |= ...")
    assert result is d, "d |= items did not return d"
    for key, value in other:
        ref.assign_all(key_atoms(key), value)
    return result


def clear(d: P.IntervalDict) -> None:
    d.clear()
    state_of(d).ref = Piecewise()


def copy(d: P.IntervalDict) -> P.IntervalDict:
    ref = state_of(d).ref
    twin = d.copy()
    assert twin is not d and twin == d, "d.copy() is d, or differs from it"
    same_function(twin, ref, ref.bounds(), "d.copy()")
    return twin


def find(d: P.IntervalDict, value: int | None) -> P.Interval:
    ref = state_of(d).ref

    def holds(x: float) -> bool:
        v = ref(x)
        return v is not ABSENT and v == value

    result = d.find(value)
    same_set(result, holds, ref.bounds(), f"d.find({value!r})")
    return result


def domain(d: P.IntervalDict) -> P.Interval:
    ref = state_of(d).ref
    result = d.domain()
    same_set(result, lambda x: ref(x) is not ABSENT, ref.bounds(), "d.domain()")
    return result


def as_dict(d: P.IntervalDict, atomic: bool = False) -> dict[P.Interval, Any]:
    ref = state_of(d).ref
    result = d.as_dict(atomic)
    if atomic:
        assert all(k.atomic for k in result), "d.as_dict(atomic=True) has a non-atomic key"
    else:
        assert result == dict(d.items()), "d.as_dict() is not the items"
    pairs = [(key_atoms(k), v) for k, v in result.items()]
    for x in samples(*(atoms for atoms, _ in pairs), extra=ref.bounds()):
        _same(lookup(pairs, x), ref(x), f"d.as_dict({atomic}) at {x}")
    return result


def keys(d: P.IntervalDict) -> Any:
    return d.keys()


def values(d: P.IntervalDict) -> Any:
    return d.values()


def items(d: P.IntervalDict) -> Any:
    return d.items()


def combine(
    d: P.IntervalDict,
    other: DictArg,
    how: HowArg,
    *,
    missing: int | None = ...,  # type: ignore[assignment]
    pass_interval: bool = False,
) -> P.IntervalDict:
    ref = state_of(d).ref
    theirs = dict_atoms(other)
    given = missing is not ...

    def expect(x: float) -> Any:
        a, b = ref(x), lookup(theirs, x)
        if a is not ABSENT and b is not ABSENT:
            return how(a, b)
        if a is ABSENT and b is ABSENT:
            return ABSENT
        if not given:
            return a if b is ABSENT else b
        return how(a, missing) if b is ABSENT else how(missing, b)

    if given:
        result = d.combine(other, how, missing=missing, pass_interval=pass_interval)
    else:
        result = d.combine(other, how, pass_interval=pass_interval)
    bounds = ref.bounds() + [b for atoms, _ in theirs for a in atoms for b in a[:2]]
    same_function(result, expect, bounds, f"d.combine({other!r}, {how.__name__})")
    return result


# -- reads no test traces (operators), and the dict with the current interval ---------------


@registration.api(name="getitem", query=True)
def getitem(d: P.IntervalDict, key: KeyArg) -> Any:
    """``d[key]``: a value (KeyError when missing), or the dict restricted to an interval."""
    ref = state_of(d).ref
    if isinstance(key, P.Interval):
        result = d[key]
        same_function(result, _inside(ref, key, ABSENT), _bounds(ref, key), f"d[{key!r}]")
        return result
    want = ref(real(key))
    result = _refusal(want is ABSENT, lambda: d[key], f"d[{key!r}]")
    _same(result, want, f"d[{key!r}]")
    return result


@registration.api(name="contains", query=True)
def contains(d: P.IntervalDict, key: KeyArg) -> str:
    """``key in d``: a value with a value, or an interval all of whose points have one."""
    ref = state_of(d).ref
    atoms = key_atoms(key)
    want = all(ref(x) is not ABSENT for x in samples(atoms, extra=ref.bounds()) if has(atoms, x))
    got = key in d
    assert got == want, f"{key!r} in d is {got}, the reference says {want}"
    return f"{got}"  # a string: a False is an answer here, not a refused call


@registration.api(name="length", query=True)
def length(d: P.IntervalDict) -> int:
    """``len(d)``: one key per distinct value."""
    ref = state_of(d).ref
    held = [v for v in [*ref.at, *ref.gaps] if v is not ABSENT]
    want = len({repr(v) for v in held})
    assert len(d) == want, f"len(d) is {len(d)}, but it holds {want} distinct values"
    return len(d)


@registration.api(name="merged", query=True)
def merged(d: P.IntervalDict, other: ItemsArg) -> P.IntervalDict:
    """``d | IntervalDict(items)``: a new dict, d unchanged."""
    ref = state_of(d).ref
    theirs = ref.copy()
    for key, value in other:
        theirs.assign_all(key_atoms(key), value)
    result = d | P.IntervalDict(other)
    same_function(result, theirs, theirs.bounds(), "d | other")
    return result


@registration.api(name="equals", query=True)
def equals(d: P.IntervalDict, other: ItemsArg) -> str:
    """``d == IntervalDict(items)``: the same function of the reals."""
    ref = state_of(d).ref
    theirs = Piecewise()
    for key, value in other:
        theirs.assign_all(key_atoms(key), value)
    points = samples(extra=ref.bounds() + theirs.bounds())
    want = all(_agree(ref(x), theirs(x)) for x in points)
    got = d == P.IntervalDict(other)
    assert got == want, f"d == IntervalDict({other!r}) is {got}, pointwise {want}"
    return f"{got}"


def _agree(a: Any, b: Any) -> bool:
    return a is b or (a is not ABSENT and b is not ABSENT and a == b)


@registration.api(name="put_current")
def put_current(d: P.IntervalDict, value: int) -> None:
    """``d[current] = value``."""
    __setitem__(d, state_of(d).current, value)


@registration.api(name="get_current", query=True)
def get_current(d: P.IntervalDict, default: int | None = None) -> Any:
    """``d.get(current, default)``."""
    return get(d, state_of(d).current, default)


@registration.api(name="pop_current")
def pop_current(d: P.IntervalDict) -> Any:
    """``d.pop(current)``."""
    return pop(d, state_of(d).current)


@registration.api(name="delete_current")
def delete_current(d: P.IntervalDict) -> None:
    """``del d[current]``."""
    __delitem__(d, state_of(d).current)


#: The methods that leave the dict as it is: no invariant check after them (their own
#: results are checked against the reference), which keeps the fuzzer fast.
READS = {"get", "copy", "find", "domain", "as_dict", "keys", "values", "items", "combine"}

for _name, _via in [
    ("__setitem__", __setitem__),
    ("__delitem__", __delitem__),
    ("get", get),
    ("pop", pop),
    ("popitem", popitem),
    ("setdefault", setdefault),
    ("update", update),
    ("__ior__", __ior__),
    ("clear", clear),
    ("copy", copy),
    ("find", find),
    ("domain", domain),
    ("as_dict", as_dict),
    ("keys", keys),
    ("values", values),
    ("items", items),
    ("combine", combine),
]:
    registration.method(_name, via=_via, query=_name in READS)


@registration.invariant
def library_consistent(d: P.IntervalDict) -> None:
    consistent(d)


@registration.invariant
def same_as_reference(d: P.IntervalDict) -> None:
    matches_reference(d, state_of(d).ref)


@registration.invariant
def survives_round_trips(d: P.IntervalDict) -> None:
    round_trips(d)


algebra.register(registration)
