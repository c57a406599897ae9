"""Small models written only against the public contract, shared by the tests."""

from __future__ import annotations

import enum
from typing import Annotated, Optional

from apifuzz import Ref, Target, api, ids, invariant


class Refused(Exception):
    """The sample models' expected exception."""


class Color(enum.Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


ItemId = Annotated[int, Ref("item")]


class Store:
    """A tiny store of named items; deliberately has a few paths that break."""

    def __init__(self, capacity: int = 8) -> None:
        if not 0 < capacity <= 100:
            raise Refused("capacity out of range")
        self.capacity = capacity
        self.items: dict[int, str] = {}
        self.next_id = 10
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self.broken = False

    @ids("item")
    def item_ids(self) -> list[int]:
        return sorted(self.items)

    @api
    def add(self, name: str) -> int:
        if len(self.items) >= self.capacity:
            raise Refused("full")
        self.items[self.next_id] = name
        self.next_id += 1
        self.calls.append(("add", (name,)))
        return self.next_id - 1

    @api(alias="r")
    def remove(self, item: ItemId) -> bool:
        self.calls.append(("remove", (item,)))
        del self.items[item]
        return True

    @api
    def rename(self, item: ItemId, name: str = "x") -> bool:
        self.calls.append(("rename", (item, name)))
        if name == "":
            return False
        if name == "crash":
            raise KeyError("crash")
        self.items[item] = name
        return True

    @api
    def paint(self, items: set[ItemId], color: Color, alpha: float = 1.0) -> int:
        self.calls.append(("paint", (items, color, alpha)))
        if color is Color.BLUE and alpha < 0:
            self.broken = True
        return len(items)

    @api
    def tag(
        self,
        label: Optional[str],
        data: bytes,
        flags: list[bool],
        pair: tuple[int, str],
        many: tuple[int, ...] = (),
    ) -> None:
        self.calls.append(("tag", (label, data, flags, pair, many)))

    @api
    def resize(self, *, capacity: int) -> bool:
        self.calls.append(("resize", (capacity,)))
        self.capacity = capacity
        return True

    def helper(self) -> None:
        """Not registered: a script must never reach it."""
        raise AssertionError("unregistered method reached")

    @invariant
    def not_broken(self) -> None:
        assert not self.broken, "store is broken"


store_target = Target(Store, expected=(Refused,))
