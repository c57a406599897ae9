"""A kanban board: columns of cards. The model of the guide (docs/guide.md)."""

from __future__ import annotations

from typing import Annotated

from apifuzz import Ref, Target, api, ids, invariant

ColumnId = Annotated[int, Ref("column")]  # an int that must name a live column
CardId = Annotated[int, Ref("card")]


class BoardError(Exception):
    """A refused request: expected behaviour, not a bug."""


class Board:
    def __init__(self) -> None:
        self._next_id = 1
        self.columns: dict[int, list[int]] = {}  # column -> its cards, top to bottom
        self.column_of: dict[int, int] = {}  # card -> the column holding it
        self.titles: dict[int, str] = {}  # card -> its title

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    @api
    def add_column(self) -> int:
        column = self._new_id()
        self.columns[column] = []
        return column

    @api
    def add_card(self, column: ColumnId, title: str) -> int:
        if not title.strip():
            raise BoardError("a card needs a title")
        card = self._new_id()
        self.columns[column].append(card)
        self.column_of[card] = column
        self.titles[card] = title
        return card

    @api
    def move_card(self, card: CardId, column: ColumnId, position: int) -> None:
        if not 0 <= position <= len(self.columns[column]):
            raise BoardError(f"no position {position} in column {column}")
        self.columns[self.column_of[card]].remove(card)
        self.columns[column].insert(position, card)
        self.column_of[card] = column

    @api
    def delete_column(self, column: ColumnId) -> None:
        for card in self.columns.pop(column):
            del self.titles[card]  # the bug: column_of[card] is left behind

    @ids("column")
    def column_ids(self) -> list[int]:
        return sorted(self.columns)

    @ids("card")
    def card_ids(self) -> list[int]:
        return sorted(self.titles)

    @invariant
    def check(self) -> None:
        for column, cards in self.columns.items():
            for card in cards:
                assert self.column_of[card] == column, f"card {card} is misplaced"
        assert self.column_of.keys() == self.titles.keys(), "a card is half deleted"


target = Target(Board, expected=(BoardError,))
