"""Generate script statements from the registry's parameter types.

Used by the structure-aware mutator, so it must be cheap: randomness comes
from a small xorshift generator seeded per call (building ``random.Random``
for every mutation costs more than the mutation itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

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
    2**31 - 1,
    -(2**31),
    2**63 - 1,
    10**7,
    10**7 + 1,
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
    """An int, most often a boundary or a small value."""
    roll = rng.below(8)
    if roll < 4:
        return rng.pick(INTERESTING_INTS)
    if roll < 7:
        return rng.below(200) - 20
    return rng.below(1 << 20) - (1 << 19)


def gen_value(ptype: ParamType, rng: Rng, depth: int = 0) -> str:
    """A literal for one parameter of type ``ptype``."""
    if isinstance(ptype, RefType):
        # Small indices name the first live objects; larger ints may be ids themselves.
        return str(rng.below(4) if rng.chance(3, 4) else rng.below(64))
    if isinstance(ptype, IntType):
        return str(gen_int(rng))
    if isinstance(ptype, BoolType):
        return "true" if rng.chance(1, 2) else "false"
    if isinstance(ptype, EnumType):
        members = ptype.members()
        return members[rng.below(len(members))].name
    if isinstance(ptype, FloatType):
        if rng.chance(1, 2):
            return format_float(rng.pick(FLOATS))
        return format_float(gen_int(rng) / 4)
    if isinstance(ptype, StrType):
        return quote(rng.pick(STRINGS))
    if isinstance(ptype, BytesType):
        return quote_bytes(rng.pick(BYTES))
    if isinstance(ptype, OptionalType):
        return "none" if rng.chance(1, 5) else gen_value(ptype.inner, rng, depth)
    if isinstance(ptype, (ListType, SetType, VarTupleType)):
        count = 0 if depth > 2 else rng.below(4)
        return "[" + " ".join(gen_value(ptype.inner, rng, depth + 1) for _ in range(count)) + "]"
    if isinstance(ptype, TupleType):
        return "[" + " ".join(gen_value(t, rng, depth + 1) for t in ptype.items) + "]"
    raise TypeError(f"cannot generate {ptype!r}")


class StatementGenerator:
    """Fresh, well-typed calls of one language."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.methods: list[MethodSpec] = list(language.methods)
        self.aliases = language.aliases

    def statement(self, rng: Rng) -> str:
        """One call: an alias and its arguments (optional ones sometimes)."""
        method = self.methods[rng.below(len(self.methods))]
        params = method.params
        count = method.required_count
        if count < len(params) and rng.chance(1, 3):
            count += 1 + rng.below(len(params) - count)
        parts = [self.aliases[method.name]]
        parts += [gen_value(p.type, rng) for p in params[:count]]
        return " ".join(parts)
