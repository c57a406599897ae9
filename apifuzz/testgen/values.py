"""The arguments of a generated call: values as libcst expressions.

A primitive is the ``repr`` parsed by :func:`libcst.parse_expression` (a string
in double quotes when that needs no escape, as ruff format writes it),
``nan`` and ``inf`` are spelled so that they evaluate, containers are built
node by node, an enum member names its class (imported through
:class:`~apifuzz.testgen.names.Names`) and an id that an earlier step
bound to a variable is that variable.  Arguments equal to their parameter's
default are left out.
"""

from __future__ import annotations

import enum
import keyword
import math
from typing import Any, assert_never

import libcst as cst

from apifuzz.errors import ApifuzzError
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
from apifuzz.testgen.names import Names
from apifuzz.testgen.steps import Steps, sort_key
from apifuzz.tracing.emit import same_value


def quoted(text: str | bytes) -> str:
    """``repr``, with double quotes when that needs no escape (as ruff format writes it)."""
    literal = repr(text)
    prefix = "b" if isinstance(text, bytes) else ""
    body = literal[len(prefix) :]
    if body.startswith("'") and '"' not in body:
        body = '"' + body[1:-1] + '"'
    return prefix + body


def number(value: int | float) -> cst.BaseExpression:
    """An int or a finite float."""
    return cst.parse_expression(repr(value))


class Values:
    """Renders the argument values of the steps of one test.

    ``bound`` holds the variables the test binds: an id is written as its
    variable only when that variable is bound, else as its number (with a note).
    """

    def __init__(self, names: Names, steps: Steps, bound: set[str]) -> None:
        self.names = names
        self.steps = steps
        self.bound = bound

    def value(
        self, ptype: ParamType, value: Any, step: int, notes: list[str]
    ) -> cst.BaseExpression:
        """The expression for ``value`` as a ``ptype`` argument of step ``step``."""
        match ptype:
            case RefType():
                if type(value) is int:
                    return self._ref(ptype, value, step, notes)
            case OptionalType():
                if value is None:
                    return cst.Name("None")
                return self.value(ptype.inner, value, step, notes)
            case ListType() | VarTupleType():
                if isinstance(value, (list, tuple)):
                    elements = [cst.Element(self.value(ptype.inner, v, step, notes)) for v in value]
                    return cst.List(elements) if isinstance(value, list) else cst.Tuple(elements)
            case TupleType():
                if isinstance(value, tuple):
                    pairs = zip(ptype.items, value, strict=True)
                    return cst.Tuple([cst.Element(self.value(t, v, step, notes)) for t, v in pairs])
            case SetType():
                if isinstance(value, (set, frozenset)):
                    return self._set(ptype, value, step, notes)
            case EnumType():
                if isinstance(value, ptype.cls):
                    return self._member(value)
            case IntType() | FloatType() | BoolType() | StrType() | BytesType():
                pass
            case _:
                assert_never(ptype)
        return self.literal(value)  # a scalar, or a value its type does not describe

    def _ref(self, ptype: RefType, value: int, step: int, notes: list[str]) -> cst.BaseExpression:
        name = self.steps.variable(ptype.kind, value, step)
        if name is not None and name in self.bound:
            return cst.Name(name)
        notes.append(f"{ptype.kind} {value}")
        return number(value)

    def _set(
        self, ptype: SetType, value: set[Any] | frozenset[Any], step: int, notes: list[str]
    ) -> cst.BaseExpression:
        items = sorted(value, key=sort_key)
        name = "frozenset" if ptype.frozen else "set"
        if not items:
            return cst.Call(cst.Name(name))
        display = cst.Set([cst.Element(self.value(ptype.inner, v, step, notes)) for v in items])
        if ptype.frozen:
            return cst.Call(cst.Name("frozenset"), [cst.Arg(display)])
        return display

    def _member(self, member: Any) -> cst.BaseExpression:
        owner = self.names.ref(type(member), "enum")
        name = member.name
        if name.isidentifier() and not keyword.iskeyword(name):
            return cst.Attribute(owner, cst.Name(name))
        key = cst.SubscriptElement(cst.Index(cst.SimpleString(quoted(name))))
        return cst.Subscript(owner, [key])

    def literal(self, value: Any) -> cst.BaseExpression:
        """A plain value: bool, None, int, float (nan, inf), str, bytes, or a container."""
        if value is None or isinstance(value, bool):
            return cst.Name(repr(value))
        if isinstance(value, int):
            return number(int(value))
        if isinstance(value, float):
            if math.isnan(value):
                return cst.Call(cst.Name("float"), [cst.Arg(cst.SimpleString('"nan"'))])
            if math.isinf(value):
                inf = cst.Attribute(self.names.module_ref("math"), cst.Name("inf"))
                return inf if value > 0 else cst.UnaryOperation(cst.Minus(), inf)
            return number(value)
        if isinstance(value, (str, bytes)):
            return cst.SimpleString(quoted(value))
        if isinstance(value, (list, tuple)):
            elements = [cst.Element(self.literal(v)) for v in value]
            return cst.List(elements) if isinstance(value, list) else cst.Tuple(elements)
        if isinstance(value, enum.Enum):
            return self._member(value)
        try:
            return cst.parse_expression(repr(value))
        except cst.ParserSyntaxError:
            raise ApifuzzError(f"cannot write the value {value!r} as Python") from None

    def argument(
        self, param: ParamSpec, value: Any, step: int, notes: list[str]
    ) -> cst.BaseExpression:
        """The expression for ``value`` as ``param``'s argument: ``decode(<written>)`` when the
        parameter has a codec, so that the test passes what the script's call passed."""
        codec = param.codec
        if codec is None:
            return self.value(param.type, value, step, notes)
        try:
            text = codec.encode(value)
        except Exception as exc:
            raise ApifuzzError(f"{codec.name} cannot encode {value!r}: {exc}") from None
        decode = self.names.ref(codec.decode, "codec function")
        return cst.Call(decode, [cst.Arg(self.value(param.type, text, step, notes))])

    def arguments(
        self,
        params: tuple[ParamSpec, ...],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        step: int,
        notes: list[str],
    ) -> list[cst.Arg]:
        """Positional arguments as given, trailing defaults left out; keyword-only by name."""
        positional = list(args)
        while positional:
            p = params[len(positional) - 1]
            if p.required or not same_value(positional[-1], p.default):
                break
            positional.pop()
        out = [
            cst.Arg(self.argument(p, v, step, notes))
            for p, v in zip(params, positional, strict=False)
        ]
        out += self.keywords(params, kwargs, step, notes)
        return out

    def keywords(
        self, params: tuple[ParamSpec, ...], kwargs: dict[str, Any], step: int, notes: list[str]
    ) -> list[cst.Arg]:
        """``name=value`` for the ``kwargs`` that are not their parameter's default."""
        return [
            cst.Arg(
                self.argument(p, kwargs[p.name], step, notes),
                keyword=cst.Name(p.name),
                equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            )
            for p in params
            if p.name in kwargs and (p.required or not same_value(kwargs[p.name], p.default))
        ]
