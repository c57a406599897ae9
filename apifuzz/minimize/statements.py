"""A script as a list of statements the minimizer can drop, reorder and rewrite.

Lines that the interpreter would skip without looking (blank lines, comments,
lines that do not parse, a factory statement that is not first) are dropped
up front: they cannot matter.  Statements are written back with the full
method name and canonical literals, so a minimized script reads like the
examples in a model's documentation.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from apifuzz.interpreter.literals import Name, format_literal
from apifuzz.interpreter.parser import Call, Factory, LineParser
from apifuzz.language import FACTORY_MARK
from apifuzz.language.aliases import KEYWORDS
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
from apifuzz.model.registry import ParamSpec


@dataclass(frozen=True)
class Statement:
    """One call (``method`` set) or the factory statement (``method`` None)."""

    method: str | None
    args: tuple[object, ...]
    params: tuple[ParamSpec, ...]  # the parameters the arguments are for

    @property
    def text(self) -> str:
        """The statement as a script line."""
        head = self.method if self.method is not None else FACTORY_MARK
        return " ".join([head, *(format_literal(a) for a in self.args)])

    def with_args(self, args: tuple[object, ...]) -> Statement:
        """The same statement with other arguments."""
        return Statement(self.method, args, self.params)

    @property
    def required(self) -> int:
        """How many leading arguments cannot be left out."""
        return sum(1 for p in self.params if p.required)


def _canonical(ptype: ParamType, raw: object) -> object:
    """The literal a person would write for the same value: a member name, not an index."""
    match ptype:
        case OptionalType():
            if raw is not None:
                return _canonical(ptype.inner, raw)
        case EnumType():
            if type(raw) is int:
                return _member_name(ptype, raw)
        case BoolType():
            if type(raw) is int:
                return raw != 0
        case (
            IntType()
            | FloatType()
            | StrType()
            | BytesType()
            | RefType()
            | ListType()
            | SetType()
            | TupleType()
            | VarTupleType()
        ):
            pass  # written as a person would already
        case _:
            assert_never(ptype)
    return raw


def _member_name(ptype: EnumType, index: int) -> object:
    members: tuple[enum.Enum, ...] = ptype.members()
    member = members[index % len(members)]
    if not member.name.isidentifier():
        return index  # no bare word names it
    if member.name in KEYWORDS:
        # A member named like a keyword would read back as the keyword.
        return Name(f"{ptype.cls.__name__}.{member.name}")
    return Name(member.name)


def parse_statements(text: str, parser: LineParser) -> list[Statement]:
    """The statements of a script that the interpreter would try to run, canonicalized."""
    language = parser.language
    statements: list[Statement] = []
    for line in text.split("\n"):
        parsed = parser.parse(line)
        if isinstance(parsed, Factory):
            if not statements:
                params = tuple(language.factory_params)
                statements.append(Statement(None, _canonical_args(params, parsed.args), params))
        elif isinstance(parsed, Call):
            params = parsed.method.params
            statements.append(
                Statement(parsed.method.name, _canonical_args(params, parsed.args), params)
            )
    return statements


def _canonical_args(params: Sequence[ParamSpec], args: tuple[object, ...]) -> tuple[object, ...]:
    if len(args) > len(params):
        return args  # skipped for its arity anyway; the minimizer will drop it
    return tuple(_canonical(p.type, a) for p, a in zip(params, args, strict=False))


def render(statements: Sequence[Statement]) -> str:
    """The script text: one statement per line."""
    return "".join(s.text + "\n" for s in statements)


def count_statements(text: str) -> int:
    """Lines that are neither blank nor comments: what a reader counts as statements."""
    count = 0
    for line in text.split("\n"):
        stripped = line.strip(" \t\r\f\v,")
        if stripped and not stripped.startswith("#"):
            count += 1
    return count
