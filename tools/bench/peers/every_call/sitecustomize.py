"""Benchmark only: apifuzz as it ran before queries, for tools/bench/exec_speed.py.

On PYTHONPATH (with ``--check-every 1``), every method counts as an action: the
invariants run after every call, getters declared ``@api(query=True)``
included.  The workers inherit PYTHONPATH, so they run this way too.
"""

from __future__ import annotations

import dataclasses

from apifuzz.model import registry

_made = registry.MethodSpec.__init__


def _no_query(self: registry.MethodSpec, *args: object, **kwargs: object) -> None:
    _made(self, *args, **kwargs)  # type: ignore[arg-type]
    object.__setattr__(self, "query", False)


registry.MethodSpec.__init__ = _no_query  # type: ignore[method-assign]
assert dataclasses.is_dataclass(registry.MethodSpec)
