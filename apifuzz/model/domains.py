"""Argument domains: the values a parameter accepts, written in its annotation.

``Annotated[int, Range(0, 100)]``, ``Annotated[str, OneOf("red", "blue")]``,
``Annotated[str, Text(alphabet="abc", max_size=8)]``.  Generation draws
inside the domain, mutation stays in it, minimization shrinks toward its
simplest value, and the interpreter skips a literal outside it as a bad
argument: the fuzzer spends its calls on values the model means to accept.

Each domain checks its own arguments when it is built (``Range(5, 1)`` is a
definition error); :func:`check_base` checks that it fits the type it
annotates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeAlias

from apifuzz.errors import InvalidDefinition

Number: TypeAlias = int | float


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Range:
    """``Annotated[int, Range(0, 100)]``: an int (or float) from ``min`` to ``max``, both included.

    Either end may be left out: ``Range(min=1)``, ``Range(max=10)``.
    """

    min: Number | None = None
    max: Number | None = None

    def __post_init__(self) -> None:
        shown = self.describe_call()
        for end in (self.min, self.max):
            if end is not None and (not _is_number(end) or math.isnan(end)):
                raise InvalidDefinition(
                    f"apifuzz.{shown}: the ends must be numbers, got {end!r}; "
                    f"write e.g. Range(0, 100)"
                )
        if self.min is None and self.max is None:
            raise InvalidDefinition(
                f"apifuzz.{shown}: give at least one end, e.g. Range(0, 100) or Range(min=1)"
            )
        if self.min is not None and self.max is not None and self.min > self.max:
            raise InvalidDefinition(
                f"apifuzz.{shown}: min {self.min!r} is above max {self.max!r}; "
                f"write Range({self.max!r}, {self.min!r})"
            )

    def describe_call(self) -> str:
        """How the user wrote it: ``Range(0, 100)``."""
        return f"Range({self.min!r}, {self.max!r})"

    def describe(self) -> str:
        """``0..100``, ``1..``, ``..10``: as ``apifuzz lang`` shows it."""
        low = "" if self.min is None else repr(self.min)
        high = "" if self.max is None else repr(self.max)
        return f"{low}..{high}"

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a number inside the range."""
        if not _is_number(value):
            return False
        assert isinstance(value, int | float)
        if isinstance(value, float) and math.isnan(value):
            return False
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def clamp(self, value: Number) -> Number:
        """The nearest value inside the range (NaN becomes the lower end, or the upper one)."""
        if isinstance(value, float) and math.isnan(value):
            end = self.min if self.min is not None else self.max
            assert end is not None
            return end
        if self.min is not None and value < self.min:
            return self.min
        if self.max is not None and value > self.max:
            return self.max
        return value

    def simplest(self) -> Number:
        """The value closest to 0: what minimization shrinks toward."""
        return self.clamp(0)


@dataclass(frozen=True, init=False)
class OneOf:
    """``Annotated[str, OneOf("red", "green")]``: one of a few values, simplest first.

    For an int, a float, a str or bytes; the values must be of that type.
    Minimization prefers the values listed first.
    """

    values: tuple[object, ...]

    def __init__(self, *values: object) -> None:
        object.__setattr__(self, "values", values)
        shown = self.describe_call()
        if not values:
            raise InvalidDefinition(f"apifuzz.{shown}: list the values, e.g. OneOf('a', 'b')")
        for value in values:
            if not isinstance(value, int | float | str | bytes) or isinstance(value, bool):
                raise InvalidDefinition(
                    f"apifuzz.{shown}: {value!r} is not an int, float, str or bytes; "
                    f"use an Enum for other choices"
                )
        if len(set(values)) != len(values):
            raise InvalidDefinition(f"apifuzz.{shown}: a value is listed twice; list each once")

    def describe_call(self) -> str:
        """How the user wrote it: ``OneOf('a', 'b')``."""
        return f"OneOf({', '.join(map(repr, self.values))})"

    def describe(self) -> str:
        """``one of 'a', 'b'``: as ``apifuzz lang`` shows it."""
        return "one of " + ", ".join(map(repr, self.values))

    def contains(self, value: object) -> bool:
        """Whether ``value`` is one of the values (of the same type: 1 is not 1.0 or True)."""
        return any(type(v) is type(value) and v == value for v in self.values)

    def simplest(self) -> object:
        """The first value listed."""
        return self.values[0]


