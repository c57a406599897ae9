"""A small model with quick-to-find bugs, for the engine's end-to-end tests."""

from __future__ import annotations

import os
import time
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant


class Refused(Exception):
    pass


Cell = Annotated[int, Ref("cell")]
WEAR = [0]


class Cells:
    def __init__(self) -> None:
        self.cells: dict[int, int] = {}
        self.next = 1
        self.broken = False

    @ids("cell")
    def cell_ids(self) -> list[int]:
        return sorted(self.cells)

    @api
    def new(self, value: int) -> int:
        if len(self.cells) >= 50:
            raise Refused("full")
        self.cells[self.next] = value
        self.next += 1
        return self.next - 1

    @api
    def divide(self, cell: Cell, by: int) -> int:
        if by == 0:
            raise Refused("division by zero refused")
        if by == 100 and "APIFUZZ_TEST_NO_DIVIDE_BUG" not in os.environ:
            return self.cells[cell] // (by - 100)  # the bug: ZeroDivisionError
        self.cells[cell] //= by
        return self.cells[cell]

    @api
    def label(self, cell: Cell, text: str) -> bool:
        if text == "clip" and "APIFUZZ_TEST_LABEL_BUG" in os.environ:
            self.broken = True  # the bug: breaks the invariant
        return cell in self.cells

    @api
    def spin(self, n: int) -> None:
        if n == 255 and "APIFUZZ_TEST_HANG" in os.environ:
            while True:  # the bug: a hang
                time.sleep(0.001)

    @api
    def wear(self) -> None:
        # Process-wide state: the bug shows only after many calls in one process, so a
        # fresh process replaying the crash does not see it (a flaky bug).
        WEAR[0] += 1
        if WEAR[0] > 300 and "APIFUZZ_TEST_WEAR" in os.environ:
            raise OSError("worn out")

    @invariant
    def whole(self) -> None:
        assert not self.broken, "a label broke the cells"


target = Target(Cells, expected=(Refused,))
