"""A model whose bugs have known minimal scripts, for the minimizer's tests."""

from __future__ import annotations

import time
from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant


class Refused(Exception):
    pass


Box = Annotated[int, Ref("box")]

#: Counts calls of Boxes.flaky across models: its bug shows on every other call only.
FLAKY_CALLS = [0]


class Boxes:
    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}
        self.labels: dict[int, str] = {}
        self.labelled = 0
        self.next = 1

    @ids("box")
    def box_ids(self) -> list[int]:
        return sorted(self.sizes)

    @api
    def add(self, size: int) -> int:
        self.sizes[self.next] = size
        self.next += 1
        return self.next - 1

    @api
    def label(self, box: Box, text: str) -> None:
        if not text:
            raise Refused("empty label")
        if box not in self.labels:
            self.labelled += 1
        self.labels[box] = text

    @api
    def remove(self, box: Box, keep_label: bool = False) -> None:
        del self.sizes[box]
        self.labels.pop(box, None)  # the bug: self.labelled is not decremented

    @api
    def pair(self, a: Box, b: Box) -> None:
        if a == b:
            raise Refused("a box cannot pair with itself")
        if self.sizes[a] != self.sizes[b]:
            raise ValueError("sizes differ")  # one bug
        raise KeyError("equal sizes")  # another bug

    @api
    def noise(self, n: int, words: list[str] | None = None) -> None:
        pass

    @api
    def flaky(self) -> None:
        FLAKY_CALLS[0] += 1
        if FLAKY_CALLS[0] % 2:
            raise RuntimeError("every other call")

    @api
    def slow(self, n: int) -> None:
        while n >= 1000:  # the bug: a hang
            time.sleep(0.001)

    @invariant
    def counted(self) -> None:
        assert self.labelled == len(self.labels), "label count out of sync"


target = Target(Boxes, expected=(Refused,))
