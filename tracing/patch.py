"""Wrap an externally registered class for a tracing session, and put it back afterwards.

A class registered with :class:`~apifuzz.Registration` carries no ``@api``
wrapper: its source is not the user's to decorate.  While tests are traced,
its methods are wrapped on the class itself (and the library functions
registered with ``reg.api``, in the modules that hold them), then restored
exactly as they were.

Every public method of the class is wrapped, not only the registered ones,
and so are the dunder methods that change the object (``__setitem__``,
``__iadd__``...): a test calling one that is not registered cuts its script
there, with a warning, instead of leaving a script that replays as another
program.  Reads through unregistered dunders (``len(x)``, ``x[k]``, ``==``)
are not wrapped: they change nothing a replay would miss.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from apifuzz.model.registry import MethodSpec, Registration
from apifuzz.tracing.guard import traced_external

#: Dunder methods that change their object: a test calling them is making an API call.
MUTATING_DUNDERS = frozenset(
    f"__{name}__"
    for name in [
        "setitem",
        "delitem",
        "iadd",
        "isub",
        "imul",
        "imatmul",
        "itruediv",
        "ifloordiv",
        "imod",
        "ipow",
        "ilshift",
        "irshift",
        "iand",
        "ixor",
        "ior",
    ]
)

_MISSING = object()

#: Methods written in Python, and those of a built-in base class (``dict.get``).
_METHOD_TYPES = (types.FunctionType, types.MethodDescriptorType, types.WrapperDescriptorType)


@dataclass(frozen=True)
class _Saved:
    """An attribute replaced by a wrapper: where, and what it was (``_MISSING``: inherited)."""

    owner: Any  # a class or a module
    name: str
    value: Any


class ExternalPatch:
    """The wrappers of one registration's class and functions, applied and restored."""

    def __init__(self, registration: Registration) -> None:
        self.cls = registration.cls
        self.methods: tuple[MethodSpec, ...] = registration.registry().methods
        self._saved: list[_Saved] = []
        #: What could not be wrapped (a built-in type's methods): its calls are not recorded.
        self.problems: list[str] = []

    @property
    def applied(self) -> bool:
        """Whether the wrappers are in place."""
        return bool(self._saved)

    def apply(self) -> None:
        """Put the wrappers in place (nothing happens if they already are)."""
        if self._saved:
            return
        methods = {m.name: m for m in self.methods if m.method is not None}
        for name, raw in sorted(_class_methods(self.cls, {m.name for m in self.methods}).items()):
            # Registration.method keeps getattr(cls, name): the very object found here.  The
            # call is reported as the action's function (its via= adapter, if it has one).
            spec = methods.get(name)
            reported = spec.func if spec is not None and spec.method is raw else raw
            self._wrap(self.cls, name, raw, reported, model_first=False)
        for spec in self.methods:  # functions taking the model first
            if spec.method is None:
                self._wrap_function(spec)

    def restore(self) -> None:
        """Put back every attribute the wrappers replaced, in reverse order."""
        for saved in reversed(self._saved):
            if saved.value is _MISSING:
                delattr(saved.owner, saved.name)
            else:
                setattr(saved.owner, saved.name, saved.value)
        self._saved.clear()

    def _wrap(
        self,
        owner: Any,
        name: str,
        raw: Any,
        reported: Callable[..., Any],
        *,
        model_first: bool,
    ) -> None:
        before = vars(owner).get(name, _MISSING)
        try:
            setattr(owner, name, traced_external(raw, reported, model_first=model_first))
        except (TypeError, AttributeError):
            if not any(p.startswith(f"{self.cls.__qualname__}:") for p in self.problems):
                self.problems.append(
                    f"{self.cls.__qualname__}: the methods of a built-in type cannot be "
                    f"wrapped, so its calls are not recorded (only classes written in "
                    f"Python can be traced)"
                )
            return
        self._saved.append(_Saved(owner, name, before))

    def _wrap_function(self, spec: MethodSpec) -> None:
        func = spec.func
        if not isinstance(func, types.FunctionType):
            return
        top = func.__module__.split(".")[0]
        for module_name, module in sorted(sys.modules.items()):
            if module_name != top and not module_name.startswith(top + "."):
                continue
            for name, value in list(vars(module).items()):
                if value is func:
                    self._wrap(module, name, func, func, model_first=True)


def _class_methods(cls: type, registered: set[str]) -> dict[str, Any]:
    """The class's methods a test may call: public ones, mutating dunders, registered ones.

    Found along the MRO (``object``'s left out); static and class methods, properties and
    other descriptors are not calls on an instance and are left alone.
    """
    found: dict[str, Any] = {}
    for klass in cls.__mro__:
        if klass is object:
            continue
        for name, value in vars(klass).items():
            wanted = not name.startswith("_") or name in MUTATING_DUNDERS or name in registered
            if name in found or not wanted:
                continue
            # Anything else of that name (a property, a class method) shadows a base's method.
            found[name] = value if isinstance(value, _METHOD_TYPES) else None
    return {name: value for name, value in found.items() if value is not None}
