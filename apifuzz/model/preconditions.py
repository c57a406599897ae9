"""Preconditions: a cheap check on the model that says a call makes sense now.

``@precondition(lambda self: self.items)`` or ``@precondition("has_items")``
(a model method or property, by name) on an ``@api`` method: when the check
is false, the interpreter skips the call (reason ``precondition false``,
counted per method) instead of making it, so the fuzzer spends no call, and
no invariant check, on a request the model would only refuse.  Stacked
preconditions must all hold.  A check must not change the model, and must
not raise: an exception in it is reported as a bug of the call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from apifuzz.errors import InvalidDefinition
from apifuzz.model.problems import did_you_mean
from apifuzz.tracing.guard import unwrap

F = TypeVar("F", bound=Callable[..., Any])

PRECONDITION_TAG = "__apifuzz_preconditions__"


@dataclass(frozen=True)
class PreconditionTag:
    """What ``@precondition`` records on a method: the check, or the name of a model method."""

    check: Callable[[Any], Any] | str
    text: str  # how ``apifuzz lang`` shows it


@dataclass(frozen=True)
class Precondition:
    """A resolved precondition: ``check(model)`` is truthy when the call makes sense."""

    text: str
    check: Callable[[Any], Any]


def precondition(check: Callable[[Any], Any] | str) -> Callable[[F], F]:
    """Skip calls of the decorated ``@api`` method while ``check(model)`` is false.

    ``check`` is a function of the model (``lambda self: self.items``) or the
    name of a model method or property (``"has_items"``).  Put it above or
    below ``@api``; stack several to require them all.
    """
    if isinstance(check, str):
        if not check.isidentifier():
            raise InvalidDefinition(
                f"@precondition({check!r}): name a method of the model, e.g. "
                f'@precondition("has_items"), or give a function of the model'
            )
        text = check
    elif callable(check):
        text = _source_text(check)
    else:
        raise InvalidDefinition(
            f"@precondition takes a function of the model or a method name, got {check!r}"
        )

    def decorate(f: F) -> F:
        if not callable(f):
            raise InvalidDefinition(f"@precondition decorates @api methods, got {f!r}")
        inner = unwrap(f)  # above @api too: the tag goes where the registry reads tags
        tags: tuple[PreconditionTag, ...] = getattr(inner, PRECONDITION_TAG, ())
        # Decorators apply bottom up: put this one first, so they list in reading order.
        setattr(inner, PRECONDITION_TAG, (PreconditionTag(check, text), *tags))
        return f

    return decorate


def _source_text(check: Callable[..., Any]) -> str:
    """``self.items`` for ``lambda self: self.items``; a named function's name."""
    name = getattr(check, "__name__", "")
    if name != "<lambda>":
        return name or repr(check)
    try:
        source = inspect.getsource(check)
    except (OSError, TypeError):
        return "<lambda>"
    start = source.find("lambda")
    colon = source.find(":", start)
    if start < 0 or colon < 0:
        return "<lambda>"
    body, depth = [], 0
    for char in source[colon + 1 :]:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if depth < 0 or char == "\n" or (char == "," and depth == 0):
            break
        body.append(char)
    return "".join(body).strip() or "<lambda>"


def resolve(cls: type, where: str, tags: tuple[PreconditionTag, ...]) -> tuple[Precondition, ...]:
    """The checks of ``tags``, a method name looked up on ``cls``; InvalidDefinition when a
    name names nothing the model has."""
    found = []
    for tag in tags:
        check = tag.check
        if isinstance(check, str):
            check = _by_name(cls, where, check)
        found.append(Precondition(tag.text, check))
    return tuple(found)


def _by_name(cls: type, where: str, name: str) -> Callable[[Any], Any]:
    """A function of the model calling its method (or reading its property) ``name``."""
    attr = inspect.getattr_static(cls, name, None)
    if attr is None:
        names = [n for n in dir(cls) if not n.startswith("__")]
        close = did_you_mean(name, names)
        fix = f"did you mean {close!r}?" if close else "name a method of the model"
        raise InvalidDefinition(
            f"{where}: @precondition({name!r}): {cls.__qualname__} has no {name!r}; {fix}"
        )
    if isinstance(attr, property) or not callable(getattr(cls, name)):
        return lambda model: getattr(model, name)
    if isinstance(attr, staticmethod | classmethod):
        bound = getattr(cls, name)
        return lambda model: bound()
    return unwrap(attr)  # type: ignore[no-any-return]
