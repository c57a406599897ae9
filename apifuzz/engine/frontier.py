"""Where each input reached its newest state: the place for the next new call.

An input that libFuzzer keeps for a new state feature (engine.feedback) is a
stepping stone, and what made it one is a statement: the call that touched an
object after a method that never came before it on one object, the first
refusal of a kind.  The next step towards a bug that lives in that state is
often a call right after that statement (a redo right after the selection
that follows an undo), while a call put anywhere in a long traced script most
likely lands where later edits have changed the state again.  The worker
notes, per input, the last statement that brought a state feature new to the
worker (:meth:`Frontier.note`); the structure mutator puts half of its new
calls right after it (:meth:`Frontier.statement`).

Inputs are known by the hash of their bytes (libFuzzer hands the mutator the
very bytes it ran), in a map of bounded size: the oldest are forgotten first.
"""

from __future__ import annotations

#: How many inputs the map remembers (a few MB at most).
CAPACITY = 1 << 15


class Frontier:
    """Per input (its bytes), the script line of its newest state feature."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._lines: dict[int, int] = {}

    def note(self, data: bytes, line: int) -> None:
        """``data`` brought a new state feature at its line ``line`` (0-based, as split
        on newlines) and none after it."""
        lines = self._lines
        key = hash(data)
        if key not in lines and len(lines) >= self.capacity:
            del lines[next(iter(lines))]  # dicts keep insertion order: the oldest
        lines[key] = line

    def statement(self, data: bytes) -> int | None:
        """The index, among ``data``'s non-blank lines (the mutator's statements), of the
        line noted for ``data``; None when nothing was noted."""
        line = self._lines.get(hash(data))
        if line is None:
            return None
        before = data.split(b"\n")[: line + 1]
        return sum(1 for text in before if text.strip()) - 1
