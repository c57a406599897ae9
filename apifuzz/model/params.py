"""Parameter types: the annotations apifuzz can generate values for.

``param_type(hint)`` turns one annotation (as returned by
``typing.get_type_hints(include_extras=True)``) into a small immutable tree of
:data:`ParamType` nodes.  The interpreter compiles these trees into
converters; the language prints them; later stages generate values from them.

:data:`ParamType` is a closed union.  Every stage that treats each type its
own way dispatches with ``match`` ending in ``case _: assert_never(ptype)``, so
mypy names each dispatcher that forgets a type.  Adding a type is: its class
here, a member of the union, a branch in :func:`param_type`, then a case
wherever mypy asks for one.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeAlias

from apifuzz.model.codecs import Codec
from apifuzz.model.decorators import Ref
from apifuzz.model.domains import DOMAINS, Domain, check_base


class UnsupportedType(Exception):
    """Raised by :func:`param_type`; the registry turns it into InvalidDefinition."""


class DomainMismatch(UnsupportedType):
    """A domain that does not fit the type it annotates (the message says how to fix it)."""


@dataclass(frozen=True)
class ParamNode:
    """What every parameter type shares; dispatch over the :data:`ParamType` union instead."""

    def describe(self) -> str:
        """The type as a user reads it in ``apifuzz lang``."""
        raise NotImplementedError

    def children(self) -> tuple[ParamType, ...]:
        """The nested types (element types of a container)."""
        return ()

    def walk(self) -> Iterator[ParamType]:
        """This node and every node below it."""
        # Every concrete node is a member of the union (tests/model checks that it is complete).
        yield typing.cast("ParamType", self)
        for child in self.children():
            yield from child.walk()

    def ref_kinds(self) -> frozenset[str]:
        """The Ref kinds used anywhere inside this type."""
        return frozenset(node.kind for node in self.walk() if isinstance(node, RefType))

    def hashable(self) -> bool:
        """Whether values of this type can be set members."""
        return True


@dataclass(frozen=True)
class IntType(ParamNode):
    """``int``, within ``domain`` when one is given (``Annotated[int, ...]``)."""

    domain: Domain | None = None

    def describe(self) -> str:
        return "int" if self.domain is None else f"int[{self.domain.describe()}]"


@dataclass(frozen=True)
class FloatType(ParamNode):
    """``float``, within ``domain`` when one is given (``Annotated[float, ...]``)."""

    domain: Domain | None = None

    def describe(self) -> str:
        return "float" if self.domain is None else f"float[{self.domain.describe()}]"


@dataclass(frozen=True)
class BoolType(ParamNode):
    """``bool``."""

    def describe(self) -> str:
        return "bool"


@dataclass(frozen=True)
class StrType(ParamNode):
    """``str``, within ``domain`` when one is given (``Annotated[str, ...]``)."""

    domain: Domain | None = None

    def describe(self) -> str:
        return "str" if self.domain is None else f"str[{self.domain.describe()}]"


@dataclass(frozen=True)
class BytesType(ParamNode):
    """``bytes``, within ``domain`` when one is given (``Annotated[bytes, ...]``)."""

    domain: Domain | None = None

    def describe(self) -> str:
        return "bytes" if self.domain is None else f"bytes[{self.domain.describe()}]"


@dataclass(frozen=True)
class EnumType(ParamNode):
    """A member of an ``Enum`` subclass."""

    cls: type[enum.Enum]

    def describe(self) -> str:
        return f"{self.cls.__name__}{{{','.join(m.name for m in self.cls)}}}"

    def members(self) -> tuple[enum.Enum, ...]:
        """The members in definition order (aliases excluded)."""
        return tuple(self.cls)


@dataclass(frozen=True)
class RefType(ParamNode):
    """A live id of one kind, ``Annotated[int, Ref(kind)]``."""

    kind: str

    def describe(self) -> str:
        return f"ref({self.kind})"


@dataclass(frozen=True)
class OptionalType(ParamNode):
    """``X | None``."""

    inner: ParamType

    def describe(self) -> str:
        return f"{self.inner.describe()}?"

    def children(self) -> tuple[ParamType, ...]:
        return (self.inner,)

    def hashable(self) -> bool:
        return self.inner.hashable()


@dataclass(frozen=True)
class ListType(ParamNode):
    """``list[X]``."""

    inner: ParamType

    def describe(self) -> str:
        return f"list[{self.inner.describe()}]"

    def children(self) -> tuple[ParamType, ...]:
        return (self.inner,)

    def hashable(self) -> bool:
        return False


@dataclass(frozen=True)
class SetType(ParamNode):
    """``set[X]``, or ``frozenset[X]`` when frozen."""

    inner: ParamType
    frozen: bool = False

    def describe(self) -> str:
        return f"{'frozenset' if self.frozen else 'set'}[{self.inner.describe()}]"

    def children(self) -> tuple[ParamType, ...]:
        return (self.inner,)

    def hashable(self) -> bool:
        return self.frozen


@dataclass(frozen=True)
class TupleType(ParamNode):
    """A fixed-length tuple, ``tuple[int, str]``."""

    items: tuple[ParamType, ...]

    def describe(self) -> str:
        return f"tuple[{', '.join(i.describe() for i in self.items)}]"

    def children(self) -> tuple[ParamType, ...]:
        return self.items

    def hashable(self) -> bool:
        return all(i.hashable() for i in self.items)


@dataclass(frozen=True)
class VarTupleType(ParamNode):
    """A tuple of any length, ``tuple[int, ...]``."""

    inner: ParamType

    def describe(self) -> str:
        return f"tuple[{self.inner.describe()}, ...]"

    def children(self) -> tuple[ParamType, ...]:
        return (self.inner,)

    def hashable(self) -> bool:
        return self.inner.hashable()


#: Every parameter type; a dispatcher matches over it and ends in ``assert_never``.
ParamType: TypeAlias = (
    IntType
    | FloatType
    | BoolType
    | StrType
    | BytesType
    | EnumType
    | RefType
    | OptionalType
    | ListType
    | SetType
    | TupleType
    | VarTupleType
)

_SCALARS: dict[object, ParamType] = {
    int: IntType(),
    float: FloatType(),
    bool: BoolType(),
    str: StrType(),
    bytes: BytesType(),
}

SUPPORTED = (
    "int, float, bool, str, bytes, an Enum subclass, Optional[...], list[...], set[...], "
    "frozenset[...], tuple[...] or Annotated[int, Ref(kind)]"
)


def _describe_hint(hint: object) -> str:
    if isinstance(hint, type):
        return hint.__qualname__
    return repr(hint).replace("typing.", "")


def param_type(hint: object) -> ParamType:
    """Translate one resolved annotation into a :class:`ParamType`.

    Raises :class:`UnsupportedType` with the reason when the annotation
    cannot be generated by a fuzzer.
    """
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Annotated:
        return _annotated(hint, args)
    if hint in _SCALARS:
        return _SCALARS[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        if not list(hint):
            raise UnsupportedType(f"enum {hint.__qualname__} has no members")
        return EnumType(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return OptionalType(param_type(rest[0]))
        raise UnsupportedType(
            f"{_describe_hint(hint)} is a union; only Optional[X] (X | None) is supported"
        )
    if origin is list:
        return ListType(_element(hint, args))
    if origin in (set, frozenset):
        inner = _element(hint, args)
        if not inner.hashable():
            raise UnsupportedType(f"{_describe_hint(hint)} has unhashable elements")
        return SetType(inner, frozen=origin is frozenset)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return VarTupleType(param_type(args[0]))
        if not args or args == ((),):
            raise UnsupportedType("an empty tuple[()] carries nothing to fuzz")
        return TupleType(tuple(param_type(a) for a in args))
    if hint in (list, set, frozenset, tuple):
        raise UnsupportedType(
            f"bare {_describe_hint(hint)} has no element type; "
            f"write e.g. {_describe_hint(hint)}[int]"
        )
    raise UnsupportedType(f"{_describe_hint(hint)} is not a type apifuzz can generate")


def _annotated(hint: object, args: tuple[object, ...]) -> ParamType:
    """``Annotated[X, ...]``: X with a Ref, with a domain, or as is."""
    base, *meta = args
    if any(isinstance(m, Codec) for m in meta):
        raise UnsupportedType(
            f"{_describe_hint(hint)}: a Codec annotates a whole parameter, not a part of one; "
            f"let the codec's decode build the container"
        )
    refs = [m for m in meta if isinstance(m, Ref)]
    domains = [m for m in meta if isinstance(m, DOMAINS)]
    if domains and refs:
        raise DomainMismatch(
            f"{_describe_hint(hint)} carries a Ref and a {type(domains[0]).__name__}; "
            f"a Ref's value is any live id, leave the domain out"
        )
    if domains:
        return _with_domain(hint, param_type(base), domains)
    if not refs:
        return param_type(base)
    if len(refs) > 1:
        raise UnsupportedType(f"{_describe_hint(hint)} carries more than one Ref")
    if base is not int:
        raise UnsupportedType(
            f"Ref({refs[0].kind!r}) annotates {_describe_hint(base)}; ids are ints, "
            f"write Annotated[int, Ref({refs[0].kind!r})]"
        )
    return RefType(refs[0].kind)


def _element(hint: object, args: tuple[object, ...]) -> ParamType:
    if len(args) != 1:
        raise UnsupportedType(f"{_describe_hint(hint)} needs exactly one element type")
    return param_type(args[0])


def _with_domain(hint: object, base: ParamType, domains: list[Domain]) -> ParamType:
    """``base`` (or the X of an Optional[X]) within the one domain of ``domains``."""
    if len(domains) > 1:
        raise DomainMismatch(f"{_describe_hint(hint)} carries more than one domain; keep one")
    if isinstance(base, OptionalType):  # Annotated[int | None, Range(0, 9)]: the int's range
        return OptionalType(_with_domain(hint, base.inner, domains))
    if not isinstance(base, IntType | FloatType | StrType | BytesType):
        raise DomainMismatch(
            f"{domains[0].describe_call()} annotates {base.describe()}; a domain goes on an "
            f"int, float, str or bytes (inside a container: list[Annotated[int, Range(0, 9)]])"
        )
    if base.domain is not None:
        raise DomainMismatch(f"{_describe_hint(hint)} carries more than one domain; keep one")
    try:
        domain = check_base(domains[0], base.describe())
    except ValueError as exc:
        raise DomainMismatch(str(exc)) from None
    return dataclasses.replace(base, domain=domain)


def domain_of(ptype: ParamType) -> Domain | None:
    """The domain of a scalar parameter type; None when it has none (or is no scalar)."""
    if isinstance(ptype, IntType | FloatType | StrType | BytesType):
        return ptype.domain
    return None


def without_domain(ptype: ParamType) -> ParamType:
    """``ptype`` with its domain left out: the type values of any domain share."""
    if isinstance(ptype, IntType | FloatType | StrType | BytesType) and ptype.domain is not None:
        return dataclasses.replace(ptype, domain=None)
    return ptype


def names_objects(ptype: ParamType) -> tuple[str, bool] | None:
    """The kind of the objects a parameter names, and whether it names many (a list, set
    or tuple of ids) or one (an id, maybe optional); None when it names none."""
    node = ptype.inner if isinstance(ptype, OptionalType) else ptype
    many = isinstance(node, ListType | SetType | VarTupleType)
    if isinstance(node, ListType | SetType | VarTupleType):
        node = node.inner
    return (node.kind, many) if isinstance(node, RefType) else None
