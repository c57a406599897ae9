"""Models whose parameters carry domains and whose actions have preconditions."""

from __future__ import annotations

from typing import Annotated

from apifuzz import OneOf, Range, Ref, Target, Text, api, ids, invariant, precondition

Size = Annotated[int, Range(0, 100)]
Step = Annotated[int, Range(40, 60)]
Colour = Annotated[str, OneOf("red", "green", "blue")]
Label = Annotated[str, Text(alphabet="ab", min_size=1, max_size=4)]
Ratio = Annotated[float, Range(0.5, 2.0)]
Mode = Annotated[int, OneOf(3, 5, 8)]
Code = Annotated[bytes, OneOf(b"x", b"yz")]
ItemId = Annotated[int, Ref("item")]


class ShelfError(Exception):
    """A refused request."""


class Shelf:
    """Items with a size, a colour and a label; every value a call receives is checked."""

    def __init__(self) -> None:
        self.items: dict[int, list[object]] = {}
        self.next = 1
        self.calls: list[str] = []

    @api
    def put(self, size: Size, colour: Colour, label: Label) -> int:
        """A new item."""
        assert 0 <= size <= 100, size
        assert colour in ("red", "green", "blue"), colour
        assert 1 <= len(label) <= 4 and set(label) <= {"a", "b"}, label
        item = self.next
        self.next += 1
        self.items[item] = [size, colour, label]
        return item

    @api
    @precondition("has_items")
    def shrink(self, item: ItemId, by: Step, ratio: Ratio | None = None) -> None:
        """Make an item smaller; the bug: by 47, below 50, in green."""
        assert 40 <= by <= 60, by
        assert ratio is None or 0.5 <= ratio <= 2.0, ratio
        size, colour, _ = self.items[item]
        assert isinstance(size, int)
        if by == 47 and size < 50 and colour == "green":
            raise RuntimeError("shrunk a small green item by 47")
        self.items[item][0] = max(0, size - by)

    @precondition(lambda self: len(self.items) >= 2)
    @api
    def drop(self, item: ItemId) -> None:
        """Drop an item, when there are two at least."""
        assert len(self.items) >= 2
        del self.items[item]

    @api
    def tune(self, mode: Mode, codes: list[Code]) -> int:
        """Values from fixed sets."""
        assert mode in (3, 5, 8), mode
        assert all(c in (b"x", b"yz") for c in codes), codes
        return mode

    def has_items(self) -> bool:
        """Whether any item exists."""
        return bool(self.items)

    @ids("item")
    def item_ids(self) -> list[int]:
        """The items."""
        return sorted(self.items)

    @invariant
    def check(self) -> None:
        """Sizes stay in range."""
        for size, _, _ in self.items.values():
            assert isinstance(size, int) and 0 <= size <= 100


target = Target(Shelf, expected=(ShelfError,))


class Broken:
    """A precondition that raises."""

    @api
    @precondition(lambda self: 1 / 0)
    def go(self) -> None:
        """Never called."""


broken_target = Target(Broken)
