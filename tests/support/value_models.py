"""A model whose bug needs two keys that collide under ``hash()``.

``Table`` files each entry under its key's hash and, the seeded bug, looks an
entry up by hash alone: a second key with the hash of a first overwrites it.
Keys are non-negative (a domain), so the classic ``-1``/``-2`` pair is out of
reach; the smallest colliding pairs are a small key and that key plus
``2**61 - 1`` (CPython hashes ints modulo that prime), which no random int of a
few bits and no neighbour of one ever gives.
"""

from __future__ import annotations

from typing import Annotated

from apifuzz import Range, Target, api, invariant

Key = Annotated[int, Range(0, 2**64)]


class Table:
    def __init__(self) -> None:
        self.slots: dict[int, tuple[int, int]] = {}  # hash -> (key, value)
        self.truth: dict[int, int] = {}  # what was put, the right way

    @api
    def put(self, key: Key, value: int) -> None:
        self.slots[hash(key)] = (key, value)  # the bug: a colliding key takes the slot
        self.truth[key] = value

    @api(query=True)
    def get(self, key: Key) -> int | None:
        entry = self.slots.get(hash(key))
        return entry[1] if entry is not None else None

    @invariant
    def every_key_is_kept(self) -> None:
        kept = {key for key, _ in self.slots.values()}
        assert kept == set(self.truth), f"keys lost: {sorted(set(self.truth) - kept)}"


table_target = Target(Table)
