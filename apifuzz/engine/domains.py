"""Values inside a parameter's domain (``Range``, ``OneOf``, ``Text``): drawn and fitted.

:func:`domain_generator` writes random literals inside a domain, favouring
its ends and short strings of its first characters, as bugs like them;
:func:`fit` brings a value a mutation made back into its parameter's domain:
a number is clamped to the range, anything else is drawn again.  Randomness
comes from :class:`apifuzz.engine.generate.Rng` (passed in, so this module
does not import the generator that imports it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from apifuzz.interpreter.literals import format_float, format_literal, quote
from apifuzz.model.domains import OneOf, Range, Text
from apifuzz.model.params import (
    BytesType,
    FloatType,
    IntType,
    OptionalType,
    ParamType,
    StrType,
    domain_of,
)

if TYPE_CHECKING:
    from apifuzz.engine.generate import Rng

#: The characters of a string without an alphabet (a few kinds: letters, a digit, space, é).
DEFAULT_ALPHABET = "abcxyz0 é"

#: Short strings of the first few characters of an alphabet are drawn often, so that two
#: strings drawn apart are often equal (names that collide).
FIRST_CHARACTERS = 3


def domain_generator(
    ptype: IntType | FloatType | StrType | BytesType,
    ints: Sequence[int] = (),
    strings: Sequence[str] = (),
) -> Callable[[Rng], str]:
    """The writer of random literals inside ``ptype``'s domain (it must have one).

    ``ints`` and ``strings``: values worth trying, used when they fit.
    """
    domain = ptype.domain
    if isinstance(domain, OneOf):
        literals = tuple(format_literal(v) for v in domain.values)
        return lambda rng: rng.pick(literals)
    if isinstance(domain, Text):
        return _text(domain, strings)
    assert isinstance(domain, Range), domain
    if isinstance(ptype, FloatType):
        return _float_range(domain)
    return _int_range(domain, ints)


def _int_range(domain: Range, ints: Sequence[int]) -> Callable[[Rng], str]:
    low = None if domain.min is None else int(domain.min)
    high = None if domain.max is None else int(domain.max)
    origin = int(domain.simplest())
    near_low = tuple(v for v in (low, None if low is None else low + 1) if v is not None)
    near_high = tuple(v for v in (high, None if high is None else high - 1) if v is not None)
    ends = tuple(v for v in (*near_low, *near_high) if domain.contains(v))
    inside = tuple(v for v in ints if domain.contains(v)) or ends

    def gen_int_range(rng: Rng) -> str:
        # As plain ints are drawn (most often small, boundaries, interesting values), but
        # inside the range: its ends, and small values from its simplest one on.
        roll = rng.below(16)
        if roll < 3:
            return str(rng.pick(ends))
        if roll < 7:
            return str(rng.pick(inside))
        if roll < 15:
            return str(domain.clamp(origin + rng.below(200) - 20))
        if low is not None and high is not None:
            return str(low + rng.below(high - low + 1))
        return str(domain.clamp(origin + rng.below(1 << 20) - (1 << 19)))

    return gen_int_range


def _float_range(domain: Range) -> Callable[[Rng], str]:
    ends = tuple(float(e) for e in (domain.min, domain.max) if e is not None)

    def gen_float_range(rng: Rng) -> str:
        if rng.chance(1, 4):
            return format_float(rng.pick(ends))
        fraction = rng.below(1 << 20) / (1 << 20)
        if domain.min is not None and domain.max is not None:
            value = domain.min + (domain.max - domain.min) * fraction
        elif domain.min is not None:
            value = domain.min + fraction * 1000
        else:
            assert domain.max is not None
            value = domain.max - fraction * 1000
        return format_float(float(domain.clamp(value)))

    return gen_float_range


def _text(domain: Text, strings: Sequence[str]) -> Callable[[Rng], str]:
    alphabet = domain.alphabet or DEFAULT_ALPHABET
    low = domain.min_size
    high = domain.max_size if domain.max_size is not None else low + 16
    # A few short strings drawn again and again, as the generator's plain strings are:
    # names that collide (one taken twice, a file renamed onto itself) are where bugs are.
    first = alphabet[:FIRST_CHARACTERS]
    short = [c * max(low, 1) for c in first] + [first[:2] * max(low, 1), first * max(low, 1)]
    pool = tuple(dict.fromkeys(quote(s) for s in [*strings, *short] if domain.contains(s)))

    def gen_text(rng: Rng) -> str:
        if pool and rng.chance(3, 4):
            return rng.pick(pool)
        # Else any text of the alphabet, mostly short: a bug rarely needs a long one.
        longest = min(high, low + 4) if rng.chance(3, 4) else high
        size = low + rng.below(longest - low + 1)
        return quote("".join(rng.pick(alphabet) for _ in range(size)))

    return gen_text


def fit(ptype: ParamType, value: object, rng: Rng, redraw: Callable[[Rng], str]) -> str:
    """The literal of ``value`` for a ``ptype`` parameter, inside the parameter's domain:
    clamped into a range, else ``redraw(rng)`` when it is outside."""
    if isinstance(ptype, OptionalType):
        if value is None:
            return "none"
        ptype = ptype.inner
    domain = domain_of(ptype)
    if domain is None or domain.contains(value):
        return format_literal(value)
    if isinstance(domain, Range) and type(value) in (int, float):
        assert isinstance(value, int | float)
        clamped = domain.clamp(value)
        return format_literal(float(clamped) if isinstance(ptype, FloatType) else clamped)
    return redraw(rng)