@dataclass(frozen=True)
class Text:
    """``Annotated[str, Text(alphabet="ab", min_size=1, max_size=8)]``: strings of these
    characters (any, when ``alphabet`` is None), of a length from ``min_size`` to ``max_size``."""

    alphabet: str | None = None
    min_size: int = 0
    max_size: int | None = None

    def __post_init__(self) -> None:
        shown = self.describe_call()
        if self.alphabet is not None and (not isinstance(self.alphabet, str) or not self.alphabet):
            raise InvalidDefinition(
                f"apifuzz.{shown}: the alphabet is a non-empty str of the characters "
                f"allowed, e.g. Text(alphabet='abc')"
            )
        for name, size in (("min_size", self.min_size), ("max_size", self.max_size)):
            if size is not None and (type(size) is not int or size < 0):
                raise InvalidDefinition(
                    f"apifuzz.{shown}: {name} must be an int >= 0, got {size!r}"
                )
        if self.max_size is not None and self.max_size < self.min_size:
            raise InvalidDefinition(
                f"apifuzz.{shown}: min_size {self.min_size} is above max_size {self.max_size}"
            )

    def describe_call(self) -> str:
        """How the user wrote it."""
        return (
            f"Text(alphabet={self.alphabet!r}, min_size={self.min_size!r}, "
            f"max_size={self.max_size!r})"
        )

    def describe(self) -> str:
        """``text of 'ab', 1..8 long``: as ``apifuzz lang`` shows it."""
        parts = [] if self.alphabet is None else [f"of {_runs(self.alphabet)!r}"]
        if self.min_size or self.max_size is not None:
            high = "" if self.max_size is None else str(self.max_size)
            parts.append(f"{self.min_size}..{high} long")
        return " ".join(["text", *parts])

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a str of the alphabet's characters and of a right length."""
        if not isinstance(value, str):
            return False
        if len(value) < self.min_size or (self.max_size is not None and len(value) > self.max_size):
            return False
        return self.alphabet is None or all(c in self.alphabet for c in value)

    def simplest(self) -> str:
        """The shortest string of the alphabet's first character."""
        return (self.alphabet or "a")[0] * self.min_size


def _runs(alphabet: str) -> str:
    """The alphabet with each run of four or more consecutive characters written ``a-z``."""
    out, start = [], 0
    while start < len(alphabet):
        end = start
        while end + 1 < len(alphabet) and ord(alphabet[end + 1]) == ord(alphabet[end]) + 1:
            end += 1
        if end - start >= 3:
            out.append(f"{alphabet[start]}-{alphabet[end]}")
        else:
            out.append(alphabet[start : end + 1])
        start = end + 1
    return "".join(out)


#: A parameter's domain: what ``Annotated[...]`` may carry besides the type.
Domain: TypeAlias = Range | OneOf | Text
DOMAINS = (Range, OneOf, Text)


def check_base(domain: Domain, base: str) -> Domain:
    """``domain`` fitted to the scalar type it annotates (``"int"``, ``"float"``, ``"str"``,
    ``"bytes"``); raises ValueError with the reason when it does not fit."""
    shown = domain.describe_call()
    if isinstance(domain, Range):
        if base not in ("int", "float"):
            raise ValueError(f"{shown} annotates {base}; a Range bounds an int or a float")
        if base == "int" and any(isinstance(e, float) for e in (domain.min, domain.max)):
            raise ValueError(f"{shown} annotates int; its ends must be ints")
        return domain
    if isinstance(domain, Text):
        if base != "str":
            raise ValueError(f"{shown} annotates {base}; Text describes a str")
        return domain
    wanted = {"int": (int,), "float": (int, float), "str": (str,), "bytes": (bytes,)}[base]
    wrong = [v for v in domain.values if not isinstance(v, wanted)]
    if wrong:
        article = "an" if base == "int" else "a"
        raise ValueError(f"{shown} annotates {base}, but {wrong[0]!r} is not {article} {base}")
    if base == "float":  # 1 and 1.0 are one float: keep the floats the interpreter compares
        return OneOf(*(float(v) for v in domain.values))  # type: ignore[arg-type]
    return domain
