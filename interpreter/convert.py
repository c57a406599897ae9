"""Turn literal arguments into the values a method receives.

Each parameter type is compiled once into a converter function.  A Ref
converter maps any int onto a live id: a live id is used as is, any other
int ``i`` picks ``live[i % len(live)]``; with no live id the statement is
skipped.  Enums take a member name or an int (``members[i % n]``), so
random ints always mean something.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from apifuzz.interpreter.literals import Name
from apifuzz.model.params import (
    BoolType,
    BytesType,
    EnumType,
    FloatType,
    IntType,
    ListType,
    OptionalType,
    ParamType,
    RefType,
    SetType,
    StrType,
    TupleType,
    VarTupleType,
)
from apifuzz.model.registry import MethodSpec, ParamSpec

LiveIds = Callable[[str], Sequence[int]]
Converter = Callable[[object, LiveIds], object]


class BadArgument(Exception):
    """A literal that does not fit its parameter (the statement is skipped)."""


class NoLiveRef(Exception):
    """A Ref argument while no object of that kind is alive (the statement is skipped)."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"no live {kind}")
        self.kind = kind


def _fail(ptype: ParamType, raw: object) -> BadArgument:
    shown = repr(raw)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return BadArgument(f"expected {ptype.describe()}, got {shown}")


def compile_type(ptype: ParamType) -> Converter:
    """A converter for one parameter type."""
    if isinstance(ptype, IntType):

        def to_int(raw: object, live: LiveIds) -> object:
            if type(raw) is int:
                return raw
            raise _fail(ptype, raw)

        return to_int
    if isinstance(ptype, RefType):
        kind = ptype.kind

        def to_ref(raw: object, live: LiveIds) -> object:
            if type(raw) is not int:
                raise _fail(ptype, raw)
            ids = live(kind)
            if raw in ids:
                return raw
            if not ids:
                raise NoLiveRef(kind)
            return ids[raw % len(ids)]

        return to_ref
    if isinstance(ptype, FloatType):

        def to_float(raw: object, live: LiveIds) -> object:
            if type(raw) is float:
                return raw
            if type(raw) is int:
                try:
                    return float(raw)
                except OverflowError:
                    raise _fail(ptype, raw) from None
            raise _fail(ptype, raw)

        return to_float
    if isinstance(ptype, BoolType):

        def to_bool(raw: object, live: LiveIds) -> object:
            if type(raw) is bool:
                return raw
            if type(raw) is int:
                return raw != 0
            raise _fail(ptype, raw)

        return to_bool
    if isinstance(ptype, StrType):

        def to_str(raw: object, live: LiveIds) -> object:
            if type(raw) is str:
                return raw
            if type(raw) is Name:
                return str(raw)
            raise _fail(ptype, raw)

        return to_str
    if isinstance(ptype, BytesType):

        def to_bytes(raw: object, live: LiveIds) -> object:
            if type(raw) is bytes:
                return raw
            if type(raw) is str:
                return raw.encode("utf-8", "surrogatepass")
            raise _fail(ptype, raw)

        return to_bytes
    if isinstance(ptype, EnumType):
        return _enum_converter(ptype)
    if isinstance(ptype, OptionalType):
        inner = compile_type(ptype.inner)

        def to_optional(raw: object, live: LiveIds) -> object:
            return None if raw is None else inner(raw, live)

        return to_optional
    if isinstance(ptype, (ListType, SetType, VarTupleType)):
        element = compile_type(ptype.inner)
        build: Callable[[Any], object] = (
            list
            if isinstance(ptype, ListType)
            else tuple
            if isinstance(ptype, VarTupleType)
            else frozenset
            if ptype.frozen
            else set
        )

        def to_container(raw: object, live: LiveIds) -> object:
            if type(raw) is not list:
                raise _fail(ptype, raw)
            return build([element(item, live) for item in raw])

        return to_container
    if isinstance(ptype, TupleType):
        items = [compile_type(t) for t in ptype.items]

        def to_tuple(raw: object, live: LiveIds) -> object:
            if type(raw) is not list or len(raw) != len(items):
                raise _fail(ptype, raw)
            return tuple(conv(item, live) for conv, item in zip(items, raw, strict=True))

        return to_tuple
    raise TypeError(f"no converter for {ptype!r}")


def _enum_converter(ptype: EnumType) -> Converter:
    members: tuple[enum.Enum, ...] = ptype.members()
    by_name = {m.name: m for m in members}
    prefix = ptype.cls.__name__ + "."
    by_name.update({prefix + m.name: m for m in members})

    def to_enum(raw: object, live: LiveIds) -> object:
        if type(raw) is Name or type(raw) is str:
            member = by_name.get(str(raw))
            if member is not None:
                return member
        elif type(raw) is int:
            return members[raw % len(members)]
        raise _fail(ptype, raw)

    return to_enum


def immutable(ptype: ParamType) -> bool:
    """Whether a converted value of this type is immutable and independent of the model."""
    if isinstance(ptype, (IntType, FloatType, BoolType, StrType, BytesType, EnumType)):
        return True
    if isinstance(ptype, (OptionalType, VarTupleType)):
        return immutable(ptype.inner)
    if isinstance(ptype, SetType):
        return ptype.frozen and immutable(ptype.inner)
    if isinstance(ptype, TupleType):
        return all(immutable(t) for t in ptype.items)
    return False  # refs depend on the model; lists and sets may be mutated by it


class Binder:
    """Binds a statement's literal arguments to a method's parameters."""

    __slots__ = ("converters", "keyword_names", "method", "n_max", "n_min", "positional", "static")

    def __init__(self, method_params: Sequence[ParamSpec], method: MethodSpec | None = None):
        self.method = method
        self.converters = [compile_type(p.type) for p in method_params]
        self.n_min = sum(1 for p in method_params if p.required)
        self.n_max = len(method_params)
        # Keyword-only parameters (and every factory parameter) are passed by name.
        self.positional = sum(1 for p in method_params if not p.keyword_only)
        self.keyword_names = [p.name for p in method_params]
        # Static: the same literals always bind to the same values, so the result can be cached.
        self.static = all(immutable(p.type) for p in method_params)

    def bind(
        self, args: tuple[object, ...], live: LiveIds
    ) -> tuple[list[object], dict[str, object]]:
        """Convert ``args``; raises BadArgument or NoLiveRef."""
        n = len(args)
        if n < self.n_min or n > self.n_max:
            if self.n_min == self.n_max:
                expected = f"{self.n_min}"
            else:
                expected = f"{self.n_min} to {self.n_max}"
            raise BadArgument(f"expected {expected} arguments, got {n}")
        converters = self.converters
        values = [converters[i](args[i], live) for i in range(n)]
        if n <= self.positional:
            return values, {}
        names = self.keyword_names
        return values[: self.positional], {names[i]: values[i] for i in range(self.positional, n)}

    def bind_keywords(self, args: tuple[object, ...], live: LiveIds) -> dict[str, object]:
        """Convert ``args`` and return them all by parameter name (factories)."""
        positional, keywords = self.bind(args, live)
        keywords.update(zip(self.keyword_names, positional, strict=False))
        return keywords
