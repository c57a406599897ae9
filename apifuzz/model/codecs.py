"""Codecs: parameters whose values a script cannot write as they are.

A library's methods take objects of its own (an interval, a date, a matrix)
that no script literal is.  ``Annotated[W, Codec(decode, encode)]`` says how a
script writes one: as a value of the writable type ``W`` (ints, lists, tuples...)
that ``decode`` turns into the object the method receives.  ``encode`` goes the
other way, for the tracer: the object a library's test passed becomes the
literal of a seed script.  Generation, mutation and minimization work on ``W``
as for any parameter; the interpreter decodes right before the call.

::

    Atom = tuple[float, float, bool, bool]
    IntervalArg = Annotated[list[Atom], Codec(to_interval, from_interval)]

A codec annotates a whole parameter (not an element inside a container): its
``decode`` may build a container of library objects itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apifuzz.errors import InvalidDefinition


@dataclass(frozen=True)
class Codec:
    """How a script writes a value it cannot write as is.

    ``decode(written)`` builds the argument from the written value (an exception
    means the literal makes no argument: the statement is skipped, as for a
    literal of the wrong type).  ``encode(value)`` writes an argument back (an
    exception means it cannot be written: the tracer cuts the script there).  A
    value and ``decode(encode(value))`` must mean the same to the library: the
    tracer's replay check compares arguments by their encodings.  ``name``
    describes the decoded type in ``apifuzz lang`` (default: ``decode``'s name).
    """

    decode: Callable[[Any], Any]
    encode: Callable[[Any], Any]
    name: str = field(default="")

    def __post_init__(self) -> None:
        for role in ("decode", "encode"):
            if not callable(getattr(self, role)):
                raise InvalidDefinition(
                    f"apifuzz.Codec(): {role} must be a function, got {getattr(self, role)!r}"
                )
        if not self.name:
            object.__setattr__(self, "name", getattr(self.decode, "__name__", "codec"))

    def describe(self, written: str) -> str:
        """``list[...] as to_interval``: the written type and what it becomes."""
        return f"{written} as {self.name}"
