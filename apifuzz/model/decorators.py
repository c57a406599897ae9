"""The decorators a user puts on a model: they only tag functions.

The class is scanned later, once, by :mod:`apifuzz.model.registry`; nothing is put in
a global table at import time, so importing a model has no side effect.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from apifuzz.errors import InvalidDefinition
from apifuzz.tracing.guard import traced

F = TypeVar("F", bound=Callable[..., Any])

API_TAG = "__apifuzz_api__"
IDS_TAG = "__apifuzz_ids__"
INVARIANT_TAG = "__apifuzz_invariant__"
_TAGS = {API_TAG: "@api", IDS_TAG: "@ids", INVARIANT_TAG: "@invariant"}


@dataclass(frozen=True)
class ApiTag:
    """What ``@api`` records on a method."""

    alias: str | None = None
    query: bool = False  # only reads the model: no invariant check after it


@dataclass(frozen=True)
class Ref:
    """``Annotated[int, Ref("clip")]``: an int that must name a live object of a kind.

    The interpreter maps any int onto one of the ids that the model's
    ``@ids("clip")`` method currently returns, so random scripts always name
    real objects.
    """

    kind: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind.isidentifier():
            raise InvalidDefinition(
                f"apifuzz.Ref(): the kind must be an identifier such as 'clip', got {self.kind!r}"
            )


def _qualname(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", getattr(func, "__name__", repr(func)))


def _tag(func: Any, tag: str, value: object) -> None:
    if not callable(func):
        raise InvalidDefinition(
            f"{_TAGS[tag]} decorates methods, got {func!r}; put it on a def inside the model class."
        )
    for other, label in _TAGS.items():
        if hasattr(func, other):
            if other == tag:
                raise InvalidDefinition(
                    f"{_qualname(func)} has been decorated with {label} twice, which is not "
                    f"allowed; remove one of them."
                )
            raise InvalidDefinition(
                f"{_qualname(func)} has been decorated with both {label} and {_TAGS[tag]}, which "
                f"is not allowed; a method is either an action, an id provider or an invariant."
            )
    setattr(func, tag, value)


@overload
def api(func: F, /) -> F: ...


@overload
def api(*, alias: str | None = None, query: bool = False) -> Callable[[F], F]: ...


def api(
    func: F | None = None, /, *, alias: str | None = None, query: bool = False
) -> F | Callable[[F], F]:
    """Register a model method as an action that scripts may call.

    Use it bare (``@api``) or with an explicit short alias (``@api(alias="u")``).
    ``@api(query=True)`` declares a query, a call that only reads the model: the
    invariants (and the undo/redo oracle) are not run after it, and tracing
    reports a query that changes the model's state (see
    :mod:`apifuzz.interpreter.queries`).
    Every parameter must be annotated with a type apifuzz can generate.  The
    method is wrapped by the tracing guard, which records the outermost calls
    while a recorder is active and otherwise only calls through.
    """
    if alias is not None and not isinstance(alias, str):
        raise InvalidDefinition(f"@api(alias=...) takes a string, got {alias!r}")
    check_query_flag(query, "@api")

    def decorate(f: F) -> F:
        _tag(f, API_TAG, ApiTag(alias, query))
        # One decorator registers *and* traces, so the two can never disagree.
        return typing.cast(F, traced(f))

    if func is not None:
        return decorate(func)
    return decorate


def check_query_flag(query: object, where: str) -> None:
    """Refuse a ``query=`` that is not a bool (``query="yes"`` would read as true)."""
    if not isinstance(query, bool):
        raise InvalidDefinition(f"{where}(query=...) takes True or False, got {query!r}")


def ids(kind: str) -> Callable[[F], F]:
    """Declare the method that lists the live ids of one kind, in a deterministic order."""
    if callable(kind):
        raise InvalidDefinition(
            f'@ids needs the kind it provides, e.g. @ids("clip"), above {_qualname(kind)}'
        )
    Ref(kind)  # validates the kind with the same message as Ref()

    def decorate(f: F) -> F:
        _tag(f, IDS_TAG, kind)
        return f

    return decorate


def invariant(func: F) -> F:
    """Declare a consistency check run after every call; it raises (or asserts) on violation."""
    _tag(func, INVARIANT_TAG, True)
    return func
