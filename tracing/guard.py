"""The tracing guard: the wrapper every ``@api`` method carries.

Like Kdenlive's ``TRACE`` macro with its ``LogGuard``, only the outermost
``@api`` call is reported: an ``@api`` method called from inside another
one runs untraced.  The guard is a context variable, so every thread and
every asyncio task has its own.

With no recorder installed the wrapper only calls through; the fuzzing path
does not use it at all (the registry calls the undecorated function).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, Protocol

import wrapt

_inside: ContextVar[bool] = ContextVar("apifuzz_inside_api_call", default=False)


class Sink(Protocol):
    """What a recorder implements to receive outermost calls."""

    def begin(
        self, instance: Any, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> object:
        """Called before an outermost call; the return value is passed to ``end``."""

    def end(self, pending: object, result: Any, error: BaseException | None) -> None:
        """Called after the call returned ``result`` or raised ``error``."""


_sink: Sink | None = None


def install(sink: Sink | None) -> Sink | None:
    """Make ``sink`` receive outermost calls (``None`` stops); returns the previous sink."""
    global _sink
    previous, _sink = _sink, sink
    return previous


def installed() -> Sink | None:
    """The sink receiving calls now, if any."""
    return _sink


def inside_api_call() -> bool:
    """True while an ``@api`` method runs in this thread or task."""
    return _inside.get()


class guarded:
    """A region (a model's construction, say) counted as inside an API call: untraced."""

    def __enter__(self) -> None:
        self._token = _inside.set(True)

    def __exit__(self, *exc: object) -> None:
        _inside.reset(self._token)


def _trace(
    wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    sink = _sink
    if sink is None or instance is None or isinstance(instance, type) or _inside.get():
        return wrapped(*args, **kwargs)
    return _outermost(sink, wrapped, instance, wrapped, args, kwargs)


def _outermost(
    sink: Sink,
    reported: Callable[..., Any],
    instance: Any,
    call: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run ``call`` as an outermost call reported to ``sink`` as ``reported``."""
    pending = sink.begin(instance, reported, args, kwargs)
    token = _inside.set(True)
    try:
        result = call(*args, **kwargs)
    except BaseException as error:
        _inside.reset(token)
        sink.end(pending, None, error)
        raise
    _inside.reset(token)
    sink.end(pending, result, None)
    return result


def traced(func: Callable[..., Any]) -> Any:
    """Wrap ``func`` with the tracing guard."""
    # A plain FunctionWrapper: a subclass would double the cost of every bound call
    # (measured: ~0.7 us -> ~1.4 us per call with wrapt 2.x).  ``enabled`` lets wrapt
    # skip _trace entirely while no recorder is installed.
    return wrapt.FunctionWrapper(func, _trace, enabled=_recording)


def traced_external(func: Any, reported: Callable[..., Any], *, model_first: bool = False) -> Any:
    """Wrap code the user cannot decorate (a registered class's method, a library function).

    The sink receives ``reported`` as the function called: the registered action's own
    function, whatever ``func`` is (a C method's descriptor, say).  With ``model_first``
    ``func`` is a plain function whose first argument is the model; otherwise a method
    set on the class, called on an instance.
    """

    def wrapper(
        wrapped: Callable[..., Any], instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        sink = _sink
        if model_first and instance is None and args:
            instance, args = args[0], args[1:]
            wrapped = functools.partial(wrapped, instance)
        elif model_first:
            instance = None  # called without its model: nothing to record
        if sink is None or instance is None or isinstance(instance, type) or _inside.get():
            return wrapped(*args, **kwargs)
        if any(isinstance(a, Iterator) for a in (*args, *kwargs.values())):
            args = tuple(ReadItems(a) if isinstance(a, Iterator) else a for a in args)
            kwargs = {k: ReadItems(v) if isinstance(v, Iterator) else v for k, v in kwargs.items()}
        return _outermost(sink, reported, instance, wrapped, args, kwargs)

    return wrapt.FunctionWrapper(func, wrapper, enabled=_recording)


class ReadItems(Iterator[Any]):
    """An iterator argument of a traced call: the library reads it, and its items are kept.

    A script can write the items as a list once the library has read them all; reading
    them before the call would change what the library does (a generator over the very
    dict the call changes raises ``RuntimeError`` in the library, and must go on doing so).
    """

    def __init__(self, inner: Iterator[Any]) -> None:
        self.inner = inner
        self.items: list[Any] = []
        self.done = False

    def __next__(self) -> Any:
        try:
            item = next(self.inner)
        except StopIteration:
            self.done = True
            raise
        self.items.append(item)
        return item


def _recording() -> bool:
    return _sink is not None


def is_traced(value: Any) -> bool:
    """True for a function wrapped by :func:`traced`."""
    return isinstance(value, wrapt.FunctionWrapper) and value._self_wrapper is _trace


def unwrap(value: Any) -> Any:
    """The undecorated function inside an ``@api`` wrapper (anything else unchanged)."""
    if is_traced(value):
        return value.__wrapped__
    return value
