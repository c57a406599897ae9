"""What the adapter keeps beside each IntervalDict: its reference and the current interval.

``IntervalDict`` has ``__slots__`` and no weak references, so the state is kept in a
table keyed by the dict's storage (a ``SortedDict``, which has them): a model made
by :func:`make` has its state for life, and a dict a test made (tracing) gets a
reference read from its content the first time an action sees it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import portion as P

from docs.real_world.portion.model import Piecewise, atoms_of, key_atoms


@dataclass
class State:
    """The reference of one IntervalDict, and the interval the algebra actions work on."""

    ref: Piecewise = field(default_factory=Piecewise)
    current: P.Interval = field(default_factory=P.empty)


_STATES: dict[int, tuple[weakref.ref[Any], State]] = {}


def _storage(d: P.IntervalDict) -> Any:
    return d._storage


def attach(d: P.IntervalDict, state: State) -> None:
    """Give ``d`` its state (replacing whatever a dead dict left under the same id)."""
    storage = _storage(d)
    key = id(storage)
    _STATES[key] = (weakref.ref(storage, lambda _: _STATES.pop(key, None)), state)


def state_of(d: P.IntervalDict) -> State:
    """``d``'s state; one read from its content if it has none yet."""
    storage = _storage(d)
    entry = _STATES.get(id(storage))
    if entry is not None and entry[0]() is storage:
        return entry[1]
    state = State()
    for key, value in d.items():
        state.ref.assign_all(atoms_of(key), value)
    attach(d, state)
    return state


def make(mapping_or_iterable: Any = None) -> P.IntervalDict:
    """A fresh IntervalDict (from items, the last value winning where keys overlap)."""
    state = State()
    if mapping_or_iterable is not None:
        for key, value in mapping_or_iterable:
            state.ref.assign_all(key_atoms(key), value)
    d = P.IntervalDict(mapping_or_iterable)
    attach(d, state)
    return d
