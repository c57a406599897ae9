"""Target: what to fuzz, how to build a fresh model, which exceptions are expected."""

from __future__ import annotations

import typing
import weakref
from collections.abc import Callable
from typing import Any

from apifuzz.errors import InvalidDefinition, UsageError
from apifuzz.model.registry import ParamSpec, Registration, Registry, build_params, scan


class Target:
    """A model to fuzz.

    ``Target(Timeline, expected=(TimelineError,))`` fuzzes a class decorated
    with ``@api``; ``Target(make_timeline)`` takes a factory function whose
    return annotation names the class; ``Target(registration)`` takes an
    external :class:`~apifuzz.Registration`.

    An exception listed in ``expected`` (or a ``False`` return) is a refused
    request, not a bug.  Annotated factory parameters can be set by a script's
    first statement (``! 2 48000``); otherwise their defaults are used.

    ``undo`` and ``redo`` name the model's undo and redo methods (both or
    neither) for the undo/redo oracle (``apifuzz fuzz --undo-redo``): after
    every executed call, an undo that succeeds followed by a redo must bring
    the model back to where it was.
    ``state`` names a method returning a comparable value of what the user
    sees (``Timeline.snapshot``); without it only redo's success and the
    invariants are checked.  Each is a method taking only the model.
    ``state`` is also what a query (``@api(query=True)``) must leave unchanged
    when tracing checks it; it may be given without undo and redo.
    """

    def __init__(
        self,
        model: type | Callable[..., Any] | Registration,
        /,
        *,
        expected: type[BaseException] | tuple[type[BaseException], ...] = (),
        name: str | None = None,
        undo: str | None = None,
        redo: str | None = None,
        state: str | None = None,
    ) -> None:
        if isinstance(expected, type):
            expected = (expected,)
        if not isinstance(expected, tuple) or not all(
            isinstance(e, type) and issubclass(e, BaseException) for e in expected
        ):
            bad = next(
                (
                    e
                    for e in (expected if isinstance(expected, tuple) else (expected,))
                    if not (isinstance(e, type) and issubclass(e, BaseException))
                ),
                expected,
            )
            raise InvalidDefinition(
                f"apifuzz.Target(): expected must be exception classes, got {bad!r}"
            )
        self.expected: tuple[type[BaseException], ...] = expected
        self._registration: Registration | None = None
        if isinstance(model, Registration):
            self._registration = model
            self.model_class: type = model.cls
            self._factory: Callable[..., Any] = model.cls
        elif isinstance(model, type):
            self.model_class = model
            self._factory = model
        elif callable(model):
            self._factory = model
            self.model_class = self._returned_class(model)
        else:
            raise InvalidDefinition(
                f"apifuzz.Target(): expected a model class, a factory function or a "
                f"Registration, got {model!r}"
            )
        module = getattr(self.model_class, "__module__", "") or ""
        self.name: str = name or module.split(".")[0] or self.model_class.__name__
        self._registry: Registry | None = None
        self._factory_params: tuple[ParamSpec, ...] | None = None
        self._check_undo_redo(undo, redo, state)
        self.undo: str | None = undo
        """The model's undo method (a name), for the undo/redo oracle."""
        self.redo: str | None = redo
        """The model's redo method (a name), declared together with ``undo``."""
        self.state: str | None = state
        """The method returning the model's comparable state, or None."""
        _KNOWN.add(self)
        for listener in list(_LISTENERS):
            listener(self)

    def _check_undo_redo(self, undo: str | None, redo: str | None, state: str | None) -> None:
        """Refuse undo/redo/state names the oracle could not call, naming the fix."""
        cls = self.model_class.__qualname__
        where = f"apifuzz.Target({cls})"
        if (undo is None) != (redo is None):
            given, missing = ("undo", "redo") if redo is None else ("redo", "undo")
            raise InvalidDefinition(
                f"{where}: {given}= is given without {missing}=; the undo/redo oracle needs "
                f"both, e.g. undo='undo', redo='redo'"
            )
        # An external registration may name one of its own actions, not on the class.
        actions = set(self._registration._methods) if self._registration is not None else set()
        for option, value in (("undo", undo), ("redo", redo), ("state", state)):
            if value is None:
                continue
            if not isinstance(value, str) or not value.isidentifier():
                raise InvalidDefinition(
                    f"{where}: {option}= must be the name of a method of {cls}, got {value!r}"
                )
            if value in actions:
                continue
            attr = getattr(self.model_class, value, None)
            if attr is None:
                raise InvalidDefinition(
                    f"{where}: {option}={value!r}, but {cls} has no attribute {value!r}; "
                    f"check the spelling"
                )
            if not callable(attr):
                raise InvalidDefinition(
                    f"{where}: {option}={value!r}, but {cls}.{value} is not callable; name "
                    f"a method taking only the model"
                )

    @property
    def factory(self) -> Callable[..., Any]:
        """What builds a fresh model: the class, a factory function, or a registration's."""
        registration = self._registration
        if registration is not None and self._factory is registration.cls:
            return registration.factory
        return self._factory

    @factory.setter
    def factory(self, factory: Callable[..., Any]) -> None:
        self._factory = factory

    @property
    def has_undo_redo(self) -> bool:
        """Whether undo and redo are declared (the undo/redo oracle can run)."""
        return self.undo is not None and self.redo is not None

    @staticmethod
    def _returned_class(factory: Callable[..., Any]) -> type:
        where = f"apifuzz.Target({getattr(factory, '__qualname__', factory)!r})"
        try:
            hints = typing.get_type_hints(factory)
        except Exception:
            hints = {}
        returned = hints.get("return")
        if not isinstance(returned, type):
            raise InvalidDefinition(
                f"{where}: the factory has no return annotation naming the model class; "
                f"annotate it, e.g. def make() -> Timeline"
            )
        return returned

    @property
    def registration(self) -> Registration | None:
        """The external Registration this target was made from, if any."""
        return self._registration

    @property
    def registry(self) -> Registry:
        """The scanned registry of the model (computed once)."""
        if self._registry is None:
            if self._registration is not None:
                self._registry = self._registration.registry()
            else:
                self._registry = scan(self.model_class)
        return self._registry

    @property
    def factory_params(self) -> tuple[ParamSpec, ...]:
        """The factory parameters a script may set (passed by keyword)."""
        registration = self._registration
        if registration is not None and registration.init_params is not None:
            return registration.init_params
        if self._factory_params is None:
            factory = self.factory
            where = f"{getattr(factory, '__qualname__', factory)}"
            if isinstance(factory, type):
                init = factory.__init__  # type: ignore[misc]
                if init is object.__init__:
                    self._factory_params = ()
                    return ()
                where = f"{factory.__qualname__}.__init__"
                params = build_params(
                    init,
                    where,
                    skip_first=True,
                    allow_refs=False,
                    skip_unannotated_defaults=True,
                )
            else:
                params = build_params(
                    factory,
                    where,
                    skip_first=False,
                    allow_refs=False,
                    skip_unannotated_defaults=True,
                )
            self._factory_params = params
        return self._factory_params

    def check(self) -> None:
        """Scan everything now, so definition errors surface before any run."""
        _ = self.registry
        _ = self.factory_params

    def __repr__(self) -> str:
        return f"Target({self.model_class.__qualname__}, name={self.name!r})"


