"""A model with holes a campaign report must show: a method always skipped, one always
refused, one never executed for its arguments, and a bug found at once."""

from __future__ import annotations

from typing import Annotated

from apifuzz import Ref, Target, api, ids


class Refused(Exception):
    """The expected exception."""


BookId = Annotated[int, Ref("book")]
ClipId = Annotated[int, Ref("clip")]


class Shelf:
    def __init__(self) -> None:
        self.books: dict[int, str] = {}

    @ids("book")
    def book_ids(self) -> list[int]:
        return sorted(self.books)

    @ids("clip")
    def clip_ids(self) -> list[int]:
        return []  # nothing ever creates a clip: trim is always skipped

    @api
    def add_book(self, title: str) -> int:
        key = len(self.books) + 1
        self.books[key] = title
        return key

    @api
    def read(self, book: BookId) -> str:
        return self.books[book]

    @api
    def trim(self, clip: ClipId) -> None:
        raise AssertionError("unreachable: no clip is ever live")

    @api
    def burn(self, book: BookId) -> None:
        raise Refused("books are never burnt")

    @api
    def drop(self, n: int) -> None:
        if n % 3 == 1:
            raise ValueError("dropped")  # the bug, found at once


target = Target(Shelf, expected=(Refused,))
