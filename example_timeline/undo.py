"""Kdenlive's undo/redo *function pattern*, in Python.

Every modifying request of the timeline builds two functions while it works:
``redo`` replays what it did and ``undo`` reverts it.  Each elementary change
is applied at once through :meth:`Recorder.run`, which also appends the change
to ``redo`` and prepends its reverse to ``undo`` (Kdenlive's
``UPDATE_UNDO_REDO`` macro).  When the request succeeds the pair is pushed on
the undo stack as one :class:`UndoCommand`.

The functions are kept as flat tuples of operations rather than nested
closures (``lambda: redo() and op()`` in Kdenlive) so that a request touching
thousands of items cannot hit Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Fun = Callable[[], bool]
"""An undo or redo function: performs its change and returns True on success."""


def noop() -> bool:
    """The empty function: nothing to do, always succeeds."""
    return True


def sequence(operations: tuple[Fun, ...]) -> Fun:
    """One function running ``operations`` in order, stopping at the first failure."""
    if not operations:
        return noop

    def run() -> bool:
        return all(operation() for operation in operations)

    return run


class Recorder:
    """Collects the (operation, reverse) pairs of one request."""

    def __init__(self) -> None:
        self._redo: list[Fun] = []
        self._undo: list[Fun] = []

    def run(self, operation: Fun, reverse: Fun) -> None:
        """Apply ``operation`` now and record it with the function that reverts it.

        The requests validate everything before they start changing the model,
        so an elementary operation that fails is an internal error.
        """
        done = operation()
        assert done, f"elementary operation {operation!r} failed"
        self._redo.append(operation)
        self._undo.append(reverse)

    def functions(self) -> tuple[Fun, Fun]:
        """The ``(undo, redo)`` pair: undo reverts the changes in reverse order."""
        return sequence(tuple(reversed(self._undo))), sequence(tuple(self._redo))


@dataclass(frozen=True)
class UndoCommand:
    """One entry of the undo (or redo) stack, like a ``QUndoCommand`` built from lambdas."""

    label: str
    undo: Fun
    redo: Fun
