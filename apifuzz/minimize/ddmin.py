"""Delta debugging (Zeller and Hildebrandt, 2002): the smallest failing subsequence.

``ddmin`` works on any sequence and any predicate, which keeps it easy to
test on synthetic inputs with known answers; the script minimizer uses it on
statements after the cheaper one-at-a-time pass.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def _split(items: list[T], parts: int) -> list[list[T]]:
    """``items`` cut into ``parts`` contiguous chunks of nearly equal size."""
    size, extra = divmod(len(items), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        chunks.append(items[start:end])
        start = end
    return [c for c in chunks if c]


def ddmin(items: Sequence[T], fails: Callable[[list[T]], bool]) -> list[T]:
    """A subsequence of ``items`` that still ``fails`` and is 1-minimal.

    ``fails(items)`` must be true.  The result keeps the order of ``items``;
    removing any single element from it makes ``fails`` false (when the
    predicate is deterministic).  The empty sequence is never tried: a
    caller that cares tests it first.
    """
    current = list(items)
    parts = 2
    while len(current) >= 2:
        chunks = _split(current, parts)
        for chunk in chunks:
            if len(chunk) < len(current) and fails(chunk):
                current, parts = chunk, 2
                break
        else:
            for index in range(len(chunks)):
                complement = [x for i, c in enumerate(chunks) if i != index for x in c]
                if fails(complement):
                    current, parts = complement, max(parts - 1, 2)
                    break
            else:
                if parts >= len(current):
                    break
                parts = min(len(current), parts * 2)
    return current
