"""Instrumentation that is the same in every process, so that a seed repeats a run.

atheris finds the basic blocks of a function as a set of its instructions,
hashed by ``id()``, and inserts the coverage counters in that set's order:
the order follows memory addresses, so two processes may instrument the same
function differently (a block more or less, counters in another order), and
two runs from the same seed part at the first input.  Hashing each
instruction by the order in which it is first hashed (the order atheris
walks the function in) makes the set's order, and the code, the same every
time.  Equality stays identity, as before.

The numbering starts again at each code object atheris patches: numbered on
from whatever the process instrumented before, a module's blocks would come
in another order in a worker that read the modules before it from the cache
(:mod:`apifuzz.engine.instrument_cache`) than in one that instrumented them,
and two checkouts of one commit would fuzz a seed differently.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, cast


def steady_instrumentation() -> bool:
    """Make atheris instrument alike in every process; False when its internals differ."""
    try:
        from atheris import import_hook, instrument_bytecode
    except ImportError:
        return False
    cls: Any = getattr(instrument_bytecode, "Instruction", None)
    patch: Any = getattr(instrument_bytecode, "patch_code", None)
    if cls is None or "__hash__" not in vars(cls) or getattr(cls, "__slots__", None):
        return False  # another atheris: leave it as it is
    if getattr(patch, "_apifuzz_steady", False):
        return True  # done already in this process
    if patch is None or getattr(import_hook, "patch_code", None) is not patch:
        return False
    original = cast(Callable[..., Any], patch)
    order = [itertools.count(1)]

    def __hash__(self: Any) -> int:
        try:
            return int(self.__dict__["_apifuzz_order"])
        except KeyError:
            value = self.__dict__["_apifuzz_order"] = next(order[0])
            return value

    def steady_patch_code(code: Any, *args: Any, **kwargs: Any) -> Any:
        # atheris patches nested code objects through this name too: each is numbered
        # from 1, so its code depends on itself alone.
        order[0] = itertools.count(1)
        return original(code, *args, **kwargs)

    steady_patch_code._apifuzz_steady = True  # type: ignore[attr-defined]
    cls.__hash__ = __hash__
    instrument_bytecode.patch_code = steady_patch_code
    import_hook.patch_code = steady_patch_code
    return True