_KNOWN: weakref.WeakSet[Target] = weakref.WeakSet()
_LISTENERS: list[Callable[[Target], None]] = []


def known_targets() -> list[Target]:
    """Every Target created so far and still alive (the tracer discovers targets here)."""
    return sorted(_KNOWN, key=lambda t: t.name)


def on_new_target(listener: Callable[[Target], None]) -> Callable[[], None]:
    """Call ``listener`` with every Target created from now on; returns the unsubscribe."""
    _LISTENERS.append(listener)
    return lambda: _LISTENERS.remove(listener)


def require_undo_redo(target: Target) -> None:
    """Raise UsageError unless ``target`` declares undo and redo (``--undo-redo`` needs them)."""
    if not target.has_undo_redo:
        raise UsageError(
            f"--undo-redo: target {target.name!r} declares no undo/redo methods; add "
            f"undo=..., redo=... (and state=...) to its Target"
        )


def as_target(obj: object, *, name: str | None = None) -> Target:
    """Accept a Target, an @api class or a Registration and return a Target."""
    if isinstance(obj, Target):
        return obj
    if isinstance(obj, (type, Registration)):
        return Target(obj, name=name)
    raise InvalidDefinition(
        f"expected a Target, a class decorated with @api or a Registration, got {obj!r}"
    )
