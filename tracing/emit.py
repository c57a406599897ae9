"""Write argument values as script literals that the interpreter reads back identically."""

from __future__ import annotations

import enum
import functools
from collections.abc import (
    Callable,
    Collection,
    ItemsView,
    Iterator,
    KeysView,
    Sequence,
    ValuesView,
)
from typing import Any, assert_never

from apifuzz.interpreter.literals import format_float, quote, quote_bytes
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
from apifuzz.tracing import guard

LiveIds = Callable[[str], Sequence[int]]
_VIEWS = (KeysView, ValuesView, ItemsView)


class NotWritable(Exception):
    """A value the script language cannot express faithfully (the message says why)."""


def _enum_name(member: enum.Enum) -> str:
    # A member named like a keyword (``none``) would read back as the keyword.
    if member.name in KEYWORDS or not member.name.isidentifier():
        return f"{type(member).__name__}.{member.name}"
    return member.name


def format_value(ptype: ParamType, value: Any, live: LiveIds) -> str:
    """The literal for ``value`` as a ``ptype`` argument; raises NotWritable."""
    match ptype:
        case RefType():
            return _ref(ptype, value, live)
        case IntType():
            if isinstance(value, bool) or not isinstance(value, int):
                raise NotWritable(f"{value!r} is not an int")
            return str(int(value))
        case FloatType():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise NotWritable(f"{value!r} is not a float")
            return format_float(float(value))
        case BoolType():
            if not isinstance(value, bool):
                raise NotWritable(f"{value!r} is not a bool")
            return "true" if value else "false"
        case StrType():
            if not isinstance(value, str):
                raise NotWritable(f"{value!r} is not a str")
            return quote(str(value))
        case BytesType():
            if not isinstance(value, (bytes, bytearray)):
                raise NotWritable(f"{value!r} is not bytes")
            return quote_bytes(bytes(value))
        case EnumType():
            if not isinstance(value, ptype.cls):
                raise NotWritable(f"{value!r} is not a {ptype.cls.__name__}")
            return _enum_name(value)
        case OptionalType():
            return "none" if value is None else format_value(ptype.inner, value, live)
        case ListType() | VarTupleType():
            if not isinstance(value, (list, tuple)):
                raise NotWritable(f"{value!r} is not a sequence")
            return "[" + " ".join(format_value(ptype.inner, v, live) for v in value) + "]"
        case SetType():
            return _set(ptype, value, live)
        case TupleType():
            return _tuple(ptype, value, live)
        case _:
            assert_never(ptype)


def as_written(ptype: ParamType, value: Any) -> Any:
    """``value`` as its script replays it: a collection for a list parameter, as a list.

    A ``range``, a set or a library's view (``G.nodes``) given for a ``list[...]``
    parameter is written as the list of its items, and the replay passes that list.
    A dict is left as it is (a library may read more than its keys), and so are
    iterators: reading one here would consume it before the call.
    """
    if not isinstance(ptype, ListType) or not isinstance(value, Collection):
        return value
    # A dict may mean more than its keys to the library; a str is a value of its own.
    if isinstance(value, (dict, str, bytes, bytearray, Iterator)):
        return value
    return [as_written(ptype.inner, v) for v in value]


def written(param: ParamSpec, value: Any) -> Any:
    """``value`` as a script writes it: its codec's encoding, or itself; raises NotWritable."""
    codec = param.codec
    if codec is None:
        return value
    try:
        with guard.guarded():  # what encode calls of the library is not the test's call
            return codec.encode(value)
    except Exception as exc:  # the user's encode cannot write it: the script is cut there
        raise NotWritable(f"{codec.name} cannot encode {value!r}: {exc}") from None


def _ref(ptype: RefType, value: Any, live: LiveIds) -> str:
    if type(value) is not int:
        raise NotWritable(f"{value!r} is not an int id")
    if value not in live(ptype.kind):
        raise NotWritable(f"{value!r} is not a live {ptype.kind} id")
    return str(value)


def _set(ptype: SetType, value: Any, live: LiveIds) -> str:
    if not isinstance(value, (set, frozenset)):
        raise NotWritable(f"{value!r} is not a set")
    # Sorted, so a corpus does not change with PYTHONHASHSEED.
    items = sorted(format_value(ptype.inner, v, live) for v in value)
    return "[" + " ".join(items) + "]"


def _tuple(ptype: TupleType, value: Any, live: LiveIds) -> str:
    if not isinstance(value, tuple) or len(value) != len(ptype.items):
        raise NotWritable(f"{value!r} is not a {len(ptype.items)}-tuple")
    pairs = zip(ptype.items, value, strict=True)
    return "[" + " ".join(format_value(t, v, live) for t, v in pairs) + "]"


def same_value(a: Any, b: Any) -> bool:
    """Equality for replay checks.

    NaN equals NaN; an int and a float of the same value are the same (a
    float parameter given ``2`` replays as ``2.0``); otherwise the types must
    match too, element by element in containers; objects without an ``__eq__`` of
    their own compare by their attributes (cached properties left out); two iterators
    of one type are the same (their items are the test's to read).
    """
    numbers = (int, float)
    if (
        isinstance(a, numbers)
        and isinstance(b, numbers)
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        if a != a and b != b:  # both NaN
            return True
        return bool(a == b)
    if type(a) is not type(b):
        return False
    if isinstance(a, type):
        return a is b  # a class (an enum member's own, say) is itself, not its attributes
    if isinstance(a, Iterator):
        # A lazy result (a generator): reading it would take it from the test that made it.
        return True
    if isinstance(a, (list, tuple, *_VIEWS)):
        # A library's views (a dict's keys, values, items) compare by what they show, in order.
        a, b = list(a), list(b)
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    try:
        if getattr(type(a), "__eq__", None) is object.__eq__ and hasattr(a, "__dict__"):
            # No value equality (a library's object, a model returned by ``return self``):
            # equal attributes make the same value; identity would never match a replay's.
            return same_value(_own_state(a), _own_state(b))
        return bool(a == b)
    except Exception:
        return repr(a) == repr(b)


def _own_state(obj: Any) -> dict[str, Any]:
    """The attributes of ``obj``, less the values its ``cached_property``s have computed.

    Which of them are cached depends on what was read, not on what the object is.
    """
    cls = type(obj)
    return {
        name: value
        for name, value in vars(obj).items()
        if not isinstance(getattr(cls, name, None), functools.cached_property)
    }
