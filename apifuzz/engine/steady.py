"""Instrumentation that is the same in every process, so that a seed repeats a run.

atheris finds the basic blocks of a function as a set of its instructions,
hashed by ``id()``, and inserts the coverage counters in that set's order:
the order follows memory addresses, so two processes may instrument the same
function differently (a block more or less, counters in another order), and
two runs from the same seed part at the first input.  Hashing each
instruction by the order in which it is first hashed (the order atheris
walks the function in) makes the set's order, and the code, the same every
time.  Equality stays identity, as before.
"""

from __future__ import annotations

import itertools
from typing import Any


def steady_instrumentation() -> bool:
    """Make atheris instrument alike in every process; False when its internals differ."""
    try:
        from atheris import instrument_bytecode
    except ImportError:
        return False
    cls: Any = getattr(instrument_bytecode, "Instruction", None)
    if cls is None or "__hash__" not in vars(cls) or getattr(cls, "__slots__", None):
        return False  # another atheris: leave it as it is
    order = itertools.count(1)

    def __hash__(self: Any) -> int:
        try:
            return int(self.__dict__["_apifuzz_order"])
        except KeyError:
            value = self.__dict__["_apifuzz_order"] = next(order)
            return value

    cls.__hash__ = __hash__
    return True
