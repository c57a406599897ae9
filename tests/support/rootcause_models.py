"""Small models with seeded bugs for root-cause triage (tests/engine/test_rootcause.py)."""

from __future__ import annotations

from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant


class Refused(Exception):
    pass


class Disk:
    """One folder with a quota; two bugs break the same assertion through two methods."""

    def __init__(self) -> None:
        self.quota = 10
        self.used = 0
        self.snapshots: list[tuple[int, int]] = []

    @api
    def write(self, size: int) -> None:
        if size <= 0:
            raise Refused("nothing to write")
        if size > self.quota:  # the bug: compares the write alone, not used + size
            raise Refused("over quota")
        self.used += size

    @api
    def erase(self) -> None:
        self.used = 0

    @api
    def set_quota(self, quota: int) -> None:
        if quota < self.used or quota <= 0:
            raise Refused("quota below usage")
        self.quota = quota

    @api
    def snapshot(self) -> None:
        self.snapshots.append((self.used, self.quota))

    @api
    def restore(self) -> None:
        if not self.snapshots:
            raise Refused("no snapshot")
        self.used, _ = self.snapshots.pop()  # the bug: keeps today's quota

    @invariant
    def within_quota(self) -> None:
        assert self.used <= self.quota, f"{self.used} used of {self.quota}"


disk_target = Target(Disk, expected=(Refused,))

Item = Annotated[int, Ref("item")]


class Shelf:
    """Items in a dict and an order list; ``remove`` forgets the list (one stale entry)."""

    def __init__(self) -> None:
        self.items: dict[int, int] = {}
        self.order: list[int] = []
        self.next = 1

    @ids("item")
    def item_ids(self) -> list[int]:
        return sorted(self.items)

    @api
    def add(self, size: int) -> int:
        self.items[self.next] = size
        self.order.append(self.next)
        self.next += 1
        return self.next - 1

    @api
    def remove(self, item: Item) -> None:
        del self.items[item]  # the bug: leaves the item in self.order

    @api
    def total(self) -> int:
        return sum(self.items[i] for i in self.order)

    @api
    def largest(self) -> int:
        return max((self.items[i] for i in self.order), default=0)

    @api
    def listing(self) -> list[str]:
        return [f"{i}:{self.items[i]}" for i in self.order]

    @api
    def compact(self) -> None:
        self.order = [i for i in self.order if self.items[i] > 0]

    @api
    def resize(self, item: Item, size: int) -> None:
        self.items[item] = size


shelf_target = Target(Shelf, expected=(Refused,))


class Tally:
    """A number with undo and redo; independent bugs that share their setup or surface."""

    def __init__(self) -> None:
        self.value = 0
        self.done: list[tuple[str, int]] = []
        self.undone: list[tuple[str, int]] = []

    @api
    def set(self, value: int) -> None:
        self.done.append(("set", self.value))
        self.undone.clear()
        self.value = value

    @api
    def double(self) -> None:
        self.done.append(("double", self.value))
        self.undone.clear()
        self.value *= 2

    @api
    def negate(self) -> None:
        self.done.append(("negate", self.value))
        self.undone.clear()
        self.value = -self.value

    @api
    def half(self) -> int:
        assert self.value % 2 == 0, "the bug: half of an odd number"
        return self.value // 2

    @api
    def third(self) -> int:
        return {0: 0}[self.value % 3] or self.value // 3  # the bug: KeyError unless divisible

    @api
    def undo(self) -> bool:
        if not self.done:
            return False
        op, before = self.done.pop()
        self.undone.append((op, self.value))
        self.value = before
        return True

    @api
    def redo(self) -> bool:
        if not self.undone:
            return False
        op, after = self.undone.pop()
        self.done.append((op, self.value))
        if op == "double":
            self._redo_double(after)
        elif op == "negate":
            self._redo_negate(after)
        else:
            self.value = after
        return True

    def _redo_double(self, after: int) -> None:
        assert after != self.value * 2 or after == 0, "the bug: double redone twice"
        self.value = after

    def _redo_negate(self, after: int) -> None:
        self.value = {self.value: after}[after]  # the bug: KeyError unless nothing changes


tally_target = Target(Tally, expected=(Refused,))
