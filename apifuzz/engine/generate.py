"""Generate script statements from the registry's parameter types.

Used by the structure-aware mutator, so it must be cheap: randomness comes
from a small xorshift generator seeded per call (building ``random.Random``
for every mutation costs more than the mutation itself).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TypeVar, assert_never

from apifuzz.engine.domains import domain_generator
from apifuzz.interpreter.literals import format_float, quote, quote_bytes
from apifuzz.language import Language
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
from apifuzz.model.registry import MethodSpec

_MASK = (1 << 64) - 1
T = TypeVar("T")

#: Ints a bug likes: boundaries, small values, powers of two and their neighbours.
INTERESTING_INTS = (
    0,
    1,
    -1,
    2,
    3,
    4,
    5,
    7,
    8,
    9,
    10,
    11,
    15,
    16,
    17,
    20,
    25,
    30,
    32,
    50,
    63,
    64,
    99,
    100,
    101,
    127,
    128,
    255,
    256,
    1000,
    1023,
    1024,
    4096,
    65535,
    65536,
    -2,
    -10,
    -128,
    -129,
    2**15 - 1,
    2**15,
    -(2**15),
    -(2**15) - 1,
    2**31 - 1,
    2**31,
    -(2**31),
    -(2**31) - 1,
    2**32 - 1,
    2**32,
    2**63 - 1,
    2**63,
    -(2**63),
    2**64 - 1,
    10**7,
    10**7 + 1,
    # Equal under hash() to a small int (CPython hashes ints modulo 2**61 - 1, and -1 as
    # -2): keys that collide in a hash table, a set, a persistent map.
    2**61 - 1,
    2**61,
    2**61 + 1,
    -(2**61) + 1,
)
FLOATS = (
    0.0,
    -0.0,
    0.5,
    1.0,
    -1.0,
    1.5,
    1e-9,
    1e9,
    1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
)
STRINGS = (
    "",
    "a",
    "x",
    "clip",
    "red",
    "A b",
    "0",
    "-1",
    "é",
    "日本",
    "\\",
    '"',
    "\n",
    " ",
    "a" * 64,
)
BYTES = (b"", b"\x00", b"a", b"\xff\xfe", b"\x00" * 8)


class Rng:
    """xorshift64*: deterministic for a seed, a few hundred ns per draw in Python."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _MASK or 1

    def next(self) -> int:
        """The next 64-bit value."""
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & _MASK
        x ^= x >> 27
        self.state = x
        return (x * 0x2545F4914F6CDD1D) & _MASK

    def below(self, n: int) -> int:
        """A value in ``range(n)`` (n > 0)."""
        return (self.next() >> 11) % n

    def chance(self, numerator: int, denominator: int) -> bool:
        """True with probability numerator/denominator."""
        return self.below(denominator) < numerator

    def pick(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        return items[self.below(len(items))]


def gen_int(rng: Rng) -> int:
    """An int, most often a boundary or a small value; else of any magnitude up to 2**24,
    each bit length as likely (a limit of 1000 is crossed by two draws in the hundreds
    as often as by one near a million)."""
    roll = rng.below(8)
    if roll < 4:
        return rng.pick(INTERESTING_INTS)
    if roll < 6:
        return rng.below(200) - 20
    bits = rng.below(25)
    value = rng.below(1 << bits) | (1 << bits >> 1)  # the top bit set: that bit length
    return -value if rng.chance(1, 8) else value


#: Writes one random literal of a parameter type, drawing from the given generator.
ValueGen = Callable[[Rng], str]

#: Containers nested deeper than this are written empty, so a value stays small.
MAX_DEPTH = 2


def gen_value(ptype: ParamType, rng: Rng, depth: int = 0) -> str:
    """A literal for one parameter of type ``ptype``."""
    return _cached_generator(ptype, depth)(rng)


def value_generator(ptype: ParamType, depth: int = 0) -> ValueGen:
    """The writer of random ``ptype`` literals, ``depth`` containers deep.

    The type is looked at once, here; the returned function only draws.
    """
    match ptype:
        case RefType():
            return _gen_ref
        case IntType():
            return (
                _gen_int_literal
                if ptype.domain is None
                else domain_generator(ptype, INTERESTING_INTS)
            )
        case BoolType():
            return _gen_bool
        case EnumType():
            names = tuple(m.name for m in ptype.members())
            return lambda rng: rng.pick(names)
        case FloatType():
            return _gen_float if ptype.domain is None else domain_generator(ptype)
        case StrType():
            if ptype.domain is not None:
                return domain_generator(ptype, strings=STRINGS)
            return lambda rng: quote(rng.pick(STRINGS))
        case BytesType():
            if ptype.domain is not None:
                return domain_generator(ptype)
            return lambda rng: quote_bytes(rng.pick(BYTES))
        case OptionalType():
            return _gen_optional(value_generator(ptype.inner, depth))
        case ListType() | SetType() | VarTupleType():
            if depth > MAX_DEPTH:
                return lambda rng: "[]"
            return _gen_container(value_generator(ptype.inner, depth + 1))
        case TupleType():
            return _gen_tuple([value_generator(t, depth + 1) for t in ptype.items])
        case _:
            assert_never(ptype)


# The mutator asks for one parameter's value at a time; the registry's types are few and
# long-lived, so their generators are kept.
_cached_generator = functools.lru_cache(maxsize=1024)(value_generator)


def _gen_ref(rng: Rng) -> str:
    # Small indices name the first live objects; larger ints may be ids themselves.
    return str(rng.below(4) if rng.chance(3, 4) else rng.below(64))


def _gen_int_literal(rng: Rng) -> str:
    return str(gen_int(rng))


def _gen_bool(rng: Rng) -> str:
    return "true" if rng.chance(1, 2) else "false"


def _gen_float(rng: Rng) -> str:
    if rng.chance(1, 2):
        return format_float(rng.pick(FLOATS))
    return format_float(gen_int(rng) / 4)


def _gen_optional(inner: ValueGen) -> ValueGen:
    def gen_optional(rng: Rng) -> str:
        return "none" if rng.chance(1, 5) else inner(rng)

    return gen_optional


def _gen_container(element: ValueGen) -> ValueGen:
    def gen_container(rng: Rng) -> str:
        items = [element(rng) for _ in range(rng.below(4))]
        if items and rng.chance(1, 3):
            items = related(items, rng)
        return "[" + " ".join(items) + "]"

    return gen_container


_INT = re.compile(r"(?<![\w.\\])-?\d+(?![\w.])")


def related(items: list[str], rng: Rng) -> list[str]:
    """Items that relate to each other, as bugs in bulk operations like them: one repeated,
    one copied with every int in it moved by one (overlapping ranges, neighbours), or
    all sorted or reversed by their ints."""
    choice = rng.below(4)
    if choice == 0:
        return [*items, rng.pick(items)]
    if choice == 1:
        step = rng.pick((-1, 1))
        item = rng.pick(items)
        return [*items, _INT.sub(lambda m: str(int(m.group()) + step), item)]
    ordered = sorted(items, key=_ints)
    return ordered if choice == 2 else ordered[::-1]


def _ints(literal: str) -> list[int]:
    return [int(x) for x in _INT.findall(literal)]


def _gen_tuple(items: Sequence[ValueGen]) -> ValueGen:
    def gen_tuple(rng: Rng) -> str:
        return "[" + " ".join(item(rng) for item in items) + "]"

    return gen_tuple


class StatementGenerator:
    """Fresh, well-typed calls of one language."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.methods: list[MethodSpec] = list(language.methods)
        self.aliases = language.aliases
        # Per method, the writers of its arguments: built once, drawn from on every call.
        self._arguments = [[value_generator(p.type) for p in m.params] for m in self.methods]
        self.enabled: list[int] = list(range(len(self.methods)))  # see swarm()

    def statement(self, rng: Rng) -> str:
        """One call: an alias and its arguments (optional ones sometimes)."""
        index = rng.pick(self.enabled)
        parts = [self.aliases[self.methods[index].name], *self.arguments(index, rng)]
        return " ".join(parts)

    def arguments(self, index: int, rng: Rng, at_least: int = 0) -> list[str]:
        """Arguments for a call of ``self.methods[index]``: the required ones, optional
        ones sometimes, and at least ``at_least``."""
        method = self.methods[index]
        arguments = self._arguments[index]
        count = method.required_count
        if count < len(arguments) and rng.chance(1, 3):
            count += 1 + rng.below(len(arguments) - count)
        count = min(max(count, at_least), len(arguments))
        return [gen(rng) for gen in arguments[:count]]

    def swarm(self, rng: Rng) -> None:
        """Draw the methods new calls come from (swarm testing, Groce et al., ISSTA 2012):
        a quarter of the time all of them, else each with even odds (one at least).  A
        script generated with some methods left out goes deeper into what the others
        build, and a method that gets in another's way is out half of the time."""
        everything = list(range(len(self.methods)))
        if rng.chance(1, 4):
            self.enabled = everything
            return
        chosen = [i for i in everything if rng.chance(1, 2)]
        self.enabled = chosen or [rng.pick(everything)]
