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
from typing import Any, assert_never

from apifuzz.interpreter.literals import Name
from apifuzz.model.codecs import Codec
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
    match ptype:
        case IntType():
            return _in_domain(ptype, _int_converter(ptype))
        case RefType():
            return _ref_converter(ptype)
        case FloatType():
            return _in_domain(ptype, _float_converter(ptype))
        case BoolType():
            return _bool_converter(ptype)
        case StrType():
            return _in_domain(ptype, _str_converter(ptype))
        case BytesType():
            return _in_domain(ptype, _bytes_converter(ptype))
        case EnumType():
            return _enum_converter(ptype)
        case OptionalType():
            return _optional_converter(ptype)
        case ListType():
            return _container_converter(ptype, list)
        case VarTupleType():
            return _container_converter(ptype, tuple)
        case SetType():
            return _container_converter(ptype, frozenset if ptype.frozen else set)
        case TupleType():
            return _tuple_converter(ptype)
        case _:
            assert_never(ptype)


def _in_domain(ptype: IntType | FloatType | StrType | BytesType, convert: Converter) -> Converter:
    """``convert``, refusing a value outside the parameter's domain (when it has one)."""
    domain = ptype.domain
    if domain is None:
        return convert
    contains = domain.contains

    def to_domain(raw: object, live: LiveIds) -> object:
        value = convert(raw, live)
        if not contains(value):
            shown = repr(raw)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise BadArgument(f"{shown} is outside the domain of {ptype.describe()}")
        return value

    return to_domain


def _int_converter(ptype: IntType) -> Converter:
    def to_int(raw: object, live: LiveIds) -> object:
        if type(raw) is int:
            return raw
        raise _fail(ptype, raw)

    return to_int


def _ref_converter(ptype: RefType) -> Converter:
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


def _float_converter(ptype: FloatType) -> Converter:
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


def _bool_converter(ptype: BoolType) -> Converter:
    def to_bool(raw: object, live: LiveIds) -> object:
        if type(raw) is bool:
            return raw
        if type(raw) is int:
            return raw != 0
        raise _fail(ptype, raw)

    return to_bool


def _str_converter(ptype: StrType) -> Converter:
    def to_str(raw: object, live: LiveIds) -> object:
        if type(raw) is str:
            return raw
        if type(raw) is Name:
            return str(raw)
        raise _fail(ptype, raw)

    return to_str


def _bytes_converter(ptype: BytesType) -> Converter:
    def to_bytes(raw: object, live: LiveIds) -> object:
        if type(raw) is bytes:
            return raw
        if type(raw) is str:
            return raw.encode("utf-8", "surrogatepass")
        raise _fail(ptype, raw)

    return to_bytes


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


def _optional_converter(ptype: OptionalType) -> Converter:
    inner = compile_type(ptype.inner)

    def to_optional(raw: object, live: LiveIds) -> object:
        return None if raw is None else inner(raw, live)

    return to_optional


def _container_converter(
    ptype: ListType | SetType | VarTupleType, build: Callable[[Any], object]
) -> Converter:
    """A list literal into a list, set, frozenset or tuple of converted elements."""
    element = compile_type(ptype.inner)

    def to_container(raw: object, live: LiveIds) -> object:
        if type(raw) is not list:
            raise _fail(ptype, raw)
        return build([element(item, live) for item in raw])

    return to_container


def _tuple_converter(ptype: TupleType) -> Converter:
    items = [compile_type(t) for t in ptype.items]

    def to_tuple(raw: object, live: LiveIds) -> object:
        if type(raw) is not list or len(raw) != len(items):
            raise _fail(ptype, raw)
        return tuple(conv(item, live) for conv, item in zip(items, raw, strict=True))

    return to_tuple


def compile_param(param: ParamSpec) -> Converter:
    """A converter for one parameter: its type's, then its codec's ``decode`` if it has one."""
    convert = compile_type(param.type)
    codec = param.codec
    return convert if codec is None else _decoding(convert, codec)


def _decoding(convert: Converter, codec: Codec) -> Converter:
    decode = codec.decode

    def to_decoded(raw: object, live: LiveIds) -> object:
        written = convert(raw, live)
        try:
            return decode(written)
        except Exception as exc:  # the user's decode refuses the literal: a bad argument
            raise BadArgument(f"{codec.name} refuses {written!r}: {exc}") from None

    return to_decoded


def immutable(ptype: ParamType) -> bool:
    """Whether a converted value of this type is immutable and independent of the model."""
    match ptype:
        case IntType() | FloatType() | BoolType() | StrType() | BytesType() | EnumType():
            return True
        case OptionalType() | VarTupleType():
            return immutable(ptype.inner)
        case SetType():
            return ptype.frozen and immutable(ptype.inner)
        case TupleType():
            return all(immutable(t) for t in ptype.items)
        case RefType() | ListType():
            return False  # refs depend on the model; lists may be mutated by it
        case _:
            assert_never(ptype)


class Binder:
    """Binds a statement's literal arguments to a method's parameters."""

    __slots__ = ("converters", "keyword_names", "method", "n_max", "n_min", "positional", "static")

    def __init__(self, method_params: Sequence[ParamSpec], method: MethodSpec | None = None):
        self.method = method
        self.converters = [compile_param(p) for p in method_params]
        self.n_min = sum(1 for p in method_params if p.required)
        self.n_max = len(method_params)
        # Keyword-only parameters (and every factory parameter) are passed by name.
        self.positional = sum(1 for p in method_params if not p.keyword_only)
        self.keyword_names = [p.name for p in method_params]
        # Static: the same literals always bind to the same values, so the result can be cached.
        # A decoded value may be mutable (a list the library keeps): decoded afresh each time.
        self.static = all(immutable(p.type) and p.codec is None for p in method_params)

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
