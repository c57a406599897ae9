"""A tiny stack with undo and redo, for the undo/redo oracle's tests.

``Stack`` is correct.  ``BrokenRedo`` has the deliberate bug the oracle is
for: redoing the push of 13 pushes 14, so a script that never calls ``redo``
never sees it.  The other subclasses break undo/redo in the other ways the
oracle reports.  ``Starred``, for the relational mutation that puts a call
between an undo and its redo, keeps state outside its history and forgets
it in a redo.
"""

from __future__ import annotations

from typing import Annotated

from apifuzz import Ref, Registration, Target, api, ids, invariant


class Refused(Exception):
    """A refused request."""


class Stack:
    LIMIT = 20

    def __init__(self) -> None:
        self.values: list[int] = []
        self.done: list[tuple[str, int]] = []  # ("push" | "pop", value)
        self.undone: list[tuple[str, int]] = []
        self.undo_calls = 0
        self.broken = False

    @api
    def push(self, value: int) -> int:
        if len(self.values) >= self.LIMIT:
            raise Refused("full")
        self.values.append(value)
        self.done.append(("push", value))
        self.undone.clear()
        return len(self.values)

    @api
    def pop(self) -> int:
        if not self.values:
            raise Refused("empty")
        value = self.values.pop()
        self.done.append(("pop", value))
        self.undone.clear()
        return value

    @api
    def peek(self) -> int | None:
        return self.values[-1] if self.values else None

    @api
    def undo(self) -> bool:
        self.undo_calls += 1
        if not self.done:
            return False
        op, value = self.done.pop()
        if op == "push":
            self.values.pop()
        else:
            self.values.append(value)
        self.undone.append((op, value))
        return True

    @api
    def redo(self) -> bool:
        if not self.undone:
            return False
        op, value = self.undone.pop()
        self._replay(op, value)
        self.done.append((op, value))
        return True

    def _replay(self, op: str, value: int) -> None:
        if op == "push":
            self.values.append(value)
        else:
            self.values.pop()

    def state(self) -> dict[str, object]:
        return {"values": tuple(self.values), "size": len(self.values)}

    @invariant
    def sane(self) -> None:
        assert not self.broken, "the stack is broken"


class BrokenRedo(Stack):
    def _replay(self, op: str, value: int) -> None:
        if op == "push" and value == 13:
            value = 14  # the bug: redo pushes the wrong value
        super()._replay(op, value)


class RefusingRedo(Stack):
    def redo(self) -> bool:
        if self.undone and self.undone[-1] == ("pop", 7):
            return False  # the bug: this redo is refused
        return super().redo()


class RaisingRedo(Stack):
    def redo(self) -> bool:
        if self.undone and self.undone[-1] == ("pop", 7):
            raise Refused("cannot redo that")  # an expected exception, at the wrong time
        return super().redo()


class CrashingUndo(Stack):
    def undo(self) -> bool:
        if self.done and self.done[-1] == ("push", 5):
            raise KeyError(5)  # the bug: undo crashes
        return super().undo()


class UndoBreaksInvariant(Stack):
    def undo(self) -> bool:
        if self.done and self.done[-1] == ("push", 9):
            self.broken = True
        return super().undo()


stack = Target(Stack, expected=(Refused,), undo="undo", redo="redo", state="state")
broken_redo = Target(BrokenRedo, expected=(Refused,), undo="undo", redo="redo", state="state")
broken_redo_no_state = Target(BrokenRedo, expected=(Refused,), undo="undo", redo="redo")
refusing_redo = Target(RefusingRedo, expected=(Refused,), undo="undo", redo="redo")
raising_redo = Target(RaisingRedo, expected=(Refused,), undo="undo", redo="redo")
crashing_undo = Target(CrashingUndo, expected=(Refused,), undo="undo", redo="redo")
undo_breaks_invariant = Target(UndoBreaksInvariant, expected=(Refused,), undo="undo", redo="redo")
no_undo = Target(Stack, expected=(Refused,))

target = broken_redo
"""What ``apifuzz fuzz undo_models --undo-redo`` fuzzes: the stack with the broken redo."""


class PlainList:
    """A class fuzzed through a Registration, with undo/redo as registered actions."""

    def __init__(self) -> None:
        self.items: list[int] = []
        self.trash: list[int] = []


reg = Registration(PlainList)


@reg.api
def add(model: PlainList, value: int) -> None:
    model.items.append(value)
    model.trash.clear()


@reg.api(name="undo")
def undo_add(model: PlainList) -> bool:
    if not model.items:
        return False
    model.trash.append(model.items.pop())
    return True


@reg.api(name="redo")
def redo_add(model: PlainList) -> bool:
    if not model.trash:
        return False
    value = model.trash.pop()
    model.items.append(value + (1 if value == 3 else 0))  # the bug: 3 comes back as 4
    return True


@reg.api(name="items_now")
def items_now(model: PlainList) -> tuple[int, ...]:
    return tuple(model.items)


registered = Target(reg, undo="undo", redo="redo", state="items_now")


class Starred:
    """Items with undo/redo of adds and drops; the stars are outside the history.

    The bug: redoing a drop leaves the item starred.  It needs a star between the
    undo of the drop and its redo, a call no undo records."""

    def __init__(self) -> None:
        self.items: set[int] = set()
        self.stars: set[int] = set()
        self.done: list[tuple[str, int]] = []
        self.undone: list[tuple[str, int]] = []
        self.next_id = 1

    @ids("item")
    def item_ids(self) -> list[int]:
        return sorted(self.items)

    @api
    def add(self) -> int:
        item, self.next_id = self.next_id, self.next_id + 1
        self._apply("add", item, redo=False)
        self.done.append(("add", item))
        self.undone.clear()
        return item

    @api
    def drop(self, item: Annotated[int, Ref("item")]) -> None:
        self._apply("drop", item, redo=False)
        self.done.append(("drop", item))
        self.undone.clear()

    @api
    def star(self, item: Annotated[int, Ref("item")]) -> None:
        self.stars.add(item)

    @api
    def undo(self) -> bool:
        if not self.done:
            return False
        op, item = self.done.pop()
        self._apply("drop" if op == "add" else "add", item, redo=False)
        self.undone.append((op, item))
        return True

    @api
    def redo(self) -> bool:
        if not self.undone:
            return False
        op, item = self.undone.pop()
        self._apply(op, item, redo=True)
        self.done.append((op, item))
        return True

    def _apply(self, op: str, item: int, redo: bool) -> None:
        if op == "add":
            self.items.add(item)
            return
        self.items.discard(item)
        if not redo:  # the bug: a redone drop keeps the star
            self.stars.discard(item)

    @invariant
    def stars_are_items(self) -> None:
        assert self.stars <= self.items, f"dropped items starred: {self.stars - self.items}"


starred = Target(Starred, undo="undo", redo="redo")
starred_without_history = Target(Starred)
