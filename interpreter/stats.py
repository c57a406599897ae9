"""Per-method counts of a fuzzing process: what became of every call a script asked for.

The interpreter increments them as it goes (see :attr:`Interpreter.stats
<apifuzz.interpreter.Interpreter.stats>`): plain dicts of ints, a few
operations per statement, no I/O.  A worker writes :meth:`MethodStats.to_json`
with its periodic stats file; the campaign adds the workers' counts with
:func:`merge_json`.

For each method: ``executed`` (returned, not False), ``refused`` by the
exception type it raised (``False`` for a False return), ``skipped`` by
reason (``no live <kind>``, ``bad arguments``), ``bugs`` (the call or the
checks after it showed one), and ``inputs``: how many inputs called it at
least once (executed, refused or bug), out of ``runs``.  Lines that name no
method are counted apart, in ``lines``, by reason (``parse error``,
``unknown method``, ``factory statement not first``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

#: The skip reason of a call whose arguments do not fit its parameters.
BAD_ARGUMENTS = "bad arguments"
#: The refusal "type" of a call that returned False.
FALSE_RETURN = "False"


class MethodStats:
    """The counts of one process, kept in plain dicts for speed; see the module docstring."""

    __slots__ = ("_cells", "lines", "refused", "runs", "skipped")

    def __init__(self, methods: Iterable[str] = ()) -> None:
        self.runs = 0
        # Per method one list, [executed, bugs, inputs, the run it was last called in]: one
        # dict lookup per call, as the interpreter's loop pays for every statement.
        self._cells: dict[str, list[int]] = {}
        self.refused: dict[str, dict[str, int]] = {}
        self.skipped: dict[str, dict[str, int]] = {}
        self.lines: dict[str, int] = {}
        for name in methods:
            self._add(name)

    def _add(self, name: str) -> list[int]:
        cell = self._cells[name] = [0, 0, 0, 0]
        self.refused[name] = {}
        self.skipped[name] = {}
        return cell

    def call(self, name: str, error: BaseException | None, returned_false: bool) -> None:
        """A call refused with ``error`` (an expected one), or that returned; ``returned_false``:
        it refused by returning False."""
        cell = self._cells.get(name) or self._add(name)
        if cell[3] != self.runs:
            cell[3] = self.runs
            cell[2] += 1
        if error is None and not returned_false:
            cell[0] += 1
            return
        kind = FALSE_RETURN if error is None else type(error).__name__
        by = self.refused[name]
        by[kind] = by.get(kind, 0) + 1

    def bug(self, name: str | None) -> None:
        """A call (or the checks after it) showed a bug; None: the construction did."""
        if name is None:
            return
        cell = self._cells.get(name) or self._add(name)
        if cell[3] != self.runs:
            cell[3] = self.runs
            cell[2] += 1
        cell[1] += 1

    def skip(self, name: str, reason: str) -> None:
        """A call of ``name`` skipped for ``reason`` (``no live clip``, ``bad arguments``)."""
        if name not in self._cells:
            self._add(name)
        by = self.skipped[name]
        by[reason] = by.get(reason, 0) + 1

    def line(self, reason: str) -> None:
        """A line that named no method it could call, for ``reason``."""
        self.lines[reason] = self.lines.get(reason, 0) + 1

    def to_json(self) -> dict[str, Any]:
        """The counts as JSON-ready data (the format :func:`merge_json` adds up)."""
        return {
            "runs": self.runs,
            "methods": {
                name: {
                    "executed": cell[0],
                    "refused": dict(self.refused[name]),
                    "skipped": dict(self.skipped[name]),
                    "bugs": cell[1],
                    "inputs": cell[2],
                }
                for name, cell in self._cells.items()
            },
            "lines": dict(self.lines),
        }


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _counts(value: object) -> dict[str, int]:
    if not isinstance(value, dict):
        return {}
    return {str(k): _int(v) for k, v in value.items()}


def merge_json(parts: Iterable[object]) -> dict[str, Any]:
    """Add up :meth:`MethodStats.to_json` data of several processes.

    Anything not of that shape (a file of an older apifuzz, a torn one) is
    skipped or counted as zero, never an error.
    """
    runs = 0
    methods: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for part in parts:
        if not isinstance(part, dict):
            continue
        runs += _int(part.get("runs"))
        for reason, n in _counts(part.get("lines")).items():
            lines[reason] = lines.get(reason, 0) + n
        found = part.get("methods")
        for name, entry in found.items() if isinstance(found, dict) else ():
            if not isinstance(entry, dict):
                continue
            into = methods.setdefault(
                str(name), {"executed": 0, "refused": {}, "skipped": {}, "bugs": 0, "inputs": 0}
            )
            for key in ("executed", "bugs", "inputs"):
                into[key] += _int(entry.get(key))
            for key in ("refused", "skipped"):
                for what, n in _counts(entry.get(key)).items():
                    into[key][what] = into[key].get(what, 0) + n
    return {"runs": runs, "methods": methods, "lines": lines}
