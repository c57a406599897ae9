"""Queries: calls declared to only read the model, and the check that they do.

A method declared a query (``@api(query=True)``, ``reg.api(query=True)``,
``reg.method(name, query=True)``) costs no invariant check and no undo/redo
oracle step after it: the state it leaves is the state the previous call
left, already checked.  The fuzzing path trusts the declaration; tracing
checks it with :class:`QueryCheck`, which compares the model's state before
and after each query call:

- with the Target's ``state=`` method, its value (compared with ``==``): what
  the user sees, nothing else;
- otherwise every attribute of the model (its ``__dict__`` and slots, and the
  items of a built-in base such as ``dict``), each pickled: the bytes of an
  unchanged value do not change, and a value without a structural ``==`` (a
  plain object) is compared by content all the same.  An attribute that cannot
  be pickled (a lock, a lambda) is left out, and so is the cache of a
  ``functools.cached_property``.

A cache or a counter a query may fill is a change all the same; a model that
has one gives ``state=`` a method returning what a query must leave alone.
"""

from __future__ import annotations

import functools
import pickle
import weakref
from collections.abc import Callable
from typing import Any

from apifuzz.model.registry import MethodSpec

#: ``describe(before, after)``: which part of two ``state=`` values differs.
Describe = Callable[[Any, Any], str]

#: The key under which a built-in base's items (a dict subclass's, say) are kept.
CONTENTS = "(contents)"

#: What :meth:`QueryCheck.before` returns when ``state()`` failed: nothing is compared.
UNKNOWN: Any = object()

_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement, not by C


def _dump(value: Any) -> bytes | None:
    """``value`` pickled; None when it cannot be (it is then not compared)."""
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # PicklingError, TypeError for a lock, RecursionError...
        return None


_Layout = tuple[tuple[str, ...], frozenset[str], bool]
_LAYOUTS: weakref.WeakKeyDictionary[type, _Layout] = weakref.WeakKeyDictionary()


def _layout(cls: type) -> _Layout:
    """Per class: its slot names, its cached_property names, whether a built-in base holds items.

    A built-in base other than ``object`` (``dict``, ``list``, ``OrderedDict``)
    keeps the model's contents outside any attribute: they are pickled whole.
    """
    known = _LAYOUTS.get(cls)
    if known is not None:
        return known
    slots: list[str] = []
    cached: set[str] = set()
    builtin = False
    for klass in cls.__mro__:
        if klass is object:
            continue
        if not klass.__flags__ & _HEAPTYPE:
            builtin = True
        names = vars(klass).get("__slots__", ())
        slots += [names] if isinstance(names, str) else list(names)
        cached.update(n for n, v in vars(klass).items() if isinstance(v, functools.cached_property))
    kept = tuple(n for n in dict.fromkeys(slots) if n not in ("__dict__", "__weakref__"))
    layout = _LAYOUTS[cls] = (kept, frozenset(cached), builtin)
    return layout


def structural_state(model: Any) -> dict[str, bytes | None]:
    """Every attribute of ``model``, pickled (None: it cannot be), by name."""
    slots, cached, builtin = _layout(type(model))
    values: dict[str, Any] = dict(getattr(model, "__dict__", {}))
    for name in slots:
        try:
            values.setdefault(name, getattr(model, name))
        except AttributeError:  # a slot never set
            continue
    state = {name: _dump(value) for name, value in values.items() if name not in cached}
    if builtin:
        state[CONTENTS] = _dump(model)
    return state


def _changed(before: dict[str, bytes | None], after: dict[str, bytes | None]) -> list[str]:
    """The attributes that differ; one left out on either side (unpicklable) is not compared."""
    names = sorted(before.keys() | after.keys())
    missing = object()
    changed = []
    for name in names:
        old, new = before.get(name, missing), after.get(name, missing)
        if old is None or new is None:
            continue  # cannot be pickled: unknown, not a change
        if old != new:
            changed.append(name)
    return changed


class QueryCheck:
    """Compares the model's state before and after each query call; one message per method.

    ``state``: the Target's ``state=`` function (``state_name`` its name), or None
    for the structural snapshot of :func:`structural_state`.
    """

    def __init__(
        self,
        state: Callable[[Any], Any] | None = None,
        state_name: str = "state",
        describe: Describe | None = None,
    ) -> None:
        self._state = state
        self._state_name = state_name
        self._describe = describe
        #: The first misuse of each query, by method name: a one-line message.
        self.errors: dict[str, str] = {}

    def before(self, model: Any) -> Any:
        """The state to compare with after the call (``UNKNOWN`` when ``state()`` failed)."""
        if self._state is None:
            return structural_state(model)
        try:
            return self._state(model)
        except Exception:  # the model's own bug: the fuzzer reports it, not this check
            return UNKNOWN

    def after(self, model: Any, method: MethodSpec, before: Any) -> None:
        """Record a misuse when the call ``method`` changed the state ``before`` describes."""
        if method.name in self.errors or before is UNKNOWN:
            return
        if self._state is not None:
            try:
                after = self._state(model)
            except Exception:
                return
            if after == before:
                return
            what = f"{self._state_name}() changed"
            if self._describe is not None:
                what += f": {self._describe(before, after)}"
        else:
            changed = _changed(before, structural_state(model))
            if not changed:
                return
            label = "attribute" if len(changed) == 1 else "attributes"
            what = f"{label} {', '.join(changed)} changed"
        self.errors[method.name] = misuse_message(method, what, self._state is None)


def misuse_message(method: MethodSpec, what: str, structural: bool) -> str:
    """One line: the query that changed the state, how, and the fix."""
    fix = "remove query=True from its registration"
    if structural:
        fix += (
            ", or, if that is a cache or a counter a query may change, give the Target "
            "state= a method returning what a query must leave alone"
        )
    return f"{method.qualname} is declared a query but changed the model's state ({what}); {fix}"
