"""Simpler values for one argument, simplest first.

The minimizer tries each candidate in order and keeps the first that still
shows the same bug, so the order is the policy: ints toward 0 (the
minimizer then bisects), a Ref toward the first live object (a small index),
strings, bytes and containers shorter, an optional value ``none``, a bool
``false``, an enum its first member.  A parameter with a domain only gets
values inside it, its simplest first (the end of a range nearest 0, the first
of a ``OneOf``, the shortest text).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import assert_never

from apifuzz.interpreter.literals import Name
from apifuzz.model.domains import OneOf, Range
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

#: A Ref argument ``i`` that is not a live id names ``live[i % n]``: small indexes are enough.
REF_CHOICES = 16


def candidates(ptype: ParamType, raw: object) -> Iterator[object]:
    """Literals simpler than ``raw`` for a ``ptype`` parameter, simplest first."""
    seen = {_key(raw)}
    for value in _candidates(ptype, raw):
        key = _key(value)
        if key not in seen:
            seen.add(key)
            yield value


def _key(value: object) -> object:
    # 0 == False == 0.0 in Python; the literal's type matters here.
    return (type(value).__name__, repr(value))


def _candidates(ptype: ParamType, raw: object) -> Iterator[object]:
    match ptype:
        case OptionalType():
            if raw is not None:
                yield None
                yield from _candidates(ptype.inner, raw)
        case RefType():
            if type(raw) is int:
                yield from range(0, min(abs(raw), REF_CHOICES))
        case IntType():
            if type(raw) is int:
                yield from _within(ptype, _int_candidates(ptype, raw))
        case FloatType():
            yield from _within(ptype, _simpler_floats(raw))
        case BoolType():
            if raw is True or (type(raw) is int and raw != 0):
                yield False
        case EnumType():
            first = ptype.members()[0].name
            if raw != first and first.isidentifier():
                yield Name(first)
        case StrType():
            if isinstance(raw, str):  # a str literal or a bare word
                yield from _within(ptype, _shorter(str(raw)))
        case BytesType():
            if type(raw) is bytes:
                yield from _within(ptype, _shorter_bytes(raw))
        case ListType() | SetType() | VarTupleType():
            if type(raw) is list:
                yield from _shorter_list(raw)
                yield from _simpler_items(raw, [ptype.inner] * len(raw))
        case TupleType():
            if type(raw) is list and len(raw) == len(ptype.items):
                yield from _simpler_items(raw, list(ptype.items))
        case _:
            assert_never(ptype)


def _within(
    ptype: IntType | FloatType | StrType | BytesType, values: Iterator[object]
) -> Iterator[object]:
    """The values inside the parameter's domain, the domain's simplest value first: a
    value outside it would only skip the call."""
    domain = ptype.domain
    if domain is None:
        yield from values
        return
    yield domain.simplest()
    yield from (v for v in values if domain.contains(v))


def _int_candidates(ptype: IntType, raw: int) -> Iterator[object]:
    """Ints simpler than ``raw``: toward 0, or toward the simplest value of its range; the
    values listed before it for a ``OneOf``."""
    domain = ptype.domain
    if isinstance(domain, OneOf):
        yield from domain.values[: domain.values.index(raw)] if raw in domain.values else ()
        return
    origin = int(domain.simplest()) if isinstance(domain, Range) else 0
    yield from (origin + step for step in int_steps(raw - origin))


def int_steps(value: int) -> Iterator[int]:
    """0, then 1 (or -1), then halfway toward 0."""
    if value == 0:
        return
    sign = 1 if value > 0 else -1
    yield 0
    if abs(value) > 1:
        yield sign
    if value < 0:
        yield -value  # a positive int reads simpler
    if abs(value) > 2:
        yield value // 2 if value > 0 else -(-value // 2)


def _shorter(text: str) -> Iterator[object]:
    yield ""
    if len(text) > 1:
        yield text[:1]
        yield text[: len(text) // 2]
        yield text[:-1]


def _simpler_floats(raw: object) -> Iterator[object]:
    if type(raw) is float and math.isfinite(raw):
        yield 0.0
        yield 1.0
        if raw != int(raw) and abs(raw) < 1e15:
            yield float(int(raw))
    elif type(raw) is float or type(raw) is int:
        yield 0.0


def _shorter_bytes(data: bytes) -> Iterator[object]:
    yield b""
    if len(data) > 1:
        yield data[:1]
        yield data[: len(data) // 2]


def _shorter_list(items: list[object]) -> Iterator[object]:
    yield []
    for index in range(len(items)):
        yield items[:index] + items[index + 1 :]


def _simpler_items(items: list[object], types: list[ParamType]) -> Iterator[object]:
    for index, (item, itype) in enumerate(zip(items, types, strict=True)):
        for simpler in candidates(itype, item):
            yield [*items[:index], simpler, *items[index + 1 :]]
